/**
 * Directory search on a realistic Köln set (issue 3 §4 and acceptance: "Searching the Köln data
 * finds what a person would expect, with typos and in other languages than German, and open now
 * is right in Europe/Berlin time").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { createMunicipality } from '../../src/lib/server/geography/service';
import { district, socialSpace } from '../../src/lib/server/geography/schema';
import { deleteEntry, saveOrganization, saveService, type LocationInput, type OrganizationInput, type ServiceInput } from '../../src/lib/server/directory/service';
import { parseSearchParams, queryWords, resolveNear, searchDirectory, type SearchQuery } from '../../src/lib/server/directory/search';
import { INDEX_VERSION, compoundEndings, foldText, refreshOutdatedSearchEntries } from '../../src/lib/server/directory/search-index';
import { loadVocabulary, VocabularyError } from '../../src/lib/server/directory/vocabulary';
import { SUBTOPIC_FIELD } from '../../src/lib/server/directory/model';
import { originalText, withVersion } from '../../src/lib/server/directory/texts';
import type { TranslatedText } from '../../src/lib/server/directory/schema';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { importKoelnAreas } from '../helpers/files';
import { offer, org } from '../helpers/directory';
import { tempDir } from '../helpers/tmp';

let handle: DatabaseHandle;
let municipalityId: string;
let otherMunicipalityId: string;
/** Entry ids by a short name used in the assertions. */
const ids: Record<string, string> = {};
const names: Record<string, string> = {};
const spaces: Record<string, string> = {};
let kalkDistrictId: string;

/** A place at a known point (all points below lie in the Stadtteil named in the comment). */
function place(name: string, street: string, latitude: number | null, longitude: number | null, accessibility: string[] = []): LocationInput {
	return { name, street, postalCode: '50000', city: 'Köln', latitude, longitude, accessibility, accessibilityNote: {}, directions: {} };
}

const KALK = place('Bürgerzentrum Kalk', 'Kalker Hauptstraße 1', 50.9385, 6.9985, ['step_free']); // Kalk
const KALK_2 = place('Stadtteilbüro', 'Kalk-Mülheimer Straße 9', 50.94, 7.001); // Kalk
const EHRENFELD = place('', 'Venloer Straße 419', 50.9467, 6.9197, ['step_free', 'lift']); // Ehrenfeld
const EHRENFELD_2 = place('Bürgerhaus', 'Venloer Straße 429', 50.9515, 6.917); // Ehrenfeld
const NIPPES = place('', 'Neusser Straße 200', 50.9595, 6.953); // Nippes
const MUELHEIM = place('', 'Wiener Platz 2', 50.962, 7.006, ['step_free']); // Mülheim
const DOM = place('', 'Domkloster 3', 50.9413, 6.9583); // Altstadt/Nord

/** Text with translations: the first pair is the original. */
function texts(...pairs: [string, string][]): TranslatedText {
	return pairs.slice(1).reduce((t, [lang, text]) => withVersion(t, lang, text), originalText(pairs[0][0], pairs[0][1]));
}

async function actor(key: string, input: Partial<OrganizationInput>) {
	ids[key] = (await saveOrganization(handle.db, systemPrincipal('test'), municipalityId, org(input))).id;
	names[ids[key]] = input.name!;
}

async function service(key: string, orgKey: string, input: Partial<ServiceInput>) {
	const base = offer(ids[orgKey], { schedules: [], languages: ['de'], ...input });
	ids[key] = (await saveService(handle.db, systemPrincipal('test'), municipalityId, base)).id;
	names[ids[key]] = Object.values(base.name)[0].text;
}

const slot = (weekday: number, opensAt: string, closesAt: string, validFrom: string | null = null, validTo: string | null = null) => ({
	weekday,
	opensAt,
	closesAt,
	validFrom,
	validTo,
	appointmentOnly: false,
	note: {},
	location: 0
});

