import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import {
	getOrganizationHsds,
	getServiceAtLocationHsds,
	getServiceHsds,
	getTaxonomyHsds,
	getTaxonomyTermHsds,
	hsdsRoot,
	HsdsRequestError,
	listOrganizations,
	listServiceAtLocations,
	listServices,
	listTaxonomies,
	listTaxonomyTerms,
	parseHsdsQuery,
	type HsdsPage,
	type HsdsQuery
} from '../../src/lib/server/directory/hsds/api';
import { derivedId } from '../../src/lib/server/directory/hsds/ids';
import { berlinOffset } from '../../src/lib/server/directory/hsds/mapping';
import { taxonomyId, termId } from '../../src/lib/server/directory/hsds/taxonomy';
import { getService, saveOrganization, saveService, serviceToInput } from '../../src/lib/server/directory/service';
import { originalText, withVersion } from '../../src/lib/server/directory/texts';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { importKoelnAreas } from '../helpers/files';
import { hsdsErrors } from '../helpers/hsds';

let handle: DatabaseHandle;
const ids: Record<string, string> = {};

function q(params = '', acceptLanguage: string | null = null): HsdsQuery {
	return parseHsdsQuery(new URLSearchParams(params), acceptLanguage);
}

/** A multilingual text: German original, English human translation, Arabic machine translation. */
function multilingual(de: string, en: string, ar: string) {
	return withVersion(withVersion(originalText('de', de), 'en', en), 'ar', ar, 'machine');
}

