/**
 * Search relevance benchmark (issue 12 §1 "Measure it"): how well the public directory search
 * answers what newcomers type. Loads a fresh in-memory PGlite with the migrations and the
 * geography, instances and directory demos (the Köln OSM actors and the demo offers of
 * `data/demo/offers/`), then runs every query of `bench/relevance/<lang>.json` through
 * `searchDirectory` as the public search page does (reader language = query language, public
 * entries only, relevance order, first page of 20) and compares the hits with the demo offers
 * (by demo key, `service.source_id`) a helpful answer must show in its top 5.
 *
 * Measures, overall, per language and per kind of query:
 * - recall@5: per query the share of its expected offers among the first 5 hits (of at most 5
 *   expected), averaged over queries;
 * - MRR@10: per query 1 / rank of the first expected offer within the first 10 hits (0 when
 *   none), averaged;
 * - zero-result rate: share of queries with no hit at all.
 * Lists every query that misses an expected offer in its top 5 with what it showed instead.
 * Targets (issue 12): recall@5 ≥ 0.9 overall and ≥ 0.8 in every language.
 *
 * Usage: tsx bench/relevance.ts [--queries dir] [--out result.json] [--quiet]
 * (`npm run bench:relevance`). `--queries` reads another set (default `bench/relevance`), e.g.
 * queries the engine has not been tuned on; `DEMO_DATA_DIR` another demo directory;
 * `DATABASE_URL` an empty PostgreSQL database instead of the in-memory PGlite.
 * Exits 1 when a query file is malformed (file, query index, field), not when a target is missed.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { z } from '../src/lib/server/core/validation';
import { migrateDatabase, openDatabase, type Db } from '../src/lib/server/db/client';
import { loadDirectoryDemo } from '../src/lib/server/directory/demo';
import { service } from '../src/lib/server/directory/schema';
import { searchDirectory, type SearchHit } from '../src/lib/server/directory/search';
import { loadGeographyDemo } from '../src/lib/server/geography/demo';
import { findMunicipality } from '../src/lib/server/geography/service';
import { loadInstancesDemo } from '../src/lib/server/instances/demo';

/** The seven UI languages; every one needs at least 20 queries. */
const LANGUAGES = ['de', 'en', 'ar', 'fa', 'uk', 'tr', 'ru'] as const;
/**
 * Kinds of query: `exact` (an offer's own term), `synonym` (another word for it), `compound`
 * (a part or a re-split of a German compound), `typo`, `cross_language` (an untranslated
 * German entry searched in another language), `need` (a need in the searcher's words: "Brief
 * vom Amt", "keine Wohnung"), `colloquial` (everyday speech, slang, no umlauts).
 */
const KINDS = ['exact', 'synonym', 'compound', 'typo', 'cross_language', 'need', 'colloquial'] as const;
const TOP = 5;
const MRR_DEPTH = 10;
/** The public search page's first page. */
const PER_PAGE = 20;
const DEMO_DIR = path.resolve(process.env.DEMO_DATA_DIR || 'data/demo');

const relevanceQuery = z
	.object({
		q: z.string().min(1),
		lang: z.enum(LANGUAGES),
		kind: z.enum(KINDS),
		municipality: z.enum(['duesseldorf', 'koeln']),
		/** Demo keys of the offers a helpful answer shows in its top 5 (at most 5). */
		expect: z.array(z.string().min(1)).min(1).max(TOP)
	})
	.strict();
type RelevanceQuery = z.infer<typeof relevanceQuery>;

/** Scores of one query. */
interface Scored extends RelevanceQuery {
	recall: number;
	reciprocalRank: number;
	total: number;
	/** Expected keys not in the top 5. */
	missing: string[];
	/** What the top 5 showed: demo key, or kind and title. */
	top: string[];
}

/** Reads and checks every `<lang>.json`; a problem names the file, the query index and the field. */
function readQueries(dir: string): RelevanceQuery[] {
	const problems: string[] = [];
	const all: RelevanceQuery[] = [];
	for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
		const lang = name.replace(/\.json$/, '');
		const raw: unknown = JSON.parse(readFileSync(path.join(dir, name), 'utf8'));
		if (!Array.isArray(raw)) {
			problems.push(`${name}: not an array of queries`);
			continue;
		}
		raw.forEach((item, i) => {
			const parsed = relevanceQuery.safeParse(item);
			if (!parsed.success) problems.push(...parsed.error.issues.map((x) => `${name}[${i}] ${x.path.join('.')}: ${x.message}`));
			else if (parsed.data.lang !== lang) problems.push(`${name}[${i}] lang: ${parsed.data.lang} in the file of ${lang}`);
			else all.push(parsed.data);
		});
	}
	if (problems.length) throw new Error(`relevance queries rejected:\n  ${problems.join('\n  ')}`);
	return all;
}

/** Averages of a group of scored queries. */
function aggregate(rows: Scored[]) {
	const mean = (f: (r: Scored) => number) => Math.round((rows.reduce((a, r) => a + f(r), 0) / rows.length) * 1000) / 1000;
	return { queries: rows.length, recallAt5: mean((r) => r.recall), mrrAt10: mean((r) => r.reciprocalRank), zeroResultRate: mean((r) => (r.total === 0 ? 1 : 0)) };
}

function groupBy(rows: Scored[], key: (r: Scored) => string, order: readonly string[]) {
	return Object.fromEntries(order.filter((k) => rows.some((r) => key(r) === k)).map((k) => [k, aggregate(rows.filter((r) => key(r) === k))]));
}

