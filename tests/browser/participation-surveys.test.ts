/**
 * Surveys (issue 16 §3) in the browser, in German and Arabic: staff create a survey from the
 * seed 001 template and open it; its QR code decodes to the link shown; participants with
 * JavaScript off answer through the newcomers' link; a forged answer is refused with a message
 * and stores nothing;
 * once the result is published, the public chart and table show exactly the counts given, with
 * the small ones withheld; the staff result and its CSV agree. Every page passes axe-core.
 */
import { parse } from 'csv-parse/sync';
import jsQR from 'jsqr';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { m } from '../../src/lib/paraglide/messages.js';
import { expectAccessible, launch, newPage, signIn } from '../helpers/browser';

const base = inject('baseUrl');
let browser: Browser;

type RawMessage = string | { match: Record<string, string> }[];
/** A message of messages/surveys as text (a plural message by its catch-all form), with `{name}` left in. */
const texts = (lang: string) =>
	Object.fromEntries(
		Object.entries(JSON.parse(readFileSync(`messages/surveys/${lang}.json`, 'utf8')) as Record<string, RawMessage>).map(([k, v]) => [k, typeof v === 'string' ? v : Object.values(v[0].match).at(-1)!])
	);

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

async function participant(lang: string): Promise<Page> {
	const context = await browser.newContext({ javaScriptEnabled: false, userAgent: `survey-participant-${lang}-${Date.now()}` });
	return context.newPage();
}

