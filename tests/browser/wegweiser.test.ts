/**
 * The public Wegweiser pages as a newcomer uses them: with JavaScript disabled, in German and
 * Arabic (right to left), accessible (axe-core), within the page-weight budget, with a
 * one-page printable referral slip and a saved list kept in a cookie. Runs against the demo data
 * (the Köln-Kalk demo offers, and the Köln OSM actors once the OSM import is loaded).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isOpenAt } from '../../src/lib/server/directory/opening';
import { axeViolations, launch, newPage } from '../helpers/browser';

const base = inject('baseUrl');
let browser: Browser;
/** A JavaScript-enabled page for running axe on URLs visited with JavaScript off. */
let auditor: Page;

beforeAll(async () => {
	browser = await launch();
	auditor = await newPage(browser);
});
afterAll(() => browser?.close());

const LANGS = ['de', 'ar'] as const;
type Messages = Record<string, string>;
function messagesOf(lang: string): Messages {
	const read = (f: string): Messages => JSON.parse(readFileSync(f, 'utf8'));
	const files = ['messages/{l}.json', 'messages/directory/{l}.json', 'messages/wegweiser/{l}.json', 'messages/search/{l}.json'];
	// Paraglide falls back to German for keys a language does not have yet.
	return Object.assign({}, ...files.map((f) => read(f.replace('{l}', 'de'))), ...files.map((f) => read(f.replace('{l}', lang))));
}

async function expectAccessibleUrl(page: Page) {
	await auditor.goto(page.url());
	expect(await axeViolations(auditor), page.url()).toEqual([]);
}

/** The JSON-LD blocks of the page, parsed. */
async function jsonLd(page: Page): Promise<Record<string, unknown>[]> {
	// A click only waits for the navigation to commit; the blocks are read from the loaded page.
	await page.waitForLoadState('load');
	const blocks = await page.locator('script[type="application/ld+json"]').allTextContents();
	return blocks.map((b) => JSON.parse(b));
}

/** Number of pages in a PDF made by Chromium (each page object has `/Type /Page`). */
function pdfPages(pdf: Buffer): number {
	return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

/** Bytes on the wire of a gzip-accepting GET. */
function gzipBytes(path: string): Promise<{ status: number; bytes: number; encoding: string | undefined }> {
	return new Promise((resolve, reject) => {
		request(base + path, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
			let bytes = 0;
			res.on('data', (c: Buffer) => (bytes += c.length));
			res.on('end', () => resolve({ status: res.statusCode!, bytes, encoding: res.headers['content-encoding'] }));
		})
			.on('error', reject)
			.end();
	});
}

const COURSE = 'Deutschkurs für Anfänger';

