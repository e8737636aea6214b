/**
 * Düsseldorf on the map (issue 12 §2): the demo's real boundaries and statistics of both cities,
 * the upgrade of an installation whose Düsseldorf has no boundaries yet, the placement of places
 * saved before boundaries existed (so the Welcome Points' offers are found by Stadtbezirk and
 * counted in the coverage matrix), and the search page saying when an area has no boundary.
 */
import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseGlobalDataVersion } from '../../src/lib/server/audit/versions';
import { systemPrincipal } from '../../src/lib/server/access';
import { AccessDeniedError } from '../../src/lib/server/core/errors';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { loadDemo } from '../../src/lib/server/demo/load';
import { publicSearch } from '../../src/lib/server/directory/pages/search';
import { placeUnplacedLocations } from '../../src/lib/server/directory/placement';
import { refreshSearchEntries } from '../../src/lib/server/directory/search-index';
import { saveOrganization } from '../../src/lib/server/directory/service';
import { loadGeographyDemo } from '../../src/lib/server/geography/demo';
import { importBoundaries } from '../../src/lib/server/geography/importers';
import { districtAreasPage, municipalityAreasPage } from '../../src/lib/server/geography/pages/areas';
import { areaMap, createMunicipality, findMunicipality, listDistricts, listSocialSpaces, listStatistics, type Municipality } from '../../src/lib/server/geography/service';
import { computeCoverage } from '../../src/lib/server/steering/coverage';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { org } from '../helpers/directory';
import { demoFile, importKoelnAreas } from '../helpers/files';
import { buildWorld, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

/** The rows of a raw query. */
async function rows<T>(h: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T[]> {
	return ((await h.db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Sum of a metric's values at a date over the social spaces of a municipality. */
async function metricSum(h: DatabaseHandle, municipalityId: string, metric: string, asOf: string): Promise<{ n: number; sum: number }> {
	const [r] = await rows<{ n: number; sum: number }>(
		h,
		sql`select count(*)::int as n, coalesce(sum(value), 0)::float as sum from statistic
			where municipality_id = ${municipalityId} and social_space_id is not null and metric = ${metric} and as_of = ${asOf}`
	);
	return { n: r.n, sum: Number(r.sum) };
}

/** German titles of the offers a public search URL finds. */
async function offerTitles(h: DatabaseHandle, m: Municipality, query: string) {
	const result = await publicSearch(h.db, m.id, new URLSearchParams(`kind=service&${query}`), 'de', ['public']);
	return { titles: result.hits.map((x) => x.title.de), hits: result.hits, areaNotices: result.areaNotices, issues: result.issues };
}

/** A place in Köln-Kalk, saved before Köln has boundaries. */
const KALK_PLACE = { name: 'Bürgerzentrum', street: 'Kalker Hauptstraße 1', postalCode: '51103', city: 'Köln', latitude: 50.9385, longitude: 6.9985, accessibility: [], accessibilityNote: {}, directions: {} };

/** The Welcome Points' demo offers (directory demo), by Stadtbezirk. */
const WP5_OFFERS = ['Erstberatung für Neuzugezogene', 'Sprachcafé Kaiserswerth', 'Sprechstunde Wohnungssuche'];
const WP6_OFFERS = ['Sprachcafé Rath', 'Bewerbungswerkstatt', 'Eltern-Kind-Gruppe'];

describe(`the demo on the map, on ${DB_KIND}`, () => {
	let h: DatabaseHandle;
	let d: Municipality;
	let koeln: Municipality;
	beforeAll(async () => {
		h = await freshDatabase();
		await loadDemo(h.db);
		d = (await findMunicipality(h.db, 'duesseldorf'))!;
		koeln = (await findMunicipality(h.db, 'koeln'))!;
	}, 300_000);
	afterAll(() => h?.close());

	it('shows Düsseldorf’s 10 Stadtbezirke and 50 Stadtteile on maps, with their official codes', async () => {
		const districts = await listDistricts(h.db, d.id);
		expect(districts.map((x) => x.name)).toEqual(Array.from({ length: 10 }, (_, i) => `Stadtbezirk ${i + 1}`));
		expect(districts.every((x) => x.hasBoundary)).toBe(true);
		const spaces = await listSocialSpaces(h.db, { municipalityId: d.id });
		expect(spaces).toHaveLength(50);
		expect(spaces.every((s) => s.hasBoundary && /^\d{3}$/.test(s.code ?? ''))).toBe(true);
		expect(spaces.find((s) => s.name === 'Kaiserswerth')?.code).toBe('053');

		const page = await municipalityAreasPage(h.db, d, 'de');
		expect(page.map?.areas.map((a) => a.label).sort()).toEqual(districts.map((x) => x.name).sort());
		expect(page.map?.areas.every((a) => a.d.startsWith('M') && a.href.startsWith('/de/m/duesseldorf/d/stadtbezirk-'))).toBe(true);
		expect(page.boundarySource).toContain('Landeshauptstadt Düsseldorf');
		const sb5 = await districtAreasPage(h.db, d, 'stadtbezirk-5', 'de');
		expect(sb5.map?.areas.map((a) => a.label).sort()).toEqual(['Angermund', 'Kaiserswerth', 'Kalkum', 'Lohausen', 'Stockum', 'Wittlaer']);
		expect(sb5.map?.areas.find((a) => a.label === 'Kaiserswerth')?.href).toBe('/de/m/duesseldorf/d/stadtbezirk-5#space-kaiserswerth');
	});

	it('loads eligible voters 2020 per Düsseldorf Stadtteil, labelled as eligible voters, beside the INTESO statistics', async () => {
		expect(await metricSum(h, d.id, 'eligible_voters', '2020-09-13')).toEqual({ n: 50, sum: 470_511 });
		const sb6 = await districtAreasPage(h.db, d, 'stadtbezirk-6', 'de');
		expect(sb6.metrics).toEqual([expect.objectContaining({ metric: 'eligible_voters', unit: 'persons', asOf: '2020-09-13' })]);
		expect(sb6.metrics[0].source).toMatch(/^Landeshauptstadt Düsseldorf, Ratswahl NRW 13\.09\.2020/);
		expect(sb6.spaces.find((s) => s.name === 'Rath')?.values[0]?.value).toBeGreaterThan(0);
		expect(sb6.statistics.find((s) => s.metric === 'population')).toMatchObject({ value: 66_595, asOf: '2018-12-31' });
	});

	it('loads Köln’s population 2025 and people with a migration background 2012 per Stadtteil, population first', async () => {
		expect(await metricSum(h, koeln.id, 'population', '2025')).toEqual({ n: 86, sum: 1_100_076 });
		expect(await metricSum(h, koeln.id, 'migration_background', '2012-12-31')).toEqual({ n: 86, sum: 359_873 });
		expect((await metricSum(h, koeln.id, 'share_migration_background', '2012-12-31')).n).toBe(86);
		expect((await metricSum(h, koeln.id, 'eligible_voters', '2013-09-22')).n).toBe(86);
		const kalk = await districtAreasPage(h.db, koeln, 'kalk', 'de');
		expect(kalk.metrics.map((x) => x.metric)).toEqual(['population', 'migration_background', 'share_migration_background', 'eligible_voters']);
		const humboldt = kalk.spaces.find((s) => s.name === 'Humboldt/Gremberg')!;
		expect(humboldt.values.map((v) => v?.unit)).toEqual(['persons', 'persons', 'percent', 'persons']);
		expect(kalk.boundarySource).toContain('Stadt Köln');
	});

	it('finds the Welcome Points’ offers by Stadtbezirk and Stadtteil, with no notice about boundaries', async () => {
		const sb5 = await offerTitles(h, d, 'district=stadtbezirk-5');
		expect(sb5.titles).toEqual(expect.arrayContaining(WP5_OFFERS));
		expect(sb5.titles).not.toContain('Sprachcafé Rath');
		expect(sb5.areaNotices).toEqual([]);
		const sb6 = await offerTitles(h, d, 'district=stadtbezirk-6');
		expect(sb6.titles).toEqual(expect.arrayContaining(WP6_OFFERS));
		expect((await offerTitles(h, d, 'space=kaiserswerth')).titles).toEqual(expect.arrayContaining(WP5_OFFERS));
		// Distance from a Stadtteil works: from Kaiserswerth's centre, its offers lie within 2 km, nearest first.
		const near = await offerTitles(h, d, 'near=kaiserswerth&sort=distance');
		expect(near.issues).toEqual([]);
		const km = near.hits.map((x) => x.distanceKm!);
		expect(km).toEqual([...km].sort((a, b) => a - b));
		for (const title of WP5_OFFERS) expect(near.hits.find((x) => x.title.de === title)!.distanceKm).toBeLessThan(2);
	});

	it('counts the Welcome Points’ offers in the coverage matrix of Stadtbezirk 5 and 6, per eligible voters as a labelled proxy', async () => {
		const m = await computeCoverage(h.db, systemPrincipal('test'), d.id);
		const offersIn = (district: string) =>
			m.spaces.filter((s) => s.districtName === district).reduce((n, s) => n + s.cells.reduce((k, c) => k + c.offers, 0), 0);
		expect(offersIn('Stadtbezirk 5')).toBeGreaterThanOrEqual(WP5_OFFERS.length);
		expect(offersIn('Stadtbezirk 6')).toBeGreaterThanOrEqual(WP6_OFFERS.length);
		const kaiserswerth = m.spaces.find((s) => s.name === 'Kaiserswerth')!;
		expect(kaiserswerth.population).toMatchObject({ metric: 'eligible_voters', asOf: '2020-09-13' });
		expect(kaiserswerth.cells.find((c) => c.field === 'education')!.per10k).toBeGreaterThan(0);
		expect(m.denominators).toEqual([{ metric: 'eligible_voters', asOf: '2020-09-13', spaces: 50 }]);
		expect(m.withoutPopulation).toBe(0);
	});

	it('uses Köln’s population 2025 as the coverage denominator in place of eligible voters', async () => {
		const m = await computeCoverage(h.db, systemPrincipal('test'), koeln.id);
		expect(m.denominators).toEqual([{ metric: 'population', asOf: '2025', spaces: 86 }]);
		const kalk = m.spaces.find((s) => s.name === 'Kalk')!;
		const [{ value }] = await rows<{ value: number }>(h, sql`select value from statistic where social_space_id = ${kalk.id} and metric = 'population'`);
		expect(kalk.population).toEqual({ metric: 'population', value: Number(value), asOf: '2025' });
	});

	it('gives an installation whose Düsseldorf has no boundaries them on its next start, places its offers, and then writes nothing more', async () => {
		// The state an installation from before issue 12 is in: Düsseldorf's areas without
		// boundaries (codes only where structure.json gives them), no 2020 statistic, no Köln
		// population, the Welcome Points' places unplaced and their offers' search entries without areas.
		await h.db.execute(sql`update district set boundary = null, updated_at = now() where municipality_id = ${d.id}`);
		await h.db.execute(sql`update social_space set boundary = null, code = null where municipality_id = ${d.id} and code not in ('044', '061', '062', '063', '064')`);
		await h.db.execute(sql`update social_space set boundary = null, updated_at = now() where municipality_id = ${d.id}`);
		await h.db.execute(sql`delete from statistic where municipality_id = ${d.id} and metric = 'eligible_voters'`);
		await h.db.execute(sql`delete from statistic where municipality_id = ${koeln.id} and metric in ('population', 'migration_background', 'share_migration_background')`);
		await h.db.execute(sql`update location set social_space_id = null where municipality_id = ${d.id}`);
		const entries = await rows<{ kind: 'service' | 'organization'; id: string }>(h, sql`select kind, entity_id::text as id from search_entry where municipality_id = ${d.id}`);
		await refreshSearchEntries(h.db, { serviceIds: entries.filter((e) => e.kind === 'service').map((e) => e.id), organizationIds: entries.filter((e) => e.kind === 'organization').map((e) => e.id) });
		// Written past the audit log, as an older installation's data is: a start raises the data
		// version after migrating (issue 17), so no cache of this process keeps what was there before.
		await raiseGlobalDataVersion(h.db);

		expect(await areaMap(h.db, { municipalityId: d.id })).toBeNull();
		// The search says why Stadtbezirk 5 finds none of the offers, and why no distance can be measured.
		const before = await offerTitles(h, d, 'district=stadtbezirk-5');
		expect(before.titles).toEqual([]);
		expect(before.areaNotices).toEqual([{ field: 'district', name: 'Stadtbezirk 5' }]);
		expect((await offerTitles(h, d, 'space=kaiserswerth')).areaNotices).toEqual([{ field: 'space', name: 'Kaiserswerth' }]);
		expect((await offerTitles(h, d, 'near=kaiserswerth&sort=distance')).issues).toEqual([{ field: 'near', code: 'no_boundary', params: { value: 'Kaiserswerth' } }]);
		const coverageBefore = await computeCoverage(h.db, systemPrincipal('test'), koeln.id);
		expect(coverageBefore.denominators).toEqual([{ metric: 'eligible_voters', asOf: '2013-09-22', spaces: 86 }]);

		const audit = await countRows(h, 'audit_log');
		await loadDemo(h.db);
		expect((await listSocialSpaces(h.db, { municipalityId: d.id })).every((s) => s.hasBoundary && s.code)).toBe(true);
		expect((await listDistricts(h.db, d.id)).every((x) => x.hasBoundary)).toBe(true);
		expect(await metricSum(h, d.id, 'eligible_voters', '2020-09-13')).toEqual({ n: 50, sum: 470_511 });
		expect(await metricSum(h, koeln.id, 'population', '2025')).toEqual({ n: 86, sum: 1_100_076 });
		const after = await offerTitles(h, d, 'district=stadtbezirk-5');
		expect(after.titles).toEqual(expect.arrayContaining(WP5_OFFERS));
		expect(after.areaNotices).toEqual([]);
		expect((await computeCoverage(h.db, systemPrincipal('test'), koeln.id)).denominators[0]).toEqual({ metric: 'population', asOf: '2025', spaces: 86 });
		const placed = await rows<{ n: number }>(
			h,
			sql`select count(*)::int as n from audit_log where municipality_id = ${d.id} and actor_label = 'demo-loader' and entity_type = 'location' and action = 'update'`
		);
		expect(placed[0].n).toBeGreaterThanOrEqual(3);
		expect(await countRows(h, 'audit_log')).toBeGreaterThan(audit);

		// A further start finds nothing missing: no write, no audit entry.
		const counts = async () => ({ audit: await countRows(h, 'audit_log'), statistics: await countRows(h, 'statistic'), spaces: await countRows(h, 'social_space') });
		const settled = await counts();
		await loadDemo(h.db);
		expect(await counts()).toEqual(settled);
	}, 300_000);
});

describe(`placing places saved before boundaries existed, on ${DB_KIND}`, () => {
	let h: DatabaseHandle;
	let w: World;
	beforeAll(async () => {
		h = await freshDatabase();
		w = await buildWorld(h.db);
	}, 120_000);
	afterAll(() => h?.close());

	it('leaves a real municipality under a demo slug alone', async () => {
		// The world's Köln is an operator's municipality (not a demo): the geography demo adds nothing to it.
		const before = await countRows(h, 'audit_log');
		await loadGeographyDemo(h.db, 'data/demo');
		const koeln = (await findMunicipality(h.db, 'koeln'))!;
		expect(koeln.isDemo).toBe(false);
		expect((await listDistricts(h.db, koeln.id)).map((x) => [x.name, x.hasBoundary])).toEqual([['Porz', false], ['Kalk', false]]);
		expect(await listStatistics(h.db, koeln.id, { socialSpaceIds: [w.ids.s1a, w.ids.s1b, w.ids.s2a] })).toEqual([]);
		expect(await countRows(h, 'audit_log')).toBeGreaterThan(before); // Düsseldorf was created
	});

	it('places them once boundaries exist, only with the directory’s configuration right, and counts those outside', async () => {
		const k = w.ids.k;
		const bonn = { ...KALK_PLACE, name: 'Außenstelle', street: 'Bonner Straße 1', postalCode: '53111', city: 'Bonn', latitude: 50.7374, longitude: 7.0982 };
		// Saved while Köln has no boundaries: nothing can be placed, nothing is refused.
		const actor = await saveOrganization(h.db, systemPrincipal('t'), k, org({ name: 'Nachbarschaftshilfe Kalk', locations: [KALK_PLACE, bonn] }));
		expect(await placeUnplacedLocations(h.db, w.who.admin, k)).toEqual({ placed: 0, outside: 2 });
		await importKoelnAreas(h.db);

		for (const who of [w.who.staffA, w.who.partner, w.who.adminOther]) {
			await expect(placeUnplacedLocations(h.db, who, k)).rejects.toBeInstanceOf(AccessDeniedError);
		}
		const kalkSpace = (await listSocialSpaces(h.db, { municipalityId: k })).find((s) => s.name === 'Kalk')!;
		expect((await publicSearch(h.db, k, new URLSearchParams('kind=organization&space=kalk'), 'de', ['public'])).hits).toEqual([]);

		expect(await placeUnplacedLocations(h.db, w.who.admin, k)).toEqual({ placed: 1, outside: 1 });
		const found = await publicSearch(h.db, k, new URLSearchParams('kind=organization&space=kalk'), 'de', ['public']);
		expect(found.hits.map((x) => x.id)).toEqual([actor.id]);
		expect(found.areaNotices).toEqual([]);
		const audit = await rows<{ entity_type: string; changes: Record<string, [unknown, unknown]> }>(
			h,
			sql`select entity_type, changes from audit_log where action = 'update' and entity_type in ('location', 'organization') and actor_user_id is not null order by entity_type`
		);
		expect(audit).toEqual([
			{ entity_type: 'location', changes: { socialSpaceId: [null, kalkSpace.id] } },
			{ entity_type: 'organization', changes: { socialSpaceIds: [[], [kalkSpace.id]] } }
		]);
		// Placed places are not touched again; the one in Bonn stays outside.
		expect(await placeUnplacedLocations(h.db, w.who.admin, k)).toEqual({ placed: 0, outside: 1 });
	});
});

describe.runIf(DB_KIND === 'pglite')('CLI: place locations', () => {
	it('points from the boundary import to it, places what was saved before, and refuses wrong usage', async () => {
		const dir = tempDir('anl-place-cli-');
		const setup = await openDatabase({ dataDir: dir });
		await migrateDatabase(setup);
		const koeln = await createMunicipality(setup.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' });
		await saveOrganization(setup.db, systemPrincipal('t'), koeln.id, org({ name: 'Treff Kalk', locations: [KALK_PLACE] }));
		await importBoundaries(setup.db, systemPrincipal('t'), { municipality: 'koeln', level: 'district', file: 'stadtbezirke.geojson', text: demoFile('koeln/stadtbezirke.geojson') });
		await setup.close();
		const cli = (...args: string[]) =>
			spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' }, encoding: 'utf8' });

		const imported = cli('import', 'boundaries', '--municipality', 'koeln', '--level', 'social-space', '--file', 'data/demo/koeln/stadtteile.geojson', '--district-code-property', 'district_code');
		expect(imported.status).toBe(0);
		expect(imported.stdout).toContain('places saved before these boundaries: npm run cli -- place locations koeln');
		const placed = cli('place', 'locations', 'koeln');
		expect(placed.stdout).toBe('Köln: placed 1, outside every boundary 0\n');
		expect(placed.status).toBe(0);
		expect(cli('place', 'locations').status).toBe(2);
		const unknown = cli('place', 'locations', 'atlantis');
		expect(unknown.status).toBe(1);
		expect(unknown.stderr).toContain('unknown municipality "atlantis"');
	}, 300_000);
});
