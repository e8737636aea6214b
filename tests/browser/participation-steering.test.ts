/**
 * Partizipation in steering (issue 16 §4) in the browser, in German and Arabic, as Düsseldorf's
 * administrator on the demo: the steering dashboard's participation panel, the "offer missing
 * here" layer of the coverage map, the freshness view's reports, the directory list's feedback
 * column, the campaign edit form naming bad fields, evidence attached to a needs report (the
 * second attempt refused by name), and the public results with place names per cell. Every page
 * passes axe-core.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launch, signIn } from '../helpers/browser';

const base = inject('baseUrl');
let browser: Browser;

type RawMessage = string | { match: Record<string, string> }[];
/** The messages of one folder as text: a plural message by its catch-all form. */
const texts = (folder: string, lang: string) =>
	Object.fromEntries(
		Object.entries(JSON.parse(readFileSync(`messages/${folder}/${lang}.json`, 'utf8')) as Record<string, RawMessage>).map(([k, v]) => [k, typeof v === 'string' ? v : Object.values(v[0].match).at(-1)!])
	);

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The first link on `url` whose href matches `pattern` (its first group). */
async function firstId(page: Page, url: string, pattern: RegExp): Promise<string> {
	await page.goto(url);
	const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
	const id = hrefs.map((h) => pattern.exec(h)?.[1]).find(Boolean);
	if (!id) throw new Error(`no link matching ${pattern} on ${url}`);
	return id;
}

describe.each(['de', 'ar'])('participation in steering, %s', (lang) => {
	it('shows the panel, the map layer, the freshness reports and the feedback column', async () => {
		const t = texts('participation-steering', lang);
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		await admin.goto(`${base}/${lang}/staff/steering`);
		expect(await admin.textContent('#ps-panel')).toBe(t.ps_panel_title);
		expect(await admin.$$('#ps-panel-caption + thead + tbody tr')).not.toHaveLength(0);
		await expectAccessible(admin);
		await admin.goto(`${base}/${lang}/staff/coverage/map`);
		expect(await admin.textContent('#ps-layer')).toBe(t.ps_layer_title);
		await expectAccessible(admin);
		await admin.goto(`${base}/${lang}/staff/directory/freshness`);
		expect(await admin.textContent('#ps-fresh')).toBe(t.ps_fresh_title);
		await expectAccessible(admin);
		await admin.goto(`${base}/${lang}/staff/directory`);
		expect(await admin.$$eval('th[scope="col"]', (ths) => ths.map((th) => th.textContent?.trim()))).toContain(t.ps_col_feedback);
		await expectAccessible(admin);
	});

	it('names bad fields of the campaign edit form and changes nothing', async () => {
		const t = texts('participation-steering', lang);
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		const id = await firstId(admin, `${base}/${lang}/staff/participation`, new RegExp(`/staff/participation/(${UUID})$`));
		await admin.goto(`${base}/${lang}/staff/participation/${id}/edit`);
		await expectAccessible(admin);
		const title = await admin.inputValue('#title');
		await admin.fill('#title', '');
		// An own category with an Arabic label only: the German one is required.
		await admin.fill('[name="own.0.key"]', 'spielplatz');
		await admin.fill('[name="own.0.ar"]', 'ملعب');
		await admin.click('form[action="?/save"] button[type="submit"]');
		await admin.waitForSelector('.error-summary');
		expect(await admin.getAttribute('#title', 'aria-invalid')).toBe('true');
		expect(await admin.textContent('.error-summary')).toContain(texts('participation', lang).pa_invalid_category);
		// The entered values are drawn again.
		expect(await admin.inputValue('[name="own.0.ar"]')).toBe('ملعب');
		await expectAccessible(admin);
		await admin.goto(`${base}/${lang}/staff/participation/${id}/edit`);
		expect(await admin.inputValue('#title')).toBe(title);
		expect(await admin.textContent('#ps-close')).toBe(t.ps_close_title);
	});

	it('attaches the feedback counts to a needs report once, then refuses the same by name', async () => {
		const t = texts('participation-steering', lang);
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		const id = await firstId(admin, `${base}/${lang}/staff/needs`, new RegExp(`/staff/needs/(${UUID})$`));
		await admin.goto(`${base}/${lang}/staff/needs/${id}`);
		await admin.selectOption('#source', 'feedback');
		await admin.click('form[action="?/attachParticipation"] button[type="submit"]');
		await admin.waitForLoadState('load');
		if (lang === 'de') {
			// First attempt (German run): attached and shown as a table with a CSV link.
			expect(await admin.$$('section[aria-labelledby="ps-evidence"] table')).not.toHaveLength(0);
			expect(await admin.textContent(`a[href$="/staff/needs/${id}/participation.csv"]`)).toBe(t.ps_evidence_csv);
			const csv = await admin.request.get(`${base}/${lang}/staff/needs/${id}/participation.csv`);
			expect(csv.status()).toBe(200);
			expect(await csv.text()).toContain(t.ps_feedback_title);
		} else {
			await admin.waitForSelector('.error-summary');
			expect(await admin.textContent('.error-summary')).toContain(t.pa_evidence_twice);
		}
		await expectAccessible(admin);
	});

	it('names the places of each published cell on the public results', async () => {
		const t = texts('participation-steering', lang);
		const admin = await signIn(browser, 'admin.duesseldorf@example.org', lang);
		const id = await firstId(admin, `${base}/${lang}/staff/participation`, new RegExp(`/staff/participation/(${UUID})$`));
		await admin.goto(`${base}/${lang}/m/duesseldorf/participation/${id}/results`);
		expect(await admin.textContent('main')).toContain(t.ps_results_lifeworlds);
		expect(await admin.$$('table bdi')).not.toHaveLength(0);
		await expectAccessible(admin);
	});
});
