/** Reads the shipped demo files. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { systemPrincipal } from '../../src/lib/server/access';
import type { Db } from '../../src/lib/server/db/client';
import { importBoundaries } from '../../src/lib/server/geography/importers';

/** Text of `data/demo/<rel>`. */
export function demoFile(rel: string): string {
	return readFileSync(path.resolve('data/demo', rel), 'utf8');
}

/** Imports Köln's 86 Stadtteile (with their Stadtbezirke) into the municipality `koeln`. */
export function importKoelnStadtteile(db: Db) {
	return importBoundaries(db, systemPrincipal('import'), {
		municipality: 'koeln',
		level: 'social_space',
		file: 'stadtteile.geojson',
		text: demoFile('koeln/stadtteile.geojson'),
		districtCodeProperty: 'district_code'
	});
}

/** Imports Köln's 9 Stadtbezirke and 86 Stadtteile into the municipality `koeln`. */
export async function importKoelnAreas(db: Db) {
	await importBoundaries(db, systemPrincipal('import'), { municipality: 'koeln', level: 'district', file: 'stadtbezirke.geojson', text: demoFile('koeln/stadtbezirke.geojson') });
	return importKoelnStadtteile(db);
}
