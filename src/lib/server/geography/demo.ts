/**
 * Geography's demo: Köln (9 Stadtbezirke and 86 Stadtteile with boundaries; per Stadtteil the
 * population 2025, people with migration background 2012 and eligible voters 2013) and
 * Düsseldorf (10 Stadtbezirke and 50 Stadtteile with boundaries, eligible voters per Stadtteil
 * at the council election 2020, the INTESO statistics of Stadtbezirk 5 and 6). Sources and
 * licences: `data/demo/LICENSES.md`.
 *
 * Idempotent, and it adds what is missing: an installation whose demo was loaded by an older
 * version (Düsseldorf without boundaries, Köln without population) gets the boundaries of the
 * areas that have none and the statistics it lacks on its next start, and nothing it already
 * has is written again (no audit entries on an unchanged start). A fresh installation takes the
 * same path after creating the municipalities, so the upgrade is exercised on every first start.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, isNotNull } from 'drizzle-orm';
import { systemPrincipal } from '../access';
import type { Db } from '../db/client';
import { importBoundaries, importStatistics, upsertStatistics, type StatisticsImportOptions } from './importers';
import { statistic } from './schema';
import { createDistrict, createMunicipality, createSocialSpace, findMunicipality, listDistricts, listSocialSpaces, type Municipality } from './service';

const LOADER = systemPrincipal('demo-loader');

/** A boundary file of the demo: districts (`stadtbezirke.geojson`) or social spaces (`stadtteile.geojson`, district by `district_code`). */
interface BoundaryFile {
	level: 'district' | 'social_space';
	file: string;
}

/** A statistic file of the demo, read as `importStatistics` reads it; one date per file. */
type StatisticFile = Omit<StatisticsImportOptions, 'municipality' | 'text' | 'asOfColumn'> & { asOf: string };

const BOUNDARIES: BoundaryFile[] = [
	{ level: 'district', file: 'stadtbezirke.geojson' },
	{ level: 'social_space', file: 'stadtteile.geojson' }
];

/** Columns shared by the per-Stadtteil statistics: one row per Stadtteil, source per row. */
const PER_STADTTEIL = { level: 'social_space', unit: 'persons', sourceColumn: 'source' } as const;

const KOELN_STATISTICS: StatisticFile[] = [
	// Bundestag election 22.09.2013; the coverage matrix's proxy where no population is known.
	{ ...PER_STADTTEIL, file: 'wahlberechtigte-btw2013.csv', match: 'name', keyColumn: 'stadtteil_name', valueColumn: 'eligible_voters', metric: 'eligible_voters', asOf: '2013-09-22' },
	// "Statistischer Datenkatalog", catalogue year 2025 (the file gives the year only).
	{ ...PER_STADTTEIL, file: 'einwohner-2025.csv', match: 'code', keyColumn: 'stadtteil_code', valueColumn: 'einwohner', metric: 'population', asOf: '2025' },
	{ ...PER_STADTTEIL, file: 'bevoelkerung-migration-2012.csv', match: 'code', keyColumn: 'stadtteil_code', valueColumn: 'einwohner_mit_migrationshintergrund', metric: 'migration_background', asOf: '2012-12-31' },
	{ ...PER_STADTTEIL, file: 'bevoelkerung-migration-2012.csv', match: 'code', keyColumn: 'stadtteil_code', valueColumn: 'anteil_migrationshintergrund_pct', metric: 'share_migration_background', unit: 'percent', asOf: '2012-12-31' }
];

const DUESSELDORF_STATISTICS: StatisticFile[] = [
	// Council election 13.09.2020: Germans and EU citizens aged 16+, labelled as such, never as population.
	{ ...PER_STADTTEIL, file: 'wahlberechtigte-ratswahl2020.csv', match: 'code', keyColumn: 'stadtteil_code', valueColumn: 'eligible_voters', metric: 'eligible_voters', asOf: '2020-09-13' }
];

/** Reads a demo file of one municipality's folder. */
function reader(demoDir: string, folder: string): (file: string) => Promise<string> {
	return (file) => readFile(path.join(demoDir, folder, file), 'utf8');
}

/**
 * The features of a boundary file whose area is missing or has no boundary yet (matched as the
 * importer matches: by code, else by name), as a FeatureCollection; null when there are none.
 * A boundary already stored, perhaps redrawn by the municipality, is never replaced.
 */
