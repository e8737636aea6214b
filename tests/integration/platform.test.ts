/**
 * The platform under the modules (issue 11 §3, §5, §7, §8): the data folder and its lock as the
 * command line meets them, background jobs that run once per interval across processes, the
 * guard's decisions, and the edge checks of text.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserPrincipal } from '../../src/lib/server/access';
import { claimRun, runIfDue } from '../../src/lib/server/core/jobs';
import { openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { checkBody, checkUrl } from '../../src/lib/server/http/edge';
import { decide } from '../../src/lib/server/http/guard';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { tempDir } from '../helpers/tmp';

/** Runs the command line with `DATA_DIR` and nothing else of ours. */
function cli(args: string[], dataDir: string) {
	return spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], {
		env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
		encoding: 'utf8'
	});
}

describe('the embedded data folder', () => {
	const root = tempDir('anl-folder-');

	it('refuses a configured folder that does not exist, in one line, and creates nothing', () => {
		const missing = path.join(root, 'not-mounted');
		const r = cli(['migrate'], missing);
		expect(r.status).toBe(1);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toContain(`DATA_DIR ${missing} does not exist`);
		expect(existsSync(missing)).toBe(false);
	});

	it('refuses a folder it cannot write, in one line', () => {
		// sysfs refuses new files even to root, so this holds wherever the tests run.
		const r = cli(['migrate'], '/sys/kernel');
		expect(r.status).toBe(1);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toMatch(/lock file .*\/sys\/kernel|not writable/);
	});

	describe('held by another process', () => {
		const dir = path.join(root, 'held');
		let held: DatabaseHandle;
		beforeAll(async () => {
			mkdirSync(dir, { mode: 0o700 });
			held = await openDatabase({ dataDir: dir, command: 'server' });
		});
		afterAll(() => held?.close());

		it('refuses a second process with a message naming the first, and exits non-zero', () => {
			const r = cli(['migrate'], dir);
			expect(r.status).toBe(1);
			expect(r.stderr).toContain(`in use by server (pid ${process.pid} on ${os.hostname()}`);
			expect(r.stderr.trim().split('\n')).toHaveLength(1);
		});

		it('keeps its lock file private and names itself in it', () => {
			const lock = path.join(dir, 'anlaufstelle.lock');
			expect(statSync(lock).mode & 0o777).toBe(0o600);
			expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid, command: 'server' });
		});
	});

	it('takes over the lock of a process that is gone (killed, power loss)', () => {
		const dir = path.join(root, 'stale');
		mkdirSync(dir);
		const dead = spawnSync('true').pid!;
		writeFileSync(path.join(dir, 'anlaufstelle.lock'), JSON.stringify({ pid: dead, command: 'server', startedAt: '2026-01-01T00:00:00Z', host: os.hostname(), startTicks: 1 }));
		const r = cli(['migrate'], dir);
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(existsSync(path.join(dir, 'anlaufstelle.lock'))).toBe(false);
	});

	it('creates files for its owner only', () => {
		const dir = path.join(root, 'modes');
		mkdirSync(dir);
		expect(cli(['migrate'], dir).status).toBe(0);
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		expect(statSync(path.join(dir, 'pgdata', 'PG_VERSION')).mode & 0o077).toBe(0);
	});
});

describe(`background jobs on ${DB_KIND}`, () => {
	let a: DatabaseHandle;
	let b: DatabaseHandle | undefined;
	beforeAll(async () => {
		a = await freshDatabase();
		// A second connection pool to the same PostgreSQL database stands for a second process.
		if (a.url) b = await openDatabase({ url: a.url });
	});
	afterAll(async () => {
		await b?.close();
		await a?.close();
	});

	it('claims a run once per interval, whichever process asks', async () => {
		const other = b ?? a;
		const at = new Date('2027-01-01T10:00:00Z');
		const claims = await Promise.all([claimRun(a.db, 'purge', 60_000, at), claimRun(other.db, 'purge', 60_000, at), claimRun(a.db, 'purge', 60_000, at)]);
		expect(claims.filter(Boolean)).toHaveLength(1);
		expect(await claimRun(other.db, 'purge', 60_000, new Date(at.getTime() + 30_000))).toBe(false);
		expect(await claimRun(other.db, 'purge', 60_000, new Date(at.getTime() + 60_000))).toBe(true);
	});

	it('records a run as finished and counts nothing twice', async () => {
		let runs = 0;
		const job = { name: 'count', intervalMs: 3_600_000, run: async () => ({ things: ++runs }) };
		const ran = await Promise.all([runIfDue(a.db, job), runIfDue((b ?? a).db, job)]);
		expect(ran.filter(Boolean)).toHaveLength(1);
		expect(runs).toBe(1);
		const { rows } = (await a.db.execute("select finished_at from job_run where name = 'count'" as never)) as unknown as { rows: { finished_at: unknown }[] };
		expect(rows[0].finished_at).not.toBeNull();
	});
});

