import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { importOsmActors, OSM_ATTRIBUTION } from '../../src/lib/server/directory/import-osm';
import { organization, searchEntry, searchWord } from '../../src/lib/server/directory/schema';
import { getOrganization, saveOrganization, organizationToInput } from '../../src/lib/server/directory/service';
import { originalText } from '../../src/lib/server/directory/texts';
import { ImportError, NotFoundError } from '../../src/lib/server/core/errors';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { demoFile, importKoelnAreas } from '../helpers/files';
import { tempDir } from '../helpers/tmp';

let h: DatabaseHandle;
let municipalityId: string;
const KOELN = demoFile('koeln/osm-amenities.geojson');

beforeAll(async () => {
	h = await freshDatabase();
	municipalityId = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' })).id;
	await importKoelnAreas(h.db);
});
afterAll(() => h?.close());

async function osmActor(osmId: string) {
	const [row] = await h.db
		.select()
		.from(organization)
		.where(and(eq(organization.municipalityId, municipalityId), eq(organization.source, 'osm'), eq(organization.sourceId, osmId)));
	return row ? getOrganization(h.db, row.id, ['public', 'network', 'internal']) : null;
}

function collection(features: unknown[]): string {
	return JSON.stringify({ type: 'FeatureCollection', features });
}

function point(osmId: string, name: unknown, amenity: unknown, coordinates: unknown, type = 'Point') {
	return { type: 'Feature', properties: { name, amenity, osm_id: osmId }, geometry: { type, coordinates } };
}