beforeAll(async () => {
	handle = await freshDatabase();
	const koeln = (await createMunicipality(handle.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln', officialCode: '05315000' })).id;
	await importKoelnAreas(handle.db);
	const duesseldorf = (await createMunicipality(handle.db, systemPrincipal('t'), { slug: 'duesseldorf', name: 'Düsseldorf', officialCode: '05111000' })).id;
	const actor = systemPrincipal('test');

	ids.caritas = (
		await saveOrganization(
			handle.db, actor,
			koeln,
			org({
				description: multilingual('Beratung für Zugewanderte', 'Counselling for newcomers', 'استشارات للقادمين الجدد'),
				email: 'info@caritas.example',
				phone: '+49 221 1111',
				website: 'https://caritas.example',
				alternateNames: ['Caritasverband Köln']
			}))
	).id;
	ids.kita = (
		await saveOrganization(
			handle.db, actor,
			koeln,
			org({
				name: 'Kita Sonnenschein',
				description: {},
				actorType: 'kita',
				amenity: 'kindergarten',
				locations: [
					{ name: 'Kita Sonnenschein', street: 'Taunusstraße 5', postalCode: '51105', city: 'Köln', latitude: 50.9327, longitude: 7.0046, accessibility: [], accessibilityNote: {}, directions: {} }
				]
			}),
			{ source: 'osm', sourceId: 'node/258045337', attribution: '© OpenStreetMap contributors, ODbL 1.0' }
		)
	).id;
	ids.course = (
		await saveService(
			handle.db, actor,
			koeln,
			offer(ids.caritas, {
				name: withVersion(multilingual('Deutschkurs für Anfänger', 'German course for beginners', 'دورة ألمانية للمبتدئين'), 'de-x-ls', 'Deutsch lernen'),
				description: multilingual('Kostenloser Sprachkurs am Vormittag', 'Free language course in the morning', 'دورة لغة مجانية صباحا'),
				subtopics: ['language_course'],
				targetGroups: ['newcomers', 'refugee_experience'],
				languages: ['de', 'ar', 'de-x-ls'],
				costKind: 'reduced',
				costAmountCents: 250,
				costNote: originalText('de', 'Mit Köln-Pass kostenlos'),
				accessRequirements: originalText('de', 'Anmeldung im Büro'),
				requiredDocuments: originalText('de', 'Ausweis\nMeldebescheinigung'),
				eligibility: originalText('de', 'Erwachsene'),
				url: 'https://caritas.example/deutschkurs',
				email: 'kurs@caritas.example',
				phone: '+49 221 2222',
				contactName: 'Frau Schmidt',
				locations: [
					{
						name: 'Bürgerzentrum Kalk',
						street: 'Kalker Hauptstraße 1',
						postalCode: '51103',
						city: 'Köln',
						latitude: 50.9385,
						longitude: 6.9985,
						accessibility: ['step_free', 'hearing_loop'],
						accessibilityNote: originalText('de', 'Rampe am Hintereingang'),
						directions: originalText('de', 'U-Bahn Kalk Post')
					},
					{ name: 'Treff Höhenberg', street: 'Würzburger Str. 10', postalCode: '51103', city: 'Köln', latitude: 50.9436, longitude: 7.0236, accessibility: [], accessibilityNote: {}, directions: {} }
				],
				schedules: [
					{ weekday: 2, opensAt: '09:00', closesAt: '12:00', validFrom: '2026-01-01', validTo: '2026-12-31', appointmentOnly: false, note: originalText('de', 'nicht in den Ferien'), location: 0 },
					{ weekday: 4, opensAt: '14:00', closesAt: '16:00', validFrom: null, validTo: null, appointmentOnly: true, note: {}, location: 1 },
					{ weekday: 1, opensAt: '10:00', closesAt: '11:00', validFrom: null, validTo: null, appointmentOnly: false, note: {}, location: null }
				]
			}))
	).id;
	// A later change, so the offer has update metadata.
	const course = (await getService(handle.db, ids.course, ['public']))!;
	await saveService(handle.db, actor, koeln, { ...serviceToInput(course), eligibility: originalText('de', 'Erwachsene ab 18') }, { id: ids.course });

	const duesseldorfOrg = (await saveOrganization(handle.db, actor, duesseldorf, org({ name: 'Welcome Point 5', actorType: 'welcome_point' }))).id;
	ids.dus = (
		await saveService(
			handle.db, actor,
			duesseldorf,
			offer(duesseldorfOrg, { name: originalText('de', 'Sprechstunde'), subtopics: ['social_counselling'], locations: [], schedules: [], lowThreshold: true }))
	).id;
	ids.network = (await saveService(handle.db, actor, koeln, offer(ids.caritas, { name: originalText('de', 'Geheimes Netzwerkangebot'), visibility: 'network', locations: [], schedules: [] }))).id;
	ids.internalOrg = (await saveOrganization(handle.db, actor, koeln, org({ name: 'Informelle Gruppe', visibility: 'internal' }))).id;
	ids.underInternal = (await saveService(handle.db, actor, koeln, offer(ids.internalOrg, { name: originalText('de', 'Angebot der informellen Gruppe'), locations: [], schedules: [] }))).id;
});
afterAll(() => handle.close());

function expectValidPage(page: HsdsPage, itemSchema: string) {
	expect(hsdsErrors('page', page)).toEqual([]);
	for (const item of page.contents) expect(hsdsErrors(itemSchema, item), JSON.stringify(item).slice(0, 200)).toEqual([]);
}

async function rejects(p: Promise<unknown> | (() => unknown), status: number, parameter?: string) {
	const err = (await (typeof p === 'function' ? Promise.resolve().then(p) : p).catch((e: unknown) => e)) as HsdsRequestError;
	expect(err).toBeInstanceOf(HsdsRequestError);
	expect(err.status).toBe(status);
	if (parameter) {
		expect(err.parameter).toBe(parameter);
		expect(err.message).toContain(parameter);
	}
}

describe(`HSDS API: every object validates strictly (${DB_KIND})`, () => {
	it('root', () => {
		expect(hsdsErrors('root', hsdsRoot('https://anlaufstelle.example'))).toEqual([]);
	});

	it('/services in list, full and minimal form, and /services/{id}', async () => {
		const list = await listServices(handle.db, q());
		expect(list.total_items).toBe(2);
		expectValidPage(list, 'compiled/service_list.json');
		expectValidPage(await listServices(handle.db, q('full=true')), 'service.json');
		const minimal = await listServices(handle.db, q('minimal=true'));
		expectValidPage(minimal, 'compiled/service_list.json');
		expect(Object.keys(minimal.contents[0]).sort()).toEqual(['id', 'last_modified', 'name', 'status']);
		for (const lang of ['de', 'en', 'ar', 'de-x-ls', 'fa']) {
			expect(hsdsErrors('service.json', await getServiceHsds(handle.db, ids.course, q(`lang=${lang}`)))).toEqual([]);
		}
	});

	it('/organizations in list and full form, and /organizations/{id} with and without full services', async () => {
		const list = await listOrganizations(handle.db, q());
		expect(list.total_items).toBe(3);
		expectValidPage(list, 'compiled/organization_list.json');
		expectValidPage(await listOrganizations(handle.db, q('full=true')), 'organization_full');
		for (const id of [ids.caritas, ids.kita]) {
			expect(hsdsErrors('organization_full', await getOrganizationHsds(handle.db, id, q()))).toEqual([]);
			expect(hsdsErrors('organization_full', await getOrganizationHsds(handle.db, id, q('full_service=true')))).toEqual([]);
		}
	});

	it('/service_at_locations in list and full form, and /service_at_locations/{id}', async () => {
		const list = await listServiceAtLocations(handle.db, q());
		expect(list.total_items).toBe(2);
		expectValidPage(list, 'compiled/service_at_location_list.json');
		expectValidPage(await listServiceAtLocations(handle.db, q('full=true')), 'service_at_location_full');
		for (const item of list.contents) {
			expect(hsdsErrors('service_at_location_full', await getServiceAtLocationHsds(handle.db, item.id as string, q('lang=en')))).toEqual([]);
		}
	});

	it('/taxonomies and /taxonomy_terms with their {id} forms', async () => {
		const taxonomies = listTaxonomies(q('per_page=100'));
		expectValidPage(taxonomies, 'taxonomy.json');
		const terms = listTaxonomyTerms(q('per_page=1000&lang=en'));
		expectValidPage(terms, 'taxonomy_term.json');
		expect(hsdsErrors('taxonomy.json', getTaxonomyHsds(taxonomies.contents[0].id as string, q()))).toEqual([]);
		expect(hsdsErrors('taxonomy_term.json', getTaxonomyTermHsds(terms.contents[0].id as string, q()))).toEqual([]);
		expect(new Set(terms.contents.map((t) => t.id)).size).toBe(terms.total_items);
		// Sorted by id, as every list of the API (docs/hsds.md), also across pages.
		const byId = (list: { id?: unknown }[]) => list.map((t) => t.id as string);
		expect(byId(taxonomies.contents)).toEqual(byId(taxonomies.contents).sort());
		expect(byId(terms.contents)).toEqual(byId(terms.contents).sort());
		const pages = [1, 2, 3].flatMap((page) => byId(listTaxonomyTerms(q(`per_page=10&page=${page}&lang=en`)).contents));
		expect(pages).toEqual(byId(terms.contents).slice(0, 30));
	});
});

describe(`HSDS API: content (${DB_KIND})`, () => {
	it('gives texts in the language asked for, by ?lang= or Accept-Language, falling back to the original', async () => {
		const name = async (params: string, accept: string | null = null) => (await getServiceHsds(handle.db, ids.course, q(params, accept))).name;
		expect(await name('')).toBe('Deutschkurs für Anfänger');
		expect(await name('lang=en')).toBe('German course for beginners');
		expect(await name('', 'fr;q=0.9, ar;q=0.8')).toBe('دورة ألمانية للمبتدئين');
		expect(await name('', 'en-GB,en;q=0.9')).toBe('German course for beginners');
		expect(await name('lang=de-x-ls')).toBe('Deutsch lernen');
		expect(await name('lang=uk')).toBe('Deutschkurs für Anfänger');
		const org = await getOrganizationHsds(handle.db, ids.caritas, q('lang=en'));
		expect(org.description).toBe('Counselling for newcomers');
	});

	it('maps the offer: contact, cost, documents, languages, places, addresses, accessibility and schedules', async () => {
		const s = await getServiceHsds(handle.db, ids.course, q('lang=en'));
		expect(s).toMatchObject({
			organization_id: ids.caritas,
			url: 'https://caritas.example/deutschkurs',
			email: 'kurs@caritas.example',
			status: 'active',
			application_process: 'Anmeldung im Büro',
			fees_description: 'Mit Köln-Pass kostenlos',
			eligibility_description: 'Erwachsene ab 18',
			minimum_age: 16,
			phones: [{ number: '+49 221 2222' }],
			contacts: [{ name: 'Frau Schmidt' }],
			cost_options: [{ currency: 'EUR', amount: 2.5 }],
			required_documents: [{ document: 'Ausweis' }, { document: 'Meldebescheinigung' }]
		});
		expect((s.languages as { code: string; name: string }[]).map((l) => [l.code, l.name])).toEqual([
			['de', 'German'],
			['ar', 'Arabic'],
			['de-x-ls', 'Easy German (Leichte Sprache)']
		]);
		// Times in Europe/Berlin with the offset of the day (HSDS reads a time without one as UTC).
		const tz = berlinOffset(new Date());
		expect(['+01:00', '+02:00']).toContain(tz);
		expect(s.schedules).toEqual([
			expect.objectContaining({ freq: 'WEEKLY', byday: 'MO', opens_at: `10:00${tz}`, closes_at: `11:00${tz}`, service_id: ids.course })
		]);
		const [kalk, hoehenberg] = s.service_at_locations as Record<string, unknown>[];
		const atKalk = [kalk, hoehenberg].find((x) => (x.location as { name: string }).name === 'Bürgerzentrum Kalk')!;
		const atHoehenberg = [kalk, hoehenberg].find((x) => x !== atKalk)!;
		expect(atKalk.schedules).toEqual([
			expect.objectContaining({ freq: 'WEEKLY', byday: 'TU', opens_at: `09:00${tz}`, closes_at: `12:00${tz}`, valid_from: '2026-01-01', valid_to: '2026-12-31', notes: 'nicht in den Ferien' })
		]);
		expect((atHoehenberg.schedules as Record<string, unknown>[])[0].attributes).toEqual([
			expect.objectContaining({ taxonomy_term_id: termId('property', 'appointment_only'), link_entity: 'schedule' })
		]);
		const location = atKalk.location as Record<string, unknown>;
		expect(location).toMatchObject({
			location_type: 'physical',
			latitude: 50.9385,
			longitude: 6.9985,
			transportation: 'U-Bahn Kalk Post',
			addresses: [{ address_1: 'Kalker Hauptstraße 1', postal_code: '51103', city: 'Köln', state_province: 'Nordrhein-Westfalen', country: 'DE', address_type: 'physical' }]
		});
		expect((location.accessibility as { description: string }[]).map((a) => a.description)).toEqual(['Step-free access', 'Hearing loop', 'Rampe am Hintereingang']);
	});

	it('publishes our vocabularies as attributes with stable term ids, and the audit log as metadata', async () => {
		const s = await getServiceHsds(handle.db, ids.course, q('lang=en'));
		const attrs = (s.attributes as { taxonomy_term_id: string; value?: string; link_id: string }[]).map((a) => [a.taxonomy_term_id, a.value]);
		expect(attrs).toEqual(
			expect.arrayContaining([
				[termId('theme_field', 'education'), undefined],
				[termId('theme_field', 'language_course'), undefined],
				[termId('integration_dimension', 'culturation'), undefined],
				[termId('target_group', 'refugee_experience'), undefined],
				[termId('cost', 'reduced'), undefined],
				[termId('property', 'low_threshold'), undefined],
				[termId('translation_status', 'original'), 'de'],
				[termId('translation_status', 'human'), 'en'],
				[termId('translation_status', 'machine'), 'ar']
			])
		);
		const term = listTaxonomyTerms(q(`taxonomy_id=${taxonomyId('theme_field')}&top_only=true`));
		expect(term.contents.map((t) => t.code).sort()).toEqual(['civil_society', 'education', 'housing', 'labour']);
		expect(term.contents.map((t) => t.id)).toEqual(term.contents.map((t) => t.id as string).sort());
		expect(listTaxonomyTerms(q(`parent_id=${termId('theme_field', 'education')}`)).contents.map((t) => t.code)).toContain('language_course');
		const metadata = s.metadata as { field_name: string; last_action_type: string; previous_value: string; replacement_value: string; updated_by: string }[];
		expect(metadata).toContainEqual(
			expect.objectContaining({ field_name: 'eligibility_description', last_action_type: 'update', previous_value: 'Erwachsene', replacement_value: 'Erwachsene ab 18', updated_by: 'test' })
		);
		expect(metadata.some((m) => m.field_name === 'name' && m.last_action_type === 'create')).toBe(true);
		const kita = await getOrganizationHsds(handle.db, ids.kita, q());
		expect(kita.organization_identifiers).toEqual([expect.objectContaining({ identifier_scheme: 'OSM', identifier: 'node/258045337' })]);
		expect(kita.attributes).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ taxonomy_term_id: termId('actor_type', 'kita') }),
				expect.objectContaining({ taxonomy_term_id: termId('osm_amenity', 'kindergarten') }),
				expect.objectContaining({ taxonomy_term_id: termId('property', 'attribution'), value: '© OpenStreetMap contributors, ODbL 1.0' })
			])
		);
	});

	it('never shows entries that are not public (offer or actor), in any list, form or by id', async () => {
		const hidden = [ids.network, ids.underInternal, ids.internalOrg];
		const everything = JSON.stringify([
			await listServices(handle.db, q('full=true&per_page=1000')),
			await listOrganizations(handle.db, q('full=true&full_service=true&per_page=1000')),
			await listServiceAtLocations(handle.db, q('full=true&per_page=1000')),
			await getOrganizationHsds(handle.db, ids.caritas, q('full_service=true'))
		]);
		for (const id of hidden) expect(everything).not.toContain(id);
		for (const text of ['Geheimes Netzwerkangebot', 'Informelle Gruppe', 'informellen Gruppe', 'visibility', 'internal']) expect(everything).not.toContain(text);
		await rejects(getServiceHsds(handle.db, ids.network, q()), 404);
		await rejects(getServiceHsds(handle.db, ids.underInternal, q()), 404);
		await rejects(getOrganizationHsds(handle.db, ids.internalOrg, q()), 404);
	});
});

