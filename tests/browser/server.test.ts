/**
 * The server as an operator and a new user meet it (issue 11 §1, §5, §7, §8):
 * - `npm start` exactly as the README says, with nothing set, in a fresh copy of the project:
 *   signing in works in Chromium on http://localhost:3000 and http://127.0.0.1:3000, and links it
 *   makes use the address the person used;
 * - a second `npm start` on the same data folder exits with a message naming the first, and
 *   every acknowledged write survives;
 * - SIGTERM shuts down gracefully; /healthz and /readyz answer;
 * - a body a route does not read never disturbs the next request on the connection; a body over
 *   the limit is refused with 413 before it is read.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, newPage } from '../helpers/browser';
import { bareEnv, freePort, start, waitFor, type Started } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

/**
 * A copy of the project as a fresh clone would have it, with this checkout's build (mtimes kept,
 * so `npm start` does not build again) and its node_modules linked.
 */
function freshCopy(): string {
	const dir = tempDir('anl-clone-');
	const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' }).split('\0').filter(Boolean);
	for (const f of files) {
		if (!existsSync(f)) continue;
		mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
		cpSync(f, path.join(dir, f), { preserveTimestamps: true });
	}
	cpSync('build', path.join(dir, 'build'), { recursive: true, preserveTimestamps: true });
	cpSync('src/lib/paraglide', path.join(dir, 'src/lib/paraglide'), { recursive: true, preserveTimestamps: true });
	symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
	return dir;
}

describe('npm start with nothing set (the README)', () => {
	let copy: string;
	let server: Started;

	beforeAll(async () => {
		copy = freshCopy();
		server = start('npm', ['start'], { env: bareEnv(), cwd: copy });
		await waitFor(server, 'Listening on', 180_000);
	}, 200_000);

	afterAll(async () => {
		if (server.child.exitCode === null) {
			server.signal('SIGTERM');
			await server.exited;
		}
	});

	it('creates the data folder on the first start, saying so, private to its owner', () => {
		expect(server.output()).toContain('created the data folder (first start)');
		const data = path.join(copy, '.data');
		expect(statSync(data).mode & 0o777).toBe(0o700);
		const files = readdirSync(path.join(data, 'pgdata', 'base'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
		expect(files.length).toBeGreaterThan(0);
		for (const f of files.slice(0, 50)) expect(statSync(path.join(f.parentPath, f.name)).mode & 0o077, f.name).toBe(0);
	});

	it.each(['localhost', '127.0.0.1'])('signs in through http://%s:3000 in Chromium', async (host) => {
		const page = await newPage(browser);
		await page.goto(`http://${host}:3000/de/login`);
		await page.fill('#email', 'wp5@example.org');
		await page.fill('#password', 'anlaufstelle-demo');
		await page.press('#password', 'Enter');
		await page.waitForURL(`http://${host}:3000/de/staff`);
		expect(await page.textContent('h1')).toBeTruthy();
		await page.context().close();
	});

	it('links in mails use the address the person used', async () => {
		const res = await fetch('http://127.0.0.1:3000/de/password/forgot', {
			method: 'POST',
			headers: { origin: 'http://127.0.0.1:3000', 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: 'email=wp6%40example.org'
		});
		expect(res.status).toBe(200);
		const outbox = path.join(copy, '.data', 'outbox');
		// The demo's jobs (Ehrenamt reminders, network digests) may have written mails of their own.
		const resetMails = () =>
			(existsSync(outbox) ? readdirSync(outbox) : []).filter((f) => readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, '').includes('/password/reset/'));
		await expect.poll(() => resetMails().length, { timeout: 10_000 }).toBe(1);
		const [file] = resetMails();
		expect(statSync(path.join(outbox, file)).mode & 0o077).toBe(0);
		const mail = readFileSync(path.join(outbox, file), 'utf8').replace(/=\r?\n/g, '');
		expect(mail).toMatch(/http:\/\/127\.0\.0\.1:3000\/de\/password\/reset\//);
	});

	it('refuses a second server on the same data folder, naming the first, and loses no acknowledged write', async () => {
		const logins = 20;
		for (let i = 0; i < logins; i++) {
			const res = await fetch('http://localhost:3000/de/login', {
				method: 'POST',
				redirect: 'manual',
				headers: { origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
				body: 'email=kalk%40example.org&password=anlaufstelle-demo'
			});
			expect(res.status).toBe(303);
		}
		const second = start('npm', ['start'], { env: bareEnv({ PORT: String(await freePort()) }), cwd: copy });
		const { code } = await second.exited;
		expect(code).not.toBe(0);
		// npm runs the server as a child process: the message names that process.
		const named = /in use by server \(pid (\d+) on /.exec(second.output());
		expect(named, second.output()).not.toBeNull();
		expect(readFileSync(`/proc/${named![1]}/cmdline`, 'utf8')).toContain('scripts/start.js');
		expect(second.output()).not.toMatch(/\n\s+at /);
		// The first server still serves.
		expect((await fetch('http://localhost:3000/readyz')).status).toBe(200);
		// SIGTERM to the server process (the one the lock names): it finishes, stops its jobs,
		// closes the database and exits 0 — and npm with it.
		process.kill(Number(named![1]), 'SIGTERM');
		expect((await server.exited).code).toBe(0);
		expect(server.output()).toContain('"msg":"stopped"');
		expect(existsSync(path.join(copy, '.data', 'anlaufstelle.lock'))).toBe(false);
		const { openDatabase } = await import('../../src/lib/server/db/client');
		const handle = await openDatabase({ dataDir: path.join(copy, '.data'), command: 'test' });
		try {
			const { rows } = (await handle.db.execute(
				"select count(*)::int as n from audit_log a join user_account u on u.id = a.actor_user_id where a.action = 'login' and u.email = 'kalk@example.org'" as never
			)) as unknown as { rows: { n: number }[] };
			expect(rows[0].n).toBe(logins);
		} finally {
			await handle.close();
		}
	});
});

/** Two requests on one keep-alive connection: the first as given, then a GET of `/healthz`. */
function twoOnOneConnection(first: { method: string; path: string; headers: Record<string, string>; body: Buffer }): Promise<{ first: number; second: number; reused: boolean }> {
	const url = new URL(base);
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	const send = (method: string, p: string, headers: Record<string, string>, body?: Buffer) =>
		new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
			const req = http.request({ host: url.hostname, port: url.port, method, path: p, headers, agent }, (res) => {
				res.resume();
				res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket }));
			});
			req.on('error', reject);
			req.end(body);
		});
	return (async () => {
		const a = await send(first.method, first.path, first.headers, first.body);
		const b = await send('GET', '/healthz', {});
		agent.destroy();
		return { first: a.status, second: b.status, reused: b.reused };
	})();
}

