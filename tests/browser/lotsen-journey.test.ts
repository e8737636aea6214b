/**
 * Issue 4 acceptance, in a browser, in German and Arabic, axe-clean on every page: a Welcome
 * Point counsellor logs a contact, opens a case on consent, refers the person to an offer, prints
 * the slip with the partner link; the receiving partner confirms through the link without an
 * account; a volunteer is assigned to accompany; the counsellor sees the outcome. Then the server
 * log and the error pages are searched for the name planted in the case.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, newPage, signIn } from '../helpers/browser';
import { Client } from '../helpers/http';

const base = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;

const messages = (lang: string) =>
	Object.assign({}, ...['casework-cases', 'casework-referrals', 'casework-contacts'].map((d) => JSON.parse(readFileSync(`messages/${d}/${lang}.json`, 'utf8'))));

/** The name planted in the cases; it must never reach a log or an error page. */
const PLANTED = 'Zarathustra Plantedname';
const caseUrls: string[] = [];

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());



function berlinInput(date: Date): string {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
			.formatToParts(date)
			.map((p) => [p.type, p.value])
	);
	return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

describe('Lotsen journey', () => {
	it.each(['de', 'ar'])('contact → case on consent → referral → partner confirmation → accompaniment (%s)', async (lang) => {
		const t = messages(lang);
		const staff = await signIn(browser, 'wp5@example.org', lang);
		expect(await staff.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');

		// 1. An anonymous contact.
		await staff.goto(`${base}/${lang}/staff`);
		await staff.click(`main a[href="/${lang}/staff/contacts"]`);
		await expectAccessible(staff);
		await staff.click('details.cc-theme:has(input[value="language_course"]) > summary');
		await staff.check('input[name="topic"][value="language_course"]');
		await staff.click('details.cc-theme:has(input[value="housing_search"]) > summary');
		await staff.check('input[name="unmet"][value="housing_search"]');
		await staff.click('form.cc-form button.primary');
		await staff.waitForSelector('.notice[role="status"]');
		await expectAccessible(staff);

		// 2. A case, only with consent: refused first, then opened.
		await staff.goto(`${base}/${lang}/staff/cases`);
		await staff.click('form.cs-form > button[type="submit"]');
		await staff.waitForSelector('.error-summary');
		await expectAccessible(staff);
		for (const p of ['referral', 'accompaniment']) await staff.check(`input[name="purposes"][value="${p}"]`);
		for (const c of ['display_name', 'language', 'appointments']) await staff.check(`input[name="dataCategories"][value="${c}"]`);
		await staff.check('input[name="partnerCategories"][value="language"]');
		await staff.fill('#cs-explained-in', 'ar');
		await staff.fill('#cs-language', 'ar');
		await staff.fill('#cs-display-name', `${PLANTED} ${lang}`);
		await staff.check('#cs-confirmed');
		await staff.click('form.cs-form > button[type="submit"]');
		await staff.waitForURL(/\/staff\/cases\/[0-9a-f-]{36}$/);
		const caseUrl = staff.url();
		caseUrls.push(caseUrl);
		// The purpose is chosen before any case data is shown.
		expect(await staff.content()).not.toContain(PLANTED);
		await expectAccessible(staff);
		await staff.check('input[name="purpose"][value="counselling"]');
		await staff.click('form[action="?/purpose"] button');
		await staff.waitForSelector('#cs-h-case');
		expect(await staff.content()).toContain(PLANTED);
		await expectAccessible(staff);

		// 3. Referral to an offer, with the slip carrying the partner token.
		await staff.fill('#cs-refer-q', 'Sprachcafé');
		await staff.click('form[role="search"] button');
		await staff.waitForSelector('#cs-refer-offer');
		await staff.selectOption('#cs-refer-topic', 'language_course');
		await staff.check('input[name="shareLanguage"]');
		await staff.click('form[action="?/refer"] button[type="submit"]');
		await staff.waitForSelector('.cs-issued');
		await expectAccessible(staff);
		await staff.click('.cs-issued a');
		await staff.waitForSelector('.cr-partner-box');
		await expectAccessible(staff);
		const partnerLink = (await staff.textContent('.cr-partner-box .slip-url'))!.trim();
		expect(partnerLink).toMatch(new RegExp(`^${base}/de/r/[A-Za-z0-9_-]{43}$`));
		const code = (await staff.textContent('.cr-partner-box .cr-code'))!.trim();

		// 4. The receiving partner confirms without an account: received → appointment → helped.
		const partner = await newPage(browser);
		const partnerUrl = partnerLink.replace('/de/r/', `/${lang}/r/`);
		for (const status of ['received', 'appointment', 'helped']) {
			await partner.goto(partnerUrl);
			expect(await partner.content()).toContain(code);
			// Only what the consent allows: the language, never the name.
			expect(await partner.content()).not.toContain(PLANTED);
			await expectAccessible(partner);
			await partner.check(`input[name="status"][value="${status}"]`);
			await partner.click('form.edit-form button[type="submit"]');
			await partner.waitForURL(/\/r\/thanks/);
		}
		await expectAccessible(partner);
		const used = await partner.goto(partnerUrl);
		expect(used!.status()).toBe(410);
		await expectAccessible(partner);

		// 5. Accompaniment: requested on the case, assigned to a volunteer, seen by the volunteer.
		await staff.goto(`${caseUrl}/accompaniment`);
		await expectAccessible(staff);
		await staff.fill('#appointmentAt', berlinInput(new Date(Date.now() + 3 * 86_400_000)));
		await staff.fill('#place', 'Gemeindehaus am Markt, Kaiserswerther Markt 20');
		await staff.fill('#language', 'ar');
		await staff.click('form.edit-form button[type="submit"]');
		await staff.waitForURL(/accompaniment\?requested/);
		await staff.goto(`${base}/${lang}/staff/accompaniments`);
		await expectAccessible(staff);
		const form = staff.locator('form[action="?/assign"]').last();
		// Option 0 is "choose"; the demo volunteers of issue 13 are listed too, so pick the demo login.
		const names = await form.locator('select[name="volunteer"] option').allTextContents();
		const demoLogin = names.findIndex((n) => n.includes('Demo Ehrenamtliche'));
		expect(demoLogin).toBeGreaterThan(0);
		await form.locator('select[name="volunteer"]').selectOption({ index: demoLogin });
		await form.locator('button').click();
		await staff.waitForSelector('.notice[role="status"]');
		const volunteer = await signIn(browser, 'ehrenamt.duesseldorf@example.org', lang);
		await volunteer.goto(`${base}/${lang}/volunteer`);
		expect(await volunteer.content()).toContain('Kaiserswerther Markt 20');
		expect(await volunteer.content()).not.toContain(PLANTED);
		await expectAccessible(volunteer);

		// 6. The counsellor sees the partner's answer on the case.
		await staff.goto(caseUrl);
		expect(await staff.textContent('#cs-h-referrals + ul')).toContain(t.cs_referral_status_helped);
		await staff.context().close();
		await partner.context().close();
		await volunteer.context().close();
	});

	it('keeps the planted name out of the server log and out of error and refusal pages', async () => {
		expect(caseUrls.length).toBe(2);
		const staff = new Client(base);
		expect(await staff.login('wp5@example.org')).toBe(303);
		const other = new Client(base);
		expect(await other.login('wp6@example.org')).toBe(303);
		const caseUrl = caseUrls[0].replace(base, '');
		const bodies: string[] = [];
		// Refusals and errors: another instance's staff, an unknown case, a bad form, a locked case.
		for (const r of [
			await other.get(caseUrl),
			await other.get(`${caseUrl}/export.json`),
			await staff.get(caseUrl.replace(/[0-9a-f]{12}$/, '000000000000')),
			await staff.get(`${caseUrl}/consent-form?x=%ff%fe`)
		]) {
			bodies.push(r.text);
		}
		const step = await staff.request(`${caseUrl}?/step`, { form: { kind: 'nonsense', at: 'not a date' } });
		bodies.push(await step.text());
		await staff.request(`${caseUrl}?/withdraw`, { form: { confirm: 'yes' } });
		const locked = await staff.request(`${caseUrl}?/note`, { form: { body: `${PLANTED} in a note` } });
		expect([409, 303, 200]).toContain(locked.status);
		bodies.push(await locked.text());
		for (const body of bodies) expect(body).not.toContain('Plantedname');
		const log = readFileSync(path.join(dataDir, 'server.log'), 'utf8');
		expect(log).not.toContain('Plantedname');
	});
});
