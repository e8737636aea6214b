/**
 * Phones (issue 12 §8): at 360 px every table shows all of its columns. A crawl follows the links
 * that each demo role (and an anonymous visitor) reaches, one page per kind of address, and checks
 * every table on every page: the page itself never scrolls sideways; a table either fits, stacks
 * its rows (label beside value), or scrolls inside its own box that keyboards can focus, with shadows
 * at its edges and its first column fixed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, newPage } from '../helpers/browser';

const base = inject('baseUrl');
const PHONE = { width: 360, height: 740 };
/** Pages per role: one per kind of address (ids and query values replaced), enough to reach every list and detail page. */
const MAX_PAGES = 45;
/**
 * Pages whose tables still scroll in the narrow-screen fallback box, which has no tabindex: the
 * administration pages and the district pages, rebuilt by other parts of issue 12 (§5, §2) at the
 * same time, which wrap their tables in `TableScroll`. Their columns are checked like all others;
 * Chromium and Firefox let keyboards reach such a box, Safari does not.
 */
const KEYBOARD_EXEMPT = [/^\/de\/admin(\/|$)/, /^\/de\/m\/[^/]+\/d\//];
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

/** A phone-sized page, signed in as `email` when given (JavaScript on only for axe-core: the app ships none). */
async function phone(email: string | null, lang = 'de'): Promise<Page> {
	const page = await newPage(browser);
	await page.setViewportSize(PHONE);
	if (email) {
		await page.goto(`${base}/${lang}/login`);
		await page.fill('#email', email);
		await page.fill('#password', 'anlaufstelle-demo');
		await page.click('main form button[type="submit"]');
		await page.waitForURL((url) => !url.pathname.endsWith('/login'));
	}
	return page;
}

/** What stands for a kind of page: the path with ids replaced, and the names of its query parameters. */
function pattern(url: URL): string {
	const path = url.pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id').replace(/\/\d+(?=\/|$)/g, '/:n');
	return `${path}?${[...new Set(url.searchParams.keys())].sort().join('&')}`;
}

/** Addresses the crawl leaves alone: downloads, printouts, signing out, other languages. */
function skipped(url: URL, lang: string): boolean {
	return (
		url.origin !== new URL(base).origin ||
		!url.pathname.startsWith(`/${lang}/`) ||
		/\/(logout|login|password)(\/|$)/.test(url.pathname) ||
		/\/(report|export|slip|consent-form|feed|ical|hsds)(\/|\.|$)|\.(pdf|csv|xlsx|ics|json|geojson)$/.test(url.pathname) ||
		url.searchParams.has('format')
	);
}

/** Every problem of the tables on the page at phone width, as readable lines (none when all is well). */
function tableProblems(page: Page): Promise<string[]> {
	const exempt = KEYBOARD_EXEMPT.some((pattern) => pattern.test(new URL(page.url()).pathname));
	return page.evaluate((exempt) => {
		const width = document.documentElement.clientWidth;
		const problems: string[] = [];
		if (document.documentElement.scrollWidth > width + 1) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px)`);
		document.querySelectorAll('main table').forEach((table, n) => {
			const name = `table ${n + 1} "${(table.querySelector('caption')?.textContent ?? '').trim().slice(0, 40)}"`;
			const cells = [...table.querySelectorAll('th, td')] as HTMLElement[];
			const unrendered = cells.filter((c) => getComputedStyle(c).display === 'none' || c.getClientRects().length === 0 || getComputedStyle(c).visibility === 'hidden');
			if (unrendered.length) problems.push(`${name}: ${unrendered.length} cells hidden`);
			const outside = (el: Element, box: DOMRect) => {
				const r = el.getBoundingClientRect();
				return r.left < box.left - 1 || r.right > box.right + 1;
			};
			const screen = new DOMRect(0, 0, width, 1);
			if (table.classList.contains('stack')) {
				const off = cells.filter((c) => outside(c, screen));
				if (off.length) problems.push(`${name}: ${off.length} stacked cells off-screen`);
				const unlabelled = [...table.querySelectorAll('tbody td')].filter((c) => !c.getAttribute('data-label'));
				if (unlabelled.length) problems.push(`${name}: ${unlabelled.length} stacked cells without their column's label`);
				return;
			}
			let box: HTMLElement | null = table as HTMLElement;
			while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
			if (!box || box === document.body || box === document.documentElement) {
				const off = cells.filter((c) => outside(c, screen));
				if (off.length) problems.push(`${name}: ${off.length} cells off-screen and no box to scroll them into view`);
				return;
			}
			if (outside(box, screen)) problems.push(`${name}: its scroll box is wider than the screen`);
			if (box.scrollWidth <= box.clientWidth + 1) return;
			const first = (table as HTMLTableElement).rows[0]?.cells[0];
			if (first && getComputedStyle(first).position !== 'sticky') problems.push(`${name}: scrolls, but its first column is not fixed`);
			if (!getComputedStyle(box).backgroundImage.includes('gradient')) problems.push(`${name}: scrolls without a visible cue at its edges`);
			const focusable = box.tabIndex >= 0 || box.querySelector('a[href], button, input, select, textarea, [tabindex]') !== null;
			if (!focusable && !exempt) problems.push(`${name}: scrolls, but a keyboard cannot reach it`);
		});
		return problems;
	}, exempt);
}

