/**
 * Issue 12 acceptance, in a browser, in German and Arabic, axe-clean on every page: "An
 * administrator creates a user by invitation, and the invited person sets a password and enrolls
 * 2FA by scanning the QR code." The QR code is read from a screenshot by an independent decoder
 * (jsQR), and the code the test's authenticator derives from it switches the factor on; a
 * recovery code then passes the second-factor step once. The person changes their password (a
 * wrong current one is refused). Also: an invitation to an address that
 * has an account says so, the audit log shows words instead of keys, and a broken boundary file
 * is listed by feature and field with nothing changed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, newPage, signIn } from '../helpers/browser';

const base = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;

const messages = (lang: string) => JSON.parse(readFileSync(`messages/admin/${lang}.json`, 'utf8')) as Record<string, string>;
const PASSWORD = 'ein langes neues Passwort';
const NEW_PASSWORD = 'noch ein langes Passwort';

/** The body of the newest mail to `to` in the server's outbox, decoded (base64 or quoted-printable). */
function newestMailTo(to: string): string {
	const dir = path.join(dataDir, 'outbox');
	const raw = readdirSync(dir)
		.filter((f) => f.endsWith('.eml'))
		.sort()
		.map((f) => readFileSync(path.join(dir, f), 'utf8'))
		.filter((r) => r.includes(`To: ${to}`))
		.at(-1)!;
	const split = raw.search(/\r?\n\r?\n/);
	const [head, body] = [raw.slice(0, split), raw.slice(split).trim()];
	if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(body, 'base64').toString('utf8');
	return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

/**
 * The text a QR code on the page holds: a screenshot of the element, turned into pixels by the
 * browser's own PNG decoder and read by jsQR, as a phone camera would see the picture.
 */
async function readQr(page: Page, selector: string): Promise<string> {
	const png = (await page.locator(selector).screenshot()).toString('base64');
	const image = await page.evaluate(async (b64) => {
		const img = new Image();
		img.src = `data:image/png;base64,${b64}`;
		await img.decode();
		const canvas = document.createElement('canvas');
		canvas.width = img.width;
		canvas.height = img.height;
		const ctx = canvas.getContext('2d')!;
		ctx.drawImage(img, 0, 0);
		return { data: Array.from(ctx.getImageData(0, 0, img.width, img.height).data), width: img.width, height: img.height };
	}, png);
	const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
	if (!code) throw new Error('no QR code found in the screenshot');
	return code.data;
}

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

describe('administration journey', () => {
	it.each(['de', 'ar'])('an administrator invites a person, who sets a password and enrols 2FA by scanning the QR code (%s)', async (lang) => {
		const t = messages(lang);
		const email = `neu.${lang}.${Date.now()}@example.org`;

		// 1. The administrator opens the invitation form from the administration page.
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		expect(await admin.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
		await admin.goto(`${base}/${lang}/admin`);
		await expectAccessible(admin);
		await admin.click(`main a[href="/${lang}/admin/users/new"]`);
		await admin.waitForURL(`${base}/${lang}/admin/users/new`);
		await expectAccessible(admin);

		// 2. An address that already has an account is refused, saying so.
		await admin.fill('#displayName', 'Schon da');
		await admin.fill('#email', 'wp5@example.org');
		await admin.check('input[name=instances]');
		await admin.click('form.narrow button[type=submit]');
		await admin.waitForSelector('.error-summary');
		expect(await admin.textContent('.error-summary')).toContain(t.adm_email_has_account);
		await expectAccessible(admin);

		// 3. The invitation goes out in the person's language.
		await admin.fill('#displayName', `Neue Kollegin ${lang}`);
		await admin.fill('#email', email);
		await admin.selectOption('#locale', lang);
		await admin.click('form.narrow button[type=submit]');
		await admin.waitForURL(/\/admin\/users\/[0-9a-f-]{36}\?invited=1/);
		await expectAccessible(admin);
		expect(await admin.textContent('main')).toContain(t.adm_state_invited);
		const mail = newestMailTo(email);
		const link = /(http:\/\/\S+\/invitation\/[A-Za-z0-9_-]+)/.exec(mail)![1];
		expect(new URL(link).pathname.startsWith(`/${lang}/invitation/`)).toBe(true);

		// 4. The invited person sets a password: a too short one is refused first.
		const person = await newPage(browser);
		await person.goto(link.replace(/^http:\/\/[^/]+/, base));
		await expectAccessible(person);
		await person.fill('#password', 'kurz');
		await person.click('form.narrow button[type=submit]');
		await person.waitForSelector('.error-summary');
		await expectAccessible(person);
		await person.fill('#password', PASSWORD);
		await person.click('form.narrow button[type=submit]');
		await person.waitForURL(/\/staff\/account\?welcome=1/);
		expect(await person.textContent('main')).toContain(t.adm_welcome_done);
		await expectAccessible(person);

		// 5. They enrol a second factor by scanning the QR code with an authenticator.
		await person.click('form[action="?/begin"] button');
		await person.waitForSelector('svg.totp-qr');
		await expectAccessible(person);
		const uri = await readQr(person, 'svg.totp-qr');
		expect(uri).toMatch(/^otpauth:\/\/totp\/anlaufstelle:/);
		expect(decodeURIComponent(uri)).toContain(email);
		const totp = OTPAuth.URI.parse(uri) as OTPAuth.TOTP;
		// The key printed beside the picture is the same secret, for typing in.
		expect((await person.textContent('.adm-secret'))!.replace(/\s/g, '')).toBe(totp.secret.base32);
		await person.fill('#code', totp.generate());
		await person.click('form[action="?/confirm"] button');
		await person.waitForSelector('.adm-codes');
		const codes = await person.locator('.adm-codes li code').allTextContents();
		expect(codes).toHaveLength(10);
		await expectAccessible(person);

		// 6. They change their password: a wrong current one is refused, the right one works.
		await person.fill('#current', 'nicht mein Passwort');
		await person.fill('#next', NEW_PASSWORD);
		await person.click('form[action="?/password"] button');
		await person.waitForSelector('.error-summary a[href="#current"]');
		await expectAccessible(person);
		await person.fill('#current', PASSWORD);
		await person.fill('#next', NEW_PASSWORD);
		await person.click('form[action="?/password"] button');
		await person.waitForSelector('.notice[role=status]');
		expect(await person.textContent('main')).toContain(t.adm_password_changed);

		// 7. Signing in again asks for the second factor; a recovery code passes it once.
		const again = await newPage(browser);
		await again.goto(`${base}/${lang}/login`);
		await again.fill('#email', email);
		await again.fill('#password', NEW_PASSWORD);
		await again.press('#password', 'Enter');
		await again.waitForURL(/\/login\/second-factor/);
		await expectAccessible(again);
		await again.fill('#code', codes[0]);
		await again.click('form.narrow button[type=submit]');
		await again.waitForURL((url) => !url.pathname.includes('/login'));

		// 8. The administrator sees the person active; resets their second factor (a lost phone),
		// disables the account, which ends the person's session at once, and enables it again.
		const userUrl = admin.url().split('?')[0];
		await admin.goto(userUrl);
		expect(await admin.textContent('main')).toContain(t.adm_state_active);
		await admin.click('form[action="?/reset"] button');
		await admin.waitForURL(/\?reset=1/);
		expect(await admin.textContent('main')).toContain(t.adm_done_reset);
		await admin.click('form[action="?/disable"] button');
		await admin.waitForURL(/\?disabled=1/);
		expect(await admin.textContent('main')).toContain(t.adm_state_disabled);
		await expectAccessible(admin);
		await again.goto(`${base}/${lang}/staff/account`);
		expect(new URL(again.url()).pathname).toBe(`/${lang}/login`);
		await admin.click('form[action="?/enable"] button');
		await admin.waitForURL(/\?enabled=1/);

		// 9. The person's history in the log, and the whole log, in words.
		await admin.click(`main a[href^="/${lang}/admin/audit?entity=user"]`);
		await admin.waitForURL(/\/admin\/audit\?/);
		await expectAccessible(admin);
		const history = (await admin.textContent('.adm-log'))!;
		expect(history).toContain(`Neue Kollegin ${lang}`);
		expect(history).not.toContain('Demo Team Welcome Point 5');
		expect(await admin.locator('.adm-log > li').count()).toBeGreaterThanOrEqual(6);
		await admin.goto(`${base}/${lang}/admin/audit`);
		await expectAccessible(admin);
		const log = (await admin.textContent('main'))!;
		expect(log).toContain(`Neue Kollegin ${lang}`);
		for (const raw of ['description.de', 'instance_staff', 'accept_invitation', 'use_recovery_code', '(email link)', 'undefined']) expect(log).not.toContain(raw);
		await Promise.all([admin.context().close(), person.context().close(), again.context().close()]);
	}, 240_000);

	it.each(['de', 'ar'])('lists every problem of a broken boundary file by feature and field and keeps nothing; instances page (%s)', async (lang) => {
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		await admin.goto(`${base}/${lang}/admin/instances`);
		await expectAccessible(admin);
		await admin.goto(`${base}/${lang}/admin/areas`);
		await expectAccessible(admin);
		const file = {
			name: 'kaputt.geojson',
			mimeType: 'application/geo+json',
			buffer: Buffer.from(
				JSON.stringify({
					type: 'FeatureCollection',
					features: [
						{ type: 'Feature', properties: { code: '1' }, geometry: { type: 'Polygon', coordinates: [[[6.7, 51], [6.8, 51], [6.8, 51.1], [6.7, 51]]] } },
						{ type: 'Feature', properties: { name: 'Offen', code: '2' }, geometry: { type: 'Point', coordinates: [6.7, 51] } }
					]
				})
			)
		};
		await admin.setInputFiles('form[action="?/boundaries"] input[type=file]', file);
		await admin.click('form[action="?/boundaries"] button[type=submit]');
		await admin.waitForSelector('.adm-outcome');
		await expectAccessible(admin);
		const rows = await admin.locator('.adm-outcome tbody tr').allTextContents();
		expect(rows).toHaveLength(2);
		expect(rows[0]).toContain('name');
		expect(rows[1]).toContain('Offen');
		expect(rows[1]).toContain('geometry');
		expect(await admin.textContent('.adm-outcome')).not.toContain('geometry_type');
		// No upload is kept for a rejected file: there is nothing to confirm.
		expect(await admin.locator('form[action="?/confirm"]').count()).toBe(0);
		await admin.context().close();
	});
});
