import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseGlobalDataVersion } from '../../src/lib/server/audit/versions';
import { municipalityLayout } from '../../src/lib/server/geography/pages/areas';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { ImportError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import { importBoundaries, importStatistics, upsertStatistics, type StatisticInput } from '../../src/lib/server/geography/importers';
import {
	createDistrict,
	createMunicipality,
	createSocialSpace,
	findDistrict,
	findDistrictById,
	findSocialSpaceById,
	getSocialSpaces,
	listDistricts,
	listSocialSpaceIds,
	listSocialSpaces,
	listStatistics,
	locateSocialSpace
} from '../../src/lib/server/geography/service';
import { CODE_MAX, NAME_MAX } from '../../src/lib/server/geography/model';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { demoFile, importKoelnStadtteile } from '../helpers/files';
import { buildWorld, type World } from '../helpers/world';

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

	it('knows a page’s municipality by its slug and sees a change as soon as the data version rises', async () => {
		expect((await municipalityLayout(h.db, 'koeln')).municipality).toEqual({ id: koelnId, slug: 'koeln', name: 'Köln', isDemo: false });
		await h.db.execute(sql`update municipality set name = 'Köln am Rhein' where id = ${koelnId}`);
		await raiseGlobalDataVersion(h.db);
		expect((await municipalityLayout(h.db, 'koeln')).municipality.name).toBe('Köln am Rhein');
		await h.db.execute(sql`update municipality set name = 'Köln' where id = ${koelnId}`);
		await raiseGlobalDataVersion(h.db);
		expect((await municipalityLayout(h.db, 'koeln')).municipality.name).toBe('Köln');
		await expect(municipalityLayout(h.db, 'nirgendwo')).rejects.toBeInstanceOf(NotFoundError);
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

describe(`geography refuses bad input on ${DB_KIND}`, () => {
	let wh: DatabaseHandle;
	let w: World;
	const system = systemPrincipal('t');
	const missing = '00000000-0000-4000-8000-000000000000';

	beforeAll(async () => {
		wh = await freshDatabase();
		w = await buildWorld(wh.db);
	});
	afterAll(() => wh?.close());

	async function counts() {
		return Promise.all(['municipality', 'district', 'social_space', 'statistic', 'audit_log'].map((t) => countRows(wh, t)));
	}

	/** The issues a write is refused with; fails when it is not a ValidationError or wrote anything. */
	async function refused(write: () => Promise<unknown>) {
		const before = await counts();
		const err = await write().catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect(await counts()).toEqual(before);
		return (err as ValidationError).issues;
	}

	it.each([
		['a slug with capitals and umlauts', { slug: 'Köln' }, 'slug', 'invalid_slug'],
		['a taken slug', { slug: 'koeln' }, 'slug', 'taken'],
		['an empty name', { name: '  ' }, 'name', 'required'],
		['an over-long name', { name: 'x'.repeat(NAME_MAX + 1) }, 'name', 'too_long'],
		['an official code that is not 8 digits', { officialCode: '5315' }, 'officialCode', 'invalid_official_code']
	])('refuses a municipality with %s', async (_label, overrides, field, code) => {
		const issues = await refused(() => createMunicipality(wh.db, system, { slug: 'neustadt', name: 'Neustadt', ...overrides }));
		expect(issues).toContainEqual(expect.objectContaining({ field, code }));
	});

	it.each([
		['an empty name', { name: '' }, 'name', 'required'],
		['a name of punctuation only', { name: '!!!' }, 'name', 'invalid'],
		['an over-long name', { name: 'x'.repeat(NAME_MAX + 1) }, 'name', 'too_long'],
		['an over-long code', { code: '1'.repeat(CODE_MAX + 1) }, 'code', 'too_long'],
		['the name of another district', { name: 'Kalk' }, 'name', 'taken'],
		['the code of another district', { code: '8' }, 'code', 'taken']
	])('refuses a district with %s', async (_label, overrides, field, code) => {
		const issues = await refused(() => createDistrict(wh.db, system, { municipalityId: w.ids.k, name: 'Mülheim', code: '9', ...overrides }));
		expect(issues).toContainEqual(expect.objectContaining({ field, code }));
	});

	it.each([
		['an unknown kind', { kind: 'kiez' }, 'kind', 'unknown_option'],
		['the name of another social space of the municipality', { name: 'Porz-Mitte' }, 'name', 'taken'],
		['an over-long code', { code: '1'.repeat(CODE_MAX + 1) }, 'code', 'too_long']
	])('refuses a social space with %s', async (_label, overrides, field, code) => {
		const issues = await refused(() => createSocialSpace(wh.db, system, { districtId: w.ids.d1, name: 'Höhenberg', ...(overrides as object) }));
		expect(issues).toContainEqual(expect.objectContaining({ field, code }));
	});

	it('answers an unknown municipality or district with NotFoundError', async () => {
		await expect(createDistrict(wh.db, system, { municipalityId: missing, name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
		await expect(createSocialSpace(wh.db, system, { districtId: missing, name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
		await expect(createSocialSpace(wh.db, system, { districtId: 'not-a-uuid', name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
	});

	const row = (overrides: Partial<StatisticInput> = {}) => ({
		record: 'r',
		districtId: w.ids.d1,
		socialSpaceId: null,
		metric: 'population',
		value: 100,
		unit: 'persons',
		asOf: '2024',
		source: 'Amt für Statistik',
		...overrides
	});

	it.each([
		['an area of another municipality', () => row({ districtId: null, socialSpaceId: w.ids.so }), 'rows.0.area', 'not_found'],
		['a district and a social space at once', () => row({ socialSpaceId: w.ids.s1a }), 'rows.0.area', 'invalid'],
		['a metric that is not a machine name', () => row({ metric: 'Einwohner 2024' }), 'rows.0.metric', 'invalid'],
		['a value that is not a number', () => row({ value: Number.NaN }), 'rows.0.value', 'invalid'],
		['an empty unit', () => row({ unit: ' ' }), 'rows.0.unit', 'required'],
		['a 13th month', () => row({ asOf: '2024-13' }), 'rows.0.asOf', 'invalid_date'],
		['a 30 February', () => row({ asOf: '2024-02-30' }), 'rows.0.asOf', 'invalid_date'],
		['an empty source', () => row({ source: '' }), 'rows.0.source', 'required']
	])('refuses statistics with %s', async (_label, make, field, code) => {
		const issues = await refused(() => upsertStatistics(wh.db, system, { municipalityId: w.ids.k, rows: [make()] }));
		expect(issues).toContainEqual(expect.objectContaining({ field, code }));
	});

	it('keeps a municipality-wide value apart from a district value of the same metric and date', async () => {
		await upsertStatistics(wh.db, system, { municipalityId: w.ids.k, rows: [row({ metric: 'households', value: 100 })] });
		await upsertStatistics(wh.db, system, { municipalityId: w.ids.k, rows: [row({ metric: 'households', districtId: null, value: 1000 })] });
		const again = await upsertStatistics(wh.db, system, { municipalityId: w.ids.k, rows: [row({ metric: 'households', districtId: null, value: 2000 })] });
		expect(again).toMatchObject({ created: 0, updated: 1 });
		expect((await listStatistics(wh.db, w.ids.k, { districtId: w.ids.d1 })).find((s) => s.metric === 'households')?.value).toBe(100);
		expect((await listStatistics(wh.db, w.ids.k, {})).find((s) => s.metric === 'households')?.value).toBe(2000);
	});

	it('reads areas by id, leaving out ids that are not UUIDs', async () => {
		expect((await findDistrictById(wh.db, w.ids.d1))?.name).toBe('Kalk');
		expect(await findDistrictById(wh.db, 'kalk')).toBeNull();
		expect((await findSocialSpaceById(wh.db, w.ids.s1b))?.name).toBe('Vingst');
		expect((await getSocialSpaces(wh.db, [w.ids.s2a, 'x', missing])).map((s) => s.name)).toEqual(['Porz-Mitte']);
		expect((await listSocialSpaceIds(wh.db, { districtId: w.ids.d1 })).sort()).toEqual([w.ids.s1a, w.ids.s1b].sort());
		expect(await listSocialSpaceIds(wh.db, { municipalityId: 'koeln' })).toEqual([]);
	});
});
