/**
 * Ehrenamt (issue 13) in the browser, in German and Arabic (the app ships no JavaScript; axe needs it in the page): a person registers
 * on the public page, reads the confirmation link from the outbox, sets a password and lands in
 * the volunteer area; every page passes axe-core, and bad input is named on the form.
 * The acceptance journey: register and confirm → staff record the Führungszeugnis inspection
 * (nobody without it can be invited, neither by the page nor by a forged POST) → staff post a
 * need and invite the top match → the volunteer accepts through the emailed link → logs hours,
 * staff confirm → the certificate PDF names the hours.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launch, newPage, signIn } from '../helpers/browser';
import { pdfText } from '../helpers/pdf';

const base = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;

/** A message of messages/volunteering as text: a plural message by its catch-all form. */
type RawMessage = string | { match: Record<string, string> }[];
const texts = (lang: string) =>
	Object.fromEntries(
		Object.entries(JSON.parse(readFileSync(`messages/volunteering/${lang}.json`, 'utf8')) as Record<string, RawMessage>).map(([k, v]) => [k, typeof v === 'string' ? v : Object.values(v[0].match).at(-1)!])
	);

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

		// The language fields suggest languages by name in the reader's language; the value sent is the code.
		expect(await page.getAttribute('#languages-0-language', 'list')).toBe('vo-languages');
		expect(await page.textContent('#vo-languages option[value="ar"]')).toBe(lang === 'ar' ? 'العربية' : 'Arabisch');
		expect(await page.textContent('#vo-languages option[value="prs"]')).toBe(lang === 'ar' ? 'الدارية' : 'Dari');
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
		// The summary names each field by its label, with the message shown at the field, in the order of the form.
		const summary = await page.$$eval('.error-summary li a', (links) =>
			links.map((a) => {
				const id = a.getAttribute('href')!.slice(1);
				const target = document.getElementById(id)!;
				const label = document.querySelector(`label[for="${id}"]`) ?? target.querySelector('legend');
				return { id, text: a.textContent, label: label?.textContent?.trim(), message: document.getElementById(`${id}-error`)?.textContent, at: [...document.querySelectorAll('[id]')].indexOf(target) };
			})
		);
		expect(summary.map((s) => s.id)).toEqual(expect.arrayContaining(['email', 'availability-0-endTime', 'consents']));
		for (const s of summary) expect(s.text).toBe(`${s.label}: ${s.message}`);
		expect(summary.map((s) => s.at)).toEqual(summary.map((s) => s.at).sort((a, b) => a - b));
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
	it('shows the needs, the hours to confirm and the steering figures to Welcome Point staff, accessibly', async () => {
		const page = await signIn(browser, 'wp5@example.org', lang);
		for (const path of ['needs', 'hours', 'tasks']) {
			const res = await page.goto(`${base}/${lang}/staff/volunteers/${path}`);
			expect(res?.status()).toBe(200);
			await expectAccessible(page);
		}
		// The municipality's administrators set periods, activities' and places' requirements.
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		await admin.goto(`${base}/${lang}/staff/volunteers/settings`);
		await expectAccessible(admin);
		await admin.fill('#fzMaxAgeMonths', '99');
		await admin.click('form[action="?/settings"] button[type="submit"]');
		await admin.waitForSelector('.error-summary');
		expect(await admin.getAttribute('#fzMaxAgeMonths', 'aria-invalid')).toBe('true');
		await expectAccessible(admin);
		await admin.close();
		// Steering shows Ehrenamt's figures: the dashboard panel and the capacity per social space.
		await page.goto(`${base}/${lang}/staff/steering`);
		expect(await page.textContent('#vo-panel')).toBe(texts(lang).vo_panel_title);
		await page.goto(`${base}/${lang}/staff/coverage`);
		expect(await page.textContent('#vo-capacity')).toBe(texts(lang).vo_capacity_title);
		expect(await page.locator('#vo-capacity ~ div tbody tr').count()).toBeGreaterThan(0);
	});
});

describe('links without sign-in', () => {
	it('answers an unknown invitation or calendar token with 404', async () => {
		expect((await fetch(`${base}/de/v/not-a-token`)).status).toBe(404);
		expect((await fetch(`${base}/api/volunteering/calendar/not-a-token.ics`)).status).toBe(404);
	});
});

/** Today in Berlin, and the first Wednesday at least two days ahead (`YYYY-MM-DD`). */
function days(): { today: string; past: string; wednesday: string } {
	const berlin = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(d);
	const now = new Date();
	let d = new Date(now.getTime() + 2 * 86_400_000);
	while (d.getUTCDay() !== 3) d = new Date(d.getTime() + 86_400_000);
	return { today: berlin(now), past: berlin(new Date(now.getTime() - 10 * 86_400_000)), wednesday: berlin(d) };
}

