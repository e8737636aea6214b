/**
 * Vernetzung benchmark (issue 14 "Performance"), on Köln with generated networks data:
 * `--actors` actors in all (5,000; the demo's and generated ones, each generated one active in
 * one of Köln's social spaces, round robin), `--networks` networks (300;
 * four in five local with one or two social spaces, half public), 20 actor members each,
 * `--relations` typed relations (20,000), four held meetings per network in the last year, 200
 * posts of the last week addressed by network, role and language, and `--readers` newsletter
 * readers (10,000 external contacts with a weekly digest, spread over the networks).
 * 1. the network map of the whole municipality (`networkMap`: figures, coverage and the SVG,
 *    drawn per social space at this size) and of its social space with the most actors (drawn
 *    actor by actor): server time p50/p95 over `--runs`, the SVG's size raw and gzipped;
 * 2. OParl list pages (`oparlList`, first page at the default page size and a page deep in the
 *    list) of organizations, memberships and meetings: p50/p95 over `--runs`;
 * 3. the newsletter digest for all readers (`runDigests` with a sender that only counts), once:
 *    time and the process's peak resident memory; before it, `dueDigests` alone, p50/p95 over 3.
 * Timed in-process, database round trips included. The data is written with set-based SQL
 * (generate_series), so the generation is not what is measured.
 *
 * Usage: tsx bench/networks.ts [--actors 5000] [--networks 300] [--relations 20000]
 *   [--readers 10000] [--runs 20] [--out result.json]
 * Reads DATABASE_URL or DATA_DIR like the server; loads the demo first.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { readConfig } from '../src/lib/server/core/config';
import { migrateDatabase, openDatabase } from '../src/lib/server/db/client';
import { loadDemo } from '../src/lib/server/demo/load';
import { findMunicipality } from '../src/lib/server/geography/service';
import { runDigests } from '../src/lib/server/networks/mails';
import { networkMap } from '../src/lib/server/networks/map';
import { ACTOR_TYPES } from '../src/lib/server/directory/model';
import { oparlList, parseListQuery } from '../src/lib/server/networks/oparl';
import { dueDigests } from '../src/lib/server/networks/posts';
import { principalOf, summary, timeRuns } from './timing';

const { values } = parseArgs({
	options: {
		actors: { type: 'string', default: '5000' },
		networks: { type: 'string', default: '300' },
		relations: { type: 'string', default: '20000' },
		readers: { type: 'string', default: '10000' },
		runs: { type: 'string', default: '20' },
		out: { type: 'string' }
	}
});
const n = { actors: Number(values.actors), networks: Number(values.networks), relations: Number(values.relations), readers: Number(values.readers) };
const runs = Number(values.runs);
const config = readConfig();
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
await migrateDatabase(handle);
const db = handle.db;
await loadDemo(db);
const koeln = (await findMunicipality(db, 'koeln'))!;
const m = koeln.id;
const now = new Date();
const types = `{${ACTOR_TYPES.map((t) => t.key).join(',')}}`;
const languages = '{de,en,ar,fa,uk,tr,ru}';

let t0 = performance.now();
const [{ existing }] = (await db.execute<{ existing: number }>(sql`select count(*)::int as existing from organization where municipality_id = ${m}`)).rows;
const add = Math.max(0, n.actors - existing);
await db.execute(sql`
	insert into organization (municipality_id, name, actor_type, visibility, source, source_id)
	select ${m}, 'Bench-Akteur ' || g, (${types}::text[])[1 + g % ${ACTOR_TYPES.length}], 'public', 'bench', 'networks-bench/' || g
	from generate_series(1, ${add}) g`);
await db.execute(sql`
	with spaces as (select id, row_number() over (order by id) - 1 as r, count(*) over () as c from social_space where municipality_id = ${m}),
	acts as (select id, row_number() over (order by id) - 1 as r from organization where municipality_id = ${m} and source = 'bench')
	insert into organization_social_space (organization_id, social_space_id)
	select acts.id, spaces.id from acts join spaces on spaces.r = acts.r % spaces.c`);
await db.execute(sql`
	insert into network (municipality_id, name, kind, level, theme_fields, visibility)
	select ${m}, 'Bench-Netzwerk ' || g, (array['network','round_table','working_circle','committee','district_conference'])[1 + g % 5],
		case when g % 5 = 0 then 'city' else 'local' end, array['housing','education'], case when g % 2 = 0 then 'public' else 'network' end
	from generate_series(1, ${n.networks}) g`);
// Local networks: one or two social spaces each; 20 actor members per network.
await db.execute(sql`
	with nets as (select id, row_number() over (order by id) as r from network where municipality_id = ${m} and name like 'Bench-Netzwerk %' and level = 'local'),
	spaces as (select id, row_number() over (order by id) - 1 as r, count(*) over () as c from social_space where municipality_id = ${m})
	insert into network_space (network_id, social_space_id)
	select distinct nets.id, spaces.id from nets cross join generate_series(0, 1) k join spaces on spaces.r = (nets.r * 3 + k * 7) % spaces.c
	where k = 0 or nets.r % 2 = 0`);
await db.execute(sql`
	with nets as (select id, row_number() over (order by id) as r from network where municipality_id = ${m} and name like 'Bench-Netzwerk %'),
	acts as (select id, row_number() over (order by id) - 1 as r, count(*) over () as c from organization where municipality_id = ${m})
	insert into network_membership (network_id, organization_id, role, starts_on)
	select nets.id, acts.id, case when k = 0 then 'coordinator' else 'member' end, current_date - 200
	from nets cross join generate_series(0, 19) k join acts on acts.r = (nets.r * 17 + k * 37) % acts.c`);
await db.execute(sql`
	with acts as (select id, row_number() over (order by id) - 1 as r, count(*) over () as c from organization where municipality_id = ${m})
	insert into actor_relation (municipality_id, from_organization_id, to_organization_id, kind, starts_on)
	select ${m}, a.id, b.id, (array['cooperates','member_of','funds','hosts_offers','refers_to'])[1 + (a.r + k) % 5], current_date - 100
	from acts a cross join generate_series(1, ${Math.ceil(n.relations / Math.max(1, n.actors)) + 1}) k
	join acts b on b.r = (a.r * 7 + k * 131 + 1) % a.c
	where a.id <> b.id
	limit ${n.relations}`);
await db.execute(sql`
	insert into meeting (network_id, name, starts_at, ends_at, proposal_deadline, place_text, state, minutes_state)
	select id, 'Treffen ' || k, now() - (k * 80 + 5) * interval '1 day', now() - (k * 80 + 5) * interval '1 day' + interval '2 hours',
		now() - (k * 80 + 8) * interval '1 day', 'Bürgerhaus', 'held', 'approved'
	from network cross join generate_series(0, 3) k where municipality_id = ${m} and name like 'Bench-Netzwerk %'`);
// Readers: external contacts who consented, each with a weekly digest due now.
await db.execute(sql`
	with nets as (select id, row_number() over (order by id) - 1 as r, count(*) over () as c from network where municipality_id = ${m} and name like 'Bench-Netzwerk %')
	insert into network_membership (network_id, person_name, person_email, consent_on, role, starts_on)
	select nets.id, 'Leser*in ' || g, 'leser-' || g || '@bench.invalid', current_date - 30, 'guest', current_date - 30
	from generate_series(1, ${n.readers}) g join nets on nets.r = g % nets.c`);
await db.execute(sql`
	insert into digest_subscription (municipality_id, membership_id, interval_days, language, unsubscribe_token, created_at)
	select ${m}, id, 7, (${languages}::text[])[1 + (row_number() over (order by id))::int % 7], 'bench-' || id, now() - interval '8 days'
	from network_membership where person_email like 'leser-%@bench.invalid'`);
await db.execute(sql`
	with nets as (select array_agg(id order by id) as ids from network where municipality_id = ${m} and name like 'Bench-Netzwerk %')
	insert into network_post (municipality_id, direction, title, body, language, is_public, network_ids, roles, languages, published_at)
	select ${m}, (array['down','up','sideways'])[1 + g % 3], 'Beitrag ' || g, 'Text des Beitrags ' || g || '. ' || repeat('Information für die Netzwerke. ', 10),
		(${languages}::text[])[1 + g % 7], g % 4 = 0,
		case when g % 3 = 0 then array[nets.ids[1 + g % array_length(nets.ids, 1)]] else '{}'::uuid[] end,
		case when g % 5 = 0 then array['external'] else '{}'::text[] end,
		case when g % 7 = 0 then array['de'] else '{}'::text[] end,
		now() - (g * 40) * interval '1 minute'
	from generate_series(1, 200) g cross join nets`);
const generated = Math.round((performance.now() - t0) / 100) / 10;
const counts = (
	await db.execute<Record<string, number>>(sql`
		select (select count(*)::int from organization where municipality_id = ${m}) as actors,
			(select count(*)::int from network where municipality_id = ${m}) as networks,
			(select count(*)::int from actor_relation where municipality_id = ${m}) as relations,
			(select count(*)::int from network_membership nm join network n on n.id = nm.network_id where n.municipality_id = ${m}) as memberships,
			(select count(*)::int from digest_subscription where municipality_id = ${m}) as readers`)
).rows[0];
console.log(`generated in ${generated} s:`, counts);

// 1. The network map of the whole municipality.
const admin = await principalOf(db, 'admin.koeln@example.org');
const texts = () => ({ title: 'Netzwerkkarte', description: 'Akteure und Verbindungen' });
let svg = '';
const map = await timeRuns(runs, async () => {
	svg = (await networkMap(db, admin, m, texts, { now })).svg;
});
const svgBytes = Buffer.byteLength(svg);
const svgGzip = gzipSync(svg).length;
console.log(`network map: p50 ${map.p50} ms, p95 ${map.p95} ms; SVG ${svgBytes} bytes (${svgGzip} gzipped)`);
const [{ busiest }] = (
	await db.execute<{ busiest: string }>(sql`select social_space_id as busiest from organization_social_space os join organization o on o.id = os.organization_id
		where o.municipality_id = ${m} group by social_space_id order by count(*) desc, social_space_id limit 1`)
).rows;
let spaceSvg = '';
let spaceActors = 0;
const spaceMap = await timeRuns(runs, async () => {
	const r = await networkMap(db, admin, m, texts, { now, socialSpaceId: busiest });
	spaceSvg = r.svg;
	spaceActors = r.actorCount;
});
const spaceSvgBytes = Buffer.byteLength(spaceSvg);
const spaceSvgGzip = gzipSync(spaceSvg).length;
console.log(`network map of one social space (${spaceActors} actors): p50 ${spaceMap.p50} ms, p95 ${spaceMap.p95} ms; SVG ${spaceSvgBytes} bytes (${spaceSvgGzip} gzipped)`);

// 2. OParl list pages.
const base = 'http://localhost/api/oparl';
const oparl: Record<string, ReturnType<typeof summary> & { total?: number }> = {};
for (const list of ['organizations', 'memberships', 'meetings']) {
	const first = new URLSearchParams();
	const self = new URL(`${base}/body/koeln/${list}`);
	let total = 0;
	oparl[`${list} first page`] = await timeRuns(runs, async () => {
		const page = (await oparlList(db, base, 'koeln', list, parseListQuery(first), self)) as { pagination?: { totalElements?: number } };
		total = page.pagination?.totalElements ?? 0;
	});
	oparl[`${list} first page`].total = total;
	const deep = new URLSearchParams({ page: String(Math.max(1, Math.floor(total / 100))), elementsPerPage: '50' });
	oparl[`${list} deep page`] = await timeRuns(runs, () => oparlList(db, base, 'koeln', list, parseListQuery(deep), self));
	console.log(`OParl ${list} (${total}): first page p95 ${oparl[`${list} first page`].p95} ms, deep page p95 ${oparl[`${list} deep page`].p95} ms`);
}

// 3. The newsletter digest for all readers.
const due = await timeRuns(3, () => dueDigests(db, now, m));
let sent = 0;
t0 = performance.now();
const result = await runDigests(db, now, async () => {
	sent++;
});
const digestMs = Math.round(performance.now() - t0);
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`dueDigests: p50 ${due.p50} ms, p95 ${due.p95} ms; runDigests: ${digestMs} ms for ${sent} mails (${result.empty} without posts), peak RSS ${rssMb} MB`);

const out = { database: config.databaseUrl ? 'postgresql' : 'pglite', counts, generatedSeconds: generated, map: { ...map, svgBytes, svgGzip }, spaceMap: { ...spaceMap, actors: spaceActors, svgBytes: spaceSvgBytes, svgGzip: spaceSvgGzip }, oparl, digest: { dueDigests: due, runDigestsMs: digestMs, mails: sent, empty: result.empty, failed: result.failed, peakRssMb: rssMb } };
if (values.out) writeFileSync(values.out, JSON.stringify(out, null, 2));
await handle.close();
