import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, signIn } from '../helpers/browser';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());



describe('case pages', () => {
	it.each(['de', 'ar'])('open a case with consent, choose a read purpose, work on it and print the consent form (%s), axe-clean', async (lang) => {
		const page = await signIn(browser, 'wp5@example.org', lang);
		await page.goto(`${base}/${lang}/staff`);
		await page.click(`main a[href="/${lang}/staff/cases"]`);
		await page.waitForURL(`${base}/${lang}/staff/cases`);
		await expectAccessible(page);
		// Without the confirmation and language the server refuses, with an error summary.
		await page.click('form.cs-form > button[type="submit"]');
		await page.waitForSelector('.error-summary');
		expect(await page.locator('.error-summary li').count()).toBeGreaterThanOrEqual(3);
		await expectAccessible(page);
		await page.check('input[name="dataCategories"][value="display_name"]');
		await page.check('input[name="dataCategories"][value="notes"]');
		await page.check('input[name="purposes"][value="referral"]');
		await page.fill('#cs-explained-in', 'ar');
		await page.fill('#cs-language', 'ar');
		await page.fill('#cs-display-name', 'Browser Test Person');
		await page.check('#cs-confirmed');
		await page.click('form.cs-form > button[type="submit"]');
		await page.waitForURL(/\/staff\/cases\/[0-9a-f-]{36}$/);
		const caseUrl = page.url();
		expect(await page.content()).not.toContain('Browser Test Person');
		await expectAccessible(page);
		await page.check('input[name="purpose"][value="counselling"]');
		await page.click('form[action="?/purpose"] button');
		await page.waitForSelector('#cs-h-case');
		expect(await page.content()).toContain('Browser Test Person');
		await page.fill('#cs-note-body', 'Notiz aus dem Browser');
		await page.click('form[action="?/note"] button');
		await page.waitForSelector('.notice');
		expect(await page.locator('#cs-h-notes + ul').textContent()).toContain('Notiz aus dem Browser');
		await expectAccessible(page);
		await page.goto(`${caseUrl}/consent-form`);
		expect(await page.locator('.cs-consent-columns section[lang="ar"]').count()).toBe(1);
		expect(await page.locator('.cs-consent-columns section[lang="de"]').count()).toBe(1);
		await expectAccessible(page);
		await page.goto(caseUrl);
		await page.check('#cs-withdraw-confirm');
		await page.click('form[action="?/withdraw"] button');
		await page.waitForSelector('#cs-h-case');
		const res = await page.request.post(`${caseUrl}?/note`, { form: { body: 'x' }, headers: { origin: base } });
		expect(res.status()).toBe(409);
	});
});