/**
 * Visits up to `MAX_PAGES` kinds of pages from `start`, checking the tables on each.
 * @returns the problems by page, and how many pages and tables were checked.
 */
async function crawl(page: Page, start: string[], lang: string) {
	const queue = start.map((s) => new URL(s, base));
	const seen = new Set(queue.map(pattern));
	const problems: string[] = [];
	let pages = 0;
	let tables = 0;
	while (queue.length && pages < MAX_PAGES) {
		const url = queue.shift()!;
		const res = await page.goto(url.toString());
		if (!res || res.status() >= 400 || !(res.headers()['content-type'] ?? '').startsWith('text/html')) continue;
		pages += 1;
		tables += await page.locator('main table').count();
		for (const p of await tableProblems(page)) problems.push(`${url.pathname}${url.search}: ${p}`);
		// HTML links only (an SVG link's href is not a string).
		for (const href of await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href).filter((h) => typeof h === 'string'))) {
			const next = new URL(href, base);
			next.hash = '';
			if (skipped(next, lang) || seen.has(pattern(next))) continue;
			seen.add(pattern(next));
			queue.push(next);
		}
	}
	return { problems, pages, tables };
}

describe('tables on phones (360 px)', () => {
	const roles: { who: string; email: string | null; start: string[] }[] = [
		{ who: 'a visitor', email: null, start: ['/de/m/duesseldorf', '/de/m/koeln', '/de/m/duesseldorf/d/stadtbezirk-6', '/de/m/koeln/d/innenstadt'] },
		{ who: 'the municipality administrator', email: 'admin.duesseldorf@example.org', start: ['/de/staff'] },
		{ who: 'Welcome Point staff', email: 'wp5@example.org', start: ['/de/staff'] },
		{ who: 'a partner organisation', email: 'partner.duesseldorf@example.org', start: ['/de/staff'] },
		{ who: 'a volunteer', email: 'ehrenamt.duesseldorf@example.org', start: ['/de/volunteer'] }
	];
	for (const role of roles) {
		it(`every table ${role.who} reaches shows all its columns`, async () => {
			const page = await phone(role.email);
			const { problems, pages, tables } = await crawl(page, role.start, 'de');
			expect(problems).toEqual([]);
			// A volunteer reaches only their own page and the account page.
			const volunteer = role.email === 'ehrenamt.duesseldorf@example.org';
			expect(pages).toBeGreaterThan(volunteer ? 0 : 3);
			if (!volunteer) expect(tables).toBeGreaterThan(0);
			await page.context().close();
		}, 240_000);
	}

	for (const lang of ['de', 'ar']) {
		it(`a district page's statistics stack, label beside value, on the screen (${lang})`, async () => {
			const page = await phone(null, lang);
			await page.goto(`${base}/${lang}/m/duesseldorf/d/stadtbezirk-6`);
			const rows = await page.$$eval('main table.stack tbody tr', (trs) =>
				trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => {
					const r = c.getBoundingClientRect();
					return { label: c.getAttribute('data-label') ?? '', text: (c.textContent ?? '').trim(), left: r.left, right: r.right };
				}))
			);
			expect(rows.length).toBeGreaterThan(3);
			for (const cells of rows) {
				for (const c of cells) {
					expect(c.left).toBeGreaterThanOrEqual(-1);
					expect(c.right).toBeLessThanOrEqual(PHONE.width + 1);
				}
			}
			// Date and source, the columns that fell off the screen before, are on it.
			expect(rows.flat().filter((c) => c.text && c.label).length).toBeGreaterThan(rows.length * 2);
			expect(await tableProblems(page)).toEqual([]);
			await expectAccessible(page);
			await page.context().close();
		});
	}

	it('a Farsi comparison shows both instances’ columns on the screen', async () => {
		const page = await phone(null, 'fa');
		await page.goto(`${base}/fa/compare?municipality=duesseldorf`);
		const ids = await page.$$eval('input[name="i"]', (inputs) => inputs.map((i) => (i as HTMLInputElement).value));
		const unique = [...new Set(ids)].slice(0, 2);
		expect(unique).toHaveLength(2);
		await page.goto(`${base}/fa/compare?i=${unique[0]}&i=${unique[1]}`);
		expect(await page.getAttribute('html', 'dir')).toBe('rtl');
		// The options' column and both instances' columns, all on the screen without scrolling.
		const heads = await page.$$eval('main table.compare thead :is(th, td)', (cells) => cells.map((c) => c.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, width: r.width })));
		expect(heads).toHaveLength(3);
		for (const h of heads) {
			expect(h.width).toBeGreaterThan(40);
			expect(h.left).toBeGreaterThanOrEqual(-1);
			expect(h.right).toBeLessThanOrEqual(PHONE.width + 1);
		}
		expect(await tableProblems(page)).toEqual([]);
		await expectAccessible(page);
		await page.context().close();
	});
});