describe(`OSM import of the Köln actors (${DB_KIND})`, () => {
	it('imports the 407 points inside Köln as public actors in their Stadtteil and reports the 312 outside', async () => {
		const progress: [number, number][] = [];
		const summary = await importOsmActors(h.db, systemPrincipal('osm-import'), { municipality: 'koeln', file: 'osm-amenities.geojson', text: KOELN, onProgress: (d, t) => progress.push([d, t]) });
		expect(summary).toMatchObject({ total: 719, created: 407, updated: 0, unchanged: 0, skipped: [] });
		expect(summary.outside).toHaveLength(312);
		expect(summary.outside[0]).toEqual({
			record: 'feature 1 ("Kath. Kindergarten St. Marien", node/258059799)',
			reason: 'outside Köln (longitude 6.900839, latitude 50.824431)'
		});
		expect(progress.at(-1)).toEqual([719, 719]);
		expect(progress.every(([d], i) => i === 0 || d >= progress[i - 1][0])).toBe(true);

		const schatzinsel = (await osmActor('node/258045337'))!;
		expect(schatzinsel).toMatchObject({
			name: 'AWO KiTa Schatzinsel',
			actorType: 'kita',
			amenity: 'kindergarten',
			visibility: 'public',
			source: 'osm',
			attribution: OSM_ATTRIBUTION,
			isDemo: false
		});
		expect(schatzinsel.locations).toHaveLength(1);
		expect(schatzinsel.locations[0]).toMatchObject({ latitude: 51.016856, longitude: 6.881999, city: 'Köln', socialSpace: { name: 'Volkhoven/Weiler' } });
		expect(schatzinsel.socialSpaces.map((s) => s.name)).toEqual(['Volkhoven/Weiler']);
		expect(await osmActor('node/258059799')).toBeNull();
		const [entry] = await h.db.select().from(searchEntry).where(eq(searchEntry.entityId, schatzinsel.id));
		expect(await h.db.select().from(searchWord).where(eq(searchWord.word, 'schatzinsel'))).toHaveLength(1);
		expect(entry.socialSpaceIds).toEqual([schatzinsel.socialSpaces[0].id]);
		const created = await listAudit(h.db, systemPrincipal('test'), { entityType: 'organization', entityId: schatzinsel.id });
		expect(created.map((a) => [a.action, a.actorLabel])).toEqual([['create', 'osm-import']]);
	});

	it('re-runs without writing anything', async () => {
		const tables = ['organization', 'location', 'organization_social_space', 'audit_log', 'search_entry'];
		const before = await Promise.all(tables.map((t) => countRows(h, t)));
		const summary = await importOsmActors(h.db, systemPrincipal('osm-import'), { municipality: 'koeln', file: 'osm-amenities.geojson', text: KOELN });
		expect(summary).toMatchObject({ created: 0, updated: 0, unchanged: 407 });
		expect(summary.outside).toHaveLength(312);
		expect(await Promise.all(tables.map((t) => countRows(h, t)))).toEqual(before);
	});

	it('updates a moved and renamed point and keeps what staff added', async () => {
		const actor = (await osmActor('node/265620807'))!;
		await saveOrganization(h.db, systemPrincipal('staff'), municipalityId, { ...organizationToInput(actor), description: originalText('de', 'Elterncafé freitags'), email: 'kita@example.org' }, { id: actor.id });
		const data = JSON.parse(KOELN);
		data.features[3].properties.name = 'Kita Regenbogen';
		data.features[3].geometry.coordinates = [6.95, 50.94];
		const summary = await importOsmActors(h.db, systemPrincipal('osm-import'), { municipality: 'koeln', file: 'osm.geojson', text: JSON.stringify(data) });
		expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 406 });
		const moved = (await osmActor('node/265620807'))!;
		expect(moved).toMatchObject({ id: actor.id, name: 'Kita Regenbogen', email: 'kita@example.org', description: { de: { text: 'Elterncafé freitags' } } });
		expect(moved.locations.map((l) => [l.id, l.socialSpace?.name])).toEqual([[actor.locations[0].id, 'Altstadt/Nord']]);
		expect(moved.socialSpaces.map((s) => s.name)).toEqual(['Altstadt/Nord']);
		const [latest] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'organization', entityId: actor.id, limit: 1 });
		expect(latest.actorLabel).toBe('osm-import');
	});

	it('names each bad feature by index, OSM id, property and reason, and imports nothing', async () => {
		const text = collection([
			point('node/1', '', 'school', [6.95, 50.94]),
			point('node/2', 'Zoo', 'zoo', [6.95, 50.94]),
			point('node/3', 'Dom', 'place_of_worship', [[6.95, 50.94]], 'Polygon'),
			point('node/4', 'Irgendwo', 'library', [200, 50.94]),
			point('node/5', 'Gut', 'library', [6.96, 50.94]),
			point('node/5', 'Doppelt', 'library', [6.96, 50.94]),
			point('way/x', 'Falsch', 'library', ['6.96', 50.94]),
			{ type: 'Point', coordinates: [6.95, 50.94] }
		]);
		const before = await countRows(h, 'organization');
		const err = await importOsmActors(h.db, systemPrincipal('osm-import'), { municipality: 'koeln', file: 'bad.geojson', text }).catch((e) => e);
		expect(err).toBeInstanceOf(ImportError);
		expect(err.message).toMatch(/^bad\.geojson: 8 problem\(s\), nothing imported/);
		expect(err.problems).toEqual([
			'feature 0 (node/1): property "name": missing or empty',
			'feature 1 (node/2): property "amenity": "zoo" is not one of kindergarten, school, college, place_of_worship, youth_centre, townhall, social_facility, community_centre, library, arts_centre, nursing_home',
			'feature 2 (node/3): geometry: must be a Point, got Polygon',
			'feature 3 (node/4): geometry: coordinates must be [longitude, latitude] in WGS84 degrees, got [200,50.94]',
			'feature 5 (node/5): property "osm_id": "node/5" repeats feature 4',
			'feature 6 (way/x): property "osm_id": "way/x" is not of the form node/123, way/123 or relation/123',
			'feature 6 (way/x): geometry: coordinates must be [longitude, latitude] in WGS84 degrees, got ["6.96",50.94]',
			'feature 7: not a GeoJSON Feature'
		]);
		expect(await countRows(h, 'organization')).toBe(before);

		const skipped = await importOsmActors(h.db, systemPrincipal('osm-import'), { municipality: 'koeln', file: 'bad.geojson', text, skipInvalid: true });
		expect(skipped).toMatchObject({ total: 8, created: 1, outside: [] });
		expect(skipped.skipped.map((s) => s.record)).toEqual(['feature 0 (node/1)', 'feature 1 (node/2)', 'feature 2 (node/3)', 'feature 3 (node/4)', 'feature 5 (node/5)', 'feature 6 (way/x)', 'feature 6 (way/x)', 'feature 7']);
		expect((await osmActor('node/5'))?.name).toBe('Gut');
	});

	it('rejects a file that is not a FeatureCollection, a city without boundaries and an unknown city', async () => {
		const notJson = await importOsmActors(h.db, systemPrincipal('osm-import'), { municipality: 'koeln', file: 'x.geojson', text: '{' }).catch((e) => e);
		expect(notJson.problems[0]).toMatch(/^not valid JSON: /);
		const notFc = await importOsmActors(h.db, systemPrincipal('osm-import'), { municipality: 'koeln', file: 'x.geojson', text: '{"type":"Feature"}' }).catch((e) => e);
		expect(notFc.problems).toEqual(['top level must be a GeoJSON FeatureCollection with a "features" array']);
		await createMunicipality(h.db, systemPrincipal('t'), { slug: 'duesseldorf', name: 'Düsseldorf' });
		const unbounded = await importOsmActors(h.db, systemPrincipal('osm-import'), { municipality: 'duesseldorf', file: 'd.geojson', text: collection([point('node/9', 'A', 'school', [6.78, 51.22])]) }).catch((e) => e);
		expect(unbounded.problems).toEqual(['Düsseldorf has no social-space boundaries: import them first, OSM points are placed by them']);
		await expect(importOsmActors(h.db, systemPrincipal('osm-import'), { municipality: 'atlantis', file: 'a.geojson', text: collection([]) })).rejects.toBeInstanceOf(NotFoundError);
	});
});

