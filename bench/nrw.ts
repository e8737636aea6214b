/**
 * Land-wide benchmark (issue 17): per-municipality queries on a database generated with
 * `generate.ts --scale nrw` (396 municipalities, 1,000,000 offers, 5,000,000 contacts) or, for
 * comparison, `--scale city` (the largest municipality alone). On the largest generated
 * municipality (`gemeinde-0001`) and a median one, in-process, PostgreSQL only:
 * - search: the 32-query mix of `bench/search.ts` (`searchDirectory`), p50/p95 — target p95 ≤ 50 ms;
 * - municipality dashboard for a year (`municipalityDashboard`, the whole municipality, as its
 *   administrator; contacts from the monthly roll-ups, nothing folded) p50/p95 — target p95 ≤ 300 ms;
 * - its parts: `countContacts` for the year and the offer figures (`offerIndicators`).
 *
 * With `--search-ranks 1,5,10,…` also the search mix alone at the municipalities of those ranks by
 * size (the generator numbers them largest first): where between city and village the search
 * target stops holding.
 *
 * Usage: DATABASE_URL=… tsx bench/nrw.ts [--runs 20] [--search-iterations 5] [--search-ranks 1,5,10] [--out r.json]
 * Prints the figures with the load average; `bench/run.js` runs it with BENCH_NRW=1.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type { UserPrincipal } from '../src/lib/server/access';
import { countContacts } from '../src/lib/server/casework/statistics';
import { readConfig } from '../src/lib/server/core/config';
import { openDatabase, type Db } from '../src/lib/server/db/client';
import { offerIndicators } from '../src/lib/server/directory/steering-reads';
import { municipalityDashboard } from '../src/lib/server/steering/pages/dashboard';
import { benchSearch } from './search';
import { timeRuns } from './timing';

/** A municipality administrator of a generated municipality (the generator creates no accounts; the dashboard reads only). */
function adminOf(m: { id: string; slug: string }): UserPrincipal {
	return { kind: 'user', userId: randomUUID(), email: `bench@${m.slug}.example.org`, displayName: 'Bench', role: 'municipality_admin', municipalityId: m.id, municipalitySlug: m.slug, instanceIds: [], totpEnabled: false };
}

/**
 * Measures one municipality.
 * @returns sizes (offers, contacts) and p50/p95 of search, dashboard and its parts, in ms.
 */
export async function benchMunicipality(db: Db, m: { id: string; slug: string }, year: number, runs: number, searchIterations: number) {
	const [size] = (
		await db.execute<{ offers: number; contacts: number }>(sql`
			select (select count(*)::int from service where municipality_id = ${m.id}) as offers,
				(select count(*)::int from counselling_contact where municipality_id = ${m.id}) as contacts`)
	).rows;
	const admin = adminOf(m);
	const search = await benchSearch(db, m.id, searchIterations);
	const dashboard = await timeRuns(runs, () => municipalityDashboard(db, admin, m.id, { year, locale: 'de' }));
	const contacts = await timeRuns(runs, () => countContacts(db, { level: 'municipality', id: m.id }, { year, month: null }));
	const offers = await timeRuns(runs, () => offerIndicators(db, m.id, { spaceIds: null, areaLevel: 'district', year }));
	return { municipality: m.slug, ...size, search: { overall: search.overall, textOnly: search.textOnly, withFilters: search.withFilters }, dashboard, countContacts: contacts, offerIndicators: offers };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, 'search-iterations': { type: 'string', default: '5' }, out: { type: 'string' }, 'search-ranks': { type: 'string' } } });
	const config = readConfig();
	if (!config.databaseUrl) throw new Error('bench/nrw.ts needs PostgreSQL (DATABASE_URL) generated with generate.ts --scale nrw or city');
	const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
	const munis = (await handle.db.execute<{ id: string; slug: string }>(sql`select id, slug from municipality where slug like 'gemeinde-%' order by slug`)).rows;
	if (!munis.length) throw new Error('no generated municipalities: run generate.ts --scale nrw first');
	const [totals] = (
		await handle.db.execute<{ municipalities: number; offers: number; contacts: number; entries: number }>(sql`
			select (select count(*)::int from municipality) as municipalities, (select count(*)::int from service) as offers,
				(select count(*)::int from counselling_contact) as contacts, (select count(*)::int from search_entry) as entries`)
	).rows;
	const year = new Date().getUTCFullYear();
	const result: Record<string, unknown> = { date: new Date().toISOString(), totals, year, loadBefore: os.loadavg() };
	console.log(`  NRW bench on ${JSON.stringify(totals)}, year ${year}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
	const targets = munis.length > 1 ? { largest: munis[0], median: munis[Math.floor(munis.length / 2)] } : { largest: munis[0] };
	for (const [label, m] of Object.entries(targets)) {
		const r = await benchMunicipality(handle.db, m, year, Number(values.runs), Number(values['search-iterations']));
		result[label] = r;
		console.log(
			`  ${label} ${r.municipality} (${r.offers} offers, ${r.contacts} contacts): search p50 ${r.search.overall.p50} / p95 ${r.search.overall.p95} ms (target 50); ` +
				`dashboard year p50 ${r.dashboard.p50} / p95 ${r.dashboard.p95} ms (target 300); countContacts p95 ${r.countContacts.p95} ms; offer figures p95 ${r.offerIndicators.p95} ms`
		);
	}
	const ranks = (values['search-ranks'] ?? '').split(',').filter(Boolean).map(Number);
	if (ranks.some((r) => !Number.isInteger(r) || r < 1 || r > munis.length)) throw new Error(`--search-ranks: whole numbers from 1 to ${munis.length}`);
	const byRank: Record<string, unknown>[] = [];
	for (const rank of ranks) {
		const m = munis[rank - 1];
		const [{ n }] = (await handle.db.execute<{ n: number }>(sql`select count(*)::int as n from search_entry where municipality_id = ${m.id}`)).rows;
		const search = await benchSearch(handle.db, m.id, Number(values['search-iterations']));
		byRank.push({ rank, municipality: m.slug, entries: n, p50: search.overall.p50, p95: search.overall.p95, index: search.index });
		const where = search.index
			? `in memory (built in ${search.index.ms} ms, about ${search.index.megabytes} MB${search.index.differing.length ? `; pages differing from PostgreSQL's: ${search.index.differing.join(', ')}` : ', every page as PostgreSQL gives it'})`
			: 'PostgreSQL';
		console.log(`  search at rank ${rank}, ${m.slug} (${n} entries): p50 ${search.overall.p50} / p95 ${search.overall.p95} ms (target 50), ${where}`);
	}
	if (ranks.length) result.searchByRank = byRank;
	result.loadAfter = os.loadavg();
	console.log(`  load after ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
	if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
	await handle.close();
}
