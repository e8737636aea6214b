/**
 * `npm run bench`: benchmarks of the foundation (issue 2) and the directory (issue 3). Needs a
 * build (`npm run build`).
 *
 * 1. Cold start on an existing embedded database: spawn the server, time to the first served page.
 * 2. Landing and district pages under load (20 connections, 10 s each): server round-trip time
 *    p50/p95 and requests/s, on PGlite and — when pg_virtualenv is available — on PostgreSQL 15,
 *    with the demo data plus a state-scale synthetic data set (400 municipalities × 9 districts ×
 *    10 social spaces) in the same database.
 * 3. Transferred bytes of the landing page with the SVG map: gzip (as served) and raw.
 * 4. Directory (issue 3), with a generated state-scale directory (100,000 offers, 30,000 actors):
 *    search server time p50/p95 (`bench/search.ts`, before the server starts); the first results
 *    page of the public search (HTML gzip, total transfer with CSS and other subresources); HSDS
 *    list endpoint throughput at `per_page=50`. A page that answers 404 (not built yet) is
 *    skipped with a message.
 * 5. Lotsen (issue 4), with generated casework in Düsseldorf (1,000,000 contacts, 100,000
 *    referrals, 50,000 cases; `bench/casework.ts`, before the server starts): contact recording
 *    p50/p95 and the monthly district report p50/p95 (budget ≤ 300 ms on PostgreSQL).
 *
 * 6. Löschplan (issue 4 §5), after the server has stopped (the job deletes data): run time and
 *    peak memory of the retention job over 1,000,000 contacts and 50,000 cases, half of them past
 *    deletion (`bench/retention.ts`, data from `bench/casework-data.ts`).
 *
 * 7. Steuerung (issue 5), on the Lotsen data of 5. plus generated data in Düsseldorf (20,000
 *    offers, 5,000 needs reports, 300 programmes;
 *    `bench/steering.ts`, before the server starts): municipality dashboard server time p50/p95
 *    (20 runs, whole city and busiest district) and the district report PDF time and size.
 * 8. Coverage matrix (issue 5 §3), on a database of its own (`bench/coverage.ts` generates a
 *    Köln-like municipality: 86 social spaces, 100,000 offers, 1,000,000 contacts):
 *    `computeCoverage` p50/p95 over 20 runs (budget p95 ≤ 200 ms on PostgreSQL), filtered
 *    variants and the cell drill-down. Skipped with BENCH_NO_COVERAGE.
 *
 * 9. Search relevance (issue 12 §1), first and once (it measures the engine, not the database):
 *    recall@5, MRR@10 and the zero-result rate of the relevance test set `bench/relevance/` over
 *    the demo directory, overall, per language and per kind, and the misses
 *    (`bench/relevance.ts`, its own in-memory PGlite). Skipped with BENCH_NO_RELEVANCE.
 *
 * 10. Hosting (issue 15), on a database of its own (`bench/hosting.ts`): the public weekly plan
 *    of a municipality with 2,000 series (about 104,000 occurrences a year) — server time p50/p95,
 *    and on PGlite the page from the built server with its gzip weight (budget 30 KB) — and the
 *    clash check of a weekly series over a year in a room with 500 bookings. Skipped with
 *    BENCH_NO_HOSTING.
 * 11. Partizipation (issue 16), before the server starts: a 100,000-point campaign aggregated for
 *    the heat map p50/p95 (`bench/participation.ts`); with the server up, the gzip weight of the
 *    campaign's map page (de, ar), its result page and an offer's feedback form (budget 30 KB).
 *    Skipped with BENCH_NO_PARTICIPATION.
 *
 * 12. Land-wide (issue 17), opt-in with BENCH_NRW=1, on PostgreSQL databases generated beforehand
 *    (`generate.ts --scale nrw` into BENCH_NRW_URL and, for comparison, `--scale city` into
 *    BENCH_CITY_URL; generating NRW takes about an hour): `bench/nrw.ts` — search p95 (target
 *    ≤ 50 ms) and the municipality dashboard for a year p95 (target ≤ 300 ms) on the largest and
 *    a median municipality, per-municipality figures at Land scale against city scale.
 *
 * Results are printed and written to bench/results/<date>.json. Loopback only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from './tmp.js';

const SCALE = {
	municipalities: Number(process.env.BENCH_MUNICIPALITIES ?? 400),
	districtsPer: 9,
	spacesPerDistrict: 10,
	offers: Number(process.env.BENCH_OFFERS ?? 100000),
	actors: Number(process.env.BENCH_ACTORS ?? 30000)
};
const SEARCH_ITERATIONS = Number(process.env.BENCH_SEARCH_ITERATIONS ?? 20);
const CASEWORK = {
	contacts: Number(process.env.BENCH_CONTACTS ?? 1000000),
	referrals: Number(process.env.BENCH_REFERRALS ?? 100000),
	cases: Number(process.env.BENCH_CASES ?? 50000)
};
/** The largest generated municipality (Zipf rank 1) and a query with a full first page. */
const SEARCH_PAGE = '/de/m/gemeinde-0001/search?q=beratung';
const HSDS_LIST = '/api/hsds/services?per_page=50';
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const CONNECTIONS = 20;
const PAGES = { landing: '/de/m/koeln', district: '/de/m/koeln/d/innenstadt' };

