/**
 * Operators' command line: `npm run cli -- <command> [options]`. Run with `--help` for the list.
 * Exit codes: 0 done, 1 rejected input or failure (the message says which file, line or
 * field), 2 wrong usage.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../lib/server/accounts/service';
import { readConfig } from '../lib/server/config';
import type { DatabaseHandle } from '../lib/server/db/client';
import type { CsvKind } from '../lib/server/directory/csv';
import type { DirectoryImportSummary, ImportProgress } from '../lib/server/directory/imports';
import { ImportError, NotFoundError, ValidationError } from '../lib/server/errors';
import type { ImportSummary } from '../lib/server/geography/importers';

// Each command imports its modules when it runs: loading all of them (the demo pulls in nearly
// every module) took seconds before a usage error or `--help` could answer.

const HELP = `anlaufstelle operators' command line

Usage: npm run cli -- <command> [options]

Database (DATABASE_URL=postgres://… for a server, else embedded PGlite in DATA_DIR, default ./.data):
  migrate                                   apply pending migrations
  demo                                      load the demo municipalities (idempotent)
  backup --out FILE                         write a pg_dump-format SQL dump
  restore --in FILE                         restore a dump into an empty DATA_DIR (or DATABASE_URL via psql)

Geography:
  municipality create --slug SLUG --name NAME [--code AGS]
  import boundaries --municipality SLUG --level district|social-space --file FILE.geojson
      [--name-property name] [--code-property code]
      [--district-code-property district_code | --district-name-property P]   (social spaces)
  import statistics --municipality SLUG --level municipality|district|social-space --file FILE.csv
      --metric NAME --unit UNIT --value-column COL [--match name|code --key-column COL]
      (--as-of YYYY[-MM[-DD]] | --as-of-column COL) (--source TEXT | --source-column COL)

Directory (Wegweiser):
  import osm MUNICIPALITY FILE.geojson [--skip-invalid]
      OSM points (name, amenity, osm_id) as public actors; points outside the city are reported
  import csv MUNICIPALITY actors|offers FILE.csv [--skip-invalid]
  export csv MUNICIPALITY actors|offers FILE.csv [--delimiter ';'|',']
      columns: docs/csv.md; progress "done/total" on stderr; re-runs change only what changed

Accounts:
  user create --email E --name N --role ${ROLES.join('|')} --municipality SLUG
      [--instance SLUG …] [--password-file FILE]     (without a file a password is generated and printed once)

Directory exchange (Open Referral HSDS 3.0 JSON, see docs/hsds.md):
  import hsds MUNICIPALITY FILE.json [--skip-invalid] [--language TAG]   (language of the file's texts, default de)
  export hsds MUNICIPALITY FILE.json [--language TAG]                   (public actors with places and offers)

Case encryption (issue 4; keys in CASE_KEYS or CASE_KEY_FILE, default DATA_DIR/keys/case-keys.json):
  keys rotate                               key file: add a new current key, re-encrypt every case
                                            value in one transaction, drop the old keys;
                                            CASE_KEYS: re-encrypt to the last key, list unused old ids
Casework (Löschplan, see docs/retention.md):
  retention run [--now ISO-DATE] [--municipality SLUG] [--dry-run]
      erase due cases, fold contact months past the detail period into aggregates, erase
      expired referral tokens; prints counts per municipality. --now moves the clock (testing);
      --dry-run only counts

Mail:
  outbox                                    list mails written to DATA_DIR/outbox (no SMTP_URL set)

Every import runs in one transaction: a file with any error changes nothing
(directory imports: unless --skip-invalid, which imports the rest and lists what it skipped).`;

class UsageError extends Error {}

function required(values: Record<string, unknown>, name: string): string {
	const v = values[name];
	if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
	return v;
}

function printSummary(file: string, s: ImportSummary): void {
	console.log(`${file}: created ${s.created}, updated ${s.updated}, skipped ${s.skipped.length}`);
	for (const k of s.skipped) console.log(`  skipped ${k.record}: ${k.reason}`);
}

async function withDatabase<T>(fn: (h: DatabaseHandle) => Promise<T>): Promise<T> {
	const { migrateDatabase, openDatabase } = await import('../lib/server/db/client');
	const config = readConfig();
	const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
	try {
		await migrateDatabase(handle);
		return await fn(handle);
	} finally {
		await handle.close();
	}
}

/**
 * Progress of a long import on stderr: one updating line on a terminal, else a line per tenth
 * of the records (and the last), so logs stay short.
 */
