/**
 * The referral slip (Verweiszettel) in a right-to-left column: the German address inside the
 * Arabic column is one left-to-right isolate, so its parts keep their order — place name, street,
 * postal code and city read left to right as a German letter carrier reads them — instead of
 * being reordered by the Arabic paragraph. Runs on the demo data, without JavaScript, with axe.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launch, newPage } from '../helpers/browser';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

/** The left edge (px) of each part of the first address of a slip column, in reading order. */
async function partPositions(page: Page, column: number): Promise<{ text: string; parts: { part: string; left: number }[] }> {
	return page.evaluate((n) => {
		const el = document.querySelectorAll('.slip-columns > section')[n].querySelector('.slip-address')!;
		const node = el.firstChild!;
		const text = node.textContent!;
		const parts = text.split(', ').map((part) => {
			const range = document.createRange();
			const start = text.indexOf(part);
			range.setStart(node, start);
			range.setEnd(node, start + part.length);
			return { part, left: range.getBoundingClientRect().left };
		});
		return { text, parts };
	}, column);
}

describe('referral slip: a German address in an Arabic column', () => {
	it('keeps the address left to right inside the right-to-left column, in Arabic and German pages', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/ar/m/koeln/search?q=Sozialberatung&kind=service`);
		const href = (await page.getAttribute('.ww-hits a.ww-hit-title', 'href'))!;
		const offerPath = href.replace(/^\/ar/, '');
		for (const [path, arabicColumn] of [
			[`/ar${offerPath}/slip`, 0],
			[`/de${offerPath}/slip?to=ar`, 1]
		] as const) {
			await page.goto(`${base}${path}`);
			const column = page.locator('.slip-columns > section').nth(arabicColumn);
			expect(await column.getAttribute('dir')).toBe('rtl');
			const address = column.locator('.slip-address').first();
			expect(await address.evaluate((e) => [e.tagName, e.getAttribute('dir'), e.getAttribute('lang'), getComputedStyle(e).unicodeBidi])).toEqual(['BDI', 'ltr', 'de', 'isolate']);
			const { text, parts } = await partPositions(page, arabicColumn);
			expect(parts.length, text).toBeGreaterThanOrEqual(2);
			// Left to right: each part starts right of the one before it.
			for (let i = 1; i < parts.length; i++) expect(parts[i].left, `${text}: ${parts[i].part}`).toBeGreaterThan(parts[i - 1].left);
			const auditor = await newPage(browser);
			await auditor.goto(page.url());
			expect(await axeViolations(auditor), page.url()).toEqual([]);
			await auditor.context().close();
		}
		await page.context().close();
	});
});
