import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, signIn } from '../helpers/browser';

const base = inject('baseUrl');
const de = JSON.parse(readFileSync('messages/casework-contacts/de.json', 'utf8'));
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());



describe('contact log and statistics pages', () => {
	it('records a contact with a referral without JavaScript, shows the reference code and slip link, and lists it', async () => {
		const page = await signIn(browser, 'kalk@example.org');
		await page.click('main a[href="/de/staff/contacts"]');
		await page.waitForURL(`${base}/de/staff/contacts`);
		await expectAccessible(page);
		await page.click('details.cc-theme:has(input[value="language_course"]) > summary');
		await page.check('input[name="topic"][value="language_course"]');
		await page.click('details.cc-theme:has(input[value="housing_search"]) > summary');
		await page.check('input[name="unmet"][value="housing_search"]');
		await page.check('input[name="channel"][value="phone"]');
		await page.check('input[name="interpreter"]');
		await page.fill('#q', 'Deutsch');
		await page.click('.cc-search button');
		await page.waitForURL(/\/search$/);
		// The search keeps what was entered (issue 12 §8): no script, nothing stored.
		expect(await page.isChecked('input[name="topic"][value="language_course"]')).toBe(true);
		expect(await page.isChecked('input[name="unmet"][value="housing_search"]')).toBe(true);
		expect(await page.isChecked('input[name="channel"][value="phone"]')).toBe(true);
		expect(await page.isChecked('input[name="interpreter"]')).toBe(true);
		expect(await page.inputValue('#q')).toBe('Deutsch');
		expect(await page.$eval('details.cc-theme:has(input[value="language_course"])', (d) => (d as HTMLDetailsElement).open)).toBe(true);
		const option = await page.$eval('#target_1 optgroup option', (o) => (o as HTMLOptionElement).value);
		expect(option).toMatch(/^(service|organization):/);
		await page.selectOption('#target_1', option);
		await page.selectOption('#referralTopic_1', 'language_course');
		await page.click('form.cc-form button.primary');
		await page.waitForSelector('.notice[role="status"]');
		const notice = await page.textContent('.notice[role="status"]');
		expect(notice).toMatch(/Referenzcode [2-9A-Z]{4}-[2-9A-Z]{4}/);
		if (option.startsWith('service:')) expect(await page.getAttribute('.cc-issued a', 'href')).toMatch(/\/de\/m\/koeln\/o\/[0-9a-f-]{36}\/slip\?ref=[A-Za-z0-9_-]{43}$/);
		expect(await page.textContent('table.cc-today')).toContain('Sprachkurs');
		// After saving, the form starts again from the defaults, folded.
		expect(await page.isChecked('input[name="topic"][value="language_course"]')).toBe(false);
		expect(await page.$$eval('form.cc-form details[open]', (d) => d.length)).toBe(0);
		await expectAccessible(page);
	});

	it('is short on a phone: the rare parts are folded', async () => {
		const page = await signIn(browser, 'wp5@example.org');
		await page.setViewportSize({ width: 360, height: 740 });
		await page.goto(`${base}/de/staff/contacts`);
		const height = await page.$eval('form.cc-form', (f) => f.getBoundingClientRect().height);
		// 3,600 px before issue 12; the whole form now takes about two phone screens.
		expect(height).toBeLessThan(1700);
		expect(await page.$$eval('form.cc-form details', (d) => d.length)).toBeGreaterThanOrEqual(6);
		expect(await page.isVisible('#date')).toBe(false);
		expect(await page.isVisible('#q')).toBe(true);
		await expectAccessible(page);
	});

	it('names the bad field when the date is in the future', async () => {
		const page = await signIn(browser, 'kalk@example.org');
		await page.goto(`${base}/de/staff/contacts`);
		await page.click('details.cc-more:has(#date) > summary');
		await page.$eval('#date', (el) => ((el as HTMLInputElement).value = '2999-01-01'));
		await page.click('details.cc-theme:has(input[value="housing"]) > summary');
		await page.check('input[name="topic"][value="housing"]');
		await page.click('form.cc-form button.primary');
		await page.waitForSelector('.error-summary');
		expect(await page.textContent('.error-summary')).toContain('Zukunft');
		// The folded part with the error opens itself, and keeps what was entered.
		expect(await page.isVisible('#date')).toBe(true);
		expect(await page.inputValue('#date')).toBe('2999-01-01');
		expect(await page.isChecked('input[name="topic"][value="housing"]')).toBe(true);
		await expectAccessible(page);
	});

	it('shows the instance report with charts and tables, and downloads suppressed CSV', async () => {
		const page = await signIn(browser, 'kalk@example.org');
		await page.goto(`${base}/de/staff/statistics`);
		await page.fill('#period', String(new Date().getFullYear()));
		await page.click('form.cc-report-form button');
		await page.waitForSelector('svg.bar-chart[role="img"]');
		await expectAccessible(page);
		const href = await page.getAttribute('.cc-downloads a', 'href');
		const res = await page.request.get(`${base}${href}`);
		expect(res.status()).toBe(200);
		const csv = await res.text();
		expect(csv.charCodeAt(0)).toBe(0xfeff);
		expect(csv.split('\n')[0]).toContain(',');
		expect(csv).not.toMatch(/,[1-4]\r?$/m);
	});

	it('works in Arabic, right to left, for a Welcome Point', async () => {
		const page = await signIn(browser, 'wp5@example.org', 'ar');
		await page.goto(`${base}/ar/staff/contacts`);
		await expectAccessible(page);
		await page.goto(`${base}/ar/staff/statistics?period=${new Date().getFullYear()}`);
		await page.waitForSelector('svg.bar-chart');
		await expectAccessible(page);
	});

	it('gives administrators district reports, suppressed, and refuses partners', async () => {
		const page = await signIn(browser, 'admin.duesseldorf@example.org');
		await page.goto(`${base}/de/staff/statistics`);
		const district = await page.$eval('#scope optgroup:last-of-type option', (o) => (o as HTMLOptionElement).value);
		expect(district).toMatch(/^district:/);
		await page.goto(`${base}/de/staff/statistics?scope=${district}&period=${new Date().getFullYear()}`);
		expect(await page.textContent('main')).toContain('„<5“');
		await expectAccessible(page);
		const partner = await signIn(browser, 'partner.duesseldorf@example.org');
		const res = await partner.request.get(`${base}/de/staff/statistics/download?scope=${district}&period=2026&format=csv`);
		expect(res.status()).toBe(403);
	});

	it('says when a scope is unknown, and refuses malformed ids and downloads with 404 and 400', async () => {
		const page = await signIn(browser, 'kalk@example.org');
		const res = await page.goto(`${base}/de/staff/statistics?scope=instance:nonsense&period=2026`);
		expect(res?.status()).toBe(200);
		expect(await page.textContent('#scope-error')).toBe(de.cc_scope_invalid);
		expect(await page.getAttribute('#scope', 'aria-invalid')).toBe('true');
		await expectAccessible(page);
		const download = await page.request.get(`${base}/de/staff/statistics/download?scope=nonsense&period=2026&format=csv`);
		expect(download.status()).toBe(400);
		for (const url of ['/de/staff/cases/nonsense', '/de/staff/cases/nonsense/export.json', '/de/staff/referrals/nonsense/slip?ref=x']) {
			expect((await page.request.get(`${base}${url}`)).status(), url).toBe(404);
		}
	});
});
