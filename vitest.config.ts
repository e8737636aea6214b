import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

/** The integration test files and the architecture test, each with its source (read once). */
const FILES = ['tests/architecture.test.ts', ...readdirSync('tests/integration').filter((f) => f.endsWith('.test.ts')).map((f) => `tests/integration/${f}`)].map((file) => ({
	file,
	text: readFileSync(file, 'utf8')
}));

/**
 * Test files that never open the test database (pure functions, permission tables, the command
 * line's own embedded folder), found by what every database test uses (`freshDatabase`, `DB_KIND`
 * or `TEST_DATABASE_URL`): the PostgreSQL stage (TEST_DATABASE_URL set) leaves them out, since
 * they would run exactly as in the PGlite stage.
 */
function databaseFree(): string[] {
	return FILES.filter((f) => !/freshDatabase|DB_KIND|TEST_DATABASE_URL/.test(f.text)).map((f) => f.file);
}

/**
 * Test files that need modules of their own: they set or remove environment variables that
 * modules read once (the data folder the server's database singleton opens, case keys, the mail
 * relay, the clock), or replace modules and globals. The others share their worker's loaded
 * modules (`isolate: false`): loading the server's modules anew took each file about 3 s, a
 * quarter of the suite's time. What the server's modules cache outlives a file, so it is kept per
 * database handle (`perDatabase` in core/memo.ts) or keyed on the random ids of one database.
 */
function ownModules(): string[] {
	return FILES.filter((f) => /process\.env\.[A-Z_]+ =|delete process\.env|db\/index|vi\.(mock|stub|useFakeTimers)/.test(f.text)).map((f) => f.file);
}

// Integration tests of the domain modules against a real database: embedded PGlite by default,
// PostgreSQL when TEST_DATABASE_URL is set (scripts/test.js starts one with pg_virtualenv).
const exclude = process.env.TEST_DATABASE_URL ? [...configDefaults.exclude, ...databaseFree()] : configDefaults.exclude;
const isolated = ownModules();

export default defineConfig({
	// Page modules (src/lib/server/*/pages) import through SvelteKit's alias.
	resolve: { alias: { $lib: path.resolve('src/lib') } },
	test: {
		projects: [
			{ extends: true, test: { name: 'shared', include: ['tests/integration/**/*.test.ts', 'tests/architecture.test.ts'], exclude: [...exclude, ...isolated], isolate: false } },
			{ extends: true, test: { name: 'isolated', include: isolated, exclude } }
		],
		setupFiles: ['tests/helpers/per-file.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		pool: 'forks',
		// One worker per core: Vitest's default (cores − 1) runs one file at a time on a 2-core CI
		// machine, while the main process only waits for the workers (PGlite) or the server.
		maxWorkers: availableParallelism(),
		// The compiled UI messages are plain ES modules (over 3,000 messages): through Vite's module
		// runner they cost each test file seconds to load, natively well under one. The whole
		// folder, runtime included, so there is one runtime and one locale state.
		server: { deps: { external: [/\/src\/lib\/paraglide\//] } }
	}
});