describe.each(['de', 'ar'])('surveys in %s', (lang) => {
	it('is built from the template, answered without JavaScript, and its chart matches the answers', async () => {
		const t = texts(lang);
		// 1. Staff create a survey from the template and open it.
		const staff = await signIn(browser, 'wp5@example.org', lang);
		await staff.goto(`${base}/${lang}/staff/participation/surveys`);
		await expectAccessible(staff);
		await staff.click('form[action="?/template"] button');
		await staff.waitForURL(/\/staff\/participation\/surveys\/[0-9a-f-]{36}$/);
		await expectAccessible(staff);
		const admin = staff.url();
		// The draft's questions are reordered one place at a time (and put back for the steps below).
		const first = async () => (await staff.locator('section[aria-labelledby="questions"] ol > li').first().locator('bdi').first().textContent())!;
		const [q1text, q2text] = [await first(), (await staff.locator('section[aria-labelledby="questions"] ol > li').nth(1).locator('bdi').first().textContent())!];
		await staff.click('form[action="?/move"] button[value="up"]');
		await staff.waitForURL(`${admin}#questions`);
		expect(await first()).toBe(q2text);
		await staff.click('form[action="?/move"] button[value="down"]');
		await staff.waitForURL(`${admin}#questions`);
		expect(await first()).toBe(q1text);
		await staff.click('button[name="action"][value="open"]');
		await staff.waitForURL(admin);
		const link = (await staff.getAttribute('a[href*="/survey/"]', 'href'))!;
		const token = link.split('/').at(-1)!;

		// 2. The QR code (PNG) decodes to the link shown.
		const png = (await (await staff.request.get(`${admin}/qr/newcomers.png`)).body()).toString('base64');
		// Turned into pixels by the browser's own PNG decoder, then read by jsQR as a phone camera would.
		const image = await staff.evaluate(async (b64) => {
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
		expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(link);
		const svg = await (await staff.request.get(`${admin}/qr/newcomers.svg`)).text();
		expect(svg).toContain('<svg');

		// 3. Participants answer with JavaScript off; two answers to a single choice are refused first.
		const url = `${base}/${lang}/survey/${token}`;
		const page = await participant(lang);
		await page.goto(url);
		expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
		// axe needs script: the same page in a browser with JavaScript on.
		const checker = await newPage(browser);
		await checker.goto(url);
		await expectAccessible(checker);
		const radios = page.locator('form.edit-form fieldset').nth(0).locator('input[type="radio"]');
		const q1 = (await radios.first().getAttribute('name'))!;
		const q3 = (await page.locator('form.edit-form fieldset').nth(2).locator('input').first().getAttribute('name'))!;
		const q4 = (await page.locator('form.edit-form fieldset').nth(3).locator('input').first().getAttribute('name'))!;
		// What each of six participants answers: all used the Welcome Point, found it helpful (4);
		// five heard of it from friends, one online — so 1 is withheld, and 5 with it.
		for (let i = 0; i < 6; i++) {
			await page.goto(url);
			await page.check(`input[name="${q1}"][value="yes_used"]`);
			await page.check(`input[name="${q3}"][value="4"]`);
			await page.check(`input[name="${q4}"][value="${i < 5 ? 'friends' : 'online'}"]`);
			await page.click('button[type="submit"]');
			await page.waitForSelector('.notice');
			expect(await page.textContent('.notice')).toContain(t.sv_thanks);
		}

		// 4. Staff publish the result; the public chart and table show the counts given.
		await staff.goto(admin);
		await staff.click('button[name="action"][value="publish"]');
		await staff.waitForURL(admin);
		const pub = await newPage(browser);
		await pub.goto(`${url}/results`);
		await expectAccessible(pub);
		const q1Chart = pub.locator('section.sv-question').nth(0);
		expect(await q1Chart.locator('rect[data-key="yes_used"]').getAttribute('data-n')).toBe('6');
		expect(await q1Chart.locator('tr[data-key="yes_used"] td').textContent()).toBe('6');
		expect(await q1Chart.locator('tr[data-key="no"] td').textContent()).toBe('0');
		const q3Chart = pub.locator('section.sv-question').nth(2);
		expect(await q3Chart.locator('rect[data-key="4"]').getAttribute('data-n')).toBe('6');
		const q4Chart = pub.locator('section.sv-question').nth(3);
		const withheld = m.sv_withheld({ k: 5 }, { locale: lang as 'de' | 'ar' });
		expect(await q4Chart.locator('tr[data-key="online"] td').textContent()).toBe(withheld);
		expect(await q4Chart.locator('tr[data-key="friends"] td').textContent()).toBe(withheld);
		expect(await q4Chart.locator('rect[data-key="online"], rect[data-key="friends"]').count()).toBe(0);

		// 5. The staff result and its CSV agree.
		await staff.goto(`${admin}/results`);
		await expectAccessible(staff);
		const csv = parse(await (await staff.request.get(`${admin}/results.csv`)).text(), { columns: true, bom: true }) as Record<string, string>[];
		expect(csv.find((r) => r.position === '1' && r.answer_key === 'yes_used')?.count).toBe('6');
		expect(csv.find((r) => r.position === '4' && r.answer_key === 'online')?.withheld).toBe('yes');
		await staff.goto(`${base}/${lang}/staff/participation/surveys/new`);
		await expectAccessible(staff);
	});

	it('refuses an answer to an unknown option or question with a message and stores nothing', async () => {
		const staff = await signIn(browser, 'wp5@example.org', lang);
		await staff.goto(`${base}/${lang}/staff/participation/surveys`);
		const hrefs = await staff.locator('a[href*="/staff/participation/surveys/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
		const admin = `${base}${hrefs.filter((h) => /[0-9a-f-]{36}$/.test(h)).at(-1)}`;
		await staff.goto(admin);
		// The audience links are long URLs: on a phone they wrap instead of widening the page.
		await staff.setViewportSize({ width: 360, height: 740 });
		expect(await staff.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		const link = (await staff.getAttribute('a[href*="/survey/"]', 'href'))!;
		const url = `${base}/${lang}/survey/${link.split('/').at(-1)}`;
		const csv = async () => (await staff.request.get(`${admin}/results.csv`)).text();
		const before = await csv();
		const page = await participant(lang);
		await page.goto(url);
		const q1 = (await page.locator('form.edit-form fieldset').nth(0).locator('input').first().getAttribute('name'))!;
		for (const form of [{ [q1]: 'forged' }, { q_00000000000040008000000000000000: 'x', [q1]: 'no' }]) {
			const res = await page.request.post(url, { form, headers: { origin: base, accept: 'text/html' } });
			expect(res.status()).toBe(400);
			expect(await res.text()).toContain('error-summary');
		}
		expect(await csv()).toBe(before);
	});
});
