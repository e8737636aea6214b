/**
 * The directory demo as a realistic city (issue 12 §3): about 60 demo offers at the two
 * Düsseldorf Welcome Points and the Köln contact point, across the four theme fields, a third
 * translated, all marked demo, loaded from `data/demo/offers/` idempotently; a broken offer
 * file is refused with the file, the offer and the field, and writes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { ImportError } from '../../src/lib/server/core/errors';
import { loadDirectoryDemo } from '../../src/lib/server/directory/demo';
import { EASY_GERMAN, SUBTOPICS, THEME_FIELDS } from '../../src/lib/server/directory/model';
import { organization, service } from '../../src/lib/server/directory/schema';
import { searchDirectory } from '../../src/lib/server/directory/search';
import { getServices } from '../../src/lib/server/directory/service';
import { loadGeographyDemo } from '../../src/lib/server/geography/demo';
import { findMunicipality } from '../../src/lib/server/geography/service';
import { loadInstancesDemo } from '../../src/lib/server/instances/demo';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { tempDir } from '../helpers/tmp';

const DATA = path.resolve('data/demo');
let h: DatabaseHandle;

beforeAll(async () => {
	h = await freshDatabase();
	await loadGeographyDemo(h.db, DATA);
	await loadInstancesDemo(h.db);
	await loadDirectoryDemo(h.db, DATA);
}, 120_000);
afterAll(() => h?.close());

async function demoOffers(slug: string) {
	const m = (await findMunicipality(h.db, slug))!;
	return h.db
		.select({ id: service.id, key: service.sourceId, name: service.name, description: service.description, isDemo: service.isDemo, themeFields: service.themeFields, subtopics: service.subtopics, host: organization.sourceId })
		.from(service)
		.innerJoin(organization, eq(organization.id, service.organizationId))
		.where(and(eq(service.municipalityId, m.id), eq(service.source, 'demo')));
}

/** A broken copy of the demo data folder: only an offer file (Köln's OSM actors are loaded already). */
function brokenData(content: string): string {
	const dir = tempDir('anl-demo-offers-');
	mkdirSync(path.join(dir, 'offers'));
	writeFileSync(path.join(dir, 'offers', 'duesseldorf.json'), content);
	return dir;
}

const GOOD = {
	key: 'duesseldorf/test-offer',
	at: 'welcome-point-5',
	place: 'home',
	name: { de: 'Testangebot' },
	description: { de: 'Beschreibung' },
	subtopics: ['language_course'],
	languages: ['de'],
	schedules: [{ days: [1], opens: '09:00', closes: '10:00' }]
};

function file(offers: unknown[]): string {
	return JSON.stringify({ municipality: 'duesseldorf', demoNote: { de: 'Demo-Inhalt: erfundenes Angebot.' }, offers });
}

async function refusal(content: string): Promise<string[]> {
	const before = await countRows(h, 'service');
	const error = await loadDirectoryDemo(h.db, brokenData(content)).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(ImportError);
	expect((error as ImportError).file).toBe('duesseldorf.json');
	expect(await countRows(h, 'service')).toBe(before);
	return (error as ImportError).problems;
}