beforeAll(async () => {
	handle = await freshDatabase();
	municipalityId = (await createMunicipality(handle.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' })).id;
	otherMunicipalityId = (await createMunicipality(handle.db, systemPrincipal('t'), { slug: 'bonn', name: 'Bonn' })).id;
	await importKoelnAreas(handle.db);
	for (const s of await handle.db.select().from(socialSpace).where(eq(socialSpace.municipalityId, municipalityId))) spaces[s.name] = s.id;
	[{ id: kalkDistrictId }] = await handle.db.select({ id: district.id }).from(district).where(eq(district.name, 'Kalk'));

	await actor('caritas', { name: 'Caritas Köln', locations: [KALK] });
	await actor('sprachschule', { name: 'Sprachschule Kalk', actorType: 'association', locations: [KALK_2] });
	await actor('awo', {
		name: 'AWO KiTa Schatzinsel',
		actorType: 'kita',
		amenity: 'kindergarten',
		description: originalText('de', 'Kindertagesstätte für Kinder von einem bis sechs Jahren'),
		locations: [NIPPES]
	});
	await actor('ditib', {
		name: 'DITIB Zentralmoschee Köln',
		actorType: 'parish',
		amenity: 'place_of_worship',
		description: originalText('de', 'Gemeinde mit Gebetsräumen und Bildungsangeboten'),
		locations: [EHRENFELD]
	});
	await actor('grundschule', { name: 'Katholische Grundschule Kalk', actorType: 'school', amenity: 'school', description: {}, locations: [KALK] });
	await actor('jugend', { name: 'Jugendzentrum Ehrenfeld', actorType: 'youth_centre', description: {}, locations: [EHRENFELD_2] });
	await actor('diakonie', { name: 'Diakonie Michaelshoven', actorType: 'counselling_centre', description: {}, locations: [DOM] });
	await actor('jobcenter', { name: 'Jobcenter Köln', actorType: 'jobcenter', description: {}, locations: [MUELHEIM] });
	await actor('welcome', { name: 'Welcome Point Kalk', actorType: 'welcome_point', description: originalText('de', 'Erste Anlaufstelle für Neuzugewanderte'), locations: [KALK] });
	await actor('familie', { name: 'Familienzentrum Mülheim', actorType: 'association', description: {}, locations: [MUELHEIM] });
	await actor('initiative', { name: 'Nachbarschaftsinitiative Vingst', actorType: 'volunteer_initiative', description: {}, visibility: 'network' });

	await service('deutschkurs', 'caritas', { languages: ['de', 'ar'], schedules: [slot(2, '09:00', '12:00')] });
	await service('sprachkursA2', 'sprachschule', {
		name: originalText('de', 'Sprachkurs Deutsch A2'),
		description: originalText('de', 'Abendkurs für Berufstätige, zweimal pro Woche'),
		costKind: 'paid',
		costAmountCents: 12000,
		lowThreshold: false,
		languages: ['de'],
		locations: [KALK_2],
		schedules: [slot(1, '18:00', '20:00'), slot(3, '18:00', '20:00')]
	});
	await service('integrationskurs', 'sprachschule', {
		name: originalText('de', 'Integrationskurs mit Kinderbetreuung'),
		description: originalText('de', 'Allgemeiner Integrationskurs mit Orientierungskurs'),
		subtopics: ['integration_course', 'childcare'],
		costKind: 'reduced',
		languages: ['de', 'tr'],
		locations: [KALK_2]
	});
	await service('frauenkurs', 'caritas', {
		name: texts(['de', 'Deutschkurs für Frauen'], ['ar', 'دورة اللغة الألمانية للنساء'], ['en', 'German course for women']),
		description: texts(['de', 'Mit Kinderbetreuung im Nebenraum'], ['ar', 'مع رعاية الأطفال في الغرفة المجاورة']),
		languages: ['de', 'ar-SY'],
		schedules: [slot(4, '10:00', '12:00')]
	});
	await service('hausaufgaben', 'jugend', {
		name: originalText('de', 'Hausaufgabenhilfe für Grundschulkinder'),
		description: originalText('de', 'Ehrenamtliche helfen bei den Hausaufgaben'),
		subtopics: ['homework_help'],
		targetGroups: ['residents'],
		minimumAge: 6,
		maximumAge: 10,
		languages: ['de', 'en'],
		locations: [EHRENFELD_2],
		schedules: [slot(1, '14:00', '16:00'), slot(3, '14:00', '16:00')]
	});
	await service('sozialberatung', 'caritas', {
		name: originalText('de', 'Sozialberatung'),
		description: originalText('de', 'Hilfe bei Anträgen, Bürgergeld und Schulden'),
		subtopics: ['social_counselling'],
		languages: ['de', 'ru', 'uk'],
		schedules: [slot(1, '09:00', '13:00'), slot(5, '09:00', '13:00')]
	});
	await service('migrationsberatung', 'diakonie', {
		name: originalText('de', 'Migrationsberatung für Erwachsene'),
		description: originalText('de', 'Beratung zu Aufenthalt, Sprache und Arbeit'),
		subtopics: ['social_counselling'],
		targetGroups: ['migration_history', 'refugee_experience'],
		languages: ['de', 'en', 'fa'],
		locations: [DOM],
		schedules: [slot(2, '13:00', '17:00')]
	});
	await service('mietberatung', 'familie', {
		name: originalText('de', 'Mietberatung'),
		description: originalText('de', 'Fragen zu Mietvertrag, Nebenkosten und Kündigung'),
		subtopics: ['tenancy_advice'],
		costKind: 'reduced',
		languages: ['de'],
		locations: [MUELHEIM]
	});
	await service('berufsberatung', 'jobcenter', {
		name: originalText('de', 'Berufsberatung für Geflüchtete'),
		description: originalText('de', 'Wege in Ausbildung und Arbeit'),
		subtopics: ['job_counselling'],
		targetGroups: ['refugee_experience'],
		lowThreshold: false,
		locations: [MUELHEIM],
		schedules: [{ ...slot(3, '08:00', '12:00'), appointmentOnly: true }]
	});
	await service('anerkennung', 'jobcenter', {
		name: originalText('de', 'Anerkennung ausländischer Berufsabschlüsse'),
		description: originalText('de', 'Wir prüfen, welche Stelle Ihren Abschluss anerkennt'),
		subtopics: ['recognition'],
		locations: [MUELHEIM]
	});
	await service('wohnungssuche', 'familie', {
		name: originalText('de', 'Unterstützung bei der Wohnungssuche'),
		description: originalText('de', 'Wohnungsbesichtigungen vorbereiten, Bewerbungsmappe erstellen'),
		subtopics: ['housing_search'],
		locations: [MUELHEIM]
	});
	await service('frauencafe', 'welcome', {
		name: originalText('de', 'Frauencafé'),
		description: originalText('de', 'Begegnung, Austausch und Kaffee für Frauen aus aller Welt'),
		subtopics: ['meeting_place'],
		targetGroups: ['newcomers'],
		schedules: [slot(5, '15:00', '17:00')]
	});
	await service('fussball', 'jugend', {
		name: originalText('de', 'Fußball für Jugendliche'),
		description: originalText('de', 'Offenes Training auf dem Bolzplatz'),
		subtopics: ['sports'],
		minimumAge: 12,
		maximumAge: 18,
		locations: [EHRENFELD_2],
		schedules: [slot(6, '11:00', '13:00')]
	});
	await service('languagecafe', 'welcome', {
		name: texts(['en', 'English language café'], ['de', 'Sprachcafé Englisch']),
		description: originalText('en', 'Practise speaking English with volunteers over coffee'),
		subtopics: ['meeting_place'],
		languages: ['en'],
		schedules: [slot(3, '17:00', '19:00')]
	});
	await service('tuerkisch', 'ditib', {
		name: texts(['de', 'Beratung auf Türkisch'], ['tr', 'Türkçe danışmanlık']),
		description: texts(['tr', 'Aileler için ücretsiz danışmanlık ve dil kursu bilgisi']),
		subtopics: ['social_counselling'],
		languages: ['tr', 'de'],
		locations: [EHRENFELD],
		schedules: [slot(7, '10:00', '12:00')]
	});
	await service('ukraine', 'caritas', {
		name: texts(['de', 'Beratung für Geflüchtete aus der Ukraine'], ['uk', 'Консультація для біженців з України'], ['ru', 'Консультация для беженцев из Украины']),
		description: originalText('de', 'Aufenthalt, Wohnung und Schule für Kinder'),
		subtopics: ['social_counselling'],
		targetGroups: ['refugee_experience'],
		languages: ['uk', 'ru', 'de']
	});
	await service('krabbelgruppe', 'awo', {
		name: originalText('de', 'Eltern-Kind-Gruppe'),
		description: originalText('de', 'Spielen und Austausch für Eltern mit Kleinkindern'),
		subtopics: ['childcare'],
		locations: [NIPPES],
		schedules: [slot(2, '15:00', '16:30')]
	});
	await service('gebet', 'ditib', {
		name: originalText('de', 'Freitagsgebet und Predigt auf Deutsch'),
		description: {},
		subtopics: ['religious_life'],
		locations: [EHRENFELD],
		schedules: [slot(5, '12:30', '14:00')]
	});
	await service('naehcafe', 'familie', {
		name: originalText('de', 'Nähcafé'),
		description: originalText('de', 'Gemeinsam nähen und reparieren'),
		status: 'temporarily closed',
		subtopics: ['meeting_place'],
		locations: [MUELHEIM],
		schedules: [slot(2, '09:00', '12:00')]
	});
	await service('ferien', 'jugend', {
		name: originalText('de', 'Ferienprogramm im Sommer'),
		description: originalText('de', 'Ausflüge und Workshops'),
		subtopics: ['culture'],
		locations: [EHRENFELD_2],
		schedules: [slot(2, '09:00', '15:00', '2026-07-06', '2026-08-14')]
	});
	await service('ohneort', 'initiative', {
		name: originalText('de', 'Nachbarschaftsfrühstück'),
		description: originalText('de', 'Frühstück für alle Nachbarinnen und Nachbarn'),
		subtopics: ['meeting_place'],
		visibility: 'network',
		locations: [],
		schedules: []
	});
	await service('eingestellt', 'caritas', { name: originalText('de', 'Deutschkurs für Senioren'), status: 'defunct' });
	const bonnOrg = await saveOrganization(handle.db, systemPrincipal('test'), otherMunicipalityId, org({ name: 'Caritas Bonn' }));
	await saveService(handle.db, systemPrincipal('test'), otherMunicipalityId, offer(bonnOrg.id, { locations: [], schedules: [] }));
});
afterAll(() => handle.close());

const BASE: SearchQuery = { municipalityId: '', text: '', lang: 'de', levels: ['public'], sort: 'relevance', page: 1, perPage: 50 };
const search = (extra: Partial<SearchQuery>) => searchDirectory(handle.db, { ...BASE, municipalityId, ...extra });
const titles = async (extra: Partial<SearchQuery>) => (await search(extra)).hits.map((h) => names[h.id] ?? h.id);
const hitIds = async (extra: Partial<SearchQuery>) => (await search(extra)).hits.map((h) => h.id);

describe(`search quality on a Köln set (${DB_KIND})`, () => {
	it.each([
		['Deutchkurs', 'de', 'Deutschkurs für Anfänger'],
		['Hausaufgabehilfe', 'de', 'Hausaufgabenhilfe für Grundschulkinder'],
		['Kindergarden', 'de', 'AWO KiTa Schatzinsel'],
		['Kita', 'de', 'AWO KiTa Schatzinsel'],
		['AWO KiTa Schatzinsel', 'de', 'AWO KiTa Schatzinsel'],
		['Sozialberatung', 'de', 'Sozialberatung'],
		['Moschee', 'de', 'DITIB Zentralmoschee Köln'],
		['mosque', 'en', 'DITIB Zentralmoschee Köln'],
		['Frauencafe', 'de', 'Frauencafé'],
		['Mulheim Familienzentrum', 'de', 'Familienzentrum Mülheim'],
		['Türkçe danışmanlık', 'tr', 'Beratung auf Türkisch'],
		['turkce danismanlik', 'de', 'Beratung auf Türkisch'],
		['консультация', 'ru', 'Beratung für Geflüchtete aus der Ukraine'],
		['Консультація біженців', 'uk', 'Beratung für Geflüchtete aus der Ukraine'],
		['دورة لغة', 'ar', 'Deutschkurs für Frauen'],
		['English café', 'en', 'English language café'],
		['Anerkennung Abschluss', 'de', 'Anerkennung ausländischer Berufsabschlüsse'],
		['Jobcenter', 'de', 'Jobcenter Köln']
	])('"%s" (%s) puts %s first', async (text, lang, first) => {
		expect((await titles({ text, lang }))[0]).toBe(first);
	});

	it('finds compounds by their parts, inflected parts too, titles first', async () => {
		const kurs = await titles({ text: 'kurs' });
		expect(kurs.slice(0, 4).sort()).toEqual(['Deutschkurs für Anfänger', 'Deutschkurs für Frauen', 'Integrationskurs mit Kinderbetreuung', 'Sprachkurs Deutsch A2']);
		const beratung = await titles({ text: 'beratung' });
		for (const t of ['Sozialberatung', 'Migrationsberatung für Erwachsene', 'Mietberatung', 'Berufsberatung für Geflüchtete', 'Beratung auf Türkisch']) {
			expect(beratung.indexOf(t), t).toBeGreaterThanOrEqual(0);
			expect(beratung.indexOf(t), t).toBeLessThan(7);
		}
		expect(await titles({ text: 'Beratungen' })).toContain('Mietberatung');
		expect(await titles({ text: 'Schule' })).toContain('Katholische Grundschule Kalk');
	});

	it('matches other languages through the vocabulary labels and the reader language', async () => {
		const course = await search({ text: 'language course', lang: 'en' });
		expect(course.hits.length).toBeGreaterThanOrEqual(3);
		expect(course.hits.slice(0, 3).every((h) => h.subtopics.includes('language_course') || h.title.en?.includes('language'))).toBe(true);
		expect(await titles({ text: 'homework help', lang: 'en' })).toEqual(['Hausaufgabenhilfe für Grundschulkinder']);
		expect((await titles({ text: 'Women', lang: 'en' }))[0]).toBe('Deutschkurs für Frauen');
		// Vocabulary labels in the UI languages (messages/directory/*.json).
		const languageCourses = [ids.deutschkurs, ids.frauenkurs, ids.sprachkursA2].sort();
		for (const [text, lang] of [['Dil kursu', 'tr'], ['Языковой курс', 'ru'], ['Мовний курс', 'uk'], ['کورس زبان', 'fa'], ['دورة لغة', 'ar']]) {
			const found = await hitIds({ text, lang });
			expect(found.filter((id) => languageCourses.includes(id)).sort(), text).toEqual(languageCourses);
		}
		expect((await titles({ text: 'مسجد', lang: 'ar' }))[0]).toBe('DITIB Zentralmoschee Köln');
		expect((await titles({ text: 'cami', lang: 'tr' }))[0]).toBe('DITIB Zentralmoschee Köln');
		expect((await titles({ text: 'Дитячий садок', lang: 'uk' }))[0]).toBe('AWO KiTa Schatzinsel');
		expect(await titles({ text: 'Допомога з домашніми завданнями', lang: 'uk' })).toContain('Hausaufgabenhilfe für Grundschulkinder');
	});

	it('finds entries by Stadtteil and puts names with the Stadtteil first', async () => {
		const kalk = await search({ text: 'Kalk' });
		expect(kalk.hits.slice(0, 2).map((h) => names[h.id]).sort()).toEqual(['Sprachschule Kalk', 'Welcome Point Kalk']);
		// Actors without offers come after every offer, the one named after Kalk first among them.
		const withoutOffers = kalk.hits.findIndex((h) => h.kind === 'organization' && h.score < 1000);
		expect(names[kalk.hits[withoutOffers].id]).toBe('Katholische Grundschule Kalk');
		expect(kalk.hits.slice(withoutOffers).every((h) => h.kind === 'organization')).toBe(true);
		expect(kalk.hits.map((h) => h.id)).toContain(ids.deutschkurs);
		expect(kalk.hits.map((h) => h.id)).not.toContain(ids.hausaufgaben);
		const ehrenfeld = await hitIds({ text: 'Ehrenfeld' });
		expect(ehrenfeld).toEqual(expect.arrayContaining([ids.jugend, ids.hausaufgaben, ids.ditib, ids.gebet, ids.tuerkisch]));
		expect(ehrenfeld).not.toContain(ids.deutschkurs);
	});

	it('ignores stop words, relaxes to any word when nothing matches all, and reports corrections', async () => {
		expect((await titles({ text: 'Kurs für Frauen' }))[0]).toBe('Deutschkurs für Frauen');
		const relaxed = await search({ text: 'Sozialberatung Dienstagabend' });
		expect(relaxed.relaxed).toBe(true);
		// A page beyond the last says the same as the first: how many, and that not every word matched.
		expect(await search({ text: 'Sozialberatung Dienstagabend', page: 50 })).toMatchObject({ hits: [], total: relaxed.total, relaxed: true });
		expect(names[relaxed.hits[0].id]).toBe('Sozialberatung');
		const typo = await search({ text: 'Deutchkurs' });
		expect(typo.relaxed).toBe(false);
		expect(typo.expansions.deutchkurs).toContain('deutschkurs');
		const known = await search({ text: 'Deutschkurs' });
		expect(known.expansions).toEqual({ deutschkurs: [] });
		expect(await search({ text: 'xyzzy' })).toMatchObject({ hits: [], total: 0, relaxed: false });
	});

	it('never lists defunct offers, other municipalities or entries above the reader’s level', async () => {
		const all = await hitIds({ text: 'Deutschkurs' });
		expect(all).not.toContain(ids.eingestellt);
		expect((await search({ text: 'Caritas' })).hits.map((h) => h.organizationName)).not.toContain('Caritas Bonn');
		expect(await hitIds({ text: 'Frühstück' })).not.toContain(ids.ohneort);
		expect((await hitIds({ text: 'Frühstück', levels: ['public', 'network'] }))[0]).toBe(ids.ohneort);
		const internal = await hitIds({ text: 'Nachbarschaftsinitiative', levels: ['public', 'network', 'internal'] });
		expect(internal[0]).toBe(ids.initiative);
		expect(internal.slice(0, 3)).toContain(ids.ohneort);
		expect(await hitIds({ text: 'Nachbarschaftsinitiative' })).not.toContain(ids.initiative);
	});

	it('gives a stable total order and pages without gaps or repeats', async () => {
		const all = await search({ text: 'beratung', perPage: 100 });
		expect(new Set(all.hits.map((h) => h.id)).size).toBe(all.hits.length);
		const paged: string[] = [];
		for (let page = 1; page <= Math.ceil(all.total / 3); page++) {
			const r = await search({ text: 'beratung', perPage: 3, page });
			expect(r.total).toBe(all.total);
			paged.push(...r.hits.map((h) => h.id));
		}
		expect(paged).toEqual(all.hits.map((h) => h.id));
		const scores = all.hits.map((h) => h.score);
		expect([...scores].sort((a, b) => b - a)).toEqual(scores);
		expect(await search({ text: 'beratung', perPage: 3, page: 99 })).toMatchObject({ hits: [], total: all.total });
		// Only the entries up to the asked page are scored in full: pages of several words, and by
		// distance (entries without a place last), still join up to the whole list.
		for (const extra of [{ text: 'Beratung Deutsch Kurs' }, { text: 'Beratung Kurs', sort: 'distance' as const, near: { latitude: 50.94, longitude: 6.96 } }]) {
			const whole = await search({ ...extra, perPage: 100 });
			expect(whole.total).toBeGreaterThan(6);
			const pages: string[] = [];
			for (let page = 1; page <= Math.ceil(whole.total / 4); page++) pages.push(...(await search({ ...extra, perPage: 4, page })).hits.map((h) => h.id));
			expect(pages).toEqual(whole.hits.map((h) => h.id));
		}
		// Three words, and many offers match all of them: the first pages are ranked from those
		// alone (issue 17), the later ones from every entry; both must join up to the whole list.
		const leverkusen = (await createMunicipality(handle.db, systemPrincipal('t'), { slug: 'leverkusen', name: 'Leverkusen' })).id;
		const stube = (await saveOrganization(handle.db, systemPrincipal('test'), leverkusen, org({ name: 'Nähstube', description: {} }))).id;
		const sewing = (title: string, description: string) =>
			saveService(handle.db, systemPrincipal('test'), leverkusen, offer(stube, { name: originalText('de', title), description: originalText('de', description), subtopics: [], schedules: [] }));
		for (let i = 1; i <= 12; i++) await sewing(`Nähkurs Opladen Abend ${i}`, 'Nähen lernen');
		for (let i = 1; i <= 6; i++) await sewing(`Nähkurs Abend ${i}`, 'Treffpunkt in Opladen');
		for (let i = 1; i <= 8; i++) await sewing(`Nähkurs Wiesdorf Abend ${i}`, 'Nähen lernen');
		// An actor named exactly as the query, without offers: first, though below every offer's tier.
		await saveOrganization(handle.db, systemPrincipal('test'), leverkusen, org({ name: 'Nähkurs Opladen Abend', description: {} }));
		// Enough other entries that Leverkusen counts as a large municipality: only there are the
		// entries matching every word ranked first.
		await handle.db.execute(sql`insert into search_entry (kind, entity_id, municipality_id, visibility, title, organization_name, document)
			select 'service', gen_random_uuid(), ${leverkusen}, 'public', '{"de": "Anderes"}'::jsonb, 'Andere', array_to_tsvector(array[${`@${leverkusen}`}, ${`%search:${INDEX_VERSION}`}])
			from generate_series(1, 10000)`);
		const sewingQuery = { municipalityId: leverkusen, text: 'Nähkurs Opladen Abend' };
		const sewingAll = await searchDirectory(handle.db, { ...BASE, ...sewingQuery, perPage: 100 });
		expect(sewingAll.relaxed).toBe(false);
		expect(sewingAll.hits[0]).toMatchObject({ kind: 'organization' });
		expect(sewingAll.hits[0].score).toBeGreaterThan(10000);
		// The 18 offers with all three words, then the 8 with two, then their actor (it offers Nähkurse).
		expect(sewingAll.hits.slice(19).map((h) => h.title.de ?? h.organizationName)).toEqual([...Array.from({ length: 8 }, (_, i) => `Nähkurs Wiesdorf Abend ${i + 1}`), 'Nähstube']);
		const sewingPages: string[] = [];
		for (let page = 1; page <= Math.ceil(sewingAll.total / 5); page++) {
			const r = await searchDirectory(handle.db, { ...BASE, ...sewingQuery, perPage: 5, page });
			expect([r.total, r.relaxed]).toEqual([sewingAll.total, false]);
			sewingPages.push(...r.hits.map((h) => h.id));
		}
		expect(sewingPages).toEqual(sewingAll.hits.map((h) => h.id));
		expect(sewingAll.total).toBe(28);
		await handle.db.execute(sql`delete from search_entry where municipality_id = ${leverkusen} and organization_name = 'Andere'`);
		const empty = await search({ perPage: 100 });
		const again = await search({ perPage: 100 });
		expect(again.hits.map((h) => h.id)).toEqual(empty.hits.map((h) => h.id));
		expect(empty.hits.findIndex((h) => h.kind === 'organization')).toBe(empty.hits.filter((h) => h.kind === 'service').length);
	});
});

describe(`search for what newcomers type (issue 12, ${DB_KIND})`, () => {
	const languageCourses = () => [ids.deutschkurs, ids.frauenkurs, ids.sprachkursA2];
	const top = async (text: string, lang: string, n = 5) => (await hitIds({ text, lang })).slice(0, n);

	it('finds Sprachkurs for Deutschkurs and the other way round (one concept, any word)', async () => {
		expect(await top('Deutschkurs', 'de')).toEqual(expect.arrayContaining(languageCourses()));
		expect(await top('Sprachkurs', 'de')).toEqual(expect.arrayContaining(languageCourses()));
		expect((await search({ text: 'Deutschkurs' })).topics).toContain('language_course');
	});

	it.each([
		['Wonung', 'de', 'wohnungssuche'],
		['Sprachkaffe', 'de', 'languagecafe'],
		['Wohnugssuche', 'de', 'wohnungssuche'],
		['Integratonskurs', 'de', 'integrationskurs'],
		['Mitberatung', 'de', 'mietberatung']
	])('forgives the typo "%s" (%s) like the common engines', async (text, lang, key) => {
		const r = await search({ text, lang });
		expect(r.hits.slice(0, 3).map((h) => h.id)).toContain(ids[key]);
	});

	it('forgives one edit from 5 letters and two from 9, not more', async () => {
		// "Kita" (4 letters) has no typo budget: "Kiat" is not corrected.
		expect((await hitIds({ text: 'Kiat' })).length).toBe(0);
		// Two edits in a 9-letter word are forgiven, three are too many.
		expect((await hitIds({ text: 'Wonungsuhe' })).slice(0, 3)).toContain(ids.wohnungssuche);
		expect(await hitIds({ text: 'Wxnxngsxche' })).not.toContain(ids.wohnungssuche);
		expect((await hitIds({ text: 'Miitberatng' })).slice(0, 3)).toContain(ids.mietberatung);
	});

	it.each([
		['німецька мова', 'uk', ['deutschkurs', 'frauenkurs', 'sprachkursA2']],
		['курси німецької', 'uk', ['deutschkurs', 'frauenkurs', 'sprachkursA2']],
		['курсы немецкого языка', 'ru', ['deutschkurs', 'frauenkurs', 'sprachkursA2']],
		['Almanca kursu', 'tr', ['deutschkurs', 'frauenkurs', 'sprachkursA2']],
		['کلاس زبان آلمانی', 'fa', ['deutschkurs', 'frauenkurs', 'sprachkursA2']],
		['دورة لغة ألمانية', 'ar', ['deutschkurs', 'frauenkurs', 'sprachkursA2']],
		['German course', 'en', ['deutschkurs', 'frauenkurs', 'sprachkursA2']],
		['робота', 'uk', ['berufsberatung']],
		['работа', 'ru', ['berufsberatung']],
		['iş arıyorum', 'tr', ['berufsberatung']],
		['عمل', 'ar', ['berufsberatung']],
		['کار', 'fa', ['berufsberatung']],
		['квартира', 'ru', ['wohnungssuche']],
		['житло', 'uk', ['wohnungssuche']],
		['سكن', 'ar', ['wohnungssuche']],
		['ev kirası', 'tr', ['mietberatung']],
		['flat', 'en', ['wohnungssuche']],
		['дитячий садок', 'uk', ['awo']],
		['حضانة', 'ar', ['awo']],
		['مهد کودک', 'fa', ['awo']]
	])('"%s" (%s) finds the German-only entries of its topic', async (text, lang, keys) => {
		expect(await top(text, lang)).toEqual(expect.arrayContaining(keys.map((k) => ids[k])));
	});

	it.each([
		['Brief vom Amt', 'de', ['sozialberatung', 'migrationsberatung']],
		['keine Wohnung', 'de', ['wohnungssuche']],
		['ich suche Arbeit', 'de', ['berufsberatung']],
		['Vermieter will Kaution nicht zurückgeben', 'de', ['mietberatung']],
		['I need help finding a job', 'en', ['berufsberatung']],
		['أريد أن أتعلم اللغة الألمانية', 'ar', ['deutschkurs', 'frauenkurs']],
		['мне нужна помощь с письмом из ведомства', 'ru', ['sozialberatung']]
	])('reads the need-phrased "%s" (%s) as its sub-topic', async (text, lang, keys) => {
		expect(await top(text, lang)).toEqual(expect.arrayContaining(keys.map((k) => ids[k])));
	});

	it('reads "Kind Schule anmelden" as school, not as children', async () => {
		const r = await search({ text: 'Kind Schule anmelden' });
		expect(r.topics).toContain('school');
		expect(r.topics).not.toContain('childcare');
		// The only school is an actor without offers: the first of those.
		expect(r.hits.find((h) => h.kind === 'organization' && h.score < 1000)?.id).toBe(ids.grundschule);
	});

	it('ranks offers before actors without offers, and closer matches first', async () => {
		for (const text of ['Arbeit', 'Beratung', 'Kalk', 'Köln']) {
			const hits = (await search({ text })).hits;
			const firstBare = hits.findIndex((h) => h.kind === 'organization' && h.score < 1000);
			if (firstBare >= 0) expect(hits.slice(firstBare).every((h) => h.kind === 'organization' && h.score < 1000), text).toBe(true);
		}
		// "Arbeit": the labour offers first, not an actor that merely sits in the same building.
		const arbeit = await hitIds({ text: 'Arbeit' });
		expect(arbeit.slice(0, 2)).toContain(ids.berufsberatung);
		expect(arbeit.indexOf(ids.grundschule) === -1 || arbeit.indexOf(ids.grundschule) > arbeit.indexOf(ids.berufsberatung)).toBe(true);
		// A short related word of a concept is matched whole: "Wohnung" (housing, related "Haus") is not homework help.
		expect(await hitIds({ text: 'Wohnung' })).not.toContain(ids.hausaufgaben);
		// A title match beats a match through the vocabulary only.
		const kita = await titles({ text: 'Kita' });
		expect(kita[0]).toBe('AWO KiTa Schatzinsel');
	});

	it('answers a 2,000-character query, punctuation only and mixed scripts normally', async () => {
		const long = await search({ text: `Deutschkurs ${'sehr '.repeat(300)}${'x'.repeat(500)}` });
		expect(long.hits.length).toBeGreaterThan(0);
		expect(long.hits.map((h) => h.id)).toContain(ids.deutschkurs);
		const longWord = await search({ text: 'ü'.repeat(2000) });
		expect(longWord).toMatchObject({ hits: [], total: 0 });
		for (const text of ['?!…—,,;:', "' \\ ) ( | & ! : * <-> @@", '🙂🙂🙂', '%_\\%']) {
			const r = await search({ text });
			expect(r.total, text).toBe((await search({ text: '' })).total);
		}
		const mixed = await search({ text: 'Deutschkurs دورة курс Almanca', lang: 'ar' });
		expect(mixed.hits.slice(0, 5).map((h) => h.id)).toEqual(expect.arrayContaining([ids.deutschkurs, ids.frauenkurs]));
		// Two scripts run together without a space: each part is still a word of its own.
		expect(await search({ text: 'Deutschkursدورة', lang: 'ar' }).then((r) => r.hits.map((h) => h.id))).toContain(ids.deutschkurs);
		// A query word that is a tsquery operator or a quote in any script is searched as text.
		expect((await search({ text: "Frauen'café" })).hits[0].id).toBe(ids.frauencafe);
	});
});

describe(`search filters (${DB_KIND})`, () => {
	it('filters by kind, theme field, sub-topic and target group', async () => {
		const actors = await search({ kind: 'organization' });
		expect(actors.hits.every((h) => h.kind === 'organization')).toBe(true);
		expect(actors.total).toBe(10);
		// Actors carry the theme fields of their offers.
		expect((await search({ themeField: 'housing' })).hits.map((h) => names[h.id]).sort()).toEqual(['Familienzentrum Mülheim', 'Mietberatung', 'Unterstützung bei der Wohnungssuche']);
		expect((await search({ subtopic: 'homework_help' })).hits.map((h) => h.id)).toEqual([ids.hausaufgaben]);
		expect((await hitIds({ targetGroup: 'refugee_experience' })).sort()).toEqual([ids.migrationsberatung, ids.berufsberatung, ids.ukraine].sort());
	});

	it('filters by language spoken, matching regional variants by their primary language', async () => {
		expect((await hitIds({ language: 'ar' })).sort()).toEqual([ids.deutschkurs, ids.frauenkurs].sort());
		// Same primary language: an offer in Arabic serves a speaker of Syrian Arabic and vice versa.
		expect((await hitIds({ language: 'ar-SY' })).sort()).toEqual([ids.deutschkurs, ids.frauenkurs].sort());
		expect(await hitIds({ language: 'fa' })).toEqual([ids.migrationsberatung]);
		expect((await hitIds({ language: 'uk' })).sort()).toEqual([ids.sozialberatung, ids.ukraine].sort());
	});

	it('filters by social space and district', async () => {
		const ehrenfeld = await hitIds({ socialSpaceId: spaces.Ehrenfeld, kind: 'service' });
		expect(ehrenfeld.sort()).toEqual([ids.hausaufgaben, ids.fussball, ids.tuerkisch, ids.gebet, ids.ferien].sort());
		const kalkDistrict = await search({ districtId: kalkDistrictId, text: 'Deutschkurs' });
		// The two German courses by title, then the other language courses of the district (vocabulary).
		expect(kalkDistrict.hits.slice(0, 2).map((h) => h.id).sort()).toEqual([ids.deutschkurs, ids.frauenkurs].sort());
		expect(kalkDistrict.hits.map((h) => h.id)).toContain(ids.sprachkursA2);
	});

	it('filters by cost (reduced includes free), low threshold and step-free access', async () => {
		const paid = await hitIds({ cost: 'paid' });
		expect(paid).toEqual([ids.sprachkursA2]);
		const reduced = await hitIds({ cost: 'reduced' });
		expect(reduced).toContain(ids.integrationskurs);
		expect(reduced).toContain(ids.deutschkurs);
		expect(reduced).not.toContain(ids.sprachkursA2);
		expect(await hitIds({ cost: 'free' })).not.toContain(ids.integrationskurs);
		const low = await hitIds({ lowThreshold: true, kind: 'service' });
		expect(low).not.toContain(ids.berufsberatung);
		expect(low).toContain(ids.frauencafe);
		const stepFree = await hitIds({ stepFree: true, kind: 'service' });
		expect(stepFree).toContain(ids.deutschkurs);
		expect(stepFree).toContain(ids.mietberatung);
		expect(stepFree).not.toContain(ids.hausaufgaben);
	});

	it('is open now in Europe/Berlin time across winter and summer time and validity dates', async () => {
		const open = (iso: string, extra: Partial<SearchQuery> = {}) => hitIds({ openNow: true, now: new Date(iso), ...extra });
		// Tuesday 10:30 local: 09:30 UTC in winter (CET), 08:30 UTC in summer (CEST).
		const winter = await open('2026-11-24T09:30:00Z');
		expect(winter).toContain(ids.deutschkurs);
		expect(winter).not.toContain(ids.ferien);
		expect(await open('2026-11-24T11:30:00Z')).not.toContain(ids.deutschkurs);
		const summer = await open('2026-07-07T08:30:00Z');
		expect(summer).toContain(ids.deutschkurs);
		expect(summer).toContain(ids.ferien);
		expect(await open('2026-07-07T10:30:00Z')).not.toContain(ids.deutschkurs);
		// Valid 2026-07-06 … 2026-08-14 inclusive: not the Tuesday after.
		expect(await open('2026-08-18T08:30:00Z')).not.toContain(ids.ferien);
		// The day of the spring change, Sunday 29 March 2026, open 10:00–12:00 CEST (08:00–10:00 UTC).
		expect(await open('2026-03-29T08:30:00Z')).toContain(ids.tuerkisch);
		expect(await open('2026-03-29T09:59:00Z')).toContain(ids.tuerkisch);
		expect(await open('2026-03-29T07:30:00Z')).not.toContain(ids.tuerkisch);
		expect(await open('2026-03-29T10:00:00Z')).not.toContain(ids.tuerkisch);
		// Opening and closing within the hour: Fridays 09:45–10:15 (CET, so 08:45–09:15 UTC).
		const treff = (await saveOrganization(handle.db, systemPrincipal('test'), otherMunicipalityId, org({ name: 'Nachbarschaftstreff Bonn' }))).id;
		const short = (await saveService(handle.db, systemPrincipal('test'), otherMunicipalityId, offer(treff, { schedules: [slot(5, '09:45', '10:15')] }))).id;
		const inBonn = async (iso: string) => (await searchDirectory(handle.db, { ...BASE, municipalityId: otherMunicipalityId, openNow: true, now: new Date(iso) })).hits.map((h) => h.id);
		expect(await inBonn('2026-11-27T08:44:00Z')).not.toContain(short);
		expect(await inBonn('2026-11-27T08:45:00Z')).toContain(short);
		expect(await inBonn('2026-11-27T09:14:00Z')).toContain(short);
		expect(await inBonn('2026-11-27T09:15:00Z')).not.toContain(short);
	});

	it('never counts a temporarily closed offer as open, but still lists it', async () => {
		expect(await hitIds({ openNow: true, now: new Date('2026-11-24T09:30:00Z') })).not.toContain(ids.naehcafe);
		const listed = await search({ text: 'Nähcafé', now: new Date('2026-11-24T09:30:00Z') });
		expect([listed.hits[0].id, listed.hits[0].status, listed.hits[0].openNow]).toEqual([ids.naehcafe, 'temporarily closed', false]);
		const deutsch = await search({ text: 'Deutschkurs Anfänger', now: new Date('2026-11-24T09:30:00Z') });
		expect(deutsch.hits[0]).toMatchObject({ id: ids.deutschkurs, openNow: true });
	});

	it('sorts by distance from a social space centroid and from a point, unplaced entries last', async () => {
		const near = await resolveNear(handle.db, municipalityId, spaces.Kalk);
		if (!('point' in near)) throw new Error('no point');
		const fromKalk = await search({ sort: 'distance', near: near.point, levels: ['public', 'network'] });
		const distances = fromKalk.hits.map((h) => h.distanceKm);
		expect(distances.slice(0, 12).every((d) => d !== null && d < 1)).toBe(true);
		const inKalk = ['sprachschule', 'sprachkursA2', 'integrationskurs', 'caritas', 'deutschkurs', 'frauenkurs', 'sozialberatung', 'ukraine', 'welcome', 'frauencafe', 'languagecafe', 'grundschule'];
		expect(fromKalk.hits.slice(0, inKalk.length).map((h) => h.id).sort()).toEqual(inKalk.map((k) => ids[k]).sort());
		expect(fromKalk.hits.find((h) => h.id === ids.hausaufgaben)?.distanceKm).toBeGreaterThan(5);
		const placed = distances.filter((d): d is number => d !== null);
		expect([...placed].sort((a, b) => a - b)).toEqual(placed);
		expect(distances.indexOf(null)).toBe(placed.length);
		expect(fromKalk.hits.at(-1)?.distanceKm).toBeNull();
		const fromDom = await search({ sort: 'distance', near: { latitude: 50.9413, longitude: 6.9583 }, text: 'Beratung' });
		expect(fromDom.hits[0].id).toBe(ids.migrationsberatung);
		expect(fromDom.hits[0].distanceKm).toBeLessThan(0.05);
	});

	it('resolves near from a point or a social space of the municipality only', async () => {
		expect(await resolveNear(handle.db, municipalityId, '50.94,6.96')).toEqual({ point: { latitude: 50.94, longitude: 6.96 } });
		const kalk = await resolveNear(handle.db, municipalityId, spaces.Kalk);
		expect('point' in kalk && Math.abs(kalk.point.latitude - 50.94) < 0.02 && Math.abs(kalk.point.longitude - 7.0) < 0.03).toBe(true);
		expect(await resolveNear(handle.db, otherMunicipalityId, spaces.Kalk)).toEqual({ issue: { field: 'near', code: 'unknown_social_space', params: { value: spaces.Kalk } } });
		expect(await resolveNear(handle.db, municipalityId, 'nowhere')).toEqual({ issue: { field: 'near', code: 'invalid_coordinates', params: { value: 'nowhere' } } });
	});
});

describe('search parameters', () => {
	it('reads a full shareable URL', () => {
		const { query, issues } = parseSearchParams(
			new URLSearchParams('q=Deutschkurs&kind=service&field=education&topic=language_course&group=newcomers&lang=AR-sy&cost=free&low=1&stepfree=1&open=1&near=50.94,6.96&sort=distance&page=2')
		);
		expect(issues).toEqual([]);
		expect(query).toMatchObject({
			text: 'Deutschkurs',
			kind: 'service',
			themeField: 'education',
			subtopic: 'language_course',
			targetGroup: 'newcomers',
			language: 'ar-SY',
			cost: 'free',
			lowThreshold: true,
			stepFree: true,
			openNow: true,
			near: '50.94,6.96',
			sort: 'distance',
			page: 2
		});
		expect(parseSearchParams(new URLSearchParams('')).query).toMatchObject({ text: '', sort: 'relevance', page: 1, lowThreshold: false });
	});

	it.each([
		['kind=place', 'kind', 'unknown_option'],
		['field=cooking', 'field', 'unknown_option'],
		['topic=chess', 'topic', 'unknown_option'],
		['group=everyone', 'group', 'unknown_option'],
		['cost=cheap', 'cost', 'unknown_option'],
		['sort=random', 'sort', 'unknown_option'],
		['space=kalk', 'space', 'unknown_option'],
		['district=1', 'district', 'unknown_option'],
		['lang=not a tag', 'lang', 'invalid_language'],
		['page=0', 'page', 'invalid_number'],
		['page=abc', 'page', 'invalid_number'],
		['page=1.5', 'page', 'invalid_number'],
		['page=10001', 'page', 'invalid_number'],
		['near=91,6', 'near', 'invalid_coordinates'],
		['near=somewhere', 'near', 'invalid_coordinates'],
		['sort=distance', 'near', 'required']
	])('reports %s as %s: %s and falls back to a valid query', (qs, field, code) => {
		const { query, issues } = parseSearchParams(new URLSearchParams(qs));
		expect(issues).toEqual([expect.objectContaining({ field, code })]);
		expect(query.page).toBe(1);
		expect(query.near).toBeUndefined();
	});

	it('folds query words and index words alike and derives compound endings', () => {
		expect(queryWords('Müller-Straße  MÜLLER İstanbul')).toEqual(['muller', 'strasse', 'istanbul']);
		expect(foldText('Kalk Ğ ı й أحمد مدرسة')).toBe('kalk g i й احمد مدرسه');
		expect(compoundEndings('sprachkurs')).toEqual(['achkurs', 'chkurs', 'hkurs', 'kurs']);
		expect(compoundEndings('kurs kita')).toEqual([]);
		expect(compoundEndings('اللغه')).toEqual(['للغه', 'لغه']);
	});
});

describe('search vocabulary files', () => {
	const LANGS = ['de', 'en', 'ar', 'fa', 'uk', 'tr', 'ru'];

	it('covers every sub-topic, with words for every concept in all seven languages', () => {
		const v = loadVocabulary(path.resolve('data/vocabulary'));
		expect([...v.languages].sort()).toEqual([...LANGS].sort());
		const linked = new Set([...v.concepts.values()].flatMap((c) => c.subtopics));
		const topics = Object.keys(SUBTOPIC_FIELD).filter((k) => !['accessible_parking', 'accessible_toilet', 'hearing_loop', 'lift', 'sign_language', 'step_free', 'tactile_guidance'].includes(k));
		expect(topics.filter((t) => !linked.has(t))).toEqual([]);
		for (const c of v.concepts.keys()) {
			const langs = new Set([...v.words.values()].filter((w) => w.terms.some((t) => v.terms[t].concepts.includes(c))).flatMap((w) => [...w.langs]));
			expect(LANGS.filter((l) => !langs.has(l)), c).toEqual([]);
		}
	});

	function folder(files: Record<string, unknown>): string {
		const dir = tempDir('vocabulary-');
		for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
		return dir;
	}
	const concepts = { concepts: { language_course: { subtopics: ['language_course'] } } };

	it.each([
		['unreadable JSON', { 'concepts.json': concepts, 'de.json': '{ "language": "de", ' }, 'de.json: not readable JSON'],
		['a language file named otherwise', { 'concepts.json': concepts, 'de.json': { language: 'en', terms: {} } }, 'de.json: "language" is "en", the file name says "de"'],
		['terms of an unknown concept', { 'concepts.json': concepts, 'de.json': { language: 'de', terms: { cooking: ['Kochkurs'] } } }, 'de.json: terms of unknown concept "cooking"'],
		['an unknown sub-topic', { 'concepts.json': { concepts: { x: { subtopics: ['chess'] } } } }, 'concepts.json: x: unknown subtopics "chess"'],
		['an unknown cost', { 'concepts.json': { concepts: { x: { filter: { cost: 'cheap' } } } } }, 'concepts.json: x: unknown cost "cheap"'],
		['a malformed language', { 'concepts.json': { concepts: { x: { filter: { language: 'Arabic' } } } } }, 'concepts.json: x: language "Arabic" is not a primary language subtag'],
		['an unknown filter', { 'concepts.json': { concepts: { x: { filter: { open: true } } } } }, 'concepts.json: x: unknown filter "open"'],
		['an empty term', { 'concepts.json': concepts, 'de.json': { language: 'de', terms: { language_course: ['–'] } } }, 'de.json: language_course: empty term "–"'],
		['a term of fillers only', { 'concepts.json': concepts, 'de.json': { language: 'de', fillers: ['suche'], terms: { language_course: ['suche'] } } }, 'de.json: language_course: "suche" has only stop words and fillers'],
		['a concept linked to nothing', { 'concepts.json': { concepts: { x: {} } } }, 'concepts.json: x: linked to nothing and has no German single-word term']
	])('refuses %s, naming file, concept and term', (_, files, message) => {
		let error: unknown;
		try {
			loadVocabulary(folder(files));
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(VocabularyError);
		expect((error as Error).message).toContain(message);
	});

	it('lists every problem at once', () => {
		const dir = folder({ 'concepts.json': { concepts: { x: { subtopics: ['chess'] }, y: {} } }, 'tr.json': { language: 'tr', terms: { z: ['a'] } } });
		expect(() => loadVocabulary(dir)).toThrow(/chess.*tr\.json: terms of unknown concept "z".*y: linked to nothing/);
	});

	it('makes a new language a new file', () => {
		const dir = folder({ 'concepts.json': concepts, 'pl.json': { language: 'pl', terms: { language_course: ['kurs niemieckiego'] } } });
		const v = loadVocabulary(dir);
		expect(v.languages).toEqual(['pl']);
		expect(v.words.get('niemieckiego')?.langs.has('pl')).toBe(true);
	});
});

describe(`search entries kept current (${DB_KIND})`, () => {
	it('ranks an actor after offers once its last offer is deleted', async () => {
		await actor('zirkus', { name: 'Zirkusschule Quirinus', actorType: 'association', locations: [NIPPES] });
		await service('jonglage', 'zirkus', { name: originalText('de', 'Jonglieren für Kinder'), subtopics: ['culture'], locations: [NIPPES] });
		const before = (await search({ text: 'Quirinus' })).hits.find((h) => h.id === ids.zirkus)!;
		expect(before.score).toBeGreaterThanOrEqual(1000);
		await deleteEntry(handle.db, systemPrincipal('test'), 'service', ids.jonglage);
		const after = (await search({ text: 'Quirinus' })).hits.find((h) => h.id === ids.zirkus)!;
		expect(after.score).toBeLessThan(1000);
	});

	it('rebuilds entries an older index format wrote, and only those', async () => {
		await handle.db.execute(sql`update search_entry set document = ts_delete(document, ${`%search:${INDEX_VERSION}`}::text) where entity_id = ${ids.zirkus}::uuid`);
		expect(await refreshOutdatedSearchEntries(handle.db)).toEqual({ services: 0, organizations: 1 });
		expect(await refreshOutdatedSearchEntries(handle.db)).toEqual({ services: 0, organizations: 0 });
		expect((await search({ text: 'Quirinus' })).hits[0].id).toBe(ids.zirkus);
	});
});
