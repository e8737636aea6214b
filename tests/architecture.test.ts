/**
 * The architecture test (issue 11 §9): reads every import of `src/` and the SQL of the server
 * code, and fails when one runs against the layers and rules of docs/architecture.md:
 * 1. layers: foundation (core, db) → access → audit → modules in order → composition → routes
 *    (shared `$lib` code — formatting, i18n, messages, components — sits just above the
 *    foundation; `import type` is not bound, types carry no code);
 * 2. routes never import drizzle, a table or the database client;
 * 3. a module's tables are read and written by that module only (imports of its `schema.ts`,
 *    and table names in SQL text);
 * 4. `pages/` only from routes, `demo.ts` only from the demo loader, `cli.ts` only from the CLI;
 * 5. roles are compared only in `access/` and the modules' `permissions.ts`;
 * 6. no route reads `locals.principal!`;
 * 7. UI messages are imported only where people's text is made (pages/, http/, routes,
 *    components) and in the files listed in `MESSAGE_USERS` with their reason.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const SERVER = path.join(SRC, 'lib', 'server');

/** Domain modules in the order they may build on each other. */
const MODULES = ['geography', 'instances', 'accounts', 'directory', 'casework', 'steering', 'volunteering', 'networks', 'hosting', 'participation'];

/** Server files outside `pages/` that make text for people, and why. */
const MESSAGE_USERS: Record<string, string> = {
	'directory/hsds/taxonomy.ts': 'the HSDS API serves the taxonomy terms in the requested language',
	'directory/search-index.ts': 'offers are found by the translated names of their topics',
	'hosting/mail.ts': 'booking decisions, waiting-list promotions after a cancellation link and reminders reach people who have no page open, in their language',
	'networks/mails.ts': 'invitations and the digest job mail each recipient in their language; the job has no page',
	'volunteering/mail.ts': 'jobs outside any request (reminders, cancellations, retention notices) write to each volunteer in the language they chose'
};

/** Fails with every violation listed. */
function expectNone(violations: string[]): void {
	expect([...new Set(violations)]).toEqual([]);
}

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const full = path.join(dir, name);
		if (name === 'paraglide' || name === 'node_modules') return [];
		return statSync(full).isDirectory() ? walk(full) : /\.(ts|svelte|js)$/.test(name) ? [full] : [];
	});
}

const FILES = walk(SRC);

interface Import {
	from: string;
	spec: string;
	/** `import type`: types only, no code at run time (not bound by the layers). */
	typeOnly: boolean;
	/** Absolute path without extension, or null for a package. */
	target: string | null;
}

function resolveSpec(from: string, spec: string): string | null {
	let abs: string;
	if (spec.startsWith('$lib/')) abs = path.join(SRC, 'lib', spec.slice(5));
	else if (spec.startsWith('.')) abs = path.resolve(path.dirname(from), spec);
	else return null;
	abs = abs.replace(/\.(ts|js|svelte)$/, '');
	for (const candidate of [abs, path.join(abs, 'index')]) {
		for (const ext of ['.ts', '.js', '.svelte']) {
			try {
				if (statSync(candidate + ext).isFile()) return candidate + ext;
			} catch {
				// try the next
			}
		}
	}
	return abs;
}

function importsOf(file: string): Import[] {
	const text = readFileSync(file, 'utf8');
	const out: Import[] = [];
	for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
		const spec = m[3] ?? m[4];
		out.push({ from: file, spec, typeOnly: !!m[2], target: resolveSpec(file, spec) });
	}
	return out;
}

const IMPORTS = FILES.flatMap(importsOf);

const rel = (f: string) => path.relative(ROOT, f);
const inServer = (f: string) => f.startsWith(SERVER + path.sep);
const serverPart = (f: string) => path.relative(SERVER, f).split(path.sep);

