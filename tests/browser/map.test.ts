/**
 * Düsseldorf on the map in a browser (issue 12 §2 acceptance), in German and Arabic, with
 * axe-core and the public pages without JavaScript: the Stadtbezirke and Stadtteile on the maps
 * with the boundaries' source, the eligible voters labelled as such, a search filtered to
 * Stadtbezirk 5 finding the Welcome Point's offers, and the coverage matrix counting them in
 * Stadtbezirk 5 and 6 and saying which figure it divides by.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launch, newPage, signIn } from '../helpers/browser';

const base = inject('baseUrl');
let browser: Browser;
/** A page with JavaScript, for axe-core on pages the tests read without it. */
let auditor: Page;

/** The messages of a locale, by key, from the given message folders. */
function messages(lang: string, folders: string[]): Record<string, string> {
	return Object.assign({}, ...folders.map((f) => JSON.parse(readFileSync(`messages/${f}${lang}.json`, 'utf8'))));
}

/** German titles of the Welcome Point 5's demo offers (directory demo). */
const WP5_OFFERS = ['Erstberatung für Neuzugezogene', 'Sprachcafé Kaiserswerth', 'Sprechstunde Wohnungssuche'];

beforeAll(async () => {
	browser = await launch();
	auditor = await newPage(browser);
});

/** axe-core violations of the page's URL, checked on the auditor page. */
async function violationsAt(page: Page): Promise<string[]> {
	await auditor.goto(page.url());
	return axeViolations(auditor);
}
afterAll(() => browser?.close());

/** The classes of the matrix cells in the rows of a district's Stadtteile. */
async function cellClasses(page: Page, spaces: string[]): Promise<string[]> {
	const out: string[] = [];
	for (const name of spaces) {
		const row = page.locator('.cv-matrix tbody tr').filter({ has: page.locator(`th[scope="row"]:text-is("${name}")`) });
		out.push(...(await row.locator('td.cv-cell').evaluateAll((cells) => cells.map((c) => [...c.classList].find((k) => k.startsWith('cv-c-'))!))));
	}
	return out;
}

describe.each(['de', 'ar'])('Düsseldorf on the map (%s)', (lang) => {
	const t = messages(lang, ['', 'map/']);

	it('draws the 10 Stadtbezirke and, per Stadtbezirk, its Stadtteile, without JavaScript', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/${lang}/m/duesseldorf`);
		const districts = page.locator('figure.map svg a');
		expect(await districts.count()).toBe(10);
		expect((await districts.evaluateAll((as) => as.map((a) => a.getAttribute('aria-label')))).sort()).toEqual(
			Array.from({ length: 10 }, (_, i) => `Stadtbezirk ${i + 1}`).sort()
		);
		expect(await page.textContent('main')).toContain(`${t.map_boundaries_label}: Landeshauptstadt Düsseldorf`);
		expect(await page.textContent('main')).not.toContain(t.no_boundaries);
		expect(await violationsAt(page)).toEqual([]);

		await page.click('figure.map svg a[aria-label="Stadtbezirk 5"]');
		await page.waitForURL(`${base}/${lang}/m/duesseldorf/d/stadtbezirk-5`);
		const spaces = page.locator('figure.map svg a');
		expect((await spaces.evaluateAll((as) => as.map((a) => a.getAttribute('aria-label')))).sort()).toEqual(['Angermund', 'Kaiserswerth', 'Kalkum', 'Lohausen', 'Stockum', 'Wittlaer']);
		expect(await page.locator('figure.map svg text').count()).toBe(6);
		// Eligible voters per Stadtteil, labelled as eligible voters and never as residents.
		expect(await page.textContent('table thead')).toContain(t.metric_eligible_voters);
		expect(await page.textContent('main')).toContain(t.map_eligible_voters_note);
		expect(await page.textContent('#space-kaiserswerth')).toMatch(/053/);
		expect(await violationsAt(page)).toEqual([]);
		await page.context().close();
	});

	it('finds the Welcome Point’s offers in a search filtered to Stadtbezirk 5', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/${lang}/m/duesseldorf/search?kind=service&district=stadtbezirk-5`);
		const hrefs = await page.locator('.ww-hits a.ww-hit-title').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
		expect(hrefs.length).toBeGreaterThanOrEqual(WP5_OFFERS.length);
		// No notice about missing boundaries: Stadtbezirk 5 has them.
		expect(await page.locator('section[aria-labelledby="results-heading"] p.notice').count()).toBe(0);
		expect(await page.locator('select#f-near option[disabled]').count()).toBe(0);
		expect(await violationsAt(page)).toEqual([]);
		if (lang === 'de') {
			const titles = await page.locator('.ww-hits a.ww-hit-title').allTextContents();
			expect(titles).toEqual(expect.arrayContaining(WP5_OFFERS));
		}
		await page.context().close();
	});

	it('counts the Welcome Points’ offers in the coverage matrix of Stadtbezirk 5 and 6 and names its denominator', async () => {
		const page = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		await page.goto(`${base}/${lang}/staff/coverage`);
		// Kaiserswerth (Stadtbezirk 5) and Rath (Stadtbezirk 6) hold the Welcome Points' places.
		for (const space of ['Kaiserswerth', 'Rath']) expect((await cellClasses(page, [space])).some((c) => c !== 'cv-c-gap')).toBe(true);
		expect(await page.textContent('#cv-basis')).toBe(t.map_cv_basis_title);
		expect(await page.textContent('main')).toContain(t.map_cv_proxy_note);
		expect(await axeViolations(page)).toEqual([]);
		await page.context().close();
	});
});
