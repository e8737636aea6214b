/**
 * The public Wegweiser pages' server side against a real database: shareable search URLs with
 * slugs, field-level issues for unusable parameters, distance from a Stadtteil's centroid, the
 * results map, OSM attribution, offer texts with their translation notes, "open now" in
 * Europe/Berlin time, JSON-LD, the saved-list cookie value and the demo offers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { getOrganization, getService, saveOrganization, saveService } from '../../src/lib/server/directory/service';
import { originalText, withVersion } from '../../src/lib/server/directory/texts';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { actorJsonLd, actorView, jsonLdText, offerJsonLd, offerView } from '../../src/lib/server/directory/pages/public-entries';
import { drawCompactAreas, projectPoint, resultsBaseMap, simplify } from '../../src/lib/server/directory/pages/results-map';
import { MAX_SAVED, parseSaved, withSaved, withoutSaved } from '../../src/lib/server/directory/pages/saved';
import { osmObjectUrl, publicSearch } from '../../src/lib/server/directory/pages/search';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { importKoelnAreas } from '../helpers/files';

let h: DatabaseHandle;
let koeln: string;
let courseId: string;
let osmActorId: string;

beforeAll(async () => {
	h = await freshDatabase();
	koeln = (await createMunicipality(h.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' })).id;
	await importKoelnAreas(h.db);
	const caritas = await saveOrganization(h.db, systemPrincipal('test'), koeln, org());
	let name = originalText('de', 'Deutschkurs für Anfänger');
	name = withVersion(name, 'ar', 'دورة لغة ألمانية للمبتدئين', 'human');
	name = withVersion(name, 'fa', 'کلاس زبان آلمانی', 'machine');
	name = withVersion(name, 'de-x-ls', 'Deutsch lernen', 'human');
	courseId = (await saveService(h.db, systemPrincipal('test'), koeln, offer(caritas.id, { name, languages: ['de', 'ar', 'fa'] }))).id;
	osmActorId = (
		await saveOrganization(
			h.db, systemPrincipal('test'),
			koeln,
			org({
				name: 'Kita Sonnenschein',
				actorType: 'kita',
				amenity: 'kindergarten',
				description: {},
				locations: [{ name: '', street: 'Ehrenfeldgürtel 1', postalCode: '50823', city: 'Köln', latitude: 50.9497, longitude: 6.9182, accessibility: [], accessibilityNote: {}, directions: {} }]
			}),
			{ source: 'osm', sourceId: 'node/258045337', attribution: '© OpenStreetMap contributors, ODbL 1.0' }
		)
	).id;
});
afterAll(() => h?.close());

const search = (query: string, lang = 'de', now?: Date) => publicSearch(h.db, koeln, new URLSearchParams(query), lang, ['public'], now);

describe(`public search (${DB_KIND})`, () => {
	it('reads districts, Stadtteile and the distance point by slug and reports nothing', async () => {
		const r = await search('district=kalk&space=kalk&near=kalk&sort=distance&kind=service');
		expect(r.issues).toEqual([]);
		expect(r.hits.map((x) => x.id)).toEqual([courseId]);
		expect(r.near).toEqual({ label: 'Kalk', kind: 'space' });
		// The course lies about 0.5 km from the centroid of Kalk's boundary.
		expect(r.hits[0].distanceKm).toBeGreaterThan(0);
		expect(r.hits[0].distanceKm).toBeLessThan(1.5);
		expect(r.values).toMatchObject({ district: 'kalk', space: 'kalk', near: 'kalk' });
		// Filtered to a district, the map shows its Stadtteile, the chosen one marked.
		expect(r.map?.param).toBe('space');
		expect(r.map?.areas.map((a) => a.slug)).toContain('humboldt-gremberg');
		expect(r.map?.current).toBe(r.spaces.find((s) => s.slug === 'kalk')!.id);
		expect(r.map?.dots).toEqual([{ n: 1, x: expect.any(Number), y: expect.any(Number) }]);
	});

	it('accepts ids as the API gives them, and a point as lat,lon', async () => {
		const ehrenfeld = (await search('')).districts.find((d) => d.slug === 'ehrenfeld')!;
		const r = await search(`district=${ehrenfeld.id}&near=50.95,6.92&sort=distance`);
		expect(r.issues).toEqual([]);
		expect(r.hits.map((x) => x.id)).toEqual([osmActorId]);
		expect(r.near).toEqual({ label: '50.95, 6.92', kind: 'point' });
		expect(r.hits[0].distanceKm).toBeLessThan(0.2);
	});

	it('names each unusable parameter and still searches with the rest', async () => {
		const r = await search('q=deutschkurs&field=astronomy&district=atlantis&lang=!!&page=0&near=nowhere&cost=cheap');
		expect(r.issues).toEqual(
			expect.arrayContaining([
				{ field: 'field', code: 'unknown_option', params: { value: 'astronomy' } },
				{ field: 'district', code: 'unknown_option', params: { value: 'atlantis' } },
				{ field: 'lang', code: 'invalid_language', params: { value: '!!' } },
				{ field: 'page', code: 'invalid_number', params: { value: '0' } },
				{ field: 'near', code: 'unknown_place', params: { value: 'nowhere' } },
				{ field: 'cost', code: 'unknown_option', params: { value: 'cheap' } }
			])
		);
		expect(r.issues).toHaveLength(6);
		expect(r.page).toBe(1);
		expect(r.hits.map((x) => x.id)).toEqual([courseId]);
	});

	it('asks for a place when sorting by distance without one, and sorts by relevance meanwhile', async () => {
		const r = await search('sort=distance');
		expect(r.issues).toEqual([{ field: 'near', code: 'distance_needs_place' }]);
		expect(r.total).toBe(3);
		expect(r.hits.every((x) => x.distanceKm === null)).toBe(true);
	});

	it('shows titles in the reader language, the word expansions, and the OSM attribution of OSM actors', async () => {
		const r = await search('q=deutchkurs', 'ar');
		expect(r.hits[0].shownTitle).toEqual({ text: 'دورة لغة ألمانية للمبتدئين', lang: 'ar' });
		expect(r.expansions).toEqual([{ word: 'deutchkurs', similar: expect.arrayContaining(['deutschkurs']) }]);
		const kita = (await search('q=kita&kind=organization')).hits;
		expect(kita).toHaveLength(1);
		expect(kita[0]).toMatchObject({ actorType: 'kita', amenity: 'kindergarten', osmUrl: 'https://www.openstreetmap.org/node/258045337' });
		expect(kita[0].attribution).toContain('OpenStreetMap');
		expect((await search('q=caritas&kind=organization')).hits[0]).toMatchObject({ attribution: null, osmUrl: null });
	});

	it('says which topics a query was read as, and when no entry matches every word', async () => {
		const r = await search('q=Deutschkurs');
		expect(r.topics).toContain('language_course');
		expect(r.relaxed).toBe(false);
		expect((await search('q=Deutschkurs&topic=language_course')).topics).toEqual([]);
		const relaxed = await search('q=Deutschkurs+Mondlandung');
		expect(relaxed.relaxed).toBe(true);
		expect(relaxed.total).toBeGreaterThan(0);
	});

	it('offers only languages spoken at visible entries as a filter', async () => {
		expect((await search('')).languages).toEqual(['ar', 'de', 'fa']);
	});

	it('counts positions over pages for the map numbers', async () => {
		const r = await search('page=2');
		expect(r.hits).toEqual([]);
		expect(r.total).toBe(3);
		expect(r.pages).toBe(1);
	});
});

describe('results map', () => {
	it('draws Köln’s districts as small integer paths and places points inside the frame', async () => {
		const map = (await resultsBaseMap(h.db, { municipalityId: koeln }))!;
		expect(map.areas).toHaveLength(9);
		const bytes = map.areas.reduce((n, a) => n + a.d.length, 0);
		expect(bytes).toBeLessThan(6000);
		for (const a of map.areas) expect(a.d).toMatch(/^(M\d+ \d+l[-\d ]+z)+$/);
		const dom = projectPoint(map, 50.9413, 6.9583)!;
		expect(dom[0]).toBeGreaterThan(0);
		expect(dom[0]).toBeLessThan(map.width);
		expect(projectPoint(map, 52.52, 13.405)).toBeNull();
		expect(await resultsBaseMap(h.db, { municipalityId: koeln })).toBe(map);
	});

	it('simplifies a straight line to its end points and leaves no area without a boundary', () => {
		expect(simplify([[0, 0], [1, 0.2], [2, 0], [3, 0.1], [4, 0]], 0.5)).toEqual([[0, 0], [4, 0]]);
		expect(drawCompactAreas([{ id: 'x', slug: 'x', label: 'X', boundary: null }])).toBeNull();
	});
});

describe('offer and actor pages', () => {
	it('picks texts per language and says when they fall back or are machine-made', async () => {
		const d = (await getService(h.db, courseId, ['public']))!;
		const en = offerView(d, 'en');
		expect(en.name).toMatchObject({ text: 'Deutschkurs für Anfänger', lang: 'de', fallback: true, dir: 'ltr' });
		expect(en.notes.fallbackLanguages).toEqual(['de']);
		expect(offerView(d, 'ar').name).toMatchObject({ lang: 'ar', dir: 'rtl', fallback: false, status: 'human' });
		const fa = offerView(d, 'fa');
		expect(fa.name.status).toBe('machine');
		expect(fa.notes.machine).toBe(true);
		expect(en.hasEasyGerman).toBe(true);
		expect(offerView(d, 'de-x-ls').name.text).toBe('Deutsch lernen');
		expect(en.requiredDocuments?.lines).toEqual(['Ausweis']);
		expect(en.places[0].socialSpace).toEqual({ name: 'Kalk', slug: 'kalk' });
	});

	it('is open on Tuesdays 9–12 Berlin time, in winter and in summer time', async () => {
		const d = (await getService(h.db, courseId, ['public']))!;
		expect(offerView(d, 'de', new Date('2025-01-07T08:30:00Z')).openNow).toBe(true); // 09:30 CET
		expect(offerView(d, 'de', new Date('2025-01-07T11:00:00Z')).openNow).toBe(false); // 12:00 CET
		expect(offerView(d, 'de', new Date('2025-07-08T07:30:00Z')).openNow).toBe(true); // 09:30 CEST
		expect(offerView(d, 'de', new Date('2025-07-08T06:30:00Z')).openNow).toBe(false); // 08:30 CEST
		expect(offerView(d, 'de', new Date('2025-07-09T08:00:00Z')).openNow).toBe(false); // Wednesday
	});

	it('describes the offer and the actor in schema.org JSON-LD that cannot end its script element', async () => {
		const d = (await getService(h.db, courseId, ['public']))!;
		const ld = offerJsonLd(offerView(d, 'de'), { offer: 'https://x.test/de/m/koeln/o/1', actor: 'https://x.test/de/m/koeln/a/2' }, 'Köln');
		expect(ld).toMatchObject({
			'@type': 'Service',
			name: 'Deutschkurs für Anfänger',
			provider: { '@type': 'Organization', name: 'Caritas Köln', url: 'https://x.test/de/m/koeln/a/2' },
			areaServed: [{ '@type': 'Place', name: 'Kalk', containedInPlace: { '@type': 'City', name: 'Köln' } }],
			hoursAvailable: [{ dayOfWeek: 'https://schema.org/Tuesday', opens: '09:00', closes: '12:00' }],
			offers: { price: 0, priceCurrency: 'EUR' }
		});
		const text = jsonLdText({ name: '</script><script>alert(1)</script>' });
		expect(text).not.toContain('<');
		expect(JSON.parse(text).name).toBe('</script><script>alert(1)</script>');

		const authority = await saveOrganization(h.db, systemPrincipal('test'), koeln, org({ name: 'Bezirksamt Kalk', actorType: 'public_authority' }));
		const service2 = await saveService(h.db, systemPrincipal('test'), koeln, offer(authority.id, { name: originalText('de', 'Meldestelle') }));
		const gov = offerJsonLd(offerView((await getService(h.db, service2.id, ['public']))!, 'de'), { offer: 'o', actor: 'a' }, 'Köln');
		expect(gov).toMatchObject({ '@type': 'GovernmentService', provider: { '@type': 'GovernmentOrganization' } });

		const kita = actorView((await getOrganization(h.db, osmActorId, ['public']))!, 'de');
		expect(kita.osmUrl).toBe('https://www.openstreetmap.org/node/258045337');
		expect(actorJsonLd(kita, 'https://x.test/a', 'Köln')).toMatchObject({
			'@type': 'Organization',
			name: 'Kita Sonnenschein',
			sameAs: ['https://www.openstreetmap.org/node/258045337'],
			location: [{ '@type': 'Place', address: { streetAddress: 'Ehrenfeldgürtel 1', postalCode: '50823' } }]
		});
	});

	it('links only well-formed OSM ids', () => {
		expect(osmObjectUrl('way/42')).toBe('https://www.openstreetmap.org/way/42');
		expect(osmObjectUrl('node/1/../x')).toBeNull();
		expect(osmObjectUrl(null)).toBeNull();
	});
});

describe('saved list cookie', () => {
	const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

	it('keeps well-formed ids once, newest first, at most 50', () => {
		expect(parseSaved(`${id(1)}.garbage.${id(2)}.${id(1)}.<script>`)).toEqual([id(1), id(2)]);
		expect(parseSaved(undefined)).toEqual([]);
		const full = Array.from({ length: MAX_SAVED }, (_, i) => id(i));
		const more = withSaved(full, id(99));
		expect(more).toHaveLength(MAX_SAVED);
		expect(more[0]).toBe(id(99));
		expect(more).not.toContain(id(MAX_SAVED - 1));
		expect(withSaved([id(1), id(2)], id(2))).toEqual([id(2), id(1)]);
		expect(withoutSaved([id(1), id(2)], id(1))).toEqual([id(2)]);
	});
});
