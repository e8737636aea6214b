/**
 * Synthetic geography at city or state scale for benchmarks: municipalities laid out on a grid,
 * each split into districts and social spaces with square boundaries and a population
 * statistic. Names and codes are made up (`Gemeinde 0001`, …) and marked as demo.
 *
 * With `--offers`/`--actors`, a directory of that size is generated into them (`directory.ts`).
 *
 * Usage (from bench/run.js or alone):
 *   tsx bench/generate.ts --municipalities 400 --districts 9 --spaces 10 [--offers 100000 --actors 30000] [--with-demo]
 * Writes into the configured database (DATABASE_URL or DATA_DIR).
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { municipality, district, socialSpace, statistic } from '../src/lib/server/schema';
import { migrateDatabase, openDatabase, type Db } from '../src/lib/server/db/client';
import { readConfig } from '../src/lib/server/core/config';
import { loadDemo } from '../src/lib/server/demo/load';
import type { Polygon } from 'geojson';
import { generateDirectory } from './directory';

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

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({
		options: {
			'with-demo': { type: 'boolean' },
			municipalities: { type: 'string', default: '400' },
			districts: { type: 'string', default: '9' },
			spaces: { type: 'string', default: '10' },
			offers: { type: 'string', default: '0' },
			actors: { type: 'string', default: '0' }
		}
	});
	const config = readConfig();
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
	// What autovacuum does to a database in service: statistics for the planner, and the rows a bulk
	// load left in the GIN index's pending list merged into the index. Timings then describe that state.
	const t1 = performance.now();
	await handle.db.execute(sql`vacuum analyze`);
	console.log(`  vacuum analyze in ${Math.round(performance.now() - t1)} ms`);
	await handle.close();
}