describe.runIf(DB_KIND === 'pglite')('CLI: import osm', () => {
	it('imports with progress lines and a summary; exit 1 for a bad file, 2 for wrong usage', async () => {
		const dir = tempDir('anl-osm-cli-');
		const setup = await openDatabase({ dataDir: dir });
		await migrateDatabase(setup);
		await createMunicipality(setup.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' });
		await importKoelnAreas(setup.db);
		await setup.close();
		const cli = (...args: string[]) =>
			spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' }, encoding: 'utf8' });

		const ok = cli('import', 'osm', 'koeln', 'data/demo/koeln/osm-amenities.geojson');
		expect(ok.status).toBe(0);
		expect(ok.stdout).toContain('719 records: created 407, updated 0, unchanged 0, skipped 0, outside 312');
		expect(ok.stdout).toContain('  outside feature 1 ("Kath. Kindergarten St. Marien", node/258059799): outside Köln');
		expect(ok.stderr.trim().split('\n').at(-1)).toBe('data/demo/koeln/osm-amenities.geojson: 719/719');

		const bad = path.join(dir, 'bad.geojson');
		writeFileSync(bad, collection([point('node/1', '', 'school', [6.95, 50.94]), point('node/2', 'Schule', 'school', [6.95, 50.94])]));
		const rejected = cli('import', 'osm', 'koeln', bad);
		expect(rejected.status).toBe(1);
		expect(rejected.stderr).toContain('feature 0 (node/1): property "name": missing or empty');
		const skipped = cli('import', 'osm', 'koeln', bad, '--skip-invalid');
		expect(skipped.status).toBe(0);
		expect(skipped.stdout).toContain('created 1, updated 0, unchanged 0, skipped 1, outside 0');
		expect(cli('import', 'osm', 'koeln').status).toBe(2);
		expect(cli('import', 'osm', 'koeln', path.join(dir, 'missing.geojson')).status).toBe(1);
	}, 300_000);
});