function progressReporter(label: string): { progress: ImportProgress; end(): void } {
	const tty = process.stderr.isTTY;
	let last = -1;
	return {
		progress(done, total) {
			if (done === last) return;
			if (tty) process.stderr.write(`\r${label}: ${done}/${total}`);
			else if (done === total || done - Math.max(last, 0) >= Math.max(1, Math.ceil(total / 10))) console.error(`${label}: ${done}/${total}`);
			else return;
			last = done;
		},
		end() {
			if (tty && last >= 0) process.stderr.write('\n');
		}
	};
}

function printDirectorySummary(file: string, s: DirectoryImportSummary): void {
	console.log(
		`${file}: ${s.total} records: created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, skipped ${s.skipped.length}, outside ${s.outside.length}`
	);
	for (const k of s.skipped) console.log(`  skipped ${k.record}: ${k.reason}`);
	for (const k of s.outside) console.log(`  outside ${k.record}: ${k.reason}`);
}

/** `import osm`, `import csv` and `export csv`: positional arguments municipality, kind, file. */
async function directoryFile(positionals: string[], values: { 'skip-invalid'?: boolean; delimiter?: string }): Promise<void> {
	const [verb, format, municipality, ...rest] = positionals;
	const expected = format === 'osm' ? 1 : 2;
	if (!municipality || rest.length !== expected) {
		throw new UsageError(format === 'osm' ? 'usage: import osm MUNICIPALITY FILE' : `usage: ${verb} csv MUNICIPALITY actors|offers FILE`);
	}
	const file = rest.at(-1)!;
	if (format === 'osm') {
		const { importOsmActors } = await import('../lib/server/directory/import-osm');
		const text = await readFile(file, 'utf8');
		const reporter = progressReporter(file);
		await withDatabase(async (h) => {
			const summary = await importOsmActors(h.db, { municipality, file, text, skipInvalid: values['skip-invalid'], onProgress: reporter.progress, actorLabel: 'cli' }).finally(reporter.end);
			printDirectorySummary(file, summary);
		});
		return;
	}
	const kind = rest[0] as CsvKind;
	if (kind !== 'actors' && kind !== 'offers') throw new UsageError(`"${rest[0]}" must be actors or offers`);
	const { exportCsv, importCsv } = await import('../lib/server/directory/csv');
	if (verb === 'export') {
		const delimiter = values.delimiter ?? ';';
		if (delimiter !== ';' && delimiter !== ',') throw new UsageError("--delimiter must be ';' or ','");
		await withDatabase(async (h) => {
			const { text, rows } = await exportCsv(h.db, { municipality, kind, delimiter });
			await writeFile(file, text);
			console.log(`wrote ${rows} row(s) of ${kind} to ${file}`);
		});
		return;
	}
	const text = await readFile(file, 'utf8');
	const reporter = progressReporter(file);
	await withDatabase(async (h) => {
		const summary = await importCsv(h.db, { municipality, kind, file, text, skipInvalid: values['skip-invalid'], onProgress: reporter.progress, actorLabel: 'cli' }).finally(reporter.end);
		printDirectorySummary(file, summary);
	});
}

const LEVELS = { district: 'district', 'social-space': 'social_space', municipality: 'municipality' } as const;

