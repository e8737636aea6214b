/**
 * Playwright (playwright-core) on Debian's Chromium with axe-core for accessibility checks.
 */
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

/** Launches headless Chromium as CI can run it (root, no GPU, closed network). */
export function launch(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
	});
}

/** A new page. The app ships no JavaScript, so `javaScriptEnabled: false` is how people on cheap phones may see it. */
export async function newPage(browser: Browser, options: { javaScript?: boolean } = {}): Promise<Page> {
	// bypassCSP lets the test inject axe-core; the app's own CSP is checked in the HTTP tests.
	const context = await browser.newContext({ bypassCSP: true, javaScriptEnabled: options.javaScript ?? true });
	return context.newPage();
}

/** axe-core violations (WCAG 2.0–2.2 A/AA rules) on the current page, as readable lines. */
export async function axeViolations(page: Page): Promise<string[]> {
	// A document still being replaced has no head to add the script to.
	await page.waitForLoadState('load');
	await page.addScriptTag({ path: AXE });
	const results = await page.evaluate(async () => {
		// @ts-expect-error axe is injected above
		const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
		return r.violations.map(
			(v: { id: string; help: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`
		);
	});
	return results;
}

/**
 * Signs a demo account in (password `anlaufstelle-demo`) on a new page of `browser` and waits
 * until the login page has been left (staff start page, or the volunteer page).
 */
export async function signIn(browser: Browser, email: string, lang = 'de'): Promise<Page> {
	const page = await newPage(browser);
	await page.goto(`${inject('baseUrl')}/${lang}/login`);
	await page.fill('#email', email);
	await page.fill('#password', 'anlaufstelle-demo');
	await page.press('#password', 'Enter');
	await page.waitForURL((url) => !url.pathname.endsWith('/login'));
	return page;
}

/** Fails the test with the page's URL and every axe-core violation on it. */
export async function expectAccessible(page: Page): Promise<void> {
	expect(await axeViolations(page), page.url()).toEqual([]);
}
