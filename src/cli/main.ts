/**
 * Operators' command line: `npm run cli -- <command> [options]`. Run with `--help` for the list.
 * The commands live with their modules (`src/lib/server/<module>/cli.ts`); this file dispatches,
 * opens the database for a command (`startup.ts`: the embedded folder is locked, so a second
 * process gets a message naming the first) and maps errors to exit codes: 0 done, 1 rejected
 * input or failure (the message says which file, line or field), 2 wrong usage.
 */
import { parseArgs } from 'node:util';
import { commands as accounts } from '../lib/server/accounts/cli';
import { commands as casework } from '../lib/server/casework/cli';
import { UsageError, type CliCommand, type WithDatabase } from '../lib/server/core/command';
import { ImportError, NotFoundError, ValidationError } from '../lib/server/core/errors';
import { commands as directory } from '../lib/server/directory/cli';
import { commands as geography } from '../lib/server/geography/cli';
import { commands as hosting } from '../lib/server/hosting/cli';
import { commands as participation } from '../lib/server/participation/cli';
import { commands as volunteering } from '../lib/server/volunteering/cli';
import { commands as platform } from './platform';

const SECTIONS: [string, CliCommand[]][] = [
	['Database (DATABASE_URL=postgres://… for a server, else embedded PGlite in DATA_DIR, default ./.data)', platform.filter((c) => c.name !== 'outbox')],
	['Geography', geography],
	['Accounts', accounts],
	['Directory (Wegweiser; CSV columns: docs/csv.md; HSDS 3.0 JSON: docs/hsds.md)', directory],
	['Casework (case encryption keys in CASE_KEYS or CASE_KEY_FILE; Löschplan: docs/retention.md)', casework],
	['Ehrenamt (deletion periods and what is stored: docs/volunteering.md)', volunteering],
	['Hosting (rooms, bookings, own events: docs/hosting.md)', hosting],
	['Partizipation (publication with k, deletion of exact points: docs/participation.md)', participation],
	['Mail', platform.filter((c) => c.name === 'outbox')]
];

const COMMANDS = SECTIONS.flatMap(([, list]) => list);

const HELP = `anlaufstelle operators' command line

Usage: npm run cli -- <command> [options]

${SECTIONS.map(([title, list]) => `${title}:\n${list.map((c) => c.help.replace(/^/gm, '  ')).join('\n')}`).join('\n\n')}

Every import runs in one transaction: a file with any error changes nothing
(directory imports: unless --skip-invalid, which imports the rest and lists what it skipped).`;

function commandOf(positionals: string[]): { command: CliCommand; rest: string[] } | null {
	for (const command of COMMANDS) {
		const words = command.name.split(' ');
		if (words.every((w, i) => positionals[i] === w)) return { command, rest: positionals.slice(words.length) };
	}
	return null;
}

const withDatabase: (command: string) => WithDatabase = (command) => async (fn, options) => {
	const { openForCommand } = await import('../lib/server/startup');
	const handle = await openForCommand(`cli ${command}`, undefined, options);
	try {
		return await fn(handle);
	} finally {
		await handle.close();
	}
};

async function run(argv: string[]): Promise<void> {
	const loose = parseArgs({ args: argv, allowPositionals: true, strict: false, options: { help: { type: 'boolean', short: 'h' } } });
	if (loose.values.help || loose.positionals.length === 0 || loose.positionals[0] === 'help') {
		console.log(HELP);
		return;
	}
	const found = commandOf(loose.positionals);
	if (!found) throw new UsageError(`unknown command "${loose.positionals.join(' ')}"`);
	const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' }, ...found.command.options } });
	await found.command.run({ values, positionals: positionals.slice(found.command.name.split(' ').length), withDatabase: withDatabase(found.command.name) });
}

try {
	await run(process.argv.slice(2));
} catch (e) {
	if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
		console.error(`error: ${(e as Error).message}\n\nRun "npm run cli -- --help" for usage.`);
		process.exit(2);
	}
	if (e instanceof ImportError || e instanceof NotFoundError) {
		console.error(`error: ${e.message}`);
	} else if (e instanceof ValidationError) {
		console.error(`error: invalid input: ${e.issues.map((i) => `--${i.field}: ${i.code}`).join(', ')}`);
	} else if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
		console.error(`error: file not found: ${(e as NodeJS.ErrnoException).path}`);
	} else {
		console.error(`error: ${(e as Error).message.split('\n')[0]}`);
	}
	process.exit(1);
}
