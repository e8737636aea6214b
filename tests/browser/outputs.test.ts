/**
 * Partner links that arrive (issue 12 §7) in the browser: a referral issued from the contact form
 * can have its partner link mailed (again) from the referrals list by a plain form post, in
 * German and Arabic, and the page passes axe-core before and after.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, signIn } from '../helpers/browser';

const base = inject('baseUrl');
const dataDir = inject('dataDir');
const texts = (lang: string) => JSON.parse(readFileSync(`messages/outputs/${lang}.json`, 'utf8')) as Record<string, string>;
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

/** The `.eml` files the server wrote to its outbox. */
function outbox(): string[] {
	try {
		return readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
	} catch {
		return [];
	}
}

describe('mailing the partner link from the referrals list', () => {
	for (const lang of ['de', 'ar']) {
		it(`issues a referral, then mails its link from the list (${lang})`, async () => {
			// The app ships no JavaScript: these are plain form posts.
			const page = await signIn(browser, 'kalk@example.org', lang);
			await page.goto(`${base}/${lang}/staff/contacts?q=Deutsch`);
			const option = await page.$eval('#target_1 optgroup option', (o) => (o as HTMLOptionElement).value);
			await page.selectOption('#target_1', option);
			await page.selectOption('#referralTopic_1', 'language_course');
			await page.click('details.cc-theme:has(input[value="language_course"]) > summary');
			await page.check('input[name="topic"][value="language_course"]');
			await page.click('form.cc-form button.primary');
			await page.waitForSelector('.notice[role="status"]');

			await page.goto(`${base}/${lang}/staff/referrals`);
			expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
			const buttons = page.locator('form[action="?/mail"] button');
			expect(await buttons.count()).toBeGreaterThan(0);
			await expectAccessible(page);
			const before = outbox().length;
			await buttons.first().click();
			await page.waitForSelector('.notice[role="status"], .field-error[role="alert"]');
			const said = (await page.textContent('.notice[role="status"], .field-error[role="alert"]'))!.trim();
			const t = texts(lang);
			// Sent to the partner's address, or refused in words where its entry has none.
			const sent = new RegExp(`^${t.out_referral_mail_sent.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace('{email}', '\\S+@\\S+')}$`);
			if (sent.test(said)) expect(outbox().length).toBe(before + 1);
			else {
				expect(said).toBe(t.out_error_no_partner_email);
				expect(outbox().length).toBe(before);
			}
			await expectAccessible(page);
			await page.context().close();
		});
	}
});
