/**
 * Public pages against the static limit (issue 17 §5): autocannon against the built app
 * (`scripts/serve.js`, what `npm start` runs) and against nginx serving the same bytes, in one
 * run, page by page — 20 connections, `Accept-Encoding: gzip`, `--seconds` each (default 5) after one
 * second of warm-up.
 *
 * Configurations: PGlite with one process; PostgreSQL (when `BENCH_PG_URL` names an empty
 * database's server, e.g. under `pg_virtualenv`) with one and with two processes on one
 * database (two autocannon runs of 10 connections, one per process, summed); each with the page
 * cache on and off (`PAGE_CACHE_MAX_BYTES=0`: every request renders, the uncached figure).
 * nginx serves each page's body as the app sent it (gzip) with its content type, cache control
 * and vary headers, from a root under /tmp, by the request URI (queries included).
 *
 *   tsx bench/pages.ts [--pages /de/m/duesseldorf,/de/m/duesseldorf/d/stadtbezirk-1,…] [--seconds 5]
 *   pg_virtualenv -t -v 15 sh -c 'BENCH_PG_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:${PGPORT:-5432}/postgres" npx tsx bench/pages.ts'
 *
 * Without `--pages`: the municipality, a district, an instance, an offer (the first of the
 * search), the calendar and a repeated search of the Düsseldorf demo. `--search-variants N` adds
 * an uncached search row: N different queries cycled (default 200). Prints a line per run, then
 * a summary table per page (app req/s, nginx req/s, ratio per configuration; uncached req/s with
 * one and two processes on PostgreSQL), and writes bench/results/pages-<timestamp>.json. Each app
 * run also reports the cores kept busy by the app's processes, PostgreSQL's and autocannon (CPU
 * seconds from /proc per wall second): with one process keeping `used` cores busy, a machine of
 * N cores cannot give more than N / used times the throughput with more processes.
 *
 * `--before <build folder>` measures only the uncached search (PGlite, cache off, the
 * `--search-variants` queries) of an older build (e.g. a copy of `build/` made before a change)
 * against the current `build/`, alternating `--rounds` times (default 2) in one run: req/s and
 * the server process's CPU milliseconds per request (from /proc). The older build runs from a
 * folder of links to this one's files with a copy of it as `build`.
 *
 *   cp -a build /tmp/build-before   # then change, npm run build, and:
 *   npx tsx bench/pages.ts --before /tmp/build-before --seconds 10
 *
 * Or a whole checkout of an older commit, installed and built, which runs as it is:
 *
 *   git worktree add /tmp/old <commit> && (cd /tmp/old && npm install && npm run build)
 *   npx tsx bench/pages.ts --before /tmp/old --seconds 10
 */
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { tempDir } from './tmp.js';

const args = process.argv.slice(2);
const option = (name: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : undefined;
};
const SECONDS = Number(option('seconds') ?? 5);
const VARIANTS = Number(option('search-variants') ?? 200);
const CONNECTIONS = 20;
const SEARCH_WORDS = ['deutschkurs', 'beratung', 'kita', 'arbeit', 'wohnung', 'sprachcafe', 'frauen', 'jugend', 'schule', 'migration', 'hausaufgaben', 'integrationskurs', 'familie', 'sport', 'musik', 'nähen', 'computer', 'bewerbung', 'asyl', 'gesundheit'];

function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const port = (srv.address() as { port: number }).port;
			srv.close(() => resolve(port));
		});
	});
}

interface App {
	ports: number[];
	/** The server processes' ids (for their CPU time). */
	pids: number[];
	stop(): Promise<void>;
}

