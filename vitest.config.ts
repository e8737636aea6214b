import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Integration tests of the domain modules against a real database: embedded PGlite by default,
// PostgreSQL when TEST_DATABASE_URL is set (scripts/test.js starts one with pg_virtualenv).
export default defineConfig({
	test: {
		include: ['tests/integration/**/*.test.ts', 'tests/architecture.test.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		pool: 'forks',
		// One worker per core: Vitest's default (cores − 1) runs one file at a time on a 2-core CI
		// machine, while the main process only waits for the workers (PGlite) or the server.
		maxWorkers: availableParallelism()
	}
});
