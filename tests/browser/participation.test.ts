/**
 * Partizipation (issue 16) in the browser, in German and Arabic, the acceptance journey: staff
 * open a campaign; a participant with JavaScript off sets points by clicking the server-drawn map
 * (an `<input type="image">`) and is told when a click lies outside; a moderator approves them;
 * the public result and the GeoJSON show only cells with at least k points and no exact point;
 * feedback sent through a referral slip's token reaches the provider after moderation. Every page
 * passes axe-core.
 */
import { check } from '@placemarkio/check-geojson';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { m } from '../../src/lib/paraglide/messages.js';
import { expectAccessible, launch, newPage, signIn } from '../helpers/browser';

const base = inject('baseUrl');
let browser: Browser;

/** A message of messages/participation as text: a plural message by its catch-all form. */
type RawMessage = string | { match: Record<string, string> }[];
const texts = (lang: string) =>
	Object.fromEntries(
		Object.entries(JSON.parse(readFileSync(`messages/participation/${lang}.json`, 'utf8')) as Record<string, RawMessage>).map(([k, v]) => [k, typeof v === 'string' ? v : Object.values(v[0].match).at(-1)!])
	);

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

/** A participant's page: JavaScript off (as the map form must work), its own User-Agent so the throttle counts it alone. */
async function participant(lang: string): Promise<Page> {
	const context = await browser.newContext({ javaScriptEnabled: false, userAgent: `participant-${lang}-${Date.now()}` });
	return context.newPage();
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe.each(['de', 'ar'])('participation in %s', (lang) => {
	it('sets points without JavaScript, moderates them and publishes only cells with at least k', async () => {
		const t = texts(lang);
		// 1. Staff open a campaign over two social spaces with k = 3.
		const staff = await signIn(browser, 'wp5@example.org', lang);
		await staff.goto(`${base}/${lang}/staff/participation`);
		await expectAccessible(staff);
		await staff.fill('#title', `Journey ${lang}`);
		const spaces = await staff.$$('input[name="socialSpaceIds"]');
		await spaces[0].check();
		await spaces[1].check();
		await staff.fill('#opensOn', day(-1));
		await staff.fill('#closesOn', day(30));
		await staff.fill('#k', '3');
		await staff.click('form[action="?/create"] button[type="submit"]');
		await staff.waitForURL(/\/staff\/participation\/[0-9a-f-]{36}$/);
		const id = staff.url().split('/').at(-1)!;
		const pub = `${base}/${lang}/m/duesseldorf/participation/${id}`;

		// 2. A participant sets points with JavaScript off: a click outside is refused, four inside are taken.
		const page = await participant(lang);
		await page.goto(pub);
		expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
		const svg = await (await fetch(`${pub}/map.svg`)).text();
		const labels = [...svg.matchAll(/<text x="(\d+)" y="(\d+)"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
		expect(labels.length).toBeGreaterThanOrEqual(2);
		await page.check('input[name="category"][value="meeting"]');
		await page.click('#point', { position: { x: 1, y: 1 } });
		await page.waitForSelector('.error-summary');
		expect(await page.textContent('.error-summary')).toContain(t.pa_outside_area);
		for (const at of [labels[0], labels[0], labels[0], labels[1]]) {
			await page.check('input[name="category"][value="meeting"]');
			await page.selectOption('#ageGroup', '18_26');
			await page.click('#point', { position: at });
			await page.waitForSelector('.notice[role="status"]');
			expect(await page.textContent('.notice[role="status"]')).toBe(t.pa_point_sent);
		}
		const withJs = await newPage(browser);
		await withJs.goto(pub);
		await expectAccessible(withJs);

		// 3. The moderator sees the four exact points and approves them.
		await staff.goto(`${base}/${lang}/staff/participation/${id}`);
		await expectAccessible(staff);
		const positions = await staff.$$eval('tbody bdi[dir="ltr"]', (cells) => cells.map((c) => c.textContent!.trim()));
		expect(positions).toHaveLength(4);
		await staff.click('button[name="decision"][value="approved"]');
		await staff.waitForSelector('.notice[role="status"]');

		// 4. The public result shows the one cell with 3 points; the cell with 1 and its space are suppressed.
		await withJs.goto(`${pub}/results`);
		await expectAccessible(withJs);
		const rows = await withJs.$$eval('#cat-meeting-cells ~ tbody tr, table:has(#cat-meeting-cells) tbody tr', (trs) => trs.map((tr) => tr.querySelector('td')!.textContent!.trim()));
		expect(rows).toEqual(['3']);
		const spaceCounts = await withJs.$$eval('table:has(#cat-meeting-spaces) tbody td', (tds) => tds.map((td) => td.textContent!.trim()));
		expect(spaceCounts).toEqual(expect.arrayContaining(['3', m.pa_suppressed({ k: 3 }, { locale: lang as 'de' | 'ar' })]));
		// The threshold is written as the number a reader can count, never as the symbol "k".
		expect(await withJs.textContent('#cat-meeting-cells')).toContain('3');
		expect(await withJs.textContent('main')).not.toMatch(/(^|[^\p{L}])k([^\p{L}]|$)/u);
		const geojson = await (await fetch(`${pub}/results.geojson`)).text();
		const parsed = check(geojson) as unknown as { features: { properties: { category: string; count: number } }[] };
		expect(parsed.features.map((f) => [f.properties.category, f.properties.count])).toEqual([['meeting', 3]]);
		// No exact point in any public output, not even to four decimals.
		const html = await withJs.content();
		for (const position of positions) {
			for (const part of position.split(', ')) {
				const four = part.slice(0, part.indexOf('.') + 5);
				expect(html).not.toContain(four);
				expect(geojson).not.toContain(four);
			}
		}
	});

	it('takes feedback through a referral slip, moderates it and shows it to the provider', async () => {
		const t = texts(lang);
		// 1. A Welcome Point records a contact with a referral to an offer; the slip carries the token.
		const staff = await signIn(browser, 'wp5@example.org', lang);
		await staff.goto(`${base}/${lang}/staff/contacts`);
		await staff.click('details.cc-theme:has(input[value="language_course"]) > summary');
		await staff.check('input[name="topic"][value="language_course"]');
		await staff.check('input[name="channel"][value="phone"]');
		await staff.fill('#q', 'Sprach');
		await staff.click('.cc-search button');
		await staff.waitForURL(/\/search$/);
		const option = await staff.$$eval('#target_1 optgroup option', (os) => os.map((o) => (o as HTMLOptionElement).value).find((v) => v.startsWith('service:'))!);
		await staff.selectOption('#target_1', option);
		await staff.selectOption('#referralTopic_1', 'language_course');
		await staff.click('form.cc-form button.primary');
		await staff.waitForSelector('.cc-issued a');
		const slip = (await staff.getAttribute('.cc-issued a', 'href'))!;
		const serviceId = slip.match(/\/o\/([0-9a-f-]{36})\/slip/)![1];

		// 2. The newcomer follows the slip's feedback link and answers, without an account.
		const page = await participant(lang);
		await page.goto(`${base}${slip}`);
		const link = (await page.textContent('.pa-slip-feedback .slip-url'))!.trim();
		expect(link).toMatch(new RegExp(`/${lang}/r/[A-Za-z0-9_-]{43}/feedback$`));
		// The slip prints the configured origin; the test server is reached by its own base.
		const feedbackUrl = base + new URL(link).pathname;
		await page.goto(feedbackUrl);
		await page.check('input[name="found"][value="yes"]');
		await page.check('input[name="helped"][value="partly"]');
		const comment = `Journey ${lang}: der Eingang war schwer zu finden`;
		await page.fill('#comment', comment);
		await page.click('form.edit-form button[type="submit"]');
		await page.waitForSelector('.notice[role="status"]');
		expect(await page.textContent('.notice[role="status"]')).toBe(t.pa_feedback_sent);
		// The token gives one feedback: opened again, the page says so and has no form.
		await page.goto(feedbackUrl);
		expect(await page.textContent('.notice[role="status"]')).toBe(t.pa_token_used);
		expect(await page.$('form.edit-form')).toBeNull();
		const withJs = await newPage(browser);
		await withJs.goto(`${base}/${lang}/m/duesseldorf/o/${serviceId}/feedback`);
		await expectAccessible(withJs);

		// 3. Not visible to the provider before moderation; approved, it is.
		const provider = await signIn(browser, 'partner.duesseldorf@example.org', lang);
		await provider.goto(`${base}/${lang}/staff/directory/offers/${serviceId}/feedback`);
		expect(await provider.content()).not.toContain(comment);
		await staff.goto(`${base}/${lang}/staff/participation`);
		await expectAccessible(staff);
		await staff.click(`article:has-text("${comment}") button[name="decision"][value="approved"]`);
		await staff.waitForSelector('.notice[role="status"]');
		await provider.goto(`${base}/${lang}/staff/directory/offers/${serviceId}/feedback`);
		expect(await provider.content()).toContain(comment);
		await expectAccessible(provider);
	});
});