/** Starts `count` server processes on one database (PGlite: one, in a fresh data folder), in `cwd` (default this folder). */
async function startApp(env: NodeJS.ProcessEnv, count: number, cwd?: string): Promise<App> {
	const children: ChildProcess[] = [];
	const ports: number[] = [];
	for (let i = 0; i < count; i++) {
		const port = await freePort();
		const child = spawn(process.execPath, ['scripts/serve.js'], { cwd, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout!.on('data', (d) => (out += d));
		child.stderr!.on('data', (d) => (out += d));
		await new Promise<void>((resolve, reject) => {
			const timer = setInterval(() => {
				if (out.includes('Listening on')) {
					clearInterval(timer);
					resolve();
				}
			}, 100);
			child.on('exit', (code) => {
				clearInterval(timer);
				reject(new Error(`server exited ${code}:\n${out}`));
			});
		});
		children.push(child);
		ports.push(port);
	}
	return {
		ports,
		pids: children.map((c) => c.pid!),
		async stop() {
			await Promise.all(
				children.map(
					(c) =>
						new Promise<void>((resolve) => {
							c.removeAllListeners('exit');
							c.on('exit', () => resolve());
							c.kill('SIGTERM');
						})
				)
			);
		}
	};
}

interface Nginx {
	port: number;
	stop(): void;
}

/** Writes each page's gzip body with its headers into an nginx root and starts nginx on it. */
async function startNginx(pages: { path: string; body: Buffer; headers: Headers }[]): Promise<Nginx> {
	const root = tempDir('bench-nginx-');
	// nginx's workers run as another user when started by root.
	chmodSync(root, 0o755);
	mkdirSync(path.join(root, 'files'), { mode: 0o755 });
	const port = await freePort();
	const map: string[] = [];
	const locations: string[] = [];
	for (const p of pages) {
		const name = createHash('sha1').update(p.path).digest('hex');
		writeFileSync(path.join(root, 'files', name), p.body, { mode: 0o644 });
		map.push(`\t\t${JSON.stringify(p.path)} /files/${name};`);
		const header = (h: string) => (p.headers.get(h) ? `\t\t\tadd_header ${h} ${JSON.stringify(p.headers.get(h))};` : '');
		locations.push(
			[`\t\tlocation = /files/${name} {`, '\t\t\tinternal;', '\t\t\ttypes { }', `\t\t\tdefault_type ${JSON.stringify(p.headers.get('content-type') ?? 'text/html')};`, header('content-encoding'), header('cache-control'), header('vary'), '\t\t}'].filter(Boolean).join('\n')
		);
	}
	const conf = `daemon off;
worker_processes 1;
pid ${root}/nginx.pid;
error_log ${root}/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path ${root}/tmp;
	proxy_temp_path ${root}/tmp;
	fastcgi_temp_path ${root}/tmp;
	uwsgi_temp_path ${root}/tmp;
	scgi_temp_path ${root}/tmp;
	keepalive_requests 1000000;
	map_hash_bucket_size 256;
	map $request_uri $page_file {
		default /missing;
${map.join('\n')}
	}
	server {
		listen 127.0.0.1:${port};
		root ${root};
		location / { rewrite ^ $page_file last; }
${locations.join('\n')}
	}
}
`;
	mkdirSync(path.join(root, 'tmp'));
	writeFileSync(path.join(root, 'nginx.conf'), conf);
	const child = spawn('/usr/sbin/nginx', ['-c', path.join(root, 'nginx.conf'), '-p', root], { stdio: 'inherit' });
	for (let i = 0; ; i++) {
		try {
			const res = await fetch(`http://127.0.0.1:${port}${pages[0].path}`, { headers: { 'accept-encoding': 'gzip' } });
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (i === 50) {
			child.kill('SIGTERM');
			// The folder goes when the process exits, so its log is told here.
			const log = existsSync(path.join(root, 'error.log')) ? readFileSync(path.join(root, 'error.log'), 'utf8') : '(no error.log)';
			throw new Error(`nginx does not serve ${pages[0].path}; its error.log:\n${log}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { port, stop: () => child.kill('SIGTERM') };
}

interface Load {
	rps: number;
	p50: number;
	p99: number;
	errors: number;
	non2xx: number;
}

/** autocannon on `paths` (cycled) over the given ports, the connections split between them. */
async function load(ports: number[], paths: string[], seconds = SECONDS): Promise<Load> {
	const runs = await Promise.all(
		ports.map((port) =>
			autocannon({
				url: `http://127.0.0.1:${port}`,
				connections: Math.round(CONNECTIONS / ports.length),
				duration: seconds,
				headers: { 'accept-encoding': 'gzip', accept: 'text/html' },
				requests: paths.map((p) => ({ method: 'GET', path: p }))
			})
		)
	);
	return {
		rps: runs.reduce((s, r) => s + r.requests.average, 0),
		p50: Math.max(...runs.map((r) => r.latency.p50)),
		p99: Math.max(...runs.map((r) => r.latency.p99)),
		errors: runs.reduce((s, r) => s + r.errors + r.timeouts, 0),
		non2xx: runs.reduce((s, r) => s + r.non2xx, 0)
	};
}

/** CPU cores in use during a run (CPU seconds / wall seconds), by who used them. */
interface CpuSplit {
	app: number;
	/** PostgreSQL's processes (none on PGlite, which runs inside the app). */
	database: number;
	/** This process: autocannon. */
	loadGenerator: number;
}

interface Row {
	config: string;
	page: string;
	app: Load;
	nginx: Load | null;
	ratio: number | null;
	cpu?: CpuSplit;
}

/** Pids of the PostgreSQL server processes on this machine (`/proc/<pid>/comm` is `postgres`). */
function postgresPids(): number[] {
	return readdirSync('/proc')
		.filter((d) => /^\d+$/.test(d))
		.filter((d) => {
			try {
				return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres';
			} catch {
				return false;
			}
		})
		.map(Number);
}

/** CPU milliseconds of processes that may end meanwhile (an ended one counts 0). */
function cpuOf(pids: number[]): Map<number, number> {
	const out = new Map<number, number>();
	for (const pid of pids) {
		try {
			out.set(pid, cpuMs(pid));
		} catch {
			// ended
		}
	}
	return out;
}

/** `load` with the CPU split of the run: the app's processes, PostgreSQL's, and the load generator's. */
async function loadWithCpu(appPids: number[], ports: number[], paths: string[]): Promise<{ load: Load; cpu: CpuSplit }> {
	const db0 = cpuOf(postgresPids());
	const app0 = cpuOf(appPids);
	const self0 = process.cpuUsage();
	const started = performance.now();
	const result = await load(ports, paths);
	const wall = performance.now() - started;
	const self = process.cpuUsage(self0);
	const delta = (before: Map<number, number>, after: Map<number, number>) => [...after].reduce((s, [pid, ms]) => s + ms - (before.get(pid) ?? 0), 0);
	return {
		load: result,
		cpu: { app: delta(app0, cpuOf(appPids)) / wall, database: delta(db0, cpuOf(postgresPids())) / wall, loadGenerator: (self.user + self.system) / 1000 / wall }
	};
}

/** The default page list: Düsseldorf's municipality, a district, an instance, an offer, a search. */
async function defaultPages(port: number): Promise<string[]> {
	const base = `http://127.0.0.1:${port}`;
	const municipality = await (await fetch(`${base}/de/m/duesseldorf`)).text();
	const search = await (await fetch(`${base}/de/m/duesseldorf/search?q=deutschkurs`)).text();
	const district = /href="(\/de\/m\/duesseldorf\/d\/[^"]+)"/.exec(municipality)?.[1];
	const instance = /href="(\/de\/m\/duesseldorf\/i\/[^"]+)"/.exec(municipality)?.[1];
	const offer = /href="(\/de\/m\/duesseldorf\/o\/[^"]+)"/.exec(search)?.[1];
	return ['/de/m/duesseldorf', district, instance, offer, '/de/m/duesseldorf/calendar', '/de/m/duesseldorf/search?q=deutschkurs'].filter((p): p is string => !!p);
}

