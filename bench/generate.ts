/**
 * Synthetic geography at city or state scale for benchmarks: municipalities laid out on a grid,
 * each split into districts and social spaces with square boundaries and a population
 * statistic. Names and codes are made up (`Gemeinde 0001`, …) and marked as demo.
 *
 * With `--offers`/`--actors`, a directory of that size is generated into them (`directory.ts`);
 * with `--contacts`/`--referrals`, Lotsen casework spread over them (`nrw-data.ts`).
 *
 * `--scale nrw` (issue 17, PostgreSQL only) is a Land-wide installation: 396 municipalities,
 * 1,000,000 offers, 100,000 actors, 5,000,000 contacts, 500,000 referrals. `--scale city` is the
 * largest of those municipalities alone (its Zipf share of each), for comparing per-municipality
 * queries at city and at Land scale (`bench/nrw.ts`). Explicit options override a scale's figures.
 *
 * Usage (from bench/run.js or alone):
 *   tsx bench/generate.ts --municipalities 400 --districts 9 --spaces 10 [--offers 100000 --actors 30000] [--with-demo]
 *   DATABASE_URL=… tsx bench/generate.ts --scale nrw|city
 * Writes into the configured database (DATABASE_URL or DATA_DIR).
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { municipality, district, socialSpace, statistic } from '../src/lib/server/schema';
import { migrateDatabase, openDatabase, type Db } from '../src/lib/server/db/client';
import { readConfig } from '../src/lib/server/core/config';
import { loadDemo } from '../src/lib/server/demo/load';
import type { Polygon } from 'geojson';
import { generateDirectory, zipfShares } from './directory';
import { generateLandCasework } from './nrw-data';

/** Shape of a generated data set. */
export interface Scale {
	municipalities: number;
	districtsPer: number;
	spacesPerDistrict: number;
}

function square(x: number, y: number, size: number): Polygon {
	return { type: 'Polygon', coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]] };
}

/**
 * Inserts the data set in one transaction per municipality.
 * @returns counts written.
 */
export async function generate(db: Db, scale: Scale, log: (s: string) => void = () => {}): Promise<{ municipalities: number; districts: number; spaces: number }> {
	let districts = 0;
	let spaces = 0;
	const cols = Math.ceil(Math.sqrt(scale.districtsPer));
	const spaceCols = Math.ceil(Math.sqrt(scale.spacesPerDistrict));
	for (let m = 0; m < scale.municipalities; m++) {
		const ox = 6 + (m % 20) * 0.2;
		const oy = 50 + Math.floor(m / 20) * 0.1;
		const n = String(m + 1).padStart(4, '0');
		await db.transaction(async (tx) => {
			const [mu] = await tx.insert(municipality).values({ slug: `gemeinde-${n}`, name: `Gemeinde ${n}`, isDemo: true }).returning();
			for (let d = 0; d < scale.districtsPer; d++) {
				const dSize = 0.15 / cols;
				const dx = ox + (d % cols) * dSize;
				const dy = oy + Math.floor(d / cols) * dSize * 0.6;
				const [di] = await tx
					.insert(district)
					.values({ municipalityId: mu.id, slug: `bezirk-${d + 1}`, name: `Bezirk ${d + 1}`, code: String(d + 1), boundary: square(dx, dy, dSize) })
					.returning();
				districts++;
				const sSize = dSize / spaceCols;
				const rows = Array.from({ length: scale.spacesPerDistrict }, (_, s) => ({
					municipalityId: mu.id,
					districtId: di.id,
					slug: `stadtteil-${d + 1}-${s + 1}`,
					name: `Stadtteil ${d + 1}.${s + 1}`,
					code: `${d + 1}${String(s + 1).padStart(2, '0')}`,
					boundary: square(dx + (s % spaceCols) * sSize, dy + Math.floor(s / spaceCols) * sSize, sSize)
				}));
				const inserted = await tx.insert(socialSpace).values(rows).returning({ id: socialSpace.id });
				spaces += inserted.length;
				await tx.insert(statistic).values(
					inserted.map((s, i) => ({
						municipalityId: mu.id,
						socialSpaceId: s.id,
						metric: 'population',
						value: 2000 + ((m * 31 + d * 7 + i * 13) % 9000),
						unit: 'persons',
						asOf: '2025-12-31',
						source: 'synthetic benchmark data'
					}))
				);
			}
		});
		if ((m + 1) % 50 === 0 || m + 1 === scale.municipalities) log(`  municipalities ${m + 1}/${scale.municipalities}`);
	}
	return { municipalities: scale.municipalities, districts, spaces };
}