function freePort() {
	return new Promise((resolve) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const port = srv.address().port;
			srv.close(() => resolve(port));
		});
	});
}

function percentile(sorted, p) {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function startServer(env) {
	// A new port per start: a pooled keep-alive connection to a stopped server must not be reused.
	const port = await freePort();
	const started = performance.now();
	const child = spawn(process.execPath, ['build/index.js'], {
		env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: `http://localhost:${port}`, SHUTDOWN_TIMEOUT: '1' },
		stdio: ['ignore', openSync(path.join(env.DATA_DIR, 'server.log'), 'a'), 'inherit']
	});
	for (;;) {
		try {
			const res = await fetch(`http://127.0.0.1:${port}${PAGES.landing}`, { signal: AbortSignal.timeout(5000) });
			await res.arrayBuffer();
			if (res.status === 200) return { child, port, readyMs: performance.now() - started };
		} catch (e) {
			if (process.env.BENCH_DEBUG) console.error('poll', e.message, e.cause?.code);
		}
		if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

function stop(child) {
	return new Promise((resolve) => {
		child.once('exit', () => resolve());
		child.kill();
	});
}

/** CONNECTIONS concurrent keep-alive loops for DURATION_MS; per-request times in ms. */
async function load(url) {
	const times = [];
	let errors = 0;
	const end = performance.now() + DURATION_MS;
	await Promise.all(
		Array.from({ length: CONNECTIONS }, async () => {
			while (performance.now() < end) {
				const t0 = performance.now();
				try {
					const res = await fetch(url, { headers: { 'accept-encoding': 'gzip' }, signal: AbortSignal.timeout(10_000) });
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
	const round = (x) => Math.round(x * 10) / 10;
	return {
		p50: round(percentile(times, 50)),
		p95: round(percentile(times, 95)),
		p99: round(percentile(times, 99)),
		rps: Math.round(times.length / (DURATION_MS / 1000)),
		requests: times.length,
		errors
	};
}

/**
 * Loads the demo and the synthetic data in a separate process, which exits before the server
 * opens the same database (PGlite's files must be released first).
 */
function prepare(env) {
	const args = [
		'node_modules/tsx/dist/cli.mjs',
		'bench/generate.ts',
		'--with-demo',
		'--municipalities',
		String(SCALE.municipalities),
		'--districts',
		String(SCALE.districtsPer),
		'--spaces',
		String(SCALE.spacesPerDistrict),
		'--offers',
		String(SCALE.offers),
		'--actors',
		String(SCALE.actors)
	];
	const result = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('data generation failed');
}

/** Search server time, in a separate process before the server opens the database. */
function benchSearch(env) {
	const out = path.join(tempDir('anl-bench-search-'), 'search.json');
	const args = ['node_modules/tsx/dist/cli.mjs', 'bench/search.ts', '--iterations', String(SEARCH_ITERATIONS), '--out', out];
	const result = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('search benchmark failed');
	return JSON.parse(readFileSync(out, 'utf8'));
}

/** Lotsen benchmark (generation included), in a separate process before the server opens the database. */
function benchCasework(env) {
	const out = path.join(tempDir('anl-bench-casework-'), 'casework.json');
	const args = ['node_modules/tsx/dist/cli.mjs', 'bench/casework.ts', '--contacts', String(CASEWORK.contacts), '--referrals', String(CASEWORK.referrals), '--cases', String(CASEWORK.cases), '--out', out];
	const result = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('casework benchmark failed');
	return JSON.parse(readFileSync(out, 'utf8'));
}

/**
 * Steuerung benchmark on the same database, after the Lotsen benchmark has generated its
 * contacts there (`--skip-casework`: only offers, needs reports and programmes are added),
 * before the server starts. Skipped with BENCH_NO_STEERING.
 */
function benchSteering(env) {
	if (process.env.BENCH_NO_STEERING) return { skipped: 'BENCH_NO_STEERING' };
	const out = path.join(tempDir('anl-bench-steering-'), 'steering.json');
	const args = ['node_modules/tsx/dist/cli.mjs', 'bench/steering.ts', '--skip-casework', '--out', out];
	const result = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('steering benchmark failed');
	return JSON.parse(readFileSync(out, 'utf8'));
}

/**
 * Partizipation benchmark (issue 16, `bench/participation.ts`): 100,000 points in a campaign,
 * aggregation p50/p95; before the server starts. Skipped with BENCH_NO_PARTICIPATION.
 */
function benchParticipation(env) {
	if (process.env.BENCH_NO_PARTICIPATION) return { skipped: 'BENCH_NO_PARTICIPATION' };
	const out = path.join(tempDir('anl-bench-participation-'), 'participation.json');
	const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/participation.ts', '--out', out], { env: { ...process.env, ...env }, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('participation benchmark failed');
	return JSON.parse(readFileSync(out, 'utf8'));
}

/**
 * Coverage benchmark in a separate process on a fresh database of its own (it generates its
 * municipality): a new PGlite folder, or a new database on the PostgreSQL server.
 */
function benchCoverage(kind, env) {
	if (process.env.BENCH_NO_COVERAGE) return { skipped: 'BENCH_NO_COVERAGE' };
	const dir = tempDir('anl-bench-coverage-');
	const own = { ...env, DATA_DIR: dir };
	if (kind === 'postgres') {
		spawnSync('createdb', ['anl_bench_coverage'], { stdio: 'inherit' });
		const url = new URL(env.DATABASE_URL);
		url.pathname = '/anl_bench_coverage';
		own.DATABASE_URL = url.toString();
	}
	const out = path.join(dir, 'coverage.json');
	const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/coverage.ts', '--out', out], { env: { ...process.env, ...own }, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('coverage benchmark failed');
	return JSON.parse(readFileSync(out, 'utf8'));
}

/**
 * Hosting (issue 15, `bench/hosting.ts`) on a database of its own: the weekly plan of a
 * municipality with 2,000 series (server time, and on PGlite the page from the built server:
 * round trips and gzip weight, budget 30 KB) and the clash check of a weekly series over a
 * year in a room with 500 bookings. Skipped with BENCH_NO_HOSTING.
 */
function benchHosting(kind, env) {
	if (process.env.BENCH_NO_HOSTING) return { skipped: 'BENCH_NO_HOSTING' };
	const dir = tempDir('anl-bench-hosting-');
	const own = { ...env, DATA_DIR: dir };
	if (kind === 'postgres') {
		spawnSync('createdb', ['anl_bench_hosting'], { stdio: 'inherit' });
		const url = new URL(env.DATABASE_URL);
		url.pathname = '/anl_bench_hosting';
		own.DATABASE_URL = url.toString();
	}
	const out = path.join(dir, 'hosting.json');
	const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/hosting.ts', '--http', '--out', out], { env: { ...process.env, ...own }, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('hosting benchmark failed');
	return JSON.parse(readFileSync(out, 'utf8'));
}

/** Search relevance on a fresh in-memory PGlite with the demo, in a separate process. */
function benchRelevance() {
	if (process.env.BENCH_NO_RELEVANCE) return { skipped: 'BENCH_NO_RELEVANCE' };
	console.log('\n## search relevance');
	const out = path.join(tempDir('anl-bench-relevance-'), 'relevance.json');
	const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/relevance.ts', '--out', out], { stdio: 'inherit' });
	if (result.status !== 0) throw new Error('relevance benchmark failed');
	return JSON.parse(readFileSync(out, 'utf8'));
}

/**
 * The retention job over the casework data (generated unless present), in two separate
 * processes: preparing, then the measured run alone. Skipped with BENCH_NO_RETENTION.
 */
function benchRetention(env) {
	if (process.env.BENCH_NO_RETENTION) return { skipped: 'BENCH_NO_RETENTION' };
	const dir = tempDir('anl-bench-retention-');
	const state = path.join(dir, 'state.json');
	const out = path.join(dir, 'retention.json');
	const tsx = 'node_modules/tsx/dist/cli.mjs';
	const options = { env: { ...process.env, ...env }, stdio: 'inherit' };
	const prepared = spawnSync(
		process.execPath,
		[tsx, 'bench/retention.ts', '--prepare', '--state', state, '--contacts', String(CASEWORK.contacts), '--cases', String(CASEWORK.cases), '--referrals', String(CASEWORK.referrals)],
		options
	);
	if (prepared.status !== 0) throw new Error('retention benchmark: data generation failed');
	const ran = spawnSync(process.execPath, [tsx, 'bench/retention.ts', '--run', '--state', state, '--out', out], options);
	if (ran.status !== 0) throw new Error('retention benchmark failed');
	return JSON.parse(readFileSync(out, 'utf8'));
}

/** gzip size of a response body as a browser would receive it (compressed here when served raw). */
async function gzipBytes(url) {
	const res = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
	const body = Buffer.from(await res.arrayBuffer());
	return { status: res.status, raw: body.length, gzip: gzipSync(body).length, text: body.toString('utf8') };
}

/**
 * A page and everything it loads (stylesheets, images, icons, scripts), gzip. Budget (issue 3):
 * HTML ≤ 14 KB, total ≤ 30 KB, no JavaScript.
 */
async function pageBytes(port, pagePath, label) {
	const base = `http://127.0.0.1:${port}`;
	const html = await gzipBytes(base + pagePath);
	if (html.status === 404) {
		console.log(`  ${label} ${pagePath}: skipped (404, not built on this branch)`);
		return { skipped: '404' };
	}
	const refs = [...html.text.matchAll(/<(?:link|img|script|input)\b[^>]*?\b(?:href|src)="([^"]+)"[^>]*>/g)]
		.filter((m) => !/rel="(?:alternate|canonical|manifest)"/.test(m[0]))
		.map((m) => new URL(m[1].replace(/&amp;/g, '&'), base + pagePath).href)
		.filter((u) => u.startsWith(base));
	const resources = {};
	for (const u of [...new Set(refs)]) resources[new URL(u).pathname] = (await gzipBytes(u)).gzip;
	const scripts = (html.text.match(/<script\b(?![^>]*application\/ld\+json)/g) ?? []).length;
	const total = html.gzip + Object.values(resources).reduce((a, b) => a + b, 0);
	const r = { url: pagePath, status: html.status, html: html.raw, htmlGzip: html.gzip, resources, totalGzip: total, scripts };
	console.log(`  ${label} ${pagePath}: HTML ${html.raw} B raw, ${html.gzip} B gzip (budget 14336); total transfer ${total} B gzip (budget 30720); ${scripts} script elements; ${JSON.stringify(resources)}`);
	return r;
}

/** The first results page of the public search (issue 3). */
function searchPageBytes(port) {
	return pageBytes(port, SEARCH_PAGE, 'search page');
}

/**
 * Partizipation (issue 16): the demo campaign's map page (with its SVG map, the `<input
 * type="image">` source), its published result and an offer's feedback form, each within the
 * 30 KB gzip page budget.
 */
async function participationPageBytes(port, participation) {
	if (!participation?.demoCampaignId) return { skipped: 'no participation benchmark' };
	const campaign = `/de/m/duesseldorf/participation/${participation.demoCampaignId}`;
	const pages = { map: campaign, mapAr: campaign.replace('/de/', '/ar/'), results: `${campaign}/results`, feedback: `/de/m/koeln/o/${participation.feedbackOfferId}/feedback` };
	const out = {};
	for (const [name, p] of Object.entries(pages)) out[name] = await pageBytes(port, p, `participation ${name}`);
	return out;
}

/** Throughput of the HSDS services list at per_page=50 (same load as the pages). */
async function hsdsThroughput(port) {
	const url = `http://127.0.0.1:${port}${HSDS_LIST}`;
	const probe = await fetch(url);
	await probe.arrayBuffer();
	if (probe.status === 404) {
		console.log(`  HSDS ${HSDS_LIST}: skipped (404, the HSDS API is not built on this branch)`);
		return { skipped: '404' };
	}
	await load(url);
	const r = await load(url);
	console.log(`  HSDS ${HSDS_LIST}: ${r.rps} req/s, p50 ${r.p50} ms, p95 ${r.p95} ms (${CONNECTIONS} connections, errors ${r.errors})`);
	return { url: HSDS_LIST, ...r };
}

/**
 * Section 12: `bench/nrw.ts` against the pre-generated Land-wide database (BENCH_NRW_URL) and,
 * where set, the city-scale one (BENCH_CITY_URL).
 */
function benchNrw() {
	console.log('\n## Land-wide (issue 17)');
	const out = {};
	for (const [label, url] of [['nrw', process.env.BENCH_NRW_URL], ['city', process.env.BENCH_CITY_URL]]) {
		if (!url) {
			console.log(`  ${label}: skipped (set BENCH_${label.toUpperCase()}_URL to a database made by generate.ts --scale ${label})`);
			continue;
		}
		const file = path.join(tempDir('anl-bench-nrw-'), 'nrw.json');
		const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/nrw.ts', '--out', file], { env: { ...process.env, DATABASE_URL: url }, stdio: 'inherit' });
		if (result.status !== 0) throw new Error(`NRW benchmark (${label}) failed`);
		out[label] = JSON.parse(readFileSync(file, 'utf8'));
	}
	return out;
}

async function benchDatabase(kind, env) {
	console.log(`\n## ${kind}`);
	prepare(env);
	const result = { search: benchSearch(env), casework: benchCasework(env), steering: benchSteering(env), coverage: benchCoverage(kind, env), hosting: benchHosting(kind, env), participation: benchParticipation(env) };
	if (kind === 'pglite') {
		const starts = [];
		for (let i = 0; i < 3; i++) {
			const { child, readyMs } = await startServer(env);
			starts.push(Math.round(readyMs));
			await stop(child);
		}
		result.coldStartMs = { runs: starts, median: [...starts].sort((a, b) => a - b)[1] };
		console.log(`  cold start to first page (existing database): ${starts.join(', ')} ms`);
	}
	const { child, port } = await startServer(env);
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
		result.searchPage = await searchPageBytes(port);
		result.hsdsServices = await hsdsThroughput(port);
		result.participationPages = await participationPageBytes(port, result.participation);
	} finally {
		await stop(child);
	}
	result.retention = benchRetention(env);
	return result;
}

if (!existsSync('build/index.js')) {
	console.error('run "npm run build" first');
	process.exit(1);
}
if (process.env.BENCH_PG_ONLY) {
	// Child run inside pg_virtualenv: PostgreSQL figures only, handed back through a file.
	const r = await benchDatabase('postgres', { DATABASE_URL: process.env.BENCH_PG_URL, DATA_DIR: tempDir('anl-bench-pg-') });
	writeFileSync(process.env.BENCH_PG_RESULT, JSON.stringify(r));
	process.exit(0);
}
const results = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, scale: SCALE, casework: CASEWORK, durationMs: DURATION_MS, connections: CONNECTIONS };
results.relevance = benchRelevance();
results.pglite = await benchDatabase('pglite', { DATA_DIR: tempDir('anl-bench-') });
if (existsSync('/usr/bin/pg_virtualenv') && !process.env.BENCH_NO_PG) {
	const resultFile = path.join(tempDir('anl-bench-result-'), 'postgres.json');
	const inner = `BENCH_PG_ONLY=1 BENCH_PG_RESULT="${resultFile}" BENCH_PG_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:\${PGPORT:-5432}/postgres" "${process.execPath}" bench/run.js`;
	spawnSync('pg_virtualenv', ['-v', '15', 'sh', '-c', inner], { stdio: 'inherit' });
	if (existsSync(resultFile)) results.postgres = JSON.parse(readFileSync(resultFile, 'utf8'));
} else {
	console.warn('\nPostgreSQL benchmark skipped (no pg_virtualenv, or BENCH_NO_PG set)');
}
if (process.env.BENCH_NRW) results.nrw = benchNrw();
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`;
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`\nwritten ${file}`);
