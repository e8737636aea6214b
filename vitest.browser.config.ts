import { defineConfig } from 'vitest/config';

// HTTP and browser tests against the built server (started once by tests/browser/global-setup.ts).
export default defineConfig({
	test: {
		include: ['tests/browser/**/*.test.ts'],
		globalSetup: ['tests/browser/global-setup.ts'],
		setupFiles: ['tests/helpers/per-file.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		fileParallelism: false
	}
});
