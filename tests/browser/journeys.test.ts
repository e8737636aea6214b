import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, newPage } from '../helpers/browser';

const base = inject('baseUrl');
let browser: Browser;
/** A JavaScript-enabled page for running axe on public URLs visited with JavaScript off. */
let auditor: Page;

beforeAll(async () => {
	browser = await launch();
	auditor = await newPage(browser);
});
afterAll(() => browser?.close());

const LANGS = ['de', 'ar'] as const;
const messages = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(`messages/${l}.json`, 'utf8'))]));

/** axe on the URL a JavaScript-disabled page is showing (axe itself needs JavaScript). */
async function expectAccessibleUrl(page: Page) {
	await auditor.goto(page.url());
	await expectAccessible(auditor);
}

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 80) {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
	}
	throw new Error(`could not reach ${selector} by keyboard`);
}

describe.each(LANGS)('public journey in %s', (lang) => {
	it('goes from the start page to a district and a Welcome Point by keyboard alone, accessibly, without JavaScript', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/${lang}`);
		expect(await page.getAttribute('html', 'lang')).toBe(lang);
		expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
		await expectAccessibleUrl(page);

		await tabTo(page, `a[href="/${lang}/m/koeln"]`);
		await page.keyboard.press('Enter');
		await page.waitForURL(`${base}/${lang}/m/koeln`);
		await expectAccessibleUrl(page);

		await tabTo(page, 'svg a[aria-label="Kalk"]');
		await page.keyboard.press('Enter');
		await page.waitForURL(`${base}/${lang}/m/koeln/d/kalk`);
		expect(await page.textContent('h1')).toBe('Kalk');
		await expectAccessibleUrl(page);

		await page.goto(`${base}/${lang}/m/duesseldorf/d/stadtbezirk-6`);
		await expectAccessibleUrl(page);
		await tabTo(page, `a[href="/${lang}/m/duesseldorf/i/welcome-point-6"]`);
		await page.keyboard.press('Enter');
		await page.waitForURL(`${base}/${lang}/m/duesseldorf/i/welcome-point-6`);
		expect(await page.textContent('main')).toContain(messages[lang].dim_organisation_forms);
		await expectAccessibleUrl(page);
		// From the Welcome Point to what happens there and to the offers of its Stadtteil.
		await page.click(`a[href="/${lang}/m/duesseldorf/calendar/instance/welcome-point-6"]`);
		await page.waitForURL(`${base}/${lang}/m/duesseldorf/calendar/instance/welcome-point-6`);
		expect(await page.textContent('h1')).toContain('Welcome Point Stadtbezirk 6');
		await page.goBack();
		const nearby = page.locator('nav[aria-labelledby="here-heading"] a[href*="/search?space="]');
		const place = (await nearby.textContent())!;
		await nearby.click();
		await page.waitForURL(/\/search\?space=[a-z0-9-]+$/);
		const chosen = await page.locator('select[name="space"] option:checked').textContent();
		expect(place).toContain(chosen!.trim());
		expect(await page.locator('.ww-hits > li').count()).toBeGreaterThan(0);
		await expectAccessibleUrl(page);

		await page.goto(`${base}/${lang}/compare?municipality=duesseldorf`);
		expect(await page.locator('table.compare thead th').count()).toBe(2);
		await expectAccessibleUrl(page);
		await page.context().close();
	});

	it('finds from the municipality page what happens in the city, where to join in, and a recent participation’s results', async () => {
		const page = await newPage(browser, { javaScript: false });
		await page.goto(`${base}/${lang}/m/duesseldorf`);
		const nav = page.locator('nav[aria-labelledby="take-part-heading"]');
		for (const href of ['calendar', 'volunteer', 'networks']) expect(await nav.locator(`a[href="/${lang}/m/duesseldorf/${href}"]`).count(), href).toBe(1);
		await expectAccessibleUrl(page);
		// The demo's campaign closed a month ago: its results are linked, under the reader's label.
		const results = nav.locator('a[href$="/results"]');
		expect(await results.textContent()).toContain(messages[lang].municipality_campaign_results);
		const title = (await results.locator('bdi').textContent())!;
		await results.click();
		await page.waitForURL(/\/participation\/[0-9a-f-]{36}\/results$/);
		expect(await page.textContent('h1')).toContain(title);
		await page.goBack();
		await nav.locator(`a[href="/${lang}/m/duesseldorf/calendar"]`).click();
		await page.waitForURL(`${base}/${lang}/m/duesseldorf/calendar`);
		expect(await page.textContent('h1')).toContain('Düsseldorf');
		await page.context().close();
	});

	it('prints a profile without navigation, language switcher or forms', async () => {
		const page = await newPage(browser);
		await page.goto(`${base}/${lang}/m/duesseldorf/i/welcome-point-5`);
		await page.emulateMedia({ media: 'print' });
		expect(await page.locator('.languages').isVisible()).toBe(false);
		expect(await page.locator('.site-header nav').first().isVisible()).toBe(false);
		expect(await page.locator('h1').isVisible()).toBe(true);
		const pdf = await page.pdf({ format: 'A4' });
		expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
		await page.context().close();
	});
});

describe.each(LANGS)('staff journey in %s', (lang) => {
	it('signs in, corrects a field error shown in the language, saves the profile, and signs out', async () => {
		const t = messages[lang];
		const page = await newPage(browser);
		await page.goto(`${base}/${lang}/login`);
		await expectAccessible(page);
		await page.fill('#email', 'wp5@example.org');
		await page.fill('#password', 'anlaufstelle-demo');
		await page.press('#password', 'Enter');
		await page.waitForURL(`${base}/${lang}/staff`);
		await expectAccessible(page);

		await page.click('main a[href*="/staff/instances/"]');
		await page.waitForURL(/\/staff\/instances\/[0-9a-f-]{36}$/);
		await expectAccessible(page);
		await page.fill('#email', 'kein-at');
		await page.check('input[name="profile.methods"][value="group_work"]');
		await page.click('form.edit-form button[type="submit"]');
		await expect.poll(() => page.textContent('#email-error')).toBe(t.error_invalid_email);
		expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
		expect(await page.isChecked('input[name="profile.methods"][value="group_work"]')).toBe(true);
		await expectAccessible(page);

		await page.fill('#email', 'wp5@example.org');
		await page.click('form.edit-form button[type="submit"]');
		await page.waitForURL(/\?saved=1$/);
		expect(await page.textContent('[role="status"]')).toBe(t.saved);
		expect(await page.isChecked('input[name="profile.methods"][value="group_work"]')).toBe(true);

		await page.goto(`${base}/${lang}/m/duesseldorf/i/welcome-point-5`);
		expect(await page.textContent('main')).toContain(t.opt_methods_group_work);

		await page.goto(`${base}/${lang}/staff/account`);
		await expectAccessible(page);
		await page.click('.site-header form button');
		await page.waitForURL(`${base}/${lang}`);
		await page.goto(`${base}/${lang}/staff`);
		expect(page.url()).toBe(`${base}/${lang}/login`);
		await page.context().close();
	});

	it('shows the administrator the users and the audit log accessibly', async () => {
		const page = await newPage(browser);
		await page.goto(`${base}/${lang}/login`);
		await page.fill('#email', 'admin.duesseldorf@example.org');
		await page.fill('#password', 'anlaufstelle-demo');
		await page.press('#password', 'Enter');
		await page.waitForURL(`${base}/${lang}/staff`);
		await page.goto(`${base}/${lang}/admin`);
		expect(await page.textContent('main')).toContain('wp5@example.org');
		await expectAccessible(page);
		await page.context().close();
	});
});