describe(`directory demo offers on ${DB_KIND}`, () => {
	it('holds about 60 marked demo offers at the Welcome Points and the Köln contact point, across all four theme fields', async () => {
		const d = await demoOffers('duesseldorf');
		const k = await demoOffers('koeln');
		expect(d).toHaveLength(38);
		expect(k).toHaveLength(22);
		const all = [...d, ...k];
		expect(all.every((o) => o.isDemo && o.description.de.text.startsWith('Demo-Inhalt: erfundenes Angebot.'))).toBe(true);
		expect(new Set(d.map((o) => o.host))).toEqual(new Set(['welcome-point-5', 'welcome-point-6']));
		// Three Köln offers are held by real OSM actors in Kalk (issue 3), the rest by the contact point.
		expect(k.filter((o) => o.host === 'anlaufstelle-kalk')).toHaveLength(19);
		for (const list of [d, k]) expect(new Set(list.flatMap((o) => o.themeFields))).toEqual(new Set(THEME_FIELDS.map((t) => t.key)));
		expect(new Set(all.flatMap((o) => o.subtopics))).toEqual(new Set(Object.values(SUBTOPICS).flatMap((terms) => terms.map((t) => t.key))));
		// Every file offer keeps its theme field consistent with its sub-topics (the directory derives it).
		expect(all.every((o) => o.themeFields.length > 0 && o.subtopics.length > 0)).toBe(true);
	});

	it('translates a third of them by hand into the six other languages, with Leichte Sprache where it helps', async () => {
		const all = [...(await demoOffers('duesseldorf')), ...(await demoOffers('koeln'))];
		const foreign = (o: (typeof all)[number]) => Object.keys(o.name).filter((l) => l !== 'de' && l !== EASY_GERMAN);
		const translated = all.filter((o) => foreign(o).length > 0);
		expect(translated.length).toBeGreaterThanOrEqual(all.length / 3);
		// Not all of them: untranslated German entries must be found from other languages too.
		expect(translated.length).toBeLessThan(all.length / 2);
		expect(new Set(translated.flatMap(foreign))).toEqual(new Set(['en', 'ar', 'fa', 'uk', 'tr', 'ru']));
		expect(translated.every((o) => foreign(o).every((l) => o.name[l].status === 'human'))).toBe(true);
		expect(all.filter((o) => o.name[EASY_GERMAN]).length).toBeGreaterThanOrEqual(4);
		const wohnung = all.find((o) => o.key === 'koeln/wohnungslosigkeit-kalk')!;
		expect(wohnung.description[EASY_GERMAN].text).toMatch(/^Das ist ein Beispiel\. Dieses Angebot gibt es nicht wirklich\.\nSie haben keine Wohnung\?/);
		expect(wohnung.description.ar.text.startsWith('محتوى تجريبي')).toBe(true);
	});

	it('writes them like real entries: places, hours, costs, ages and languages, found by the public search', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const [row] = await demoOffers('duesseldorf').then((l) => l.filter((o) => o.key === 'duesseldorf/integrationskurs-wp5'));
		const [kurs] = await getServices(h.db, [row.id], ['public']);
		expect(kurs).toMatchObject({ costKind: 'reduced', minimumAge: 16, languages: ['de'], isDemo: true });
		expect(kurs.organization).toMatchObject({ name: 'Welcome Point Stadtbezirk 5 (Demo)', actorType: 'welcome_point' });
		expect(kurs.locations[0]).toMatchObject({ name: 'Bildungszentrum Kaiserswerth', postalCode: '40489', city: 'Düsseldorf' });
		expect(kurs.schedules.map((s) => [s.weekday, s.opensAt, s.closesAt])).toEqual([1, 2, 3, 4].map((w) => [w, '08:30', '11:45']));
		expect(kurs.costNote.de.text).toContain('Berechtigungsschein');
		const found = await searchDirectory(h.db, { municipalityId: d.id, text: 'Integrationskurs', lang: 'de', levels: ['public'], sort: 'relevance', page: 1, perPage: 5 });
		expect(found.hits[0]).toMatchObject({ id: row.id, isDemo: true });
		// Two offers at the same new place share one location row.
		const rath = await demoOffers('duesseldorf').then((l) => l.filter((o) => o.key!.includes('jugendzentrum') || o.key!.includes('jugendmigrationsdienst')));
		const places = (await getServices(h.db, rath.map((o) => o.id), ['public'])).map((s) => s.locations[0].id);
		expect(new Set(places).size).toBe(1);
	});

	it('is idempotent: a second load adds nothing', async () => {
		const tables = ['organization', 'location', 'service', 'schedule', 'search_entry', 'audit_log'];
		const before = await Promise.all(tables.map((t) => countRows(h, t)));
		await loadDirectoryDemo(h.db, DATA);
		expect(await Promise.all(tables.map((t) => countRows(h, t)))).toEqual(before);
	});

	it('refuses a broken offer file naming the offer and the field, and writes nothing of it', async () => {
		expect(await refusal('{ "municipality": ')).toEqual([expect.stringMatching(/^not JSON: /)]);
		expect(await refusal(JSON.stringify({ municipality: 'duesseldorf', offers: [{ ...GOOD, colour: 'red' }] }))).toEqual(
			expect.arrayContaining([expect.stringContaining('demoNote'), expect.stringContaining('offers.0')])
		);
		expect(await refusal(file([GOOD, { ...GOOD, key: 'duesseldorf/second', at: 'welcome-point-9' }]))).toEqual(['offers.1 (duesseldorf/second): at: no demo actor welcome-point-9 in duesseldorf']);
		expect(await refusal(file([GOOD, { ...GOOD, subtopics: ['astronomy'] }]))).toEqual([
			'offers.1 (duesseldorf/test-offer): key used twice'
		]);
		expect(await refusal(file([GOOD, { ...GOOD, key: 'duesseldorf/b', subtopics: ['astronomy'], schedules: [{ days: [8], opens: '10:00', closes: '09:00' }] }]))).toEqual(
			expect.arrayContaining([expect.stringMatching(/^offers\.1 \(duesseldorf\/b\): subtopics: /), expect.stringMatching(/^offers\.1 \(duesseldorf\/b\): schedules\.0\.weekday: /)])
		);
		expect(await refusal(file([{ ...GOOD, name: { en: 'Test offer' }, description: { de: 'x', fa: 'y' } }]))).toEqual([
			'offers.0 (duesseldorf/test-offer): name: a German original (de) is required',
			'offers.0 (duesseldorf/test-offer): description.fa: demoNote has no fa version'
		]);
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		expect(await h.db.select({ id: service.id }).from(service).where(and(eq(service.municipalityId, d.id), inArray(service.sourceId, ['duesseldorf/test-offer', 'duesseldorf/b'])))).toEqual([]);
	});
});
