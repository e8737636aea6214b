import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that never open the test database (pure functions, permission tables, the command
 * line's own embedded folder), found by what every database test uses (`freshDatabase`, `DB_KIND`
 * or `TEST_DATABASE_URL`): the PostgreSQL stage (TEST_DATABASE_URL set) leaves them out, since
 * they would run exactly as in the PGlite stage.
 */
function databaseFree(): string[] {
	const files = ['tests/architecture.test.ts', ...readdirSync('tests/integration').filter((f) => f.endsWith('.test.ts')).map((f) => `tests/integration/${f}`)];
	return files.filter((f) => !/freshDatabase|DB_KIND|TEST_DATABASE_URL/.test(readFileSync(f, 'utf8')));
}

// Integration tests of the domain modules against a real database: embedded PGlite by default,
// PostgreSQL when TEST_DATABASE_URL is set (scripts/test.js starts one with pg_virtualenv).
export default defineConfig({
	// Page modules (src/lib/server/*/pages) import through SvelteKit's alias.
	resolve: { alias: { $lib: path.resolve('src/lib') } },
	test: {
		include: ['tests/integration/**/*.test.ts', 'tests/architecture.test.ts'],
		exclude: process.env.TEST_DATABASE_URL ? [...configDefaults.exclude, ...databaseFree()] : configDefaults.exclude,
		testTimeout: 60_000,
		hookTimeout: 120_000,
		pool: 'forks',
		// One worker per core: Vitest's default (cores − 1) runs one file at a time on a 2-core CI
		// machine, while the main process only waits for the workers (PGlite) or the server.
		maxWorkers: availableParallelism(),
		// The compiled UI messages are plain ES modules, one per message (over 3,000): through
		// Vite's module runner they cost each test file about 7 s to load, natively well under one.
		// The whole folder, runtime included, so there is one runtime and one locale state.
		server: { deps: { external: [/\/src\/lib\/paraglide\//] } }
	}
});