async function run(argv: string[]): Promise<void> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			help: { type: 'boolean', short: 'h' },
			slug: { type: 'string' },
			name: { type: 'string' },
			code: { type: 'string' },
			municipality: { type: 'string' },
			level: { type: 'string' },
			file: { type: 'string' },
			'name-property': { type: 'string' },
			'code-property': { type: 'string' },
			'district-code-property': { type: 'string' },
			'district-name-property': { type: 'string' },
			match: { type: 'string' },
			'key-column': { type: 'string' },
			'value-column': { type: 'string' },
			metric: { type: 'string' },
			unit: { type: 'string' },
			'as-of': { type: 'string' },
			'as-of-column': { type: 'string' },
			source: { type: 'string' },
			'source-column': { type: 'string' },
			email: { type: 'string' },
			role: { type: 'string' },
			instance: { type: 'string', multiple: true },
			'password-file': { type: 'string' },
			out: { type: 'string' },
			in: { type: 'string' },
			'skip-invalid': { type: 'boolean' },
			delimiter: { type: 'string' },
			language: { type: 'string' },
			now: { type: 'string' },
			'dry-run': { type: 'boolean' }
		}
	});
	const command = positionals.join(' ');
	if (values.help || command === '' || command === 'help') {
		console.log(HELP);
		return;
	}
	if (['import osm', 'import csv', 'export csv'].includes(positionals.slice(0, 2).join(' '))) {
		await directoryFile(positionals, values);
		return;
	}
	if (positionals[1] === 'hsds' && (positionals[0] === 'import' || positionals[0] === 'export')) {
		const [verb, , municipality, file] = positionals;
		if (!municipality || !file || positionals.length > 4) throw new UsageError(`usage: ${verb} hsds MUNICIPALITY FILE.json`);
		const { exportHsdsFile, importHsdsFile } = await import('./hsds');
		await withDatabase((h) =>
			verb === 'import'
				? importHsdsFile(h.db, municipality, file, { skipInvalid: values['skip-invalid'] ?? false, language: values.language })
				: exportHsdsFile(h.db, municipality, file, { language: values.language })
		);
		return;
	}
	switch (command) {
		case 'migrate':
			await withDatabase(async () => console.log('migrations applied'));
			return;
		case 'demo': {
			const { loadDemo } = await import('../lib/server/demo/load');
			await withDatabase(async (h) => console.log(`demo loaded; ${(await loadDemo(h.db)).length} demo logins`));
			return;
		}
		case 'municipality create': {
			const { createMunicipality } = await import('../lib/server/geography/service');
			await withDatabase(async (h) => {
				const m = await createMunicipality(h.db, { slug: required(values, 'slug'), name: required(values, 'name'), officialCode: values.code });
				console.log(`created municipality ${m.slug} (${m.name})`);
			});
			return;
		}
		case 'import boundaries': {
			const { importBoundaries } = await import('../lib/server/geography/importers');
			const level = LEVELS[required(values, 'level') as keyof typeof LEVELS];
			if (level !== 'district' && level !== 'social_space') throw new UsageError('--level must be district or social-space');
			const file = required(values, 'file');
			const municipality = required(values, 'municipality');
			const text = await readFile(file, 'utf8');
			await withDatabase(async (h) =>
				printSummary(
					file,
					await importBoundaries(h.db, {
						municipality,
						level,
						file,
						text,
						nameProperty: values['name-property'],
						codeProperty: values['code-property'],
						districtCodeProperty: values['district-code-property'],
						districtNameProperty: values['district-name-property'],
						actorLabel: 'cli'
					})
				)
			);
			return;
		}
		case 'import statistics': {
			const level = LEVELS[required(values, 'level') as keyof typeof LEVELS];
			if (!level) throw new UsageError('--level must be municipality, district or social-space');
			const match = (values.match ?? 'name') as 'name' | 'code';
			if (match !== 'name' && match !== 'code') throw new UsageError('--match must be name or code');
			if (!values['as-of'] && !values['as-of-column']) throw new UsageError('--as-of or --as-of-column is required');
			if (!values.source && !values['source-column']) throw new UsageError('--source or --source-column is required');
			const file = required(values, 'file');
			const options = {
				municipality: required(values, 'municipality'),
				level,
				file,
				match,
				keyColumn: level === 'municipality' ? undefined : required(values, 'key-column'),
				valueColumn: required(values, 'value-column'),
				metric: required(values, 'metric'),
				unit: required(values, 'unit'),
				asOf: values['as-of'],
				asOfColumn: values['as-of-column'],
				source: values.source,
				sourceColumn: values['source-column'],
				actorLabel: 'cli'
			};
			const text = await readFile(file, 'utf8');
			const { importStatistics } = await import('../lib/server/geography/importers');
			await withDatabase(async (h) => printSummary(file, await importStatistics(h.db, { ...options, text })));
			return;
		}
		case 'user create': {
			const role = required(values, 'role') as Role;
			if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
			const generated = !values['password-file'];
			const password = generated
				? randomBytes(18).toString('base64url')
				: (await readFile(values['password-file']!, 'utf8')).trim();
			const [{ createUser }, { requireMunicipality }, { listInstances }] = await Promise.all([
				import('../lib/server/accounts/service'),
				import('../lib/server/geography/service'),
				import('../lib/server/instances/service')
			]);
			await withDatabase(async (h) => {
				const m = await requireMunicipality(h.db, required(values, 'municipality'));
				const instances = await listInstances(h.db, m.id);
				const instanceIds = (values.instance ?? []).map((slug) => {
					const found = instances.find((i) => i.slug === slug);
					if (!found) throw new NotFoundError(`unknown instance "${slug}" in ${m.slug}`);
					return found.id;
				});
				const user = await createUser(
					h.db,
					{ email: required(values, 'email'), displayName: required(values, 'name'), role, municipalityId: m.id, instanceIds, password },
					{ label: 'cli' }
				);
				console.log(`created ${user.role} ${user.email} in ${m.slug}`);
				if (generated) console.log(`password (shown once): ${password}`);
			});
			return;
		}
		case 'backup': {
			const out = required(values, 'out');
			const { backupDatabase } = await import('../lib/server/db/backup');
			await withDatabase(async (h) => backupDatabase(h, out));
			console.log(`backup written to ${out}`);
			return;
		}
		case 'restore': {
			const config = readConfig();
			const { restoreDatabase } = await import('../lib/server/db/backup');
			await restoreDatabase({ url: config.databaseUrl, dataDir: config.dataDir, file: required(values, 'in') });
			console.log('restored');
			return;
		}
		case 'keys rotate': {
			const { rotateKeys } = await import('../lib/server/casework/rotation');
			await withDatabase(async (h) => {
				const report = await rotateKeys(h.db);
				for (const [column, n] of Object.entries(report.reencrypted)) console.log(`${column}: re-encrypted ${n}`);
				console.log(`current key: ${report.currentKey}`);
				if (report.droppedKeys.length) console.log(`dropped keys: ${report.droppedKeys.join(', ')}`);
				if (report.unusedKeys.length) console.log(`no value uses these keys any more; remove them from CASE_KEYS: ${report.unusedKeys.join(', ')}`);
			});
			return;
		}
		case 'retention run': {
			let now: Date | undefined;
			if (values.now !== undefined) {
				now = new Date(values.now);
				if (!/^\d{4}-\d{2}-\d{2}/.test(values.now) || Number.isNaN(now.getTime())) {
					throw new UsageError(`--now must be an ISO 8601 date or instant, e.g. 2027-03-01T12:00:00Z (got "${values.now}")`);
				}
			}
			const [{ formatRetentionReport, runRetention }, { requireMunicipality }] = await Promise.all([
				import('../lib/server/casework/retention'),
				import('../lib/server/geography/service')
			]);
			await withDatabase(async (h) => {
				const municipalityId = values.municipality ? (await requireMunicipality(h.db, values.municipality)).id : undefined;
				console.log(formatRetentionReport(await runRetention(h.db, { now, municipalityId, dryRun: values['dry-run'] ?? false })));
			});
			return;
		}
		case 'outbox': {
			const { readOutbox } = await import('../lib/server/mail/service');
			for (const mail of await readOutbox()) {
				console.log(`--- ${mail.file}\n${mail.raw}`);
			}
			return;
		}
		default:
			throw new UsageError(`unknown command "${command}"`);
	}
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
		console.error(`error: ${(e as Error).message}`);
	}
	process.exit(1);
}