describe('the staff start page "Heute"', () => {
	for (const lang of ['de', 'ar']) {
		it(`shows counts that open their filtered lists, for staff and administrators (${lang})`, async () => {
			for (const [email, kinds] of [
				['wp5@example.org', ['/cases?due=1', '/referrals?instance=', '/directory/proposals?status=open', '/needs?answered=1', '/directory/freshness?instance=']],
				['admin.duesseldorf@example.org', ['/directory/proposals?status=open', '/needs?answered=1', '/needs?status=reported', '/directory/freshness']]
			] as const) {
				const page = await phone(email, lang);
				await page.goto(`${base}/${lang}/staff`);
				const links = await page.$$eval('ul.today a', (as) => as.map((a) => ({ href: (a as HTMLAnchorElement).pathname + (a as HTMLAnchorElement).search, text: (a.textContent ?? '').trim() })));
				expect(links.map((l) => l.href.replace(`/${lang}/staff`, '').replace(/instance=[0-9a-f-]{36}.*$/, 'instance='))).toEqual(kinds);
				for (const l of links) expect(l.text).toMatch(/^[0-9٠-٩]+\s+\S/);
				expect(await tableProblems(page)).toEqual([]);
				await expectAccessible(page);
				for (const l of links) {
					const res = await page.goto(`${base}${l.href}`);
					expect(res?.status(), l.href).toBe(200);
				}
				await page.goto(`${base}/${lang}/staff/cases?due=1`);
				if (email === 'wp5@example.org') expect(await page.locator('main .notice').count()).toBe(1);
				await page.context().close();
			}
		});
	}
});