async function missingBoundaries(db: Db, m: Municipality, b: BoundaryFile, text: string): Promise<string | null> {
	const areas = b.level === 'district' ? await listDistricts(db, m.id) : await listSocialSpaces(db, { municipalityId: m.id });
	const done = areas.filter((a) => a.hasBoundary);
	const collection = JSON.parse(text) as { features: { properties: { name: string; code?: string } }[] };
	const missing = collection.features.filter(({ properties: p }) => {
		const match = (p.code && areas.find((a) => a.code === p.code)) || areas.find((a) => a.name.toLowerCase() === p.name.toLowerCase());
		return !match || !done.includes(match);
	});
	return missing.length ? JSON.stringify({ type: 'FeatureCollection', features: missing }) : null;
}

/** Whether the municipality holds the metric at this date for some social space. */
async function hasStatistic(db: Db, municipalityId: string, metric: string, asOf: string): Promise<boolean> {
	const [row] = await db
		.select({ id: statistic.id })
		.from(statistic)
		.where(and(eq(statistic.municipalityId, municipalityId), isNotNull(statistic.socialSpaceId), eq(statistic.metric, metric), eq(statistic.asOf, asOf)))
		.limit(1);
	return !!row;
}

/** Adds the boundaries and statistics of the demo files that the municipality lacks. */
async function addMissing(db: Db, m: Municipality, read: (file: string) => Promise<string>, statistics: StatisticFile[]): Promise<void> {
	for (const b of BOUNDARIES) {
		const text = await missingBoundaries(db, m, b, await read(b.file));
		if (!text) continue;
		await importBoundaries(db, LOADER, { municipality: m.slug, level: b.level, file: b.file, text, districtCodeProperty: 'district_code' });
	}
	for (const s of statistics) {
		if (await hasStatistic(db, m.id, s.metric, s.asOf)) continue;
		await importStatistics(db, LOADER, { ...s, municipality: m.slug, text: await read(s.file) });
	}
}

async function loadKoeln(db: Db, demoDir: string): Promise<void> {
	const m =
		(await findMunicipality(db, 'koeln')) ??
		(await createMunicipality(db, LOADER, { slug: 'koeln', name: 'Köln', officialCode: '05315000', isDemo: true }));
	// A real municipality an operator created under the demo's slug is theirs: left alone.
	if (m.isDemo) await addMissing(db, m, reader(demoDir, 'koeln'), KOELN_STATISTICS);
}

interface StructureFile {
	stadtbezirke: {
		number: number;
		stadtteile: (string | { name: string; code: string })[];
		statistics?: { metric: string; value: number; unit: string; as_of: string; source: string }[];
	}[];
}

/** Düsseldorf's Stadtbezirke, Stadtteile and INTESO statistics as `structure.json` lists them (no boundaries). */
async function createDuesseldorf(db: Db, structure: StructureFile): Promise<Municipality> {
	return db.transaction(async (tx) => {
		const m = await createMunicipality(tx, LOADER, {
			slug: 'duesseldorf',
			name: 'Düsseldorf',
			officialCode: '05111000',
			isDemo: true
		});
		for (const sb of structure.stadtbezirke) {
			const d = await createDistrict(tx, LOADER, { municipalityId: m.id, name: `Stadtbezirk ${sb.number}`, code: String(sb.number) });
			for (const st of sb.stadtteile) {
				await createSocialSpace(tx, LOADER, { districtId: d.id, ...(typeof st === 'string' ? { name: st } : st) });
			}
			if (sb.statistics) {
				await upsertStatistics(tx, LOADER, {
					municipalityId: m.id,
					rows: sb.statistics.map((s, i) => ({
						record: `Stadtbezirk ${sb.number} statistic ${i}`,
						districtId: d.id,
						socialSpaceId: null,
						metric: s.metric,
						value: s.value,
						unit: s.unit,
						asOf: s.as_of,
						source: s.source
					}))
				});
			}
		}
		return m;
	});
}

async function loadDuesseldorf(db: Db, demoDir: string): Promise<void> {
	const read = reader(demoDir, 'duesseldorf');
	const m = (await findMunicipality(db, 'duesseldorf')) ?? (await createDuesseldorf(db, JSON.parse(await read('structure.json')) as StructureFile));
	if (m.isDemo) await addMissing(db, m, read, DUESSELDORF_STATISTICS);
}

/**
 * Loads the demo municipalities, or adds what an existing one lacks of them.
 * @param demoDir the demo data folder (`data/demo`).
 * @throws ImportError if a shipped demo file is broken (a packaging fault).
 */
export async function loadGeographyDemo(db: Db, demoDir: string): Promise<void> {
	await loadKoeln(db, demoDir);
	await loadDuesseldorf(db, demoDir);
}
