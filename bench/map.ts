/**
 * Map benchmark (issue 12 §2): what the demo's boundaries and the placement of places cost.
 * 1. the first start's demo (`loadDemo` into an empty database), whole;
 * 2. every later start: the demo finds nothing missing — the geography demo (reads and checks
 *    the boundary and statistics files) and the placement pass over the demo municipalities,
 *    p50/p95 over `--runs`;
 * 3. the upgrade of an installation whose Düsseldorf has no boundaries (areas without them, no
 *    2020 statistic, places unplaced), `--runs` times: `loadDemo` adds them and places the places;
 * 4. `placeUnplacedLocations` over `--places` places saved before boundaries existed (`--actors`
 *    actors in Köln, places at random points of Köln's bounding box, so some lie outside), once:
 *    what `npm run cli -- place locations koeln` takes after a boundary import.
 * Timed in-process, database round trips included.
 *
 * Usage: tsx bench/map.ts [--runs 10] [--places 5000] [--actors 500] [--out result.json]
 * Reads DATABASE_URL or DATA_DIR like the server; expects an empty database.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { systemPrincipal } from '../src/lib/server/access';
import { readConfig } from '../src/lib/server/core/config';
import { migrateDatabase, openDatabase, type Db } from '../src/lib/server/db/client';
import { loadDemo } from '../src/lib/server/demo/load';
import { placeUnplacedLocations } from '../src/lib/server/directory/placement';
import { refreshSearchEntries } from '../src/lib/server/directory/search-index';
import { saveOrganization } from '../src/lib/server/directory/service';
import { originalText } from '../src/lib/server/directory/texts';
import { loadGeographyDemo } from '../src/lib/server/geography/demo';
import { findMunicipality, listMunicipalities } from '../src/lib/server/geography/service';
import { summary, timeRuns } from './timing';

const { values } = parseArgs({
	options: {
		runs: { type: 'string', default: '10' },
		places: { type: 'string', default: '5000' },
		actors: { type: 'string', default: '500' },
		out: { type: 'string' }
	}
});
const runs = Number(values.runs);
const config = readConfig();
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
await migrateDatabase(handle);
const db = handle.db;
const demoDir = path.resolve('data/demo');
const seconds = (ms: number) => Math.round(ms / 10) / 100;

let t0 = performance.now();
await loadDemo(db);
const firstStart = seconds(performance.now() - t0);
console.log(`first start's demo: ${firstStart} s`);

/** What the map part adds to every start: the geography demo and the placement pass. */
async function mapPartOfStart(): Promise<void> {
	await loadGeographyDemo(db, demoDir);
	for (const m of (await listMunicipalities(db)).filter((x) => x.isDemo)) await placeUnplacedLocations(db, systemPrincipal('demo-loader'), m.id);
}
const laterStart = await timeRuns(runs, mapPartOfStart);
const wholeLaterStart = await timeRuns(Math.max(3, Math.round(runs / 3)), () => loadDemo(db));
console.log(`later start, map part: p50 ${laterStart.p50} / p95 ${laterStart.p95} ms; whole demo check: p50 ${wholeLaterStart.p50} ms`);

const d = (await findMunicipality(db, 'duesseldorf'))!;
/** Puts Düsseldorf back into the state of an installation from before its boundaries were shipped. */
async function withoutBoundaries(dbx: Db): Promise<void> {
	await dbx.execute(sql`update district set boundary = null, updated_at = now() where municipality_id = ${d.id}`);
	await dbx.execute(sql`update social_space set boundary = null, code = null, updated_at = now() where municipality_id = ${d.id} and code not in ('044', '061', '062', '063', '064')`);
	await dbx.execute(sql`update social_space set boundary = null, updated_at = now() where municipality_id = ${d.id}`);
	await dbx.execute(sql`delete from statistic where municipality_id = ${d.id} and metric = 'eligible_voters'`);
	await dbx.execute(sql`update location set social_space_id = null where municipality_id = ${d.id}`);
	const entries = (await dbx.execute(sql`select kind, entity_id::text as id from search_entry where municipality_id = ${d.id}`)) as unknown as { rows: { kind: string; id: string }[] };
	await refreshSearchEntries(dbx, {
		serviceIds: entries.rows.filter((e) => e.kind === 'service').map((e) => e.id),
		organizationIds: entries.rows.filter((e) => e.kind === 'organization').map((e) => e.id)
	});
}
const upgradeTimes: number[] = [];
for (let i = 0; i < Math.max(1, Math.round(runs / 2)); i++) {
	await withoutBoundaries(db);
	t0 = performance.now();
	await loadDemo(db);
	upgradeTimes.push(performance.now() - t0);
}
const upgrade = summary(upgradeTimes);
console.log(`upgrade of Düsseldorf without boundaries: p50 ${upgrade.p50} / p95 ${upgrade.p95} ms (${upgrade.n} runs)`);

// Places saved before boundaries: actors written normally, then their places inserted unplaced.
const koeln = (await findMunicipality(db, 'koeln'))!;
const actors = Number(values.actors);
const places = Number(values.places);
const ids: string[] = [];
for (let i = 0; i < actors; i++) {
	const a = await saveOrganization(db, systemPrincipal('bench'), koeln.id, {
		name: `Bench-Träger ${i}`, alternateNames: [], description: originalText('de', 'Bench'), actorType: 'association', email: '', phone: '', website: '',
		visibility: 'internal', instanceId: null, socialSpaceIds: [], locations: []
	});
	ids.push(a.id);
}
await db.execute(sql`
	insert into location (municipality_id, organization_id, name, latitude, longitude)
	select ${koeln.id}, (${sql.raw(`array[${ids.map((x) => `'${x}'::uuid`).join(',')}]`)})[1 + mod(g, ${actors})], 'Ort ' || g,
		50.83 + 0.25 * (abs(hashtext('lat' || g)) / 2147483647.0), 6.77 + 0.39 * (abs(hashtext('lon' || g)) / 2147483647.0)
	from generate_series(1, ${places}) g`);
t0 = performance.now();
const placed = await placeUnplacedLocations(db, systemPrincipal('bench'), koeln.id);
const placement = { ms: Math.round(performance.now() - t0), ...placed, actors };
console.log(`placing ${places} places of ${actors} actors: ${placement.ms} ms (placed ${placed.placed}, outside ${placed.outside})`);

const result = { database: config.databaseUrl ? 'postgres' : 'pglite', firstStartSeconds: firstStart, laterStartMapPartMs: laterStart, laterStartWholeDemoMs: wholeLaterStart, upgradeMs: upgrade, placement };
if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 1));
await handle.close();
