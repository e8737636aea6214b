/**
 * Ehrenamt (issue 13) in the browser, in German and Arabic (the app ships no JavaScript; axe needs it in the page): a person registers
 * on the public page, reads the confirmation link from the outbox, sets a password and lands in
 * the volunteer area; every page passes axe-core, and bad input is named on the form.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, newPage, signIn } from '../helpers/browser';

const base = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;

const texts = (lang: string) => JSON.parse(readFileSync(`messages/volunteering/${lang}.json`, 'utf8')) as Record<string, string>;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

/** The text of the newest mail to `to`, its transfer encoding (base64 or quoted-printable) undone. */
function newestMailTo(to: string): string {
	const dir = path.join(dataDir, 'outbox');
	const raw = readdirSync(dir)
		.filter((f) => f.endsWith('.eml'))
		.sort()
		.map((f) => readFileSync(path.join(dir, f), 'utf8'))
		.filter((r) => r.includes(`To: ${to}`))
		.at(-1)!;
	const split = raw.search(/\r?\n\r?\n/);
	const head = raw.slice(0, split);
	const body = raw.slice(split).trim();
	if (/Content-Transfer-Encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

describe.each(['de', 'ar'])('registration in %s', (lang) => {
	it('registers without an account, names bad input, confirms by the emailed link and signs in', async () => {
		const t = texts(lang);
		const email = `helfer-${lang}@example.org`;
		const page = await newPage(browser);
		await page.goto(`${base}/${lang}/m/duesseldorf/volunteer`);
		expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
		await expectAccessible(page);

		await page.fill('#displayName', 'Helfer');
		await page.fill('#email', 'kein-at');
		await page.fill('#languages-0-language', 'ar');
		await page.selectOption('#languages-0-level', 'native');
		await page.check('input[name="activities"][value="language_mediation"]');
		await page.check('input[name="availability.0.weekdays"][value="1"]');
		await page.fill('#availability-0-startTime', '18:00');
		await page.fill('#availability-0-endTime', '09:00');
		await page.click('form.edit-form > button[type="submit"]');
		await page.waitForSelector('.error-summary');
		expect(await page.isVisible('#email-error')).toBe(true);
		expect(await page.textContent('#availability-0-endTime-error')).toBe(t.vo_ends_before_start);
		expect(await page.inputValue('#displayName')).toBe('Helfer');
		await expectAccessible(page);

		await page.fill('#email', email);
		await page.fill('#availability-0-endTime', '20:00');
		for (const box of await page.$$('input[name="consents"]')) await box.check();
		await page.click('form.edit-form > button[type="submit"]');
		await page.waitForSelector('p.notice[role="status"]');
		expect(await page.textContent('p.notice')).toBe(t.vo_register_sent);

		const link = /https?:\/\/\S+\/volunteer\/confirm\/[A-Za-z0-9_-]+/.exec(newestMailTo(email))![0];
		await page.goto(link.replace(/^https?:\/\/[^/]+/, base));
		await expectAccessible(page);
		await page.fill('#password', 'ein langes Passwort für das Ehrenamt');
		await page.click('form button[type="submit"]');
		await page.waitForURL(`${base}/${lang}/volunteer`);

		// The same link a second time registers nobody.
		const again = await newPage(browser);
		await again.goto(link.replace(/^https?:\/\/[^/]+/, base));
		expect(await again.textContent('p.notice')).toContain(t.vo_confirm_used);
		await expectAccessible(again);
	});
});

describe.each(['de', 'ar'])('coordination pages in %s', (lang) => {
	it('shows the needs and the hours to confirm to Welcome Point staff, accessibly', async () => {
		const page = await signIn(browser, 'wp5@example.org', lang);
		for (const path of ['needs', 'hours']) {
			const res = await page.goto(`${base}/${lang}/staff/volunteers/${path}`);
			expect(res?.status()).toBe(200);
			await expectAccessible(page);
		}
	});
});

describe('links without sign-in', () => {
	it('answers an unknown invitation or calendar token with 404', async () => {
		expect((await fetch(`${base}/de/v/not-a-token`)).status).toBe(404);
		expect((await fetch(`${base}/api/volunteering/calendar/not-a-token.ics`)).status).toBe(404);
	});
});