/** `VARIANTS` different searches of the Düsseldorf demo: two words each, pages 1 to 5. */
function searchVariants(): string[] {
	return Array.from({ length: VARIANTS }, (_, i) => `/de/m/duesseldorf/search?q=${encodeURIComponent(`${SEARCH_WORDS[i % SEARCH_WORDS.length]} ${SEARCH_WORDS[(i * 7 + 3) % SEARCH_WORDS.length]}`)}&page=${1 + Math.floor(i / 40)}`);
}

async function measure(config: string, env: NodeJS.ProcessEnv, processes: number, pagesArg: string[] | null): Promise<Row[]> {
	const rows: Row[] = [];
	for (const cached of [true, false]) {
		const app = await startApp({ ...env, PAGE_CACHE_MAX_BYTES: cached ? '' : '0' }, processes);
		try {
			const pages = pagesArg ?? (await defaultPages(app.ports[0]));
			const bodies: { path: string; body: Buffer; headers: Headers }[] = [];
			for (const p of pages) {
				const res = await rawGet(app.ports[0], p);
				if (res.status !== 200) {
					console.log(`skipped ${p}: ${res.status}`);
					continue;
				}
				bodies.push({ path: p, ...res });
			}
			const nginx = cached ? await startNginx(bodies) : null;
			try {
				for (const { path: p } of bodies) {
					// One second of warm-up (JIT, the first render per process) before each measured run.
					await load(app.ports, [p], 1);
					const { load: appLoad, cpu } = await loadWithCpu(app.pids, app.ports, [p]);
					const nginxLoad = nginx ? await load([nginx.port], [p]) : null;
					const row = { config: `${config}, ${processes} process${processes > 1 ? 'es' : ''}, cache ${cached ? 'on' : 'off'}`, page: p, app: appLoad, nginx: nginxLoad, ratio: nginxLoad ? nginxLoad.rps / appLoad.rps : null, cpu };
					rows.push(row);
					print(row);
				}
				if (VARIANTS > 0) {
					const { load: appLoad, cpu } = await loadWithCpu(app.pids, app.ports, searchVariants());
					const row = { config: `${config}, ${processes} process${processes > 1 ? 'es' : ''}, cache ${cached ? 'on' : 'off'}`, page: `search, ${VARIANTS} different queries`, app: appLoad, nginx: null, ratio: null, cpu };
					rows.push(row);
					print(row);
				}
			} finally {
				nginx?.stop();
			}
		} finally {
			await app.stop();
		}
	}
	return rows;
}

