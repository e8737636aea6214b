/**
 * `npm run bench`: benchmarks of the foundation (issue 2). Needs a build (`npm run build`).
 *
 * 1. Cold start on an existing embedded database: spawn the server, time to the first served page.
 * 2. Landing and district pages under load (20 connections, 10 s each): server round-trip time
 *    p50/p95 and requests/s, on PGlite and — when pg_virtualenv is available — on PostgreSQL 15,
 *    with the demo data plus a state-scale synthetic data set (400 municipalities × 9 districts ×
 *    10 social spaces) in the same database.
 * 3. Transferred bytes of the landing page with the SVG map: gzip (as served) and raw.
 *
 * Results are printed and written to bench/results/<date>.json. Loopback only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readConfig } from '../src/lib/server/config';
import { migrateDatabase, openDatabase } from '../src/lib/server/db/client';
import { loadDemo } from '../src/lib/server/demo/load';
import { generate } from './generate';

const SCALE = { municipalities: Number(process.env.BENCH_MUNICIPALITIES ?? 400), districtsPer: 9, spacesPerDistrict: 10 };
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const CONNECTIONS = 20;
const PAGES = { landing: '/de/m/koeln', district: '/de/m/koeln/d/innenstadt' };

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<{ child: ChildProcess; readyMs: number }> {
	const started = performance.now();
	const child = spawn(process.execPath, ['build/index.js'], {
		env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: `http://localhost:${port}` },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	for (;;) {
		try {
			const res = await fetch(`http://127.0.0.1:${port}${PAGES.landing}`);
			await res.arrayBuffer();
			if (res.status === 200) return { child, readyMs: performance.now() - started };
		} catch {
			// not listening yet
		}
		if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

function stop(child: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		child.once('exit', () => resolve());
		child.kill();
	});
}

/** CONNECTIONS concurrent keep-alive loops for DURATION_MS; per-request times in ms. */
async function load(url: string): Promise<{ p50: number; p95: number; p99: number; rps: number; requests: number; errors: number }> {
	const times: number[] = [];
	let errors = 0;
	const end = performance.now() + DURATION_MS;
	await Promise.all(
		Array.from({ length: CONNECTIONS }, async () => {
			while (performance.now() < end) {
				const t0 = performance.now();
				try {
					const res = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
					await res.arrayBuffer();
					if (res.status !== 200) errors++;
					else times.push(performance.now() - t0);
				} catch {
					errors++;
				}
			}
		})
	);
	times.sort((a, b) => a - b);
	const round = (x: number) => Math.round(x * 10) / 10;
	return {
		p50: round(percentile(times, 50)),
		p95: round(percentile(times, 95)),
		p99: round(percentile(times, 99)),
		rps: Math.round(times.length / (DURATION_MS / 1000)),
		requests: times.length,
		errors
	};
}

async function prepare(env: { DATABASE_URL?: string; DATA_DIR: string }) {
	process.env.DATA_DIR = env.DATA_DIR;
	const handle = await openDatabase({ url: env.DATABASE_URL, dataDir: readConfig().dataDir });
	await migrateDatabase(handle);
	await loadDemo(handle.db);
	const t0 = performance.now();
	const counts = await generate(handle.db, SCALE);
	console.log(`  generated ${counts.municipalities} municipalities, ${counts.districts} districts, ${counts.spaces} social spaces in ${Math.round(performance.now() - t0)} ms`);
	await handle.close();
}

async function benchDatabase(kind: string, env: { DATABASE_URL?: string; DATA_DIR: string }, port: number) {
	console.log(`\n## ${kind}`);
	await prepare(env);
	const result: Record<string, unknown> = {};
	if (kind === 'pglite') {
		const starts: number[] = [];
		for (let i = 0; i < 3; i++) {
			const { child, readyMs } = await startServer(env, port);
			starts.push(Math.round(readyMs));
			await stop(child);
		}
		result.coldStartMs = { runs: starts, median: [...starts].sort((a, b) => a - b)[1] };
		console.log(`  cold start to first page (existing database): ${starts.join(', ')} ms`);
	}
	const { child } = await startServer(env, port);
	try {
		for (const [name, p] of Object.entries(PAGES)) {
			await load(`http://127.0.0.1:${port}${p}`); // warm-up run, discarded
			const r = await load(`http://127.0.0.1:${port}${p}`);
			result[name] = r;
			console.log(`  ${name} ${p}: p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, ${r.rps} req/s (${CONNECTIONS} connections, errors ${r.errors})`);
		}
		const raw = await (await fetch(`http://127.0.0.1:${port}${PAGES.landing}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer();
		const gz = await fetch(`http://127.0.0.1:${port}${PAGES.landing}`, { headers: { 'accept-encoding': 'gzip' } });
		const css = await (await fetch(`http://127.0.0.1:${port}/app.css`)).arrayBuffer();
		result.landingBytes = {
			html: raw.byteLength,
			htmlGzip: gzipSync(Buffer.from(raw)).length,
			servedEncoding: gz.headers.get('content-encoding'),
			css: css.byteLength,
			cssGzip: gzipSync(Buffer.from(css)).length,
			javascript: 0
		};
		console.log(`  landing page transfer: ${JSON.stringify(result.landingBytes)}`);
	} finally {
		await stop(child);
	}
	return result;
}

if (!existsSync('build/index.js')) {
	console.error('run "npm run build" first');
	process.exit(1);
}
if (process.env.BENCH_PG_ONLY) {
	// Child run inside pg_virtualenv: PostgreSQL figures only, handed back through a file.
	const r = await benchDatabase('postgres', { DATABASE_URL: process.env.BENCH_PG_URL, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'anl-bench-pg-')) }, 3302);
	writeFileSync(process.env.BENCH_PG_RESULT!, JSON.stringify(r));
	process.exit(0);
}
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, scale: SCALE, durationMs: DURATION_MS, connections: CONNECTIONS };
results.pglite = await benchDatabase('pglite', { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'anl-bench-')) }, 3301);
if (existsSync('/usr/bin/pg_virtualenv') && !process.env.BENCH_NO_PG) {
	const resultFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'anl-bench-result-')), 'postgres.json');
	const inner = `BENCH_PG_ONLY=1 BENCH_PG_RESULT="${resultFile}" BENCH_PG_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:\${PGPORT:-5432}/postgres" "${process.execPath}" node_modules/tsx/dist/cli.mjs bench/run.ts`;
	spawnSync('pg_virtualenv', ['-v', '15', 'sh', '-c', inner], { stdio: 'inherit' });
	if (existsSync(resultFile)) results.postgres = JSON.parse(readFileSync(resultFile, 'utf8'));
} else {
	console.warn('\nPostgreSQL benchmark skipped (no pg_virtualenv, or BENCH_NO_PG set)');
}
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`;
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`\nwritten ${file}`);
