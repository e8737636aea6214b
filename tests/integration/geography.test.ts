import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { ImportError, NotFoundError } from '../../src/lib/server/core/errors';
import { importBoundaries, importStatistics } from '../../src/lib/server/geography/importers';
import {
	createMunicipality,
	findDistrict,
	listDistricts,
	listSocialSpaces,
	listStatistics,
	locateSocialSpace
} from '../../src/lib/server/geography/service';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { demoFile, importKoelnStadtteile } from '../helpers/files';

let h: DatabaseHandle;
let koelnId: string;

const statisticsOptions = {
	municipality: 'koeln',
	level: 'social_space' as const,
	match: 'name' as const,
	keyColumn: 'stadtteil_name',
	valueColumn: 'eligible_voters',
	metric: 'eligible_voters',
	unit: 'persons',
	asOfColumn: 'as_of',
	sourceColumn: 'source'
};

function importStadtteile() {
	return importKoelnStadtteile(h.db);
}

async function snapshot() {
	return {
		districts: await countRows(h, 'district'),
		spaces: await countRows(h, 'social_space'),
		statistics: await countRows(h, 'statistic'),
		audit: await countRows(h, 'audit_log')
	};
}

beforeAll(async () => {
	h = await freshDatabase();
	koelnId = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln', officialCode: '05315000' })).id;
});
afterAll(() => h?.close());

