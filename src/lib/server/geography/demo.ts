/**
 * Geography's demo: Köln (9 Stadtbezirke, 86 Stadtteile with boundaries, eligible voters 2013)
 * and Düsseldorf (10 Stadtbezirke, 50 Stadtteile, the INTESO statistics of Stadtbezirk 5 and 6).
 * Idempotent: a municipality that exists is left alone. Sources and licences:
 * `data/demo/LICENSES.md`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { systemPrincipal } from '../access';
import type { Db } from '../db/client';
import { importBoundaries, importStatistics, upsertStatistics } from './importers';
import { createDistrict, createMunicipality, createSocialSpace, findMunicipality } from './service';

const LOADER = systemPrincipal('demo-loader');

async function loadKoeln(db: Db, demoDir: string): Promise<void> {
	if (await findMunicipality(db, 'koeln')) return;
	const dir = path.join(demoDir, 'koeln');
	await createMunicipality(db, LOADER, { slug: 'koeln', name: 'Köln', officialCode: '05315000', isDemo: true });
	const read = (f: string) => readFile(path.join(dir, f), 'utf8');
	await importBoundaries(db, LOADER, {
		municipality: 'koeln',
		level: 'district',
		file: 'stadtbezirke.geojson',
		text: await read('stadtbezirke.geojson')
	});
	await importBoundaries(db, LOADER, {
		municipality: 'koeln',
		level: 'social_space',
		file: 'stadtteile.geojson',
		text: await read('stadtteile.geojson'),
		districtCodeProperty: 'district_code'
	});
	await importStatistics(db, LOADER, {
		municipality: 'koeln',
		level: 'social_space',
		file: 'wahlberechtigte-btw2013.csv',
		text: await read('wahlberechtigte-btw2013.csv'),
		match: 'name',
		keyColumn: 'stadtteil_name',
		valueColumn: 'eligible_voters',
		metric: 'eligible_voters',
		unit: 'persons',
		asOfColumn: 'as_of',
		sourceColumn: 'source'
	});
}

interface StructureFile {
	stadtbezirke: {
		number: number;
		stadtteile: (string | { name: string; code: string })[];
		statistics?: { metric: string; value: number; unit: string; as_of: string; source: string }[];
	}[];
}

async function loadDuesseldorf(db: Db, demoDir: string): Promise<void> {
	if (await findMunicipality(db, 'duesseldorf')) return;
	const structure = JSON.parse(
		await readFile(path.join(demoDir, 'duesseldorf', 'structure.json'), 'utf8')
	) as StructureFile;
	await db.transaction(async (tx) => {
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
	});
}

/**
 * Loads the demo municipalities that are missing.
 * @param demoDir the demo data folder (`data/demo`).
 * @throws ImportError if a shipped demo file is broken (a packaging fault).
 */
export async function loadGeographyDemo(db: Db, demoDir: string): Promise<void> {
	await loadKoeln(db, demoDir);
	await loadDuesseldorf(db, demoDir);
}
