import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, newPage, signIn } from '../helpers/browser';

const base = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;

const de = { ...JSON.parse(readFileSync('messages/de.json', 'utf8')), ...JSON.parse(readFileSync('messages/directory-staff/de.json', 'utf8')) };
const ar = { ...JSON.parse(readFileSync('messages/ar.json', 'utf8')), ...JSON.parse(readFileSync('messages/directory-staff/ar.json', 'utf8')) };

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());



/** The newest mail in the server's outbox, with quoted-printable soft breaks and escapes undone. */
function newestMail(): string {
	const dir = path.join(dataDir, 'outbox');
	const file = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().at(-1)!;
	const raw = readFileSync(path.join(dir, file), 'utf8');
	return Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

const submit = (page: Page) => page.click('form.directory-form > button[type="submit"]');

let offerUrl = '';
let actorUrl = '';

describe('directory staff pages', () => {
	it('lets staff create an actor and an offer in German, flags coordinates outside the city, edit it and see the history', async () => {
		const page = await signIn(browser, 'kalk@example.org');
		await page.click(`main a[href="/de/staff/directory"]`);
		await page.waitForURL(`${base}/de/staff/directory`);
		await expectAccessible(page);

		await page.click('a[href="/de/staff/directory/actors/new"]');
		await page.waitForURL(`${base}/de/staff/directory/actors/new`);
		await expectAccessible(page);
		await page.fill('#name', 'Nachbarschaftstreff Kalk');
		await page.fill('#email', 'kein-at');
		await page.fill('[name="description.de"]', 'Treffpunkt für Nachbarinnen und Nachbarn');
		await submit(page);
		await expect.poll(() => page.textContent('#email-error')).toBe(de.error_invalid_email);
		expect(await page.textContent('.error-summary')).toContain(de.error_invalid_email);
		expect(await page.inputValue('[name="description.de"]')).toBe('Treffpunkt für Nachbarinnen und Nachbarn');
		await expectAccessible(page);
		await page.fill('#email', 'treff@example.org');
		await submit(page);
		await page.waitForURL(/\/staff\/directory\/actors\/[0-9a-f-]{36}\?saved=1$/);
		actorUrl = page.url().replace(/\?.*$/, '');

		await page.click('a[href*="/staff/directory/offers/new?organization="]');
		await page.fill('[name="name.de"]', 'Sprachcafé Kalk');
		await page.fill('[name="description.de"]', 'Deutsch üben bei Kaffee und Tee');
		await page.check('input[name="subtopics"][value="language_course"]');
		await page.check('input[name="costKind"][value="reduced"]');
		await page.fill('#costAmount', '2,50');
		await page.fill('[name="locations.0.street"]', 'Kalker Hauptstraße 1');
		await page.fill('[name="locations.0.postalCode"]', '51103');
		await page.fill('[name="locations.0.city"]', 'Köln');
		await page.fill('[name="locations.0.latitude"]', '48.137');
		await page.fill('[name="locations.0.longitude"]', '11.575');
		await page.selectOption('[name="schedules.0.weekday"]', '3');
		await page.fill('[name="schedules.0.opensAt"]', '15:00');
		await page.fill('[name="schedules.0.closesAt"]', '17:00');
		await submit(page);
		await expect.poll(() => page.textContent('#locations-0-coordinates-error')).toBe(de.error_outside_municipality);
		expect(await page.getAttribute('#locations-0-latitude', 'aria-invalid')).toBe('true');
		expect(await page.getAttribute('.error-summary a', 'href')).toBe('#locations-0-coordinates');
		await expectAccessible(page);
		await page.fill('[name="locations.0.latitude"]', '50.9385');
		await page.fill('[name="locations.0.longitude"]', '6.9985');
		await submit(page);
		await page.waitForURL(/\/staff\/directory\/offers\/[0-9a-f-]{36}\?saved=1$/);
		offerUrl = page.url().replace(/\?.*$/, '');
		expect(await page.inputValue('#costAmount')).toBe('2,50');
		expect(await page.isChecked('input[name="themeFields"][value="education"]')).toBe(true);
		expect(await page.inputValue('[name="schedules.0.opensAt"]')).toBe('15:00');
		await expectAccessible(page);

		await page.fill('[name="description.de"]', 'Deutsch üben bei Kaffee, Tee und Kuchen');
		await submit(page);
		await page.waitForURL(/\?saved=1$/);
		await page.click('a[href*="/staff/directory/history/service/"]');
		const row = page.locator('table.history tr', { hasText: de.ds_description }).first();
		expect(await row.textContent()).toContain('Demo Team Kalk');
		expect(await row.textContent()).toContain('Deutsch üben bei Kaffee und Tee');
		expect(await row.textContent()).toContain('Deutsch üben bei Kaffee, Tee und Kuchen');
		await expectAccessible(page);

		await page.goto(offerUrl);
		await page.click('form[action="?/verify"] button');
		await expect.poll(() => page.textContent('.entry-tools')).toContain('Demo Team Kalk');
		await page.context().close();
	});

	it('has accessible forms in Arabic', async () => {
		const page = await signIn(browser, 'kalk@example.org', 'ar');
		for (const url of [offerUrl, actorUrl, `${base}/de/staff/directory`]) {
			await page.goto(url.replace('/de/', '/ar/'));
			expect(await page.getAttribute('html', 'dir')).toBe('rtl');
			await expectAccessible(page);
		}
		// Other languages come back as a form value the server reads again: ASCII commas, not «،».
		await page.goto(offerUrl.replace('/de/', '/ar/'));
		await page.fill('#languagesOther', 'wo, yo');
		await submit(page);
		await page.waitForURL(/\?saved=1$/);
		await page.goto(offerUrl.replace('/de/', '/ar/'));
		expect(await page.inputValue('#languagesOther')).toBe('wo, yo');
		await submit(page);
		await page.waitForURL(/\?saved=1$/);
		await page.goto(offerUrl.replace('/de/', '/ar/'));
		await page.fill('#minimumAge', 'zehn');
		await submit(page);
		await expect.poll(() => page.textContent('#minimumAge-error')).toBe(ar.error_invalid_age ?? de.error_invalid_age);
		await expectAccessible(page);
		await page.context().close();
	});

	it('turns a partner’s edits into proposals that staff publish after seeing the diff', async () => {
		const partner = await signIn(browser, 'partner.duesseldorf@example.org');
		await partner.waitForURL(`${base}/de/staff/directory`);
		await partner.click('a[href="/de/staff/directory/actors/new"]');
		expect(await partner.textContent('form.directory-form > button[type="submit"]')).toBe(de.ds_submit_proposal);
		await partner.fill('#name', 'Elterncafé Garath');
		await partner.selectOption('#visibility', 'network');
		await submit(partner);
		await partner.waitForURL(`${base}/de/staff/directory/proposals?proposed=1`);
		expect(await partner.textContent('main')).toContain('Elterncafé Garath');

		const staff = await signIn(browser, 'wp5@example.org');
		await staff.goto(`${base}/de/staff/directory/proposals`);
		await staff.click('main a:has-text("Elterncafé Garath")');
		await staff.waitForURL(/\/proposals\/[^/?]+$/);
		const diff = staff.locator('table.diff');
		expect(await diff.locator('tr', { hasText: 'name' }).first().textContent()).toContain('Elterncafé Garath');
		await expectAccessible(staff);
		await staff.click('form[action="?/publish"] button');
		await staff.waitForURL(/\/staff\/directory\/actors\/[0-9a-f-]{36}\?saved=1$/);
		const actor = staff.url().replace(/\?.*$/, '').replace(base, '');

		await partner.goto(`${base}${actor}`);
		await partner.fill('#phone', '0211 899 1234');
		await submit(partner);
		await partner.waitForURL(/proposals\?proposed=1$/);
		await staff.goto(`${base}/de/staff/directory/proposals`);
		await staff.click('main a:has-text("Elterncafé Garath")');
		// allTextContents does not wait: under load the click's navigation is still running.
		await staff.waitForURL(/\/proposals\/[^/?]+$/);
		await staff.locator('table.diff tbody tr').first().waitFor();
		const rows = await staff.locator('table.diff tbody tr').allTextContents();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toContain(de.phone);
		expect(rows[0]).toContain('0211 899 1234');
		await staff.click('form[action="?/publish"] button');
		await staff.waitForURL(/\?saved=1$/);
		expect(await staff.inputValue('#phone')).toBe('0211 899 1234');
		await staff.goto(`${base}/de/staff/directory/history/organization/${actor.split('/').at(-1)}`);
		expect(await staff.locator('table.history tr', { hasText: de.phone }).first().textContent()).toContain('Demo Partnerorganisation');
		await partner.context().close();
		await staff.context().close();
	});

	it('lets a provider correct the entry through the emailed link once', async () => {
		const staff = await signIn(browser, 'kalk@example.org');
		await staff.goto(offerUrl);
		expect(await staff.inputValue('#link-email')).toBe('treff@example.org');
		await staff.click('form[action="?/sendLink"] button');
		await expect.poll(() => staff.textContent('.entry-tools [role="status"]')).toContain('treff@example.org');
		const mail = newestMail();
		expect(mail).toContain('To: treff@example.org');
		const link = mail.match(/https?:\/\/\S+\/de\/verify\/[A-Za-z0-9_-]+/)![0];
		const token = link.split('/').at(-1)!;

		const provider = await newPage(browser, { javaScript: false });
		await provider.goto(`${base}/ar/verify/${token}`);
		expect(await provider.getAttribute('html', 'dir')).toBe('rtl');
		await expectAccessibleWithJs(provider.url());
		await provider.goto(link.replace(/^https?:\/\/[^/]+/, base));
		expect(await provider.textContent('h2#entry-title')).toBe('Sprachcafé Kalk');
		await expectAccessibleWithJs(provider.url());
		await provider.fill('#description', 'Deutsch üben bei Kaffee und Tee, jetzt mittwochs und freitags');
		await provider.fill('#phone', '0221 555 0101');
		await provider.selectOption('[name="slots.1.weekday"]', '5');
		await provider.fill('[name="slots.1.opensAt"]', '15:00');
		await provider.fill('[name="slots.1.closesAt"]', '17:00');
		await provider.click('form[action="?/correct"] button[type="submit"]');
		await provider.waitForURL(/\/verify\/thanks/);
		expect(await provider.textContent('main')).toContain(de.ds_verify_thanks_corrected);

		await staff.goto(`${base}/de/staff/directory/history/service/${offerUrl.split('/').at(-1)}`);
		const byProvider = staff.locator('table.history tr', { hasText: de.ds_history_provider });
		expect(await byProvider.filter({ hasText: de.phone }).first().textContent()).toContain('0221 555 0101');
		expect(await byProvider.filter({ hasText: de.opening_hours }).count()).toBeGreaterThan(0);
		await staff.goto(offerUrl);
		expect(await staff.textContent('.entry-tools')).toContain(de.ds_history_provider);

		const again = await provider.goto(link.replace(/^https?:\/\/[^/]+/, base));
		expect(again?.status()).toBe(410);
		expect(await provider.textContent('main')).toContain(de.ds_link_used);
		const unknown = await provider.goto(`${base}/de/verify/not-a-token`);
		expect(unknown?.status()).toBe(404);
		expect(await provider.textContent('main')).toContain(de.ds_link_unknown);
		await provider.context().close();
		await staff.context().close();
	});

	it('answers ids that are not ids and unknown kinds with 404, unknown list filters with a message, never 500', async () => {
		const staff = await signIn(browser, 'kalk@example.org');
		for (const url of [
			'/de/staff/directory/offers/not-an-id',
			'/de/staff/directory/actors/123',
			'/de/staff/directory/offers/new?organization=x',
			'/de/staff/directory/history/service/x',
			'/de/staff/directory/history/thing/00000000-0000-4000-8000-000000000000',
			'/de/staff/directory/proposals/x',
			'/de/m/koeln/o/x',
			'/de/m/koeln/a/x',
			'/de/m/koeln/o/x/slip'
		]) {
			expect((await staff.goto(`${base}${url}`))?.status(), url).toBe(404);
		}
		const list = await staff.goto(`${base}/de/staff/directory?kind=thing&instance=nope`);
		expect(list?.status()).toBe(200);
		expect(await staff.textContent('.error-summary')).toContain('thing');
		await staff.context().close();
	});

	it('refuses a volunteer’s proposal at the door', async () => {
		const volunteer = await signIn(browser, 'ehrenamt.duesseldorf@example.org');
		const res = await volunteer.request.post(`${base}/de/staff/directory/actors/new?/save`, { form: { name: 'Vom Ehrenamt' }, headers: { origin: base } });
		expect(res.status()).toBe(403);
		await volunteer.context().close();
	});
});

/** axe on a URL viewed with JavaScript (axe itself needs it). */
async function expectAccessibleWithJs(url: string) {
	const page = await newPage(browser);
	await page.goto(url);
	await expectAccessible(page);
	await page.context().close();
}
