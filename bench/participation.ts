/**
 * Partizipation benchmark (issue 16 "Performance"), in-process on the demo plus generated data:
 * a campaign over the social spaces of Düsseldorf's Stadtbezirk 6 (the demo's) filled with
 * `--points` (100,000) approved points by `generate_series` — 60 % around 40 hot spots (within
 * about 150 m), 40 % spread over the campaign's bounding box, five categories — then
 * `aggregateCampaign` (grid cells and social spaces per category with k = 5, grouped in SQL, what
 * the result page, the GeoJSON export and the steering reads call) p50/p95 over `--iterations`
 * runs after one warm-up, the steering dashboard's participation panel (`participationSteeringPanel`)
 * p50/p95 likewise, and the published cells, suppressed points and the GeoJSON size. The
 * result names the demo campaign and a public Köln offer, whose pages `run.js` then weighs.
 *
 * Usage: tsx bench/participation.ts [--points 100000] [--iterations 20] [--out result.json]
 * Reads DATABASE_URL or DATA_DIR like the server (an empty database is best; the demo is loaded).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { systemPrincipal } from '../src/lib/server/access';
import { berlinDate } from '../src/lib/server/casework/time';
import { readConfig } from '../src/lib/server/core/config';
import { migrateDatabase, openDatabase } from '../src/lib/server/db/client';
import { loadDemo } from '../src/lib/server/demo/load';
import { listEntryIds } from '../src/lib/server/directory/service';
import { findMunicipality } from '../src/lib/server/geography/service';
import { aggregateCampaign, campaignArea, createCampaign, listCampaigns } from '../src/lib/server/participation/campaigns';
import { aggregateGeoJson } from '../src/lib/server/participation/geojson';
import { participationSteeringPanel } from '../src/lib/server/participation/pages/steering';
import { principalOf, timeRuns } from './timing';

const { values: args } = parseArgs({ options: { points: { type: 'string', default: '100000' }, iterations: { type: 'string', default: '20' }, out: { type: 'string' } } });
const POINTS = Number(args.points);
const ITERATIONS = Number(args.iterations);

const config = readConfig();
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, command: 'bench participation' });
await migrateDatabase(handle);
const db = handle.db;
await loadDemo(db);
const d = await findMunicipality(db, 'duesseldorf');
if (!d) throw new Error('the Düsseldorf demo is missing');
const demo = (await listCampaigns(db, d.id)).find((c) => c.isDemo);
if (!demo) throw new Error('the demo campaign is missing');
const today = berlinDate(new Date());
const campaign = await createCampaign(db, systemPrincipal('bench'), { municipalityId: d.id, title: `Bench ${POINTS}`, socialSpaceIds: demo.socialSpaceIds, opensOn: today, closesOn: today, isDemo: true });
const { frame } = await campaignArea(db, campaign);
const [w, s, e, n] = frame.bbox;
const spaces = `array[${campaign.socialSpaceIds.map((id) => `'${id}'::uuid`).join(',')}]`;
const t0 = performance.now();
// Hot spots and spread points, chosen by hashtext of the row number (same data on every run).
await db.execute(sql`
	insert into participation_point (campaign_id, social_space_id, longitude, latitude, category, source, status, is_demo)
	select ${campaign.id}::uuid, (${sql.raw(spaces)})[1 + abs(hashtext(g::text || 's')) % ${campaign.socialSpaceIds.length}],
		case when g % 10 < 6 then ${w}::float8 + ((abs(hashtext((g % 40)::text || 'x')) % 1000) / 1000.0) * ${e - w}::float8 + ((abs(hashtext(g::text || 'dx')) % 1000) / 1000.0 - 0.5) * 0.004
		     else ${w}::float8 + ((abs(hashtext(g::text || 'x')) % 100000) / 100000.0) * ${e - w}::float8 end,
		case when g % 10 < 6 then ${s}::float8 + ((abs(hashtext((g % 40)::text || 'y')) % 1000) / 1000.0) * ${n - s}::float8 + ((abs(hashtext(g::text || 'dy')) % 1000) / 1000.0 - 0.5) * 0.0027
		     else ${s}::float8 + ((abs(hashtext(g::text || 'y')) % 100000) / 100000.0) * ${n - s}::float8 end,
		(array['liked','avoided','unsafe','meeting','offer_missing'])[1 + g % 5], 'bulk', 'approved', true
	from generate_series(1, ${POINTS}) g`);
await db.execute(sql`analyze participation_point`);
const generateMs = Math.round(performance.now() - t0);
const timing = await timeRuns(ITERATIONS, () => aggregateCampaign(db, campaign));
const agg = await aggregateCampaign(db, campaign);
// The steering dashboard's participation panel (issue 16 §4) as Düsseldorf's administrator reads it:
// every campaign of the municipality aggregated, the 100,000-point one included, plus the feedback counts.
const admin = await principalOf(db, 'admin.duesseldorf@example.org');
const panelTiming = await timeRuns(ITERATIONS, () => participationSteeringPanel(db, admin, 'de'));
const geojson = JSON.stringify(aggregateGeoJson(agg, campaign.title));
const k = await findMunicipality(db, 'koeln');
const [feedbackOfferId] = k ? (await listEntryIds(db, k.id, ['public'])).serviceIds : [];
const result = {
	demoCampaignId: demo.id,
	feedbackOfferId,
	database: config.databaseUrl ? 'postgres' : 'pglite',
	points: POINTS,
	generateMs,
	aggregate: timing,
	steeringPanel: panelTiming,
	cells: agg.cells.length,
	suppressed: agg.suppressed,
	geojsonBytes: geojson.length
};
console.log(`participation: ${POINTS} points generated in ${generateMs} ms; aggregateCampaign p50 ${timing.p50} ms, p95 ${timing.p95} ms (n=${timing.n}); ${agg.cells.length} cells published, ${agg.suppressed} points suppressed; GeoJSON ${geojson.length} B; steering panel p50 ${panelTiming.p50} ms, p95 ${panelTiming.p95} ms`);
if (args.out) writeFileSync(args.out, JSON.stringify(result, null, 2));
await handle.close();