describe.skipIf(DB_KIND !== 'postgres')('a PostgreSQL database', () => {
	it('is refused with its encoding named unless it is UTF8', async () => {
		const { default: pg } = await import('pg');
		const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
		await admin.connect();
		const name = `ascii_${process.pid}_${Date.now()}`;
		await admin.query(`create database ${name} encoding 'SQL_ASCII' lc_collate 'C' lc_ctype 'C' template template0`);
		try {
			const url = new URL(process.env.TEST_DATABASE_URL!);
			url.pathname = `/${name}`;
			await expect(openDatabase({ url: url.toString() })).rejects.toThrow(/DATABASE_URL: the database is encoded SQL_ASCII; anlaufstelle needs UTF8/);
		} finally {
			await admin.query(`drop database ${name}`);
			await admin.end();
		}
	});
});

describe('the guard of the signed-in areas', () => {
	const person = (role: UserPrincipal['role']): UserPrincipal => ({
		kind: 'user',
		userId: 'u1',
		email: 'x@example.org',
		displayName: 'X',
		role,
		municipalityId: 'm1',
		municipalitySlug: 'm',
		instanceIds: role === 'instance_staff' ? ['i1'] : [],
		totpEnabled: false
	});
	const ask = (pathname: string, principal: UserPrincipal | null, method = 'GET', extra: { dataRequest?: boolean; secondFactorPending?: boolean } = {}) =>
		decide({ pathname, lang: 'de', method, principal, secondFactorPending: extra.secondFactorPending ?? false, dataRequest: extra.dataRequest });

	it.each([
		['/de/staff/cases', null, 'GET', {}, { kind: 'redirect', location: '/de/login' }],
		['/de/staff/cases', null, 'GET', { secondFactorPending: true }, { kind: 'redirect', location: '/de/login/second-factor' }],
		['/de/staff/cases', null, 'GET', { dataRequest: true }, { kind: 'refuse', status: 401 }],
		['/de/staff/cases', null, 'POST', {}, { kind: 'refuse', status: 401 }],
		['/de/admin', 'instance_staff', 'GET', {}, { kind: 'forbidden_page' }],
		['/de/admin', 'instance_staff', 'POST', {}, { kind: 'refuse', status: 403 }],
		['/de/staff/directory/actors/new', 'volunteer', 'POST', {}, { kind: 'refuse', status: 403 }],
		['/de/staff/directory/actors/new', 'volunteer', 'GET', { dataRequest: true }, { kind: 'refuse', status: 403 }],
		['/de/staff/directory/actors/new', 'partner_editor', 'POST', {}, { kind: 'allow' }],
		['/de/staff/contacts', 'partner_editor', 'GET', {}, { kind: 'forbidden_page' }],
		['/de/staff', 'partner_editor', 'GET', {}, { kind: 'redirect', location: '/de/staff/directory' }],
		['/de/staff', 'volunteer', 'GET', {}, { kind: 'redirect', location: '/de/volunteer' }],
		['/de/staff/account', 'volunteer', 'POST', {}, { kind: 'allow' }],
		['/de/staff/account', 'partner_editor', 'GET', {}, { kind: 'allow' }],
		['/de/volunteer', 'instance_staff', 'GET', {}, { kind: 'forbidden_page' }],
		['/de/staffing', null, 'GET', {}, { kind: 'allow' }],
		['/de/m/koeln', null, 'POST', {}, { kind: 'allow' }]
	] as const)('%s as %s (%s %o) → %o', (pathname, role, method, extra, expected) => {
		expect(ask(pathname, role ? person(role) : null, method, extra)).toEqual(expected);
	});
});

describe('text at the edge', () => {
	it.each([
		['/de/login?email=%00', 400, 'query parameter "email" contains a NUL character'],
		['/de/m/%00', 400, 'path segment'],
		['/de/m/%C0%AF', 400, 'is not valid UTF-8'],
		['/de/search?q=%ED%A0%80', 400, 'is not valid UTF-8'],
		['/de/m/koeln/search?q=Deutschkurs+%C3%BC', null, null]
	] as const)('%s → %s', (url, status, message) => {
		const r = checkUrl(new URL(`http://x${url}`));
		if (status === null) expect(r).toBeNull();
		else {
			expect(r?.status).toBe(status);
			expect(r?.message).toContain(message);
		}
	});

	const form = (body: string | FormData, type?: string) =>
		checkBody(new Request('http://x/', { method: 'POST', body, headers: type ? { 'content-type': type } : undefined }));

	it('refuses a NUL in a urlencoded or multipart field, invalid UTF-8 and over-long fields', async () => {
		expect(await form('email=a%00b&password=x', 'application/x-www-form-urlencoded')).toMatchObject({ status: 400 });
		expect(await form('email=%FF', 'application/x-www-form-urlencoded')).toMatchObject({ status: 400, message: expect.stringContaining('UTF-8') });
		const multipart = new FormData();
		multipart.set('note', 'a\0b');
		expect(await form(multipart)).toMatchObject({ status: 400, message: expect.stringContaining('"note"') });
		expect(await form(`text=${'a'.repeat(70_000)}`, 'application/x-www-form-urlencoded')).toMatchObject({ status: 413 });
		const file = new FormData();
		file.set('attachment', new Blob([new Uint8Array([0, 1, 2, 0])]), 'evidence.pdf');
		expect(await form(file)).toBeNull();
		expect(await form('name=K%C3%B6ln+%D8%B9%D8%B1%D8%A8%D9%8A', 'application/x-www-form-urlencoded')).toBeNull();
	});
});