describe.each(LANGS)('Wegweiser in %s without JavaScript', (lang) => {
	const t = messagesOf(lang);

	it('goes from the city page to search, results, an offer, its slip and the saved list, and back', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/${lang}/m/koeln`);
		await page.click(`main a[href="/${lang}/m/koeln/search"]`);
		await page.waitForURL(`${base}/${lang}/m/koeln/search`);
		expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
		await expectAccessibleUrl(page);

		// A typo in German, or the Arabic title, finds the course.
		await page.fill('#f-q', lang === 'de' ? 'Deutchkurs' : 'دورة لغة');
		await page.press('#f-q', 'Enter');
		await page.waitForURL(/\/search\?q=/);
		const first = page.locator('.ww-hits a.ww-hit-title').first();
		expect(await first.textContent()).toBe(lang === 'de' ? COURSE : 'دورة اللغة الألمانية للمبتدئين');
		if (lang === 'de') expect(await page.textContent('main')).toContain(t.ww_also_searched);
		// The topic the query was read as (search vocabulary), as a link to that filter.
		expect(await page.textContent('main')).toContain(t.search_read_as);
		expect(await page.locator('main a[href*="topic=language_course"]').textContent()).toBe(t.subtopic_language_course);
		expect(await page.locator('.results-map .dots circle').count()).toBeGreaterThan(0);
		await expectAccessibleUrl(page);

		await first.click();
		await page.waitForURL(/\/o\/[0-9a-f-]{36}$/);
		const offerUrl = page.url();
		expect(await page.textContent('main')).toContain(t.ww_what_to_bring);
		const [ld] = await jsonLd(page);
		expect(ld).toMatchObject({ '@context': 'https://schema.org', '@type': 'Service', provider: { '@type': 'Organization', name: 'Anlaufstelle Kalk (Demo)' } });
		expect(ld.availableLanguage).toBeUndefined();
		expect((ld.availableChannel as Record<string, unknown>[])[0].availableLanguage).toEqual([
			{ '@type': 'Language', alternateName: 'de' },
			{ '@type': 'Language', alternateName: 'ar' },
			{ '@type': 'Language', alternateName: 'fa' }
		]);
		expect(ld.hoursAvailable).toEqual([{ '@type': 'OpeningHoursSpecification', dayOfWeek: 'https://schema.org/Tuesday', opens: '09:00', closes: '12:00' }]);
		await expectAccessibleUrl(page);

		// Save to the list (a cookie on this device), see it on the list page, remove it there.
		await page.click(`form[action="?/save"] button`);
		await page.waitForURL(offerUrl);
		expect(await page.textContent('form[action="?/remove"] button')).toBe(t.ww_remove_from_list);
		const cookie = (await page.context().cookies()).find((c) => c.name === 'saved')!;
		expect(cookie).toMatchObject({ value: offerUrl.split('/o/')[1], sameSite: 'Lax' });
		expect(cookie.expires * 1000 - Date.now()).toBeGreaterThan(360 * 86400_000);
		await page.click(`a[href="/${lang}/m/koeln/saved"]`);
		await page.waitForURL(`${base}/${lang}/m/koeln/saved`);
		expect(await page.locator('.ww-saved > li').count()).toBe(1);
		await expectAccessibleUrl(page);

		await page.click('.ww-saved a[href$="/slip"]');
		await page.waitForURL(/\/slip$/);
		const columns = page.locator('.slip-columns > section');
		expect(await columns.count()).toBe(lang === 'de' ? 1 : 2);
		if (lang === 'ar') {
			expect(await columns.nth(0).getAttribute('dir')).toBe('rtl');
			expect(await columns.nth(1).getAttribute('lang')).toBe('de');
			expect(await columns.nth(1).textContent()).toContain(COURSE);
		}
		expect(await page.locator('.slip-qr svg path').count()).toBeGreaterThan(0);
		expect(await page.textContent('.slip-url')).toBe(offerUrl);
		await expectAccessibleUrl(page);

		await page.goto(`${base}/${lang}/m/koeln/saved`);
		await page.click('.ww-saved form button');
		await page.waitForURL(`${base}/${lang}/m/koeln/saved`);
		expect(await page.locator('.ww-saved > li').count()).toBe(0);
		expect(await page.textContent('main')).toContain(t.ww_saved_empty);
		expect((await page.context().cookies()).some((c) => c.name === 'saved')).toBe(false);
		await page.context().close();
	});

	it('shows the actor page with its offers and JSON-LD, accessibly', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/${lang}/m/koeln/search?q=Sozialberatung&kind=service`);
		await page.click('.ww-hits a.ww-hit-title');
		await page.click('main .lead a[href*="/a/"]');
		await page.waitForURL(/\/a\/[0-9a-f-]{36}$/);
		expect(await page.textContent('h1')).toBe('Anlaufstelle Kalk (Demo)');
		// Deutschkurs, Sozialberatung and Hausaufgabenhilfe of the demo contact point, and its 16
		// offers of data/demo/offers/koeln.json (issue 12 §3).
		expect(await page.locator('main a[href*="/o/"]').count()).toBe(3 + 16);
		const [ld] = await jsonLd(page);
		expect(ld).toMatchObject({ '@type': 'Organization', name: 'Anlaufstelle Kalk (Demo)', email: 'kalk@example.org' });
		await expectAccessibleUrl(page);
		await page.context().close();
	});

	it('shows a second language on the slip on request, and prints it on exactly one A4 and one A6 page', async () => {
		const page = await newPage(browser);
		await page.goto(`${base}/${lang}/m/koeln/search?q=Sozialberatung&kind=service`);
		const href = (await page.getAttribute('.ww-hits a.ww-hit-title', 'href'))!;
		await page.goto(`${base}${href}/slip?to=tr`);
		expect(await page.locator('.slip-columns > section').nth(1).getAttribute('lang')).toBe('tr');
		expect(await page.textContent('.slip-columns > section:nth-child(2) h2')).toBe('Sosyal danışmanlık');
		for (const [format, size] of [['a4', [595, 842]], ['a6', [420, 298]]] as const) {
			await page.goto(`${base}${href}/slip?format=${format}`);
			await page.emulateMedia({ media: 'print' });
			expect(await page.locator('.site-header').isVisible()).toBe(false);
			const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
			expect(pdfPages(pdf), format).toBe(1);
			const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'))!;
			expect([Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual(size);
			await page.emulateMedia({ media: 'screen' });
			await expectAccessibleUrl(page);
		}
		await page.context().close();
	});

	it('leads from a page beyond the last back to the last page, without claiming there are no hits', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/${lang}/m/koeln/search?q=kurs&page=500`);
		expect(await page.locator('.ww-hits > li').count()).toBe(0);
		const main = (await page.textContent('main'))!;
		expect(main).toContain(t.ww_beyond_last);
		expect(main).not.toContain(t.ww_no_results);
		expect(await page.locator('.ww-pages').count()).toBe(0);
		await expectAccessibleUrl(page);
		await page.click(`main a:has-text("${t.ww_last_page.replace(' ({page})', '')}")`);
		await page.waitForURL((url) => url.searchParams.get('page') !== '500');
		expect(await page.locator('.ww-hits > li').count()).toBeGreaterThan(0);
		expect(await page.locator('.ww-pages a[rel="next"]').count()).toBe(0);
		await page.context().close();
	});

	it('explains unusable search parameters field by field instead of failing', async () => {
		const page = await newPage(browser, { javaScript: false });
		const res = await page.goto(`${base}/${lang}/m/koeln/search?q=kurs&field=astronomy&page=abc&near=atlantis&sort=distance&district=nirgendwo`);
		expect(res!.status()).toBe(200);
		expect(await page.textContent('#e-field')).toBe(t.ww_error_unknown_option.replace('{value}', 'astronomy'));
		expect(await page.textContent('#e-district')).toBe(t.ww_error_unknown_option.replace('{value}', 'nirgendwo'));
		expect(await page.textContent('#e-near')).toBe(t.ww_error_unknown_place.replace('{value}', 'atlantis'));
		expect(await page.getAttribute('#f-field', 'aria-invalid')).toBe('true');
		expect(await page.locator('.error-summary li').count()).toBe(4);
		// The usable part of the search still runs.
		expect(await page.locator('.ww-hits > li').count()).toBeGreaterThan(0);
		await expectAccessibleUrl(page);
		await page.context().close();
	});
});

describe('Wegweiser search', () => {
	it('lists as "open now" exactly the offers open at this moment in Europe/Berlin time', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/de/m/koeln/search?kind=service&open=1`);
		const open = await page.locator('.ww-hits a.ww-hit-title').allTextContents();
		for (const [name, word] of [[COURSE, 'Deutschkurs'], ['Sozialberatung', 'Sozialberatung']]) {
			await page.goto(`${base}/de/m/koeln/search?kind=service&q=${word}`);
			await page.click('.ww-hits a.ww-hit-title');
			const [ld] = await jsonLd(page);
			const slots = (ld.hoursAvailable as { dayOfWeek: string; opens: string; closes: string }[]).map((h) => ({
				weekday: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].indexOf(h.dayOfWeek.split('/').pop()!) + 1,
				opensMinute: Number(h.opens.slice(0, 2)) * 60 + Number(h.opens.slice(3)),
				closesMinute: Number(h.closes.slice(0, 2)) * 60 + Number(h.closes.slice(3)),
				validFrom: null,
				validTo: null
			}));
			const expected = isOpenAt(slots, new Date());
			expect(open.includes(name), name).toBe(expected);
			expect(await page.textContent('.ww-facts li:first-child')).toBe(expected ? 'Jetzt geöffnet' : 'Jetzt geschlossen');
		}
		await page.context().close();
	});

	it('sorts by distance from a chosen Stadtteil and keeps the choice in a shareable URL', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/de/m/koeln/search?kind=service&sort=distance&near=kalk`);
		expect(await page.inputValue('#f-near')).toBe('kalk');
		expect(await page.textContent('main')).toContain('Entfernungen ab Kalk');
		expect(await page.locator('.ww-hits .meta').first().textContent()).toMatch(/\d km/);
		await page.goto(`${base}/de/m/koeln/search?kind=service&sort=distance&near=50.94,6.96`);
		expect(await page.textContent('#f-near option[selected]')).toBe('Punkt 50.94,6.96');
		await page.context().close();
	});

	it('keeps the first results page within 14 KB gzip and page plus stylesheet within 30 KB', async () => {
		const html = await gzipBytes('/de/m/koeln/search');
		expect(html).toMatchObject({ status: 200, encoding: 'gzip' });
		expect(html.bytes).toBeLessThanOrEqual(14 * 1024);
		const css = await gzipBytes('/app.css');
		expect(html.bytes + css.bytes).toBeLessThanOrEqual(30 * 1024);
	});

	it('shows the ODbL attribution with a link to the OSM object on OSM actors and in their results', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/de/m/koeln/search?kind=organization&q=Kita`);
		expect(await page.locator('.ww-hits > li').count(), 'needs the Köln OSM actors of the demo data').toBeGreaterThan(0);
		expect(await page.textContent('.osm-attribution')).toContain('OpenStreetMap');
		await page.click('.ww-hits a.ww-hit-title');
		await page.waitForURL(/\/a\/[0-9a-f-]{36}$/);
		expect(await page.getAttribute('.osm-attribution a[href^="https://www.openstreetmap.org/node/"], .osm-attribution a[href^="https://www.openstreetmap.org/way/"]', 'href')).toMatch(
			/^https:\/\/www\.openstreetmap\.org\/(node|way|relation)\/\d+$/
		);
		await expectAccessibleUrl(page);
		await page.context().close();
	});
});