/** Layer rank: higher may import lower. */
function rank(f: string): number {
	if (f.startsWith(path.join(SRC, 'routes') + path.sep) || f === path.join(SRC, 'hooks.server.ts')) return 100;
	if (f.startsWith(path.join(SRC, 'cli') + path.sep)) return 90;
	if (!inServer(f)) return 5; // $lib shared code: formatting, i18n, messages, components
	const [first] = serverPart(f);
	if (first === 'core' || first === 'db') return 0;
	if (first === 'access' || path.basename(f) === 'permissions.ts') return 1;
	if (first === 'audit') return 2;
	const m = MODULES.indexOf(first);
	if (m >= 0) return 10 + m;
	return 80; // composition: startup.ts, schema.ts, demo/, http/
}

/** Tables and the module that owns them, from the `pgTable('name'` calls of each schema.ts. */
function tableOwners(): Map<string, string> {
	const owners = new Map<string, string>();
	for (const f of FILES.filter((x) => inServer(x) && /(^|-)schema\.ts$/.test(path.basename(x)))) {
		const owner = serverPart(f)[0];
		for (const m of readFileSync(f, 'utf8').matchAll(/pgTable\(\s*'([a-z_]+)'/g)) owners.set(m[1], owner);
	}
	return owners;
}

describe('architecture (docs/architecture.md)', () => {
	it('imports follow the layers: foundation → access → audit → modules in order → composition → routes', () => {
		const wrong: string[] = [];
		for (const i of IMPORTS) {
			if (!i.target || !i.target.startsWith(SRC) || i.typeOnly) continue;
			const a = rank(i.from);
			const b = rank(i.target);
			// The access layer puts the table together from the modules' fragments.
			if (i.from === path.join(SERVER, 'access', 'index.ts') && path.basename(i.target) === 'permissions.ts') continue;
			// A permission fragment needs only the predicates and types of access/.
			if (path.basename(i.from) === 'permissions.ts' && !i.target.startsWith(path.join(SERVER, 'access'))) {
				wrong.push(`${rel(i.from)} → ${i.spec} (a permission fragment imports only access/)`);
				continue;
			}
			if (b > a) wrong.push(`${rel(i.from)} → ${i.spec}`);
			if (a < 5 && !inServer(i.target)) wrong.push(`${rel(i.from)} → ${i.spec} (foundation and access import no UI code)`);
		}
		expectNone(wrong);
	});

	it('routes never import drizzle, a table or the database client', () => {
		const wrong = IMPORTS.filter(
			(i) => rank(i.from) === 100 && (i.spec.startsWith('drizzle-orm') || /\/schema(\.ts)?$/.test(i.spec) || /server\/db\/client/.test(i.spec))
		).map((i) => `${rel(i.from)} → ${i.spec}`);
		expectNone(wrong);
	});

	it("a module's tables are used by that module only (imports and SQL)", () => {
		const owners = tableOwners();
		const wrong: string[] = [];
		for (const i of IMPORTS) {
			if (!i.target || !/(^|-)schema\.ts$/.test(path.basename(i.target)) || !inServer(i.target)) continue;
			const owner = serverPart(i.target)[0];
			const user = inServer(i.from) ? serverPart(i.from)[0] : 'routes';
			// A module may split its tables over `schema.ts` and `<part>-schema.ts` files (re-exported by its schema.ts).
			const allowed = user === owner || /(^|-)schema\.ts$/.test(path.basename(i.from)) || i.from === path.join(SERVER, 'schema.ts');
			if (!allowed) wrong.push(`${rel(i.from)} imports the tables of ${owner}`);
		}
		for (const f of FILES.filter((x) => inServer(x) && /\.ts$/.test(x) && !/(^|-)schema\.ts$/.test(path.basename(x)))) {
			const user = serverPart(f)[0];
			const text = readFileSync(f, 'utf8');
			for (const block of text.matchAll(/sql`([^`]*)`/g)) {
				for (const m of block[1].matchAll(/\b(?:from|join|into|update)\s+([a-z_]+)\b/gi)) {
					const owner = owners.get(m[1]);
					if (owner && owner !== user && !(owner === 'core' && ['core', 'db'].includes(user))) wrong.push(`${rel(f)}: SQL names ${m[1]} of ${owner}`);
				}
			}
		}
		expectNone(wrong);
	});

	it('pages/ is used by routes, demo.ts by the demo loader, cli.ts by the command line', () => {
		const wrong: string[] = [];
		for (const i of IMPORTS) {
			if (!i.target || !inServer(i.target) || i.typeOnly) continue;
			const parts = serverPart(i.target);
			const fromRoutes = rank(i.from) === 100;
			if (parts.includes('pages') && !fromRoutes && !(inServer(i.from) && serverPart(i.from).includes('pages'))) wrong.push(`${rel(i.from)} → ${i.spec}`);
			if (path.basename(i.target) === 'demo.ts' && MODULES.includes(parts[0]) && i.from !== path.join(SERVER, 'demo', 'load.ts') && path.dirname(i.from) !== path.dirname(i.target)) {
				wrong.push(`${rel(i.from)} → ${i.spec}`);
			}
			if (path.basename(i.target) === 'cli.ts' && !i.from.startsWith(path.join(SRC, 'cli'))) wrong.push(`${rel(i.from)} → ${i.spec}`);
		}
		expectNone(wrong);
	});

	it('roles are compared only in access/ and the permission fragments', () => {
		const wrong: string[] = [];
		for (const f of FILES) {
			if (f.startsWith(path.join(SERVER, 'access')) || path.basename(f) === 'permissions.ts') continue;
			readFileSync(f, 'utf8')
				.split('\n')
				.forEach((line, n) => {
					if (/\.role\s*[!=]==|[!=]==\s*[\w.?]*\.role\b|\(\s*userAccount\.role\s*,/.test(line)) wrong.push(`${rel(f)}:${n + 1}: ${line.trim()}`);
				});
		}
		expectNone(wrong);
	});

	it('routes get the signed-in person through requirePrincipal(event), never locals.principal!', () => {
		const wrong = FILES.filter((f) => rank(f) === 100 && readFileSync(f, 'utf8').includes('locals.principal!')).map(rel);
		expectNone(wrong);
	});

	it('UI messages are imported only where text for people is made', () => {
		const wrong = IMPORTS.filter((i) => {
			if (!/(\$lib\/messages|paraglide\/messages)/.test(i.spec) || !inServer(i.from)) return false;
			const parts = serverPart(i.from);
			return !parts.includes('pages') && parts[0] !== 'http' && !(parts.join('/') in MESSAGE_USERS);
		}).map((i) => rel(i.from));
		expectNone(wrong);
	});

	it('every UI message is used: named in the code, or built there from a prefix (`vo_mail_${kind}_body`, `inWords(…, \'rt_error_\')`)', () => {
		const code = FILES.map((f) => readFileSync(f, 'utf8')).join('\n');
		const named = new Set(code.match(/[A-Za-z0-9_]+/g));
		const built = [
			...[...code.matchAll(/`([a-z][A-Za-z0-9_]*)\$\{[^}]*\}([A-Za-z0-9_]*)`/g)].map((m) => new RegExp(`^${m[1]}[A-Za-z0-9_]+${m[2]}$`)),
			// A prefix handed on as a string ('rt_error_') or joined with +.
			...[...code.matchAll(/['"`]([a-z][a-z0-9]*_[A-Za-z0-9_]*_)['"`]/g)].map((m) => new RegExp(`^${m[1]}`))
		];
		const messages = path.join(ROOT, 'messages');
		const files = [path.join(messages, 'de.json'), ...readdirSync(messages).map((d) => path.join(messages, d, 'de.json'))].filter(existsSync);
		const keys = files.flatMap((f) => Object.keys(JSON.parse(readFileSync(f, 'utf8'))).filter((k) => k !== '$schema'));
		expectNone(keys.filter((k) => !named.has(k) && !built.some((b) => b.test(k))));
	});
});
