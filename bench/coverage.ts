/**
 * Coverage benchmark (issue 5 "Performance": "Coverage matrix for 86 social spaces × 4 fields
 * with 100,000 offers and 1,000,000 contacts in the database: server time p95; budget ≤ 200 ms on
 * PostgreSQL"). Generates a Köln-like municipality — 86 Stadtteile in 2 Stadtbezirke with a
 * population statistic each (`generate.ts`), 100,000 offers with their search entries
 * (`directory.ts`), 1,000,000 counselling contacts of the last 12 months (`casework-data.ts`,
 * 10 % with an unmet topic) and 500 needs reports — then times `computeCoverage` unfiltered and
 * with a target-group and a language filter, and one cell drill-down (`getCoverageCell`).
 * Offers are marked verified at random (60 % within the freshness period), so cells are mixed.
 * Timed in-process, database round trips included; the first run of each kind warms caches and
 * is not counted.
 *
 * The covering indexes of migration 0007 exist; the tables are vacuumed before timing so
 * index-only scans apply, as autovacuum does on a live system.
 *
 * Usage: tsx bench/coverage.ts [--offers 100000] [--contacts 1000000] [--runs 20]
 *   [--skip-generate] [--out result.json]
 * Reads DATABASE_URL or DATA_DIR like the server; expects an empty database (or, with
 * `--skip-generate`, one a previous run generated).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { systemPrincipal } from '../src/lib/server/access';
import { readConfig } from '../src/lib/server/core/config';
import { migrateDatabase, openDatabase } from '../src/lib/server/db/client';
import { municipality } from '../src/lib/server/geography/schema';
import { computeCoverage, getCoverageCell } from '../src/lib/server/steering/coverage';
import { generate } from './generate';
import { generateDirectory } from './directory';
import { generateCasework } from './casework-data';
import { timeRuns } from './timing';

const { values } = parseArgs({
	options: {
		offers: { type: 'string', default: '100000' },
		contacts: { type: 'string', default: '1000000' },
		runs: { type: 'string', default: '20' },
		'skip-generate': { type: 'boolean', default: false },
		out: { type: 'string' }
	}
});
const config = readConfig();
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
await migrateDatabase(handle);
const db = handle.db;
const log = (s: string) => console.log(s);
const now = new Date();
const t0 = performance.now();
if (!values['skip-generate']) {
	await generate(db, { municipalities: 1, districtsPer: 2, spacesPerDistrict: 43 }, log);
}
const [m] = await db.select().from(municipality).where(eq(municipality.slug, 'gemeinde-0001'));
if (!values['skip-generate']) {
	await generateDirectory(db, { offers: Number(values.offers), actors: Math.round(Number(values.offers) / 5) }, log);
	await generateCasework(db, { municipalitySlug: 'gemeinde-0001', contacts: Number(values.contacts), referrals: 0, cases: 0, seed: 5 }, now, log);
	// Verification dates: 60 % within the last year, the rest two years ago.
	await db.execute(sql`
		update service set last_verified_at = case when mod(abs(hashtext(id::text)), 10) < 6 then ${now.toISOString()}::timestamptz - interval '30 days'
			else ${now.toISOString()}::timestamptz - interval '2 years' end
		where municipality_id = ${m.id}`);
	// 500 needs reports, one space each, a fifth answered by an offer.
	await db.execute(sql`
		with r as (
			insert into needs_report (municipality_id, reference, title, description, theme_field, status, decline_reason, is_demo)
			select ${m.id}, 'B-2026-' || lpad(g::text, 4, '0'), 'Bedarf ' || g, 'Bench', (array['housing','education','labour','civil_society'])[1 + mod(g, 4)],
				(array['reported','under_review','in_planning','implemented','declined'])[1 + mod(g, 5)], case when mod(g, 5) = 4 then 'Bench' end, true
			from generate_series(1, 500) g
			returning id, reference
		), s as (select id, row_number() over (order by id) as k from social_space where municipality_id = ${m.id})
		insert into needs_report_space (report_id, social_space_id)
		select r.id, s.id from r join s on s.k = 1 + mod(abs(hashtext(r.reference)), 86)`);
	await db.execute(sql`
		insert into needs_report_link (report_id, service_id)
		select r.id, (select id from service where municipality_id = ${m.id} limit 1) from needs_report r where mod(abs(hashtext(r.reference)), 5) = 0`);
	await db.execute(sql`analyze`);
}
for (const table of ['search_entry', 'service', 'counselling_contact']) await db.execute(sql.raw(`vacuum analyze ${table}`));
const generatedSeconds = Math.round((performance.now() - t0) / 100) / 10;
const counts = (
	await db.execute<{ offers: number; entries: number; contacts: number; spaces: number }>(sql`
		select (select count(*)::int from service) as offers, (select count(*)::int from search_entry where kind = 'service') as entries,
			(select count(*)::int from counselling_contact) as contacts, (select count(*)::int from social_space where municipality_id = ${m.id}) as spaces`)
).rows[0];
const runs = Number(values.runs);
const bench = systemPrincipal('bench');
const sample = await computeCoverage(db, bench, m.id, { now });
const cell = sample.spaces[0];
const result = {
	database: handle.kind,
	generatedSeconds,
	rows: counts,
	classes: sample.totals,
	matrix: await timeRuns(runs, () => computeCoverage(db, bench, m.id, { now })),
	matrixTargetGroup: await timeRuns(runs, () => computeCoverage(db, bench, m.id, { now, targetGroup: 'newcomers' })),
	matrixLanguage: await timeRuns(runs, () => computeCoverage(db, bench, m.id, { now, language: 'ar' })),
	cell: await timeRuns(runs, () => getCoverageCell(db, bench, m.id, cell.id, 'education', { now }))
};
console.log(`  coverage ${handle.kind} (${counts.spaces} spaces, ${counts.offers} offers, ${counts.entries} search entries, ${counts.contacts} contacts; generated in ${generatedSeconds} s):`);
console.log(`    matrix: p50 ${result.matrix.p50} ms, p95 ${result.matrix.p95} ms, max ${result.matrix.max} ms (${runs} runs; budget p95 ≤ 200 ms on PostgreSQL)`);
console.log(`    matrix, target group: p50 ${result.matrixTargetGroup.p50} ms, p95 ${result.matrixTargetGroup.p95} ms; language: p50 ${result.matrixLanguage.p50} ms, p95 ${result.matrixLanguage.p95} ms`);
console.log(`    cell drill-down: p50 ${result.cell.p50} ms, p95 ${result.cell.p95} ms; classes ${JSON.stringify(sample.totals)}`);
if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
await handle.close();
