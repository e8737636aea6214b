/**
 * Two app processes on one PostgreSQL 15 (issue 17 §3), started at the same moment on an empty
 * database: the start lock lets one migrate and load the demo while the other waits; ten failed sign-ins spread over both
 * lock the account; the deletion schedule runs once per interval across both; a write through
 * one process shows on the other's public page at once, although that page was in its cache.
 * Runs on PostgreSQL only (`npm test` runs it under pg_virtualenv) and needs the build
 * (`build/handler.js`), which `npm test` makes first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage } from '../helpers/browser';
import { Client } from '../helpers/http';
import { bareEnv, freePort, start, waitFor, type Started } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('two processes on one PostgreSQL', () => {
	const processes: Started[] = [];
	const bases: string[] = [];
	let databaseUrl = '';

	beforeAll(async () => {
		if (!existsSync('build/handler.js')) throw new Error('build/handler.js is missing: build first (npm test does)');
		const name = `two_${randomBytes(4).toString('hex')}`;
		const admin = new pg.Client({ connectionString: url });
		await admin.connect();
		await admin.query(`create database ${name}`);
		await admin.end();
		const u = new URL(url!);
		u.pathname = `/${name}`;
		databaseUrl = u.toString();
		// Both at once on the empty database: the start lock makes them take turns migrating and
		// loading the demo. The second reads public pages through a replica that is down (a port
		// nobody listens on), so its reads fall back to the primary.
		const deadReplica = new URL(databaseUrl);
		deadReplica.port = String(await freePort());
		const ports = [await freePort(), await freePort()];
		for (let i = 0; i < 2; i++) {
			const p = start(process.execPath, ['scripts/serve.js'], {
				env: bareEnv({
					PORT: String(ports[i]),
					HOST: '127.0.0.1',
					DATABASE_URL: databaseUrl,
					...(i === 1 ? { DATABASE_REPLICA_URL: deadReplica.toString() } : {}),
					DATA_DIR: tempDir('anl-two-'),
					DEMO: '1'
				})
			});
			processes.push(p);
			bases.push(`http://127.0.0.1:${ports[i]}`);
		}
		await Promise.all(processes.map((p) => waitFor(p, 'Listening on')));
	}, 240_000);

	afterAll(async () => {
		for (const p of processes) p.signal('SIGTERM');
		await Promise.all(processes.map((p) => p.exited));
	});

	it('migrates and loads the demo once when both start at once on an empty database', async () => {
		const journal = JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')) as { entries: unknown[] };
		const db = new pg.Client({ connectionString: databaseUrl });
		await db.connect();
		try {
			const migrations = await db.query(`select count(*)::int as n from drizzle.__drizzle_migrations`);
			expect(migrations.rows[0].n).toBe(journal.entries.length);
			const municipalities = await db.query(`select slug, count(*)::int as n from municipality group by slug order by slug`);
			expect(municipalities.rows).toEqual([
				{ slug: 'duesseldorf', n: 1 },
				{ slug: 'koeln', n: 1 }
			]);
			const accounts = await db.query(`select count(*)::int as n from user_account where email = 'wp5@example.org'`);
			expect(accounts.rows[0].n).toBe(1);
		} finally {
			await db.end();
		}
		for (const p of processes) {
			expect(p.output()).not.toMatch(/cannot start|"level":"error"|"level":50/);
			expect(p.output()).toContain('database ready');
		}
		expect(processes[1].output()).toContain('"replica":true');
	});

	it('serves public pages from the primary on the process whose replica is down', async () => {
		const page = await fetch(`${bases[1]}/de/m/duesseldorf`, { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('Düsseldorf');
		expect(processes[1].output()).toContain('database replica unreachable: reading from the primary');
	});

	it('locks an account after ten failed sign-ins spread over both processes', async () => {
		for (let i = 0; i < 10; i++) {
			const status = await new Client(bases[i % 2]).login('wp6@example.org', `wrong password ${i}`);
			expect(status).toBe(400);
		}
		for (const base of bases) {
			const c = new Client(base);
			expect(await c.login('wp6@example.org')).not.toBe(303);
			expect(c.cookie('session')).toBeUndefined();
		}
		// Another account is not affected.
		expect(await new Client(bases[1]).login('wp5@example.org')).toBe(303);
	});

	it('runs the deletion schedule once per interval across both processes', async () => {
		// Each process's first tick comes 5 s after its start; the second started later.
		await new Promise((r) => setTimeout(r, 7000));
		const runs = processes.map((p) => p.output().split('\n').filter((l) => l.includes('"job":"retention"') && l.includes('job done')).length);
		expect(runs[0] + runs[1]).toBe(1);
		const db = new pg.Client({ connectionString: databaseUrl });
		await db.connect();
		const { rows } = await db.query(`select count(*)::int as n from job_run where name = 'retention'`);
		await db.end();
		expect(rows[0].n).toBe(1);
	});

	it('shows a write through one process on the next request to the other, though the page was cached there', async () => {
		const get = (base: string, p: string) => fetch(base + p, { headers: { accept: 'text/html' } });
		const search = await (await get(bases[1], '/de/m/koeln/search')).text();
		const [offer, id] = /href="(\/de\/m\/koeln\/o\/([0-9a-f-]{36}))"/.exec(search)!.slice(1);
		await get(bases[1], offer);
		expect((await get(bases[1], offer)).headers.get('x-page-cache')).toBe('hit');
		const browser = await launch();
		try {
			const staff = await newPage(browser);
			await staff.goto(`${bases[0]}/de/login`);
			await staff.fill('#email', 'kalk@example.org');
			await staff.fill('#password', 'anlaufstelle-demo');
			await staff.press('#password', 'Enter');
			await staff.waitForURL((u) => !u.pathname.endsWith('/login'));
			await staff.goto(`${bases[0]}/de/staff/directory/offers/${id}`);
			await staff.fill('[name="name.de"]', 'Über Prozess eins geändert');
			await staff.click('form.directory-form > button[type="submit"]');
			await staff.waitForURL(/\?saved=1$/);
		} finally {
			await browser.close();
		}
		const fresh = await get(bases[1], offer);
		expect(fresh.headers.get('x-page-cache')).toBe('miss');
		expect(await fresh.text()).toContain('Über Prozess eins geändert');
	});
});