describe('the connection and the body', () => {
	it('answers the next request on the connection after an action that did not read its 1 MB body', async () => {
		const result = await twoOnOneConnection({
			method: 'POST',
			path: '/de/logout',
			headers: { origin: base, 'content-type': 'text/plain', accept: 'text/html' },
			body: Buffer.alloc(1024 * 1024, 'a')
		});
		expect(result.first).toBe(303);
		expect(result.second).toBe(200);
	});

	it('refuses a body over the limit with 413 before reading it, and closes that connection', async () => {
		const url = new URL(base);
		const answer = await new Promise<string>((resolve, reject) => {
			const socket = net.connect(Number(url.port), url.hostname, () => {
				socket.write(`POST /de/login HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${base}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${7 * 1024 * 1024}\r\n\r\nemail=`);
			});
			let text = '';
			socket.on('data', (d) => (text += d));
			socket.on('end', () => resolve(text));
			socket.on('error', reject);
			socket.setTimeout(10_000, () => reject(new Error(`no answer: ${text}`)));
		});
		expect(answer).toMatch(/^HTTP\/1\.1 413/);
		expect(answer.toLowerCase()).toContain('connection: close');
		expect((await fetch(`${base}/healthz`)).status).toBe(200);
	});

	it('answers /healthz and /readyz', async () => {
		expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
		const ready = await fetch(`${base}/readyz`);
		expect(ready.status).toBe(200);
		expect(await ready.text()).toBe('ready\n');
	});
});