describe(`HSDS API: filters and paging (${DB_KIND})`, () => {
	const serviceIds = async (params: string) => (await listServices(handle.db, q(params))).contents.map((c) => c.id);

	it('filters by taxonomy term, taxonomy, organization, modification date, search and municipality', async () => {
		expect(await serviceIds(`taxonomy_term_id=${termId('theme_field', 'language_course')}`)).toEqual([ids.course]);
		expect(await serviceIds(`taxonomy_term_id=${termId('property', 'low_threshold')}`)).toEqual(expect.arrayContaining([ids.course, ids.dus]));
		expect(await serviceIds(`taxonomy_term_id=${termId('property', 'appointment_only')}`)).toEqual([ids.course]);
		expect(await serviceIds(`taxonomy_term_id=${termId('accessibility', 'hearing_loop')}`)).toEqual([ids.course]);
		expect(await serviceIds(`taxonomy_term_id=${termId('translation_status', 'machine')}`)).toEqual([ids.course]);
		expect(await serviceIds(`taxonomy_term_id=${termId('integration_dimension', 'culturation')}`)).toEqual(expect.arrayContaining([ids.course, ids.dus]));
		expect(await serviceIds(`taxonomy_term_id=${derivedId('not', 'a', 'term')}`)).toEqual([]);
		expect(await serviceIds(`taxonomy_id=${taxonomyId('cost')}`)).toHaveLength(2);
		expect(await serviceIds(`organization_id=${ids.caritas}`)).toEqual([ids.course]);
		expect(await serviceIds('modified_after=2999-01-01T00:00:00Z')).toEqual([]);
		expect(await serviceIds('modified_after=2000-01-01')).toHaveLength(2);
		expect(await serviceIds('modified_after=2000-01-01T00:00')).toHaveLength(2);
		expect(await serviceIds('modified_after=2000-01-01T00:00:00%2B01:00')).toHaveLength(2);
		expect(await serviceIds('search=Deutschkurs')).toEqual([ids.course]);
		expect(await serviceIds('search=course&lang=en')).toEqual([ids.course]);
		expect(await serviceIds('municipality=duesseldorf')).toEqual([ids.dus]);
		expect((await listOrganizations(handle.db, q('search=Sonnenschein'))).contents.map((o) => o.id)).toEqual([ids.kita]);
		const sal = async (params: string) => (await listServiceAtLocations(handle.db, q(params))).total_items;
		expect(await sal('postcode=51103')).toBe(2);
		expect(await sal('postcode=50667')).toBe(0);
		expect(await sal('postcode=51103&proximity=100000')).toBe(2);
		expect(await sal('postcode=51103&proximity=50')).toBe(0);
	});

	it('pages with the HSDS envelope', async () => {
		const p1 = await listServices(handle.db, q('per_page=1'));
		const p2 = await listServices(handle.db, q('per_page=1&page=2'));
		const p3 = await listServices(handle.db, q('per_page=1&page=3'));
		expect(p1).toMatchObject({ total_items: 2, total_pages: 2, page_number: 1, size: 1, first_page: true, last_page: false, empty: false });
		expect(p2).toMatchObject({ page_number: 2, size: 1, first_page: false, last_page: true, empty: false });
		expect(p3).toMatchObject({ page_number: 3, size: 0, last_page: true, empty: true, contents: [] });
		expect(p1.contents[0].id).not.toBe(p2.contents[0].id);
	});

	it('answers bad paging and filter values with 400 naming the parameter, unknown ids with 404', async () => {
		for (const [params, parameter] of [
			['page=0', 'page'],
			['page=two', 'page'],
			['per_page=5000', 'per_page'],
			['per_page=-1', 'per_page'],
			['full=maybe', 'full'],
			['minimal=yes', 'minimal'],
			['full_service=2', 'full_service'],
			['top_only=x', 'top_only'],
			['organization_id=caritas', 'organization_id'],
			['taxonomy_term_id=123', 'taxonomy_term_id'],
			['taxonomy_id=abc', 'taxonomy_id'],
			['parent_id=abc', 'parent_id'],
			['modified_after=yesterday', 'modified_after'],
			['modified_after=2025-02-30', 'modified_after'],
			['modified_after=2025-01-31T25:00:00Z', 'modified_after'],
			['page=1.5', 'page'],
			['lang=!!', 'lang'],
			['format=xml', 'format'],
			['proximity=500', 'proximity'],
			['postcode=51103&proximity=far', 'proximity']
		]) {
			await rejects(() => q(params), 400, parameter);
		}
		await rejects(listServices(handle.db, q('municipality=atlantis')), 400, 'municipality');
		await rejects(getServiceHsds(handle.db, derivedId('missing'), q()), 404);
		await rejects(getServiceHsds(handle.db, 'not-a-uuid', q()), 404);
		await rejects(getOrganizationHsds(handle.db, derivedId('missing'), q()), 404);
		await rejects(getServiceAtLocationHsds(handle.db, derivedId('missing'), q()), 404);
		await rejects(() => getTaxonomyHsds(derivedId('missing'), q()), 404);
		await rejects(() => getTaxonomyTermHsds('x', q()), 404);
	});
});