/** A GET whose body is kept as sent (gzip; fetch would decode it) with its headers. */
async function rawGet(port: number, p: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
	return new Promise((resolve, reject) => {
		const req = request({ host: '127.0.0.1', port, path: p, headers: { 'accept-encoding': 'gzip', accept: 'text/html' } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const headers = new Headers();
				for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
				resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers });
			});
		});
		req.on('error', reject);
		req.end();
	});
}

function print(r: Row): void {
	const f = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
	console.log(
		`${r.config.padEnd(42)} ${r.page.slice(0, 60).padEnd(60)} app ${f(r.app.rps).padStart(6)} req/s (p50 ${r.app.p50} ms, p99 ${r.app.p99} ms${r.app.errors + r.app.non2xx ? `, ${r.app.errors} errors, ${r.app.non2xx} non-2xx` : ''})` +
			(r.nginx ? `  nginx ${f(r.nginx.rps).padStart(6)} req/s  ratio ${r.ratio!.toFixed(2)}×` : '') +
			(r.cpu ? `  cores: app ${r.cpu.app.toFixed(2)}, database ${r.cpu.database.toFixed(2)}, autocannon ${r.cpu.loadGenerator.toFixed(2)}` : '')
	);
}

/** CPU time (user + system) of a process so far, in milliseconds (Linux `/proc/<pid>/stat`, 100 ticks a second). */
function cpuMs(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
	// After the command: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
	return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A folder of links to this folder's files with a copy of `buildDir` as its `build`, to run an older build. */
function runFolder(buildDir: string): string {
	const dir = tempDir('bench-before-');
	for (const name of readdirSync('.')) {
		if (name === 'build' || name === '.data' || name === '.git') continue;
		symlinkSync(path.resolve(name), path.join(dir, name));
	}
	// Copied, not linked: Node resolves packages from a module's real path.
	cpSync(path.resolve(buildDir), path.join(dir, 'build'), { recursive: true });
	return dir;
}

/** `--before`: the uncached search of an older build against the current one, alternating. */
async function compareSearch(beforeDir: string): Promise<void> {
	const rounds = Number(option('rounds') ?? 2);
	const builds = [
		// A whole checkout (its own package.json, node_modules and build) runs as it is: an older
		// commit's build needs its own migrations and packages.
		{ name: 'before', cwd: existsSync(path.join(beforeDir, 'package.json')) ? path.resolve(beforeDir) : runFolder(beforeDir) },
		{ name: 'after', cwd: undefined }
	];
	const bare = { PATH: process.env.PATH, HOME: process.env.HOME, DEMO: '1', PAGE_CACHE_MAX_BYTES: '0', RETENTION_INTERVAL_MINUTES: '0' };
	const results: { build: string; round: number; rps: number; cpuMsPerRequest: number; p50: number; errors: number; load: number[] }[] = [];
	const apps = [];
	for (const b of builds) apps.push({ ...b, app: await startApp({ ...bare, DATA_DIR: tempDir('bench-search-') }, 1, b.cwd) });
	try {
		for (let round = 1; round <= rounds; round++) {
			for (const { name, app } of apps) {
				await load(app.ports, searchVariants(), 1);
				const cpu0 = cpuMs(app.pids[0]);
				const r = await load(app.ports, searchVariants());
				const cpu = cpuMs(app.pids[0]) - cpu0;
				const requests = r.rps * SECONDS;
				const row = { build: name, round, rps: r.rps, cpuMsPerRequest: requests ? cpu / requests : NaN, p50: r.p50, errors: r.errors + r.non2xx, load: os.loadavg() };
				results.push(row);
				console.log(`${name.padEnd(7)} round ${round}: ${r.rps.toFixed(1)} req/s, ${row.cpuMsPerRequest.toFixed(1)} CPU ms/request, p50 ${r.p50} ms${row.errors ? `, ${row.errors} errors` : ''}  (load average ${row.load.map((l) => l.toFixed(2)).join(' ')})`);
			}
		}
	} finally {
		for (const { app } of apps) await app.stop();
	}
	const mean = (name: string, f: (r: (typeof results)[number]) => number) => {
		const of = results.filter((r) => r.build === name);
		return of.reduce((s, r) => s + f(r), 0) / of.length;
	};
	console.log(
		`\nuncached search, ${VARIANTS} different queries, mean of ${rounds} rounds: before ${mean('before', (r) => r.rps).toFixed(1)} req/s, ${mean('before', (r) => r.cpuMsPerRequest).toFixed(1)} CPU ms/request; after ${mean('after', (r) => r.rps).toFixed(1)} req/s, ${mean('after', (r) => r.cpuMsPerRequest).toFixed(1)} CPU ms/request; ${(mean('after', (r) => r.rps) / mean('before', (r) => r.rps)).toFixed(2)}× the throughput`
	);
	mkdirSync('bench/results', { recursive: true });
	const file = `bench/results/search-before-after-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
	writeFileSync(file, JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, cores: os.cpus().length, variants: VARIANTS, results }, null, 2));
	console.log(`written ${file}`);
}

/** The summary: per page, app / nginx / ratio of each cached configuration, and uncached req/s by configuration. */
function summary(measured: Row[]): string {
	// An offer's id differs between databases (the first of the search): one row for "the offer".
	const rows = measured.map((r) => ({ ...r, page: r.page.replace(/\/o\/[0-9a-f-]{36}$/, '/o/(first offer of the search)') }));
	const f = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
	const cachedConfigs = [...new Set(rows.filter((r) => r.config.endsWith('cache on')).map((r) => r.config.replace(/, cache on$/, '')))];
	const uncachedConfigs = [...new Set(rows.filter((r) => r.config.endsWith('cache off')).map((r) => r.config.replace(/, cache off$/, '')))];
	const pages = [...new Set(rows.map((r) => r.page))];
	const cell = (config: string, page: string) => {
		const r = rows.find((x) => x.config === `${config}, cache on` && x.page === page);
		if (!r) return '–';
		return r.nginx ? `${f(r.app.rps)} / ${f(r.nginx.rps)} — ${r.ratio!.toFixed(2)}×` : `${f(r.app.rps)}`;
	};
	const uncached = (config: string, page: string) => {
		const r = rows.find((x) => x.config === `${config}, cache off` && x.page === page);
		return r ? f(r.app.rps) : '–';
	};
	const lines = [
		'Cached (app req/s / nginx req/s — ratio):',
		`| page | ${cachedConfigs.join(' | ')} |`,
		`|---|${cachedConfigs.map(() => '---').join('|')}|`,
		...pages.map((p) => `| ${p} | ${cachedConfigs.map((c) => cell(c, p)).join(' | ')} |`),
		'',
		'Uncached (PAGE_CACHE_MAX_BYTES=0), app req/s:',
		`| page | ${uncachedConfigs.join(' | ')} |`,
		`|---|${uncachedConfigs.map(() => '---').join('|')}|`,
		...pages.map((p) => `| ${p} | ${uncachedConfigs.map((c) => uncached(c, p)).join(' | ')} |`)
	];
	const one = uncachedConfigs.find((c) => c.startsWith('PostgreSQL, 1 '));
	const two = uncachedConfigs.find((c) => c.startsWith('PostgreSQL, 2 '));
	if (one && two) {
		// One process already keeps `used` of the machine's cores busy (app, database, autocannon):
		// more processes can at best fill the rest, so cores / used bounds the ratio on this machine.
		lines.push('', `PostgreSQL uncached, 2 processes / 1 process (ceiling on ${os.cpus().length} cores: cores / cores busy with one process):`);
		for (const p of pages) {
			const a = rows.find((x) => x.config === `${one}, cache off` && x.page === p);
			const b = rows.find((x) => x.config === `${two}, cache off` && x.page === p);
			if (!a || !b) continue;
			const used = a.cpu ? a.cpu.app + a.cpu.database + a.cpu.loadGenerator : NaN;
			lines.push(`- ${p}: ${f(a.app.rps)} → ${f(b.app.rps)} req/s, ${(b.app.rps / a.app.rps).toFixed(2)}× (one process kept ${used.toFixed(2)} cores busy: ceiling ${(os.cpus().length / used).toFixed(2)}×)`);
		}
	}
	return lines.join('\n');
}

async function main() {
	const before = option('before');
	if (before) return compareSearch(before);
	const pagesArg = option('pages')?.split(',').filter(Boolean) ?? null;
	const rows: Row[] = [];
	const bare = { PATH: process.env.PATH, HOME: process.env.HOME, DEMO: '1' };
	rows.push(...(await measure('PGlite', { ...bare, DATA_DIR: tempDir('bench-pages-') }, 1, pagesArg)));
	if (process.env.BENCH_PG_URL) {
		for (const processes of [1, 2]) {
			const name = `pages_${randomBytes(4).toString('hex')}`;
			const admin = new pg.Client({ connectionString: process.env.BENCH_PG_URL });
			await admin.connect();
			await admin.query(`create database ${name}`);
			await admin.end();
			const url = new URL(process.env.BENCH_PG_URL);
			url.pathname = `/${name}`;
			// The second process starts on a migrated database with the demo loaded by the first.
			rows.push(...(await measure('PostgreSQL', { ...bare, DATABASE_URL: url.toString() }, processes, pagesArg)));
		}
	} else {
		console.log('BENCH_PG_URL not set: PostgreSQL skipped (run under pg_virtualenv, see the header)');
	}
	console.log(`\n${summary(rows)}\n\nload average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
	mkdirSync('bench/results', { recursive: true });
	const file = `bench/results/pages-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
	writeFileSync(file, JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, cores: os.cpus().length, nginx: spawnSync('/usr/sbin/nginx', ['-v']).stderr.toString().trim(), rows }, null, 2));
	console.log(`written ${file}`);
}

await main();
