/**
 * Issue 5 §2 and §5 in a browser, in German and Arabic, axe-clean on every page: an administrator
 * enters a programme with deadlines (first with an end before the start, refused), finds the
 * deadline on the calendar and downloads the iCalendar feed; Welcome Point staff fill in a
 * self-assessment (an incomplete submission is refused) and the administrator compares.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, signIn } from '../helpers/browser';
import { Client } from '../helpers/http';

const base = inject('baseUrl');
let browser: Browser;

const messages = (lang: string) => JSON.parse(readFileSync(`messages/steering-programmes/${lang}.json`, 'utf8')) as Record<string, string>;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());



describe('programmes and deadlines', () => {
	it.each(['de', 'ar'])('admin enters a programme, sees its deadline on the calendar and downloads the feed (%s)', async (lang) => {
		const t = messages(lang);
		const name = `Browser-Programm ${lang} (Test)`;
		const page = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		await page.goto(`${base}/${lang}/staff/programmes`);
		await expectAccessible(page);
		expect(await page.textContent('main')).toContain('KOMM-AN NRW');
		await page.click(`a[href="/${lang}/staff/programmes/new"]`);
		await page.waitForURL(/\/staff\/programmes\/new$/);
		await expectAccessible(page);

		await page.fill('#name', name);
		await page.selectOption('#funderLevel', 'eu');
		await page.check('input[name="themeFields"][value="labour"]');
		await page.fill('#budget', '10.000,50');
		await page.fill('#startsOn', '2027-01-01');
		await page.fill('#endsOn', '2026-12-31');
		await page.fill('#deadlines-0-dueOn', '2027-03-17');
		await page.fill('#deadlines-0-label', `Antragsfrist ${lang}`);
		// Enter in a field saves (and so validates); it does not add deadline rows
		await page.press('#deadlines-0-label', 'Enter');
		await page.waitForSelector('.error-summary');
		expect(await page.textContent('.error-summary')).toContain(t.pg_err_end_before_start);
		expect(await page.getAttribute('#endsOn', 'aria-invalid')).toBe('true');
		expect(await page.inputValue('#deadlines-0-label')).toBe(`Antragsfrist ${lang}`);
		await expectAccessible(page);

		// More deadline rows without JavaScript: the typed values stay.
		await page.click('button[name="intent"][value="more"]');
		await page.waitForSelector('#deadlines-5-dueOn');
		expect(await page.inputValue('#name')).toBe(name);

		await page.fill('#endsOn', '2027-12-31');
		await page.fill('#deadlines-1-dueOn', '2027-06-30');
		await page.fill('#deadlines-1-label', 'Zwischenbericht');
		await page.click('button[name="intent"][value="save"]');
		await page.waitForURL(/\/staff\/programmes\/[0-9a-f-]{36}\?saved=1$/);
		expect(await page.textContent('h1')).toBe(name);
		expect(await page.textContent('.pg-facts')).toContain(t.pg_level_eu);
		await expectAccessible(page);

		await page.goto(`${base}/${lang}/staff/programmes/calendar?month=2027-03`);
		const day = page.locator('.pg-days > li', { has: page.locator('time[datetime="2027-03-17"]') });
		expect(await day.textContent()).toContain(`Antragsfrist ${lang}`);
		expect(await day.textContent()).toContain(name);
		await expectAccessible(page);
		await page.click('a[rel="next"]');
		await page.waitForURL(/month=2027-04/);

		await page.goto(`${base}/${lang}/staff/programmes/calendar?month=2027-03`);
		const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/api/steering/duesseldorf/deadlines.ics"]')]);
		const ics = readFileSync((await download.path())!, 'utf8');
		expect(ics).toContain('BEGIN:VCALENDAR');
		expect(ics).toContain('DTSTART;VALUE=DATE:20270317');
		expect(ics).toContain(`SUMMARY:Antragsfrist ${lang} – ${name}`);
		expect(ics).not.toContain('foerderung@example.org');
		await page.context().close();
	});

	it('serves the feed without login as text/calendar with stable UIDs', async () => {
		const anonymous = new Client(base);
		const a = await anonymous.get('/api/steering/duesseldorf/deadlines.ics');
		const b = await anonymous.get('/api/steering/duesseldorf/deadlines.ics');
		expect(a.status).toBe(200);
		expect(a.res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
		const uids = (s: string) => [...s.matchAll(/^UID:(.+)$/gm)].map((m) => m[1].trim());
		expect(uids(a.text).length).toBeGreaterThan(3);
		expect(uids(b.text)).toEqual(uids(a.text));
		expect((await anonymous.get('/api/steering/nowhere/deadlines.ics')).status).toBe(404);
		// The staff pages themselves stay behind the login.
		expect((await anonymous.get('/de/staff/programmes')).status).toBe(303);
	});
});

describe('self-assessment', () => {
	it.each([
		['de', 'wp5@example.org', 'Welcome Point Stadtbezirk 5'],
		['ar', 'wp6@example.org', 'Welcome Point Stadtbezirk 6']
	])('staff fill in and submit, the admin compares (%s)', async (lang, email, instanceName) => {
		const t = messages(lang);
		const staff = await signIn(browser, email, lang);
		await staff.goto(`${base}/${lang}/staff/assessment`);
		await expectAccessible(staff);
		await staff.fill('#year', '2026');
		await staff.click('form.sa-open button[type="submit"]');
		await staff.waitForURL(/\/staff\/assessment\/[0-9a-f-]{36}$/);
		await expectAccessible(staff);

		const answers = staff.locator('fieldset.sa-answer');
		const n = await answers.count();
		expect(n).toBe(8);
		// Rate all but the last, save a draft, then try to submit incomplete.
		for (let i = 0; i < n - 1; i++) {
			await answers.nth(i).locator(`input[type="radio"][value="${i % 4}"]`).check();
			await answers.nth(i).locator('textarea').fill(`Nachweis ${i + 1}`);
		}
		await staff.click('button[name="intent"][value="draft"]');
		await staff.waitForURL(/saved=draft/);
		expect(await staff.isChecked(`fieldset.sa-answer >> nth=2 >> input[value="2"]`)).toBe(true);
		await staff.click('button[name="intent"][value="submit"]');
		await staff.waitForSelector('.error-summary');
		expect(await staff.textContent('.error-summary')).toContain(t.sa_err_missing.replace('{code}', 'O1'));
		await expectAccessible(staff);

		await answers.nth(n - 1).locator('input[type="radio"][value="3"]').check();
		await staff.click('button[name="intent"][value="submit"]');
		await staff.waitForURL(/saved=submitted/);
		expect(await staff.locator('fieldset.sa-answer').count()).toBe(0);
		expect(await staff.textContent('table.sa-answers')).toContain('Nachweis 1');
		await expectAccessible(staff);
		await staff.context().close();

		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		await admin.goto(`${base}/${lang}/staff/assessment?year=2026`);
		const row = admin.locator('table.sa-compare tbody tr', { hasText: instanceName });
		const cells = (await row.locator('td').allTextContents()).map((s) => s.trim());
		// Ratings 0,1,2,3,0,1,2 and 3 for O1: average 1.5.
		expect(cells.slice(0, 8)).toEqual(['0', '1', '2', '3', '0', '1', '2', '3']);
		expect(cells[8]).toBe(new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(1.5));
		expect(await admin.textContent('.sa-compare caption')).toContain('1');
		await expectAccessible(admin);
		await admin.goto(`${base}/${lang}/staff/assessment?year=2025`);
		const wp5 = admin.locator('table.sa-compare tbody tr', { hasText: 'Welcome Point Stadtbezirk 5' });
		expect((await wp5.locator('td').first().textContent())!.trim()).toBe('3');
		await expectAccessible(admin);
		await admin.context().close();
	});
});

describe('assessment catalogue', () => {
	it.each(['de', 'ar'])('admin starts a new version as a copy, is told about a duplicate code, saves and publishes; published versions are frozen (%s)', async (lang) => {
		const t = messages(lang);
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		await admin.goto(`${base}/${lang}/staff/assessment`);
		await admin.click('form.sa-start button[type="submit"]');
		await admin.waitForURL(/\/staff\/assessment\/catalogue\/[0-9a-f-]{36}$/);
		expect(await admin.inputValue('#criteria-0-code')).toBe('V1');
		expect(await admin.inputValue('#criteria-7-code')).toBe('O1');
		// The copy plus three blank rows; the first blank row takes the new criterion.
		const copied = (await admin.locator('input[id$="-code"]').count()) - 3;
		const row = `#criteria-${copied}`;
		await expectAccessible(admin);

		await admin.fill(`${row}-code`, 'V1');
		await admin.fill(`${row}-task`, 'Vernetzen');
		await admin.fill(`${row}-title`, `Neues Kriterium ${lang}`);
		await admin.click('button[name="intent"][value="save"]');
		await admin.waitForSelector('.error-summary');
		expect(await admin.textContent('.error-summary')).toContain(t.sa_err_code_taken.replace('{code}', 'V1'));
		expect(await admin.getAttribute(`${row}-code`, 'aria-invalid')).toBe('true');
		await expectAccessible(admin);

		await admin.fill(`${row}-code`, `N2${lang}`);
		await admin.press(`${row}-code`, 'Enter');
		await admin.waitForSelector('.notice[role="status"]');
		expect(await admin.inputValue(`${row}-title`)).toBe(`Neues Kriterium ${lang}`);
		await admin.click('form[action="?/publish"] button');
		await admin.waitForSelector('ol.sa-criteria');
		expect(await admin.locator('ol.sa-criteria > li').count()).toBe(copied + 1);
		expect(await admin.locator('form[action="?/save"]').count()).toBe(0);
		await expectAccessible(admin);

		// A published version takes no edits, even posted by hand.
		const catalogueUrl = admin.url();
		const http = new Client(base);
		await http.login('admin.duesseldorf@example.org', 'anlaufstelle-demo', lang);
		const res = await http.request(new URL(catalogueUrl).pathname + '?/save', { form: { rows: '1', title: 'x', code_0: 'X1', task_0: 'x', title_0: 'x', description_0: '' } });
		expect(res.status).toBe(400);
		await admin.reload();
		expect(await admin.locator('ol.sa-criteria > li').count()).toBe(copied + 1);
		await admin.context().close();
	});
});
