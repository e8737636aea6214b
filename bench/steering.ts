/**
 * Steuerung benchmark (issue 5 "Performance"): server time of the municipality dashboard
 * (`municipalityDashboard`, whole city and the busiest Stadtbezirk) p50/p95 over `--iterations`
 * runs (default 20, after 2 warm-up runs), and the district report PDF (`buildSteeringReport` +
 * `renderReportPdf`): generation time p50/p95 and size. Timed in-process, database round trips
 * included, as the Düsseldorf administrator.
 *
 * Data: the demo, then `generateCasework` (Düsseldorf: `--contacts` anonymous contacts, a tenth
 * as many referrals, `--cases` cases) plus, in Düsseldorf, `--offers` offers with search entries
 * placed in random social spaces (created over the last five years, 8 % inactive), `--needs`
 * needs reports (random status, field, space, response after 0–60 days) and `--programmes`
 * programmes (one or two fields, 0–3 social spaces, budgets up to 500,000 €). Rows are written
 * by `generate_series` with `hashtext` choices (same seed, same data).
 *
 * Usage: tsx bench/steering.ts [--contacts 1000000] [--cases 10000] [--offers 20000]
 *   [--needs 5000] [--programmes 300] [--iterations 20] [--skip-generate] [--skip-casework]
 *   [--out result.json]. `--skip-casework`: the contacts are already there (`bench/run.js` runs
 *   this after `bench/casework.ts` on the same database).
 * Reads DATABASE_URL or DATA_DIR like the server.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { berlinDate } from '../src/lib/server/casework/time';
import { readConfig } from '../src/lib/server/core/config';
import { migrateDatabase, openDatabase, type Db } from '../src/lib/server/db/client';
import { loadDemo } from '../src/lib/server/demo/load';
import { THEME_FIELDS } from '../src/lib/server/directory/model';
import { municipalityDashboard } from '../src/lib/server/steering/pages/dashboard';
import { buildSteeringReport, renderReportPdf } from '../src/lib/server/steering/pages/report';
import { generateCasework } from './casework-data';
import { principalOf, summary } from './timing';

const FIELDS = `array[${THEME_FIELDS.map((f) => `'${f.key}'`).join(',')}]::text[]`;

/** Offers (with search entries), needs reports and programmes in the municipality, by SQL. */
export async function generateSteering(db: Db, municipalityId: string, scale: { offers: number; needs: number; programmes: number; seed: number }): Promise<void> {
	const s = scale.seed;
	const pick = (k: string, n: number) => sql.raw(`mod(abs(hashtext(g::text || '${k}${s}')), ${n})`);
	await db.execute(sql`create temporary table bench_space as
		select row_number() over (order by id) - 1 as i, id, district_id from social_space where municipality_id = ${municipalityId}`);
	const [{ n: spaces }] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from bench_space`)).rows;
	const [org] = (await db.execute<{ id: string }>(sql`select id from organization where municipality_id = ${municipalityId} limit 1`)).rows;
	await db.execute(sql`
		with g as (select g, gen_random_uuid() as id from generate_series(1, ${scale.offers}) g),
		s as (
			insert into service (id, municipality_id, organization_id, name, status, theme_fields, created_at)
			select id, ${municipalityId}, ${org.id}, jsonb_build_object('de', jsonb_build_object('text', 'Bench-Angebot ' || g, 'status', 'original')),
				case when ${pick('st', 100)} < 8 then 'inactive' else 'active' end,
				array[(${sql.raw(FIELDS)})[1 + ${pick('f', THEME_FIELDS.length)}]],
				now() - (${pick('c', 1826)} || ' days')::interval
			from g returning id, status, theme_fields
		)
		insert into search_entry (kind, entity_id, municipality_id, visibility, title, organization_name, document, words, theme_fields, social_space_ids, district_ids, status)
		select 'service', s.id, ${municipalityId}, 'public', '{}'::jsonb, 'Bench', ''::tsvector, '', s.theme_fields, array[b.id], array[b.district_id], s.status
		from s join bench_space b on b.i = mod(abs(hashtext(s.id::text)), ${spaces})`);
	await db.execute(sql`
		with g as (select g, gen_random_uuid() as id, now() - (${pick('c', 700)} || ' days')::interval as created from generate_series(1, ${scale.needs}) g),
		r as (
			insert into needs_report (id, municipality_id, reference, title, description, theme_field, status, decline_reason, created_at, first_response_at, is_demo)
			select id, ${municipalityId}, 'BENCH-' || g, 'Bench (Demo)', 'Bench', (${sql.raw(FIELDS)})[1 + ${pick('f', THEME_FIELDS.length)}],
				(array['reported','under_review','in_planning','implemented','declined'])[1 + ${pick('st', 5)}],
				'bench', created, case when ${pick('r', 4)} = 0 then null else created + (${pick('d', 60)} || ' days')::interval end, true
			from g returning id
		)
		insert into needs_report_space (report_id, social_space_id)
		select r.id, b.id from r join bench_space b on b.i = mod(abs(hashtext(r.id::text)), ${spaces})`);
	await db.execute(sql`
		with g as (select g, gen_random_uuid() as id from generate_series(1, ${scale.programmes}) g),
		p as (
			insert into programme (id, municipality_id, name, funder_level, theme_fields, budget_cents, starts_on, ends_on, is_demo)
			select id, ${municipalityId}, 'Bench-Programm ' || g || ' (Demo)', 'state',
				case when ${pick('two', 3)} = 0 then (${sql.raw(FIELDS)})[1:2] else array[(${sql.raw(FIELDS)})[1 + ${pick('f', THEME_FIELDS.length)}]] end,
				case when ${pick('b', 10)} = 0 then null else ${pick('bv', 50_000_000)}::bigint end,
				starts, case when ${pick('e', 3)} = 0 then null else starts + ${pick('e2', 1500)}::int end, true
			from (select g, id, current_date - ${pick('s', 1500)}::int as starts from g) g returning id
		)
		insert into programme_space (programme_id, social_space_id)
		select distinct p.id, b.id from p, generate_series(1, 3) k join bench_space b on true
		where b.i = mod(abs(hashtext(p.id::text || k)), ${spaces}) and mod(abs(hashtext(p.id::text)), 4) >= k`);
	await db.execute(sql`drop table bench_space`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({
		options: {
			contacts: { type: 'string', default: '1000000' },
			cases: { type: 'string', default: '10000' },
			offers: { type: 'string', default: '20000' },
			needs: { type: 'string', default: '5000' },
			programmes: { type: 'string', default: '300' },
			iterations: { type: 'string', default: '20' },
			seed: { type: 'string', default: '5' },
			'skip-generate': { type: 'boolean', default: false },
			'skip-casework': { type: 'boolean', default: false },
			out: { type: 'string' }
		}
	});
	const config = readConfig();
	const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
	await migrateDatabase(handle);
	await loadDemo(handle.db);
	const db = handle.db;
	const admin = await principalOf(db, 'admin.duesseldorf@example.org');
	const result: Record<string, unknown> = { database: handle.kind };
	if (!values['skip-generate']) {
		const t0 = performance.now();
		const contacts = Number(values.contacts);
		if (!values['skip-casework']) await generateCasework(db, { contacts, referrals: Math.round(contacts / 10), cases: Number(values.cases), seed: Number(values.seed) }, new Date(), (s) => console.log(s));
		await generateSteering(db, admin.municipalityId, { offers: Number(values.offers), needs: Number(values.needs), programmes: Number(values.programmes), seed: Number(values.seed) });
		result.generatedSeconds = Math.round((performance.now() - t0) / 100) / 10;
	}
	result.rows = (
		await db.execute(sql`
			select (select count(*)::int from counselling_contact) as contacts, (select count(*)::int from referral) as referrals,
				(select count(*)::int from service where municipality_id = ${admin.municipalityId}) as offers,
				(select count(*)::int from needs_report where municipality_id = ${admin.municipalityId}) as needs,
				(select count(*)::int from programme where municipality_id = ${admin.municipalityId}) as programmes`)
	).rows[0];
	const year = Number(berlinDate(new Date()).slice(0, 4));
	const busiest = (
		await db.execute<{ id: string }>(sql`
			select district_id as id from counselling_contact where municipality_id = ${admin.municipalityId} and district_id is not null
			group by district_id order by count(*) desc limit 1`)
	).rows[0].id;
	const iterations = Number(values.iterations);
	const time = async (fn: () => Promise<unknown>) => {
		const t0 = performance.now();
		await fn();
		return performance.now() - t0;
	};
	const city: number[] = [];
	const district: number[] = [];
	const pdf: number[] = [];
	let pdfBytes = 0;
	for (let i = 0; i < 2; i++) await municipalityDashboard(db, admin, admin.municipalityId, { year, locale: 'de' });
	for (let i = 0; i < iterations; i++) {
		city.push(await time(() => municipalityDashboard(db, admin, admin.municipalityId, { year, locale: 'de' })));
		district.push(await time(() => municipalityDashboard(db, admin, admin.municipalityId, { year, districtId: busiest, locale: 'de' })));
		pdf.push(
			await time(async () => {
				const report = await buildSteeringReport(db, admin, admin.municipalityId, { kind: 'district', districtId: busiest, year, locale: 'de' });
				pdfBytes = (await renderReportPdf(report)).length;
			})
		);
	}
	Object.assign(result, { year, municipalityDashboard: summary(city), districtDashboard: summary(district), districtReportPdf: { ...summary(pdf), bytes: pdfBytes } });
	console.log(JSON.stringify(result, null, 2));
	if (values.out) writeFileSync(values.out, JSON.stringify(result));
	await handle.close();
}