/** Submits a form the page does not offer (what a forged request would send), as the signed-in browser. */
async function forgePost(page: Page, action: string, fields: Record<string, string>): Promise<void> {
	await Promise.all([
		page.waitForLoadState('load'),
		page.evaluate(
			([a, f]) => {
				const form = document.createElement('form');
				form.method = 'POST';
				form.action = a;
				for (const [name, value] of Object.entries(f)) {
					const input = document.createElement('input');
					input.type = 'hidden';
					input.name = name;
					input.value = value;
					form.append(input);
				}
				document.body.append(form);
				form.submit();
			},
			[action, fields] as const
		)
	]);
	await page.waitForSelector('.error-summary');
}

describe.each([
	['de', 'sw'],
	['ar', 'ti']
])('the acceptance journey in %s', (lang, language) => {
	it('registers, is checked, matched, invited, accepts by mail, logs hours that staff confirm, and gets the certificate', { timeout: 180_000 }, async () => {
		const t = texts(lang);
		const { today, past, wednesday } = days();
		const email = `reise-${lang}@example.org`;
		const name = `Reise ${lang.toUpperCase()}`;

		// 1. A person registers on the public page and confirms the email.
		const volunteer = await newPage(browser);
		await volunteer.goto(`${base}/${lang}/m/duesseldorf/volunteer`);
		const space = await volunteer.getAttribute('input[name="socialSpaceIds"] >> nth=0', 'value');
		await volunteer.fill('#displayName', name);
		await volunteer.fill('#email', email);
		await volunteer.fill('#languages-0-language', language);
		await volunteer.selectOption('#languages-0-level', 'native');
		await volunteer.check('input[name="activities"][value="homework_help"]');
		await volunteer.check(`input[name="socialSpaceIds"][value="${space}"]`);
		for (const day of ['1', '2', '3', '4', '5']) await volunteer.check(`input[name="availability.0.weekdays"][value="${day}"]`);
		await volunteer.fill('#availability-0-startTime', '08:00');
		await volunteer.fill('#availability-0-endTime', '20:00');
		await volunteer.check('input[name="consents"][value="coordination"]');
		await volunteer.click('form.edit-form > button[type="submit"]');
		await volunteer.waitForSelector('p.notice[role="status"]');
		const confirm = /https?:\/\/\S+\/volunteer\/confirm\/[A-Za-z0-9_-]+/.exec(newestMailTo(email))![0];
		await volunteer.goto(confirm.replace(/^https?:\/\/[^/]+/, base));
		await volunteer.fill('#password', 'ein langes Passwort für die Reise');
		await volunteer.click('form button[type="submit"]');
		await volunteer.waitForURL(`${base}/${lang}/volunteer`);
		await expectAccessible(volunteer);

		// Staff find the new volunteer (the profile read is audited) …
		const staff = await signIn(browser, 'wp5@example.org', lang);
		await staff.goto(`${base}/${lang}/staff/volunteers?q=${encodeURIComponent(name)}`);
		await expectAccessible(staff);
		const href = (await staff.getAttribute(`a:has-text("${name}")`, 'href'))!;
		const profileId = href.split('/').at(-1)!;

		// 3a. … and post a need that asks for the Führungszeugnis. The new volunteer lacks it: the
		// page offers no invitation, and a forged POST is refused naming the check.
		await staff.goto(`${base}/${lang}/staff/volunteers/needs/new`);
		await expectAccessible(staff);
		await staff.fill('#title', `Hausaufgabenhilfe ${lang}`);
		await staff.selectOption('#activity', 'homework_help');
		await staff.selectOption('#socialSpaceId', space!);
		await staff.fill('#language', language);
		await staff.fill('#date', wednesday);
		await staff.fill('#startTime', '16:00');
		await staff.fill('#endTime', '18:00');
		await staff.check('input[name="requirements"][value="criminal_record"]');
		await staff.click('form.edit-form > button[type="submit"]');
		await staff.waitForURL(/\/staff\/volunteers\/needs\/[0-9a-f-]{36}$/);
		const needUrl = staff.url();
		await expectAccessible(staff);
		const lacking = staff.locator('tbody tr', { hasText: name });
		expect(await lacking.textContent()).toContain(t.vo_missing_criminal_record);
		expect(await lacking.locator('button').count()).toBe(0);
		await forgePost(staff, `${needUrl}?/invite`, { profileId });
		expect(await staff.textContent('.error-summary')).toContain(t.vo_missing_criminal_record);
		await expectAccessible(staff);

		// 2. Staff record the Führungszeugnis inspection: a future issue date is named, then saved.
		await staff.goto(`${base}/${lang}/staff/volunteers/${profileId}`);
		await expectAccessible(staff);
		expect(await staff.locator('input[type="file"]').count()).toBe(0);
		await staff.selectOption('#kind', 'criminal_record');
		await staff.fill('#inspectedOn', today);
		await staff.fill('#issuedOn', wednesday);
		await staff.selectOption('#noCatalogueOffence', 'yes');
		await staff.click('form[action="?/check"] button[type="submit"]');
		expect(await staff.textContent('#issuedOn-error')).toBe(t.vo_date_in_future);
		await expectAccessible(staff);
		await staff.fill('#issuedOn', past);
		await staff.click('form[action="?/check"] button[type="submit"]');
		await staff.waitForURL(/saved=check/);
		expect(await staff.textContent('#checks + p + ul')).toContain(t.vo_requirement_criminal_record);

		// 3b. Checked, the volunteer is the top match (their language, the need's social space)
		// and is invited with one click.
		await staff.goto(needUrl);
		const first = staff.locator('tbody tr').first();
		expect(await first.textContent()).toContain(name);
		await first.locator('button').click();
		await staff.waitForURL(/saved=invite/);
		expect(await staff.textContent('main')).toContain(t.vo_assignment_invited);

		// 4. The volunteer accepts through the emailed link (no sign-in needed).
		const answer = /https?:\/\/\S+\/v\/[A-Za-z0-9_-]+/.exec(newestMailTo(email))![0];
		const link = await newPage(browser);
		await link.goto(answer.replace(/^https?:\/\/[^/]+/, base));
		await expectAccessible(link);
		await link.click('button[formaction="?/accept"]');
		await link.waitForSelector('p.notice[role="status"]');
		expect(await link.textContent('p.notice')).toBe(t.vo_invitation_accepted);
		await volunteer.goto(`${base}/${lang}/volunteer`);
		expect(await volunteer.textContent('main')).toContain(`Hausaufgabenhilfe ${lang}`);
		await expectAccessible(volunteer);
		for (const path of ['needs', 'profile']) {
			await volunteer.goto(`${base}/${lang}/volunteer/${path}`);
			await expectAccessible(volunteer);
		}

		// 5. The volunteer logs hours (more than a day holds is named), staff confirm them.
		await volunteer.goto(`${base}/${lang}/volunteer/hours`);
		await expectAccessible(volunteer);
		await volunteer.fill('#workedOn', today);
		await volunteer.fill('#hours', '25');
		await volunteer.selectOption('#activity', 'homework_help');
		await volunteer.fill('#organisation', 'Welcome Point 5');
		await volunteer.click('form.edit-form > button[type="submit"]');
		expect(await volunteer.textContent('#hours-error')).toContain(t.vo_hours_over_day.split('{')[0]);
		await expectAccessible(volunteer);
		await volunteer.fill('#hours', '3');
		await volunteer.click('form.edit-form > button[type="submit"]');
		await volunteer.waitForURL(/saved=1/);
		expect(await volunteer.textContent('table')).toContain(t.vo_hours_pending);

		await staff.goto(`${base}/${lang}/staff/volunteers/hours`);
		await expectAccessible(staff);
		await staff.locator('tr', { hasText: name }).locator('button[value="confirmed"]').click();
		await staff.waitForURL(/saved=1/);
		await volunteer.goto(`${base}/${lang}/volunteer/hours`);
		expect(await volunteer.textContent('table')).toContain(t.vo_hours_confirmed);
		await expectAccessible(volunteer);
		await staff.goto(`${base}/${lang}/staff/volunteers/${profileId}`);
		expect(await staff.textContent('table')).toContain(t.vo_hours_confirmed);
		await expectAccessible(staff);

		// 6. The certificate PDF names the hours, in German and the volunteer's language.
		const [download] = await Promise.all([volunteer.waitForEvent('download'), volunteer.click('form[action$="/certificate.pdf"] button[type="submit"]')]);
		const pdf = readFileSync((await download.path())!);
		const text = pdfText(pdf);
		expect(text).toContain(name);
		expect(text).toContain('Insgesamt: 3 Stunden');
		if (lang === 'ar') expect(text).toContain('ساعة');
		await Promise.all([volunteer.close(), staff.close(), link.close()]);
	});
});