describe(`geography on ${DB_KIND}`, () => {
	it('imports the Köln districts, Stadtteile and eligible voters', async () => {
		const d = await importBoundaries(h.db, systemPrincipal('import'), { municipality: 'koeln', level: 'district', file: 'stadtbezirke.geojson', text: demoFile('koeln/stadtbezirke.geojson') });
		expect(d).toMatchObject({ created: 9, updated: 0, skipped: [] });
		const s = await importStadtteile();
		expect(s).toMatchObject({ created: 86, updated: 0 });
		const st = await importStatistics(h.db, systemPrincipal('import'), { ...statisticsOptions, file: 'w.csv', text: demoFile('koeln/wahlberechtigte-btw2013.csv') });
		expect(st.created).toBe(86);

		const districts = await listDistricts(h.db, koelnId);
		expect(districts.map((x) => x.name)).toContain('Innenstadt');
		expect(districts.reduce((n, x) => n + x.socialSpaceCount, 0)).toBe(86);
		const innenstadt = (await findDistrict(h.db, koelnId, 'innenstadt'))!;
		const spaces = await listSocialSpaces(h.db, { municipalityId: koelnId, districtId: innenstadt.id });
		expect(spaces.map((x) => x.name)).toEqual(expect.arrayContaining(['Altstadt/Nord', 'Altstadt/Süd', 'Deutz']));
		const stats = await listStatistics(h.db, koelnId, { socialSpaceIds: spaces.map((x) => x.id) });
		const altstadtNord = spaces.find((x) => x.name === 'Altstadt/Nord')!;
		expect(stats.find((x) => x.socialSpaceId === altstadtNord.id)).toMatchObject({
			metric: 'eligible_voters',
			value: 12740,
			unit: 'persons',
			asOf: '2013-09-22'
		});
	});

	it('re-importing the same files changes nothing and reports every record as unchanged', async () => {
		const s = await importStadtteile();
		expect(s.created + s.updated).toBe(0);
		expect(s.skipped).toHaveLength(86);
		expect(s.skipped[0].reason).toBe('unchanged');
		// The same geometries with their keys in another order are still unchanged.
		const reordered = JSON.parse(demoFile('koeln/stadtbezirke.geojson'));
		for (const f of reordered.features) f.geometry = { coordinates: f.geometry.coordinates, type: f.geometry.type };
		const d = await importBoundaries(h.db, systemPrincipal('import'), { municipality: 'koeln', level: 'district', file: 'reordered.geojson', text: JSON.stringify(reordered) });
		expect(d).toMatchObject({ created: 0, updated: 0 });
		const st = await importStatistics(h.db, systemPrincipal('import'), { ...statisticsOptions, file: 'w.csv', text: demoFile('koeln/wahlberechtigte-btw2013.csv') });
		expect(st).toMatchObject({ created: 0, updated: 0 });
	});

	it('places points in their Stadtteil and reports points outside the city', async () => {
		expect((await locateSocialSpace(h.db, koelnId, [6.9583, 50.9413]))?.name).toBe('Altstadt/Nord'); // Kölner Dom
		expect((await locateSocialSpace(h.db, koelnId, [7.0066, 50.9385]))?.name).toBe('Kalk');
		expect(await locateSocialSpace(h.db, koelnId, [6.7735, 51.2277])).toBeNull(); // Düsseldorf
	});

	it('places points by the current boundaries after a re-import changes them', async () => {
		const dom: [number, number] = [6.9583, 50.9413];
		expect((await locateSocialSpace(h.db, koelnId, dom))?.name).toBe('Altstadt/Nord');
		const fc = JSON.parse(demoFile('koeln/stadtteile.geojson'));
		const nord = fc.features.find((f: { properties: { name: string } }) => f.properties.name === 'Altstadt/Nord');
		const kalk = fc.features.find((f: { properties: { name: string } }) => f.properties.name === 'Kalk');
		[nord.geometry, kalk.geometry] = [kalk.geometry, nord.geometry];
		const swap = (text: string) =>
			importBoundaries(h.db, systemPrincipal('import'), { municipality: 'koeln', level: 'social_space', file: 'swapped.geojson', text, districtCodeProperty: 'district_code' });
		expect((await swap(JSON.stringify(fc))).updated).toBe(2);
		expect((await locateSocialSpace(h.db, koelnId, dom))?.name).toBe('Kalk');
		await importStadtteile();
		expect((await locateSocialSpace(h.db, koelnId, dom))?.name).toBe('Altstadt/Nord');
	});

	it.each([
		['not JSON', '{"type": "FeatureCollection", "features": [', /not valid JSON/],
		['not a FeatureCollection', '{"type": "Feature"}', /FeatureCollection/],
		[
			'a feature without a name',
			JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '1' }, geometry: { type: 'Polygon', coordinates: [[[7, 50], [7.1, 50], [7.1, 50.1], [7, 50]]] } }] }),
			/feature 0: property "name"/
		],
		[
			'an unclosed ring',
			JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'X' }, geometry: { type: 'Polygon', coordinates: [[[7, 50], [7.1, 50], [7.1, 50.1], [7, 50.2]]] } }] }),
			/feature 0 \("X"\): a ring is not closed/
		],
		[
			'coordinates outside WGS84',
			JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'X' }, geometry: { type: 'Polygon', coordinates: [[[356000, 5645000], [356100, 5645000], [356100, 5645100], [356000, 5645000]]] } }] }),
			/outside WGS84/
		],
		[
			'a point instead of a polygon',
			JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'X' }, geometry: { type: 'Point', coordinates: [7, 50] } }] }),
			/Polygon or MultiPolygon/
		]
	])('rejects %s and leaves the database as it was', async (_label, text, message) => {
		const before = await snapshot();
		const err = await importBoundaries(h.db, systemPrincipal('import'), { municipality: 'koeln', level: 'district', file: 'broken.geojson', text }).catch((e) => e);
		expect(err).toBeInstanceOf(ImportError);
		expect(err.message).toContain('broken.geojson');
		expect(err.message).toMatch(message);
		expect(await snapshot()).toEqual(before);
	});

	it('rejects a whole file when one of many features is bad (nothing of the good ones is written)', async () => {
		const fc = JSON.parse(demoFile('koeln/stadtteile.geojson'));
		fc.features[40].properties.district_code = '999';
		fc.features[0].properties.name = 'Neu-Altstadt';
		const before = await snapshot();
		const err = await importBoundaries(h.db, systemPrincipal('import'), {
			municipality: 'koeln',
			level: 'social_space',
			file: 'stadtteile.geojson',
			text: JSON.stringify(fc),
			districtCodeProperty: 'district_code'
		}).catch((e) => e);
		expect(err.message).toMatch(/feature 40 .*no district with code "999"/);
		expect(await snapshot()).toEqual(before);
		expect((await listSocialSpaces(h.db, { municipalityId: koelnId })).some((s) => s.name === 'Neu-Altstadt')).toBe(false);
	});

	it('rejects an unknown municipality', async () => {
		await expect(
			importBoundaries(h.db, systemPrincipal('import'), { municipality: 'atlantis', level: 'district', file: 'x.geojson', text: demoFile('koeln/stadtbezirke.geojson') })
		).rejects.toBeInstanceOf(NotFoundError);
	});

	it.each([
		['an unknown social space', 'stadtteil_name,eligible_voters,as_of,source\nAltstadt/Nord,1,2013-09-22,S\nAtlantis,5,2013-09-22,S\n', /line 3: no social space with name "Atlantis"/],
		['a non-numeric value', 'stadtteil_name,eligible_voters,as_of,source\nAltstadt/Nord,viele,2013-09-22,S\n', /line 2: column "eligible_voters": "viele" is not a number/],
		['a bad date', 'stadtteil_name,eligible_voters,as_of,source\nAltstadt/Nord,1,22.09.2013,S\n', /line 2: as-of date "22.09.2013"/],
		['a missing column', 'name,eligible_voters,as_of,source\nAltstadt/Nord,1,2013-09-22,S\n', /column\(s\) "stadtteil_name" not in header/],
		['broken CSV quoting', 'stadtteil_name,eligible_voters,as_of,source\n"Altstadt,1,2013,S\n', /not valid CSV/]
	])('rejects a statistics file with %s, writing nothing', async (_label, text, message) => {
		const before = await snapshot();
		const err = await importStatistics(h.db, systemPrincipal('import'), { ...statisticsOptions, file: 'bad.csv', text }).catch((e) => e);
		expect(err).toBeInstanceOf(ImportError);
		expect(err.message).toContain('bad.csv');
		expect(err.message).toMatch(message);
		expect(await snapshot()).toEqual(before);
	});

	it('updates a changed value and matches areas by code', async () => {
		const spaces = await listSocialSpaces(h.db, { municipalityId: koelnId });
		const deutz = spaces.find((s) => s.name === 'Deutz')!;
		const s = await importStatistics(h.db, systemPrincipal('import'), {
			...statisticsOptions,
			match: 'code',
			keyColumn: 'code',
			file: 'codes.csv',
			text: `code,eligible_voters,as_of,source\n${deutz.code},12345,2013-09-22,correction\n`
		});
		expect(s).toMatchObject({ created: 0, updated: 1 });
		const [row] = await listStatistics(h.db, koelnId, { socialSpaceIds: [deutz.id] });
		expect(row.value).toBe(12345);
	});
});