/** The figures of a Land-wide installation (NRW); `city` is its largest municipality alone. */
const NRW = { municipalities: 396, offers: 1_000_000, actors: 100_000, contacts: 5_000_000, referrals: 500_000 };

/**
 * The options of a named scale (`nrw` or `city`) as strings, or none for no scale.
 * @throws Error for another name.
 */
export function scaleOptions(name: string | undefined): Record<string, string> {
	if (!name) return {};
	if (name === 'nrw') return Object.fromEntries(Object.entries(NRW).map(([k, v]) => [k, String(v)]));
	if (name !== 'city') throw new Error(`--scale must be nrw or city, not "${name}"`);
	const share = (total: number) => String(zipfShares(total, NRW.municipalities)[0]);
	return { municipalities: '1', offers: share(NRW.offers), actors: share(NRW.actors), contacts: share(NRW.contacts), referrals: share(NRW.referrals) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values: given } = parseArgs({
		options: {
			'with-demo': { type: 'boolean' },
			scale: { type: 'string' },
			municipalities: { type: 'string' },
			districts: { type: 'string' },
			spaces: { type: 'string' },
			offers: { type: 'string' },
			actors: { type: 'string' },
			contacts: { type: 'string' },
			referrals: { type: 'string' }
		}
	});
	const values = { municipalities: '400', districts: '9', spaces: '10', offers: '0', actors: '0', contacts: '0', referrals: '0', ...scaleOptions(given.scale), ...given };
	const config = readConfig();
	if (given.scale && !config.databaseUrl) throw new Error('--scale needs PostgreSQL (DATABASE_URL): PGlite would take hours at this size');
	const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
	await migrateDatabase(handle);
	if (values['with-demo']) await loadDemo(handle.db);
	const started = performance.now();
	const result = await generate(
		handle.db,
		{ municipalities: Number(values.municipalities), districtsPer: Number(values.districts), spacesPerDistrict: Number(values.spaces) },
		console.log
	);
	console.log(`  generated ${JSON.stringify(result)} in ${Math.round(performance.now() - started)} ms`);
	if (Number(values.offers) > 0 || Number(values.actors) > 0) {
		const t0 = performance.now();
		const directory = await generateDirectory(handle.db, { offers: Number(values.offers), actors: Number(values.actors) }, console.log);
		console.log(`  generated directory ${JSON.stringify(directory)} in ${Math.round(performance.now() - t0)} ms`);
	}
	if (Number(values.contacts) > 0 || Number(values.referrals) > 0) {
		const t0 = performance.now();
		const casework = await generateLandCasework(handle.db, { contacts: Number(values.contacts), referrals: Number(values.referrals) }, new Date(), console.log);
		console.log(`  generated casework ${JSON.stringify(casework)} in ${Math.round(performance.now() - t0)} ms`);
	}
	// What autovacuum does to a database in service: statistics for the planner, and the rows a bulk
	// load left in the GIN index's pending list merged into the index. Timings then describe that state.
	const t1 = performance.now();
	await handle.db.execute(sql`vacuum analyze`);
	console.log(`  vacuum analyze in ${Math.round(performance.now() - t1)} ms`);
	await handle.close();
}