function label(hit: SearchHit, keys: Map<string, string>): string {
	return keys.get(hit.id) ?? `${hit.kind === 'service' ? 'offer' : 'actor'} "${hit.title.de ?? Object.values(hit.title)[0] ?? ''}"`;
}

/**
 * Runs every query on a database that holds the demo.
 * @returns per-query scores and the aggregates overall, per language and per kind.
 * @throws Error when an expected key is not a demo offer of the query's municipality.
 */
async function runRelevance(db: Db, queries: RelevanceQuery[]) {
	const scored: Scored[] = [];
	const cache = new Map<string, { id: string; keys: Map<string, string> }>();
	const unknown: string[] = [];
	for (const query of queries) {
		let m = cache.get(query.municipality);
		if (!m) {
			const found = await findMunicipality(db, query.municipality);
			if (!found) throw new Error(`municipality ${query.municipality} is not loaded`);
			const rows = await db.select({ id: service.id, key: service.sourceId }).from(service).where(and(eq(service.municipalityId, found.id), eq(service.source, 'demo')));
			m = { id: found.id, keys: new Map(rows.map((r) => [r.id, r.key ?? ''])) };
			cache.set(query.municipality, m);
		}
		const known = new Set(m.keys.values());
		unknown.push(...query.expect.filter((k) => !known.has(k)).map((k) => `"${query.q}" (${query.lang}): ${k}`));
		const result = await searchDirectory(db, { municipalityId: m.id, text: query.q, lang: query.lang, levels: ['public'], sort: 'relevance', page: 1, perPage: PER_PAGE });
		const ranked = result.hits.map((h) => m.keys.get(h.id) ?? null);
		const top = ranked.slice(0, TOP);
		const missing = query.expect.filter((k) => !top.includes(k));
		const first = ranked.slice(0, MRR_DEPTH).findIndex((k) => k !== null && query.expect.includes(k));
		scored.push({
			...query,
			recall: (query.expect.length - missing.length) / Math.min(query.expect.length, TOP),
			reciprocalRank: first < 0 ? 0 : 1 / (first + 1),
			total: result.total,
			missing,
			top: result.hits.slice(0, TOP).map((h) => label(h, m.keys))
		});
	}
	if (unknown.length) throw new Error(`expected offers that are not demo offers:\n  ${unknown.join('\n  ')}`);
	return {
		overall: aggregate(scored),
		byLanguage: groupBy(scored, (r) => r.lang, LANGUAGES),
		byKind: groupBy(scored, (r) => r.kind, KINDS),
		misses: scored.filter((r) => r.missing.length).map(({ q, lang, kind, municipality, missing, top, total }) => ({ q, lang, kind, municipality, missing, total, top }))
	};
}

function row(name: string, a: ReturnType<typeof aggregate>): string {
	return `  ${name.padEnd(16)} ${String(a.queries).padStart(4)}   ${a.recallAt5.toFixed(3)}   ${a.mrrAt10.toFixed(3)}   ${a.zeroResultRate.toFixed(3)}`;
}

async function main() {
	const { values } = parseArgs({ options: { queries: { type: 'string', default: 'bench/relevance' }, out: { type: 'string' }, quiet: { type: 'boolean', default: false } } });
	const queries = readQueries(path.resolve(values.queries));
	const counts = LANGUAGES.map((l) => [l, queries.filter((q) => q.lang === l).length] as const);
	const started = performance.now();
	// An empty PostgreSQL database when DATABASE_URL names one (the demo is added to what it holds).
	const handle = process.env.DATABASE_URL ? await openDatabase({ url: process.env.DATABASE_URL }) : await openDatabase({ memory: true });
	await migrateDatabase(handle);
	await loadGeographyDemo(handle.db, DEMO_DIR);
	await loadInstancesDemo(handle.db);
	await loadDirectoryDemo(handle.db, DEMO_DIR);
	const loadedMs = performance.now() - started;
	const t0 = performance.now();
	const result = await runRelevance(handle.db, queries);
	const searchMs = performance.now() - t0;
	await handle.close();

	console.log(`search relevance on ${handle.kind}: ${queries.length} queries (${counts.map(([l, n]) => `${l} ${n}`).join(', ')}); demo loaded in ${(loadedMs / 1000).toFixed(1)} s, queries ran in ${(searchMs / 1000).toFixed(1)} s`);
	console.log(`  ${'group'.padEnd(16)} ${'n'.padStart(4)}   recall@5 MRR@10  zero-result`);
	console.log(row('overall', result.overall));
	for (const [k, a] of Object.entries(result.byLanguage)) console.log(row(k, a));
	for (const [k, a] of Object.entries(result.byKind)) console.log(row(k, a));
	const failing = Object.entries(result.byLanguage).filter(([, a]) => a.recallAt5 < 0.8).map(([k]) => k);
	console.log(`  targets: recall@5 ≥ 0.9 overall (${result.overall.recallAt5 >= 0.9 ? 'met' : 'missed'}), ≥ 0.8 per language (${failing.length ? `missed in ${failing.join(', ')}` : 'met'})`);
	if (!values.quiet) {
		console.log(`  misses (${result.misses.length}):`);
		for (const m of result.misses) console.log(`    [${m.lang} ${m.kind} ${m.municipality}] "${m.q}": missing ${m.missing.join(', ')}; ${m.total} hits, top ${TOP}: ${m.top.join(' | ') || '—'}`);
	}
	if (values.out) writeFileSync(values.out, JSON.stringify({ queries: queries.length, loadedMs: Math.round(loadedMs), searchMs: Math.round(searchMs), ...result }, null, 2));
}

main().catch((e) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
