/**
 * `npm test`: everything CI runs.
 * 1. builds the app (compiles the UI messages too);
 * 2. integration tests on embedded PGlite;
 * 3. the same integration tests, the HTTP tests and the permission matrix on a throwaway PostgreSQL 15 cluster started
 *    with pg_virtualenv (skipped with a visible warning where no PostgreSQL binaries exist);
 * 4. HTTP and browser tests (Playwright driving Debian's Chromium, axe-core) on PGlite.
 * Step 4 starts right after the build and runs beside steps 2 and 3: the browser tests mostly wait
 * on Chromium and their server while the integration tests keep the cores busy, so the suite
 * takes little more than steps 2 and 3 (it stays under 20 minutes on 2 cores). Each step keeps its
 * own server on a free port and its own database; the browser step's lines are prefixed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const node = process.execPath;
const vitest = ['node_modules/vitest/vitest.mjs', 'run'];
let failed = false;


if (!(await foreground('build', node, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']))) process.exit(1);

/**
 * Runs a step in the background, its output prefixed with `tag` line by line.
 * @returns a promise of whether it passed.
 */
function background(title, tag, command, args) {
	console.log(`\n=== ${title} (started; its lines begin with ${tag})`);
	return new Promise((resolve) => {
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
			let rest = '';
			from.on('data', (chunk) => {
				const lines = (rest + chunk.toString()).split('\n');
				rest = lines.pop() ?? '';
				for (const line of lines) to.write(`${tag} ${line}\n`);
			});
			from.on('end', () => rest && to.write(`${tag} ${rest}\n`));
		}
		child.on('close', (code, signal) => {
			const ok = code === 0;
			console.log(ok ? `\n=== done: ${title}` : `\n=== FAILED: ${title} (exit ${code ?? signal})`);
			if (!ok) failed = true;
			resolve(ok);
		});
	});
}

/**
 * Runs a step in the foreground without blocking the event loop (the background step's output
 * keeps flowing). @returns a promise of whether it passed.
 */
function foreground(title, command, args) {
	console.log(`\n=== ${title}`);
	return new Promise((resolve) => {
		spawn(command, args, { stdio: 'inherit' }).on('close', (code, signal) => {
			if (code !== 0) {
				console.error(`=== FAILED: ${title} (exit ${code ?? signal})`);
				failed = true;
			}
			resolve(code === 0);
		});
	});
}

const browser = background('HTTP and browser tests on PGlite', '[browser]', node, [...vitest, '--config', 'vitest.browser.config.ts']);

await foreground('integration tests on PGlite', node, vitest);

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
	await foreground(`integration and HTTP tests on PostgreSQL ${pgVersion}`, pgVirtualenv, ['-v', pgVersion, '-i', '--encoding=UTF8 --locale=C.UTF-8', 'sh', '-c', inner]);
} else {
	console.warn('\n=== WARNING: no PostgreSQL binaries (pg_virtualenv / postgresql-15) found: PostgreSQL tests SKIPPED');
}

await browser;

process.exit(failed ? 1 : 0);
