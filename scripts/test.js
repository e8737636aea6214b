/**
 * `npm test`: everything CI runs.
 * 1. builds the app (compiles the UI messages too);
 * 2. integration tests on embedded PGlite;
 * 3. the same integration tests, the HTTP tests and the permission matrix on a throwaway PostgreSQL 15 cluster started
 *    with pg_virtualenv (skipped with a visible warning where no PostgreSQL binaries exist);
 * 4. HTTP and browser tests (Playwright driving Debian's Chromium, axe-core) on PGlite.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const node = process.execPath;
const vitest = ['node_modules/vitest/vitest.mjs', 'run'];
let failed = false;

function step(title, command, args) {
	console.log(`\n=== ${title}`);
	const result = spawnSync(command, args, { stdio: 'inherit' });
	if (result.status !== 0) {
		console.error(`=== FAILED: ${title} (exit ${result.status ?? result.signal})`);
		failed = true;
	}
	return result.status === 0;
}

if (!step('build', node, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'])) process.exit(1);

step('integration tests on PGlite', node, vitest);

const pgVirtualenv = ['/usr/bin/pg_virtualenv', '/usr/local/bin/pg_virtualenv'].find(existsSync);
const pgVersion = ['17', '16', '15'].find((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`)) ?? '15';
if (pgVirtualenv && existsSync(`/usr/lib/postgresql/${pgVersion}/bin/postgres`)) {
	// pg_virtualenv exports PGHOST/PGPORT/PGUSER/PGPASSWORD for a fresh cluster and removes it afterwards.
	const inner = [
		'export TEST_DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:${PGPORT:-5432}/postgres"',
		`"${node}" ${vitest.join(' ')}`,
		`"${node}" ${vitest.join(' ')} --config vitest.browser.config.ts tests/browser/http.test.ts tests/browser/permissions.test.ts`
	].join(' && ');
	// UTF-8 whatever the caller's locale: without LANG, initdb makes an SQL_ASCII cluster in which
	// lower() and the text search leave Cyrillic and Arabic letters alone.
	step(`integration and HTTP tests on PostgreSQL ${pgVersion}`, pgVirtualenv, ['-v', pgVersion, '-i', '--encoding=UTF8 --locale=C.UTF-8', 'sh', '-c', inner]);
} else {
	console.warn('\n=== WARNING: no PostgreSQL binaries (pg_virtualenv / postgresql-15) found: PostgreSQL tests SKIPPED');
}

step('HTTP and browser tests on PGlite', node, [...vitest, '--config', 'vitest.browser.config.ts']);

process.exit(failed ? 1 : 0);
