/**
 * Coverage pages in a browser (issue 5 §3, acceptance "dashboards pass axe-core in German and
 * Arabic"): the Köln demo's matrix of 86 Stadtteile, the drill-down, the choropleth and the rules
 * form with field-named errors; Düsseldorf (Stadtbezirk 5 and 6) in Arabic.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launch, signIn } from '../helpers/browser';
import { Client } from '../helpers/http';

const base = inject('baseUrl');
let browser: Browser;
const de = JSON.parse(readFileSync('messages/steering-coverage/de.json', 'utf8'));
const ar = JSON.parse(readFileSync('messages/steering-coverage/ar.json', 'utf8'));
const map = { de: JSON.parse(readFileSync('messages/map/de.json', 'utf8')), ar: JSON.parse(readFileSync('messages/map/ar.json', 'utf8')) };
const CLASS_TEXTS = ['gap', 'stale', 'duplicate', 'thin', 'covered'].map((c) => de[`cv_class_${c}`]);

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());


describe('coverage matrix (Köln demo, German)', () => {
	it('shows 86 Stadtteile × 4 fields, each cell classified in text, filterable, with a drill-down', async () => {
		const page = await signIn(browser, 'admin.koeln@example.org');
		await page.goto(`${base}/de/staff`);
		await page.click(`a[href="/de/staff/coverage"]`);
		await page.waitForURL(`${base}/de/staff/coverage`);
		expect(await page.textContent('h1')).toBe(de.cv_title);
		expect(await page.locator('.cv-matrix tbody th[scope="row"]').count()).toBe(86);
		expect(await page.locator('.cv-matrix td.cv-cell').count()).toBe(86 * 4);
		const classes = await page.locator('.cv-matrix td.cv-cell .cv-badge').allTextContents();
		expect(classes.every((c) => CLASS_TEXTS.includes(c.trim()))).toBe(true);
		// the demo offers at the OSM actors make every class occur
		expect(new Set(classes.map((c) => c.trim()))).toEqual(new Set(CLASS_TEXTS));
		// Köln has its population per Stadtteil (2025): used in place of eligible voters, and the page says so
		expect(await page.locator('.cv-matrix tbody td.cv-num').first().textContent()).toMatch(/^\s*[\d.]+\s*$/);
		expect((await page.textContent('#cv-basis + ul'))?.trim()).toBe(map.de.map_cv_basis_population.replace('{date}', '2025').replace('{spaces}', '86 Sozialräume'));
		expect(await axeViolations(page)).toEqual([]);

		await page.selectOption('#cv-target', 'newcomers');
		await page.click('.cv-filters button[type="submit"]');
		await page.waitForURL(/target=newcomers/);
		expect(await page.inputValue('#cv-target')).toBe('newcomers');

		await page.locator('.cv-matrix td.cv-cell a').first().click();
		await page.waitForURL(/\/de\/staff\/coverage\/cell\?.*target=newcomers/);
		expect(await page.textContent('h2#cv-offers')).toBe(de.cv_offers_heading);
		expect(CLASS_TEXTS).toContain((await page.textContent('.cv-cell-class .cv-badge'))!.trim());
		expect(await axeViolations(page)).toEqual([]);
		await page.close();
	});

	it('draws the choropleth per field with a text version', async () => {
		const page = await signIn(browser, 'admin.koeln@example.org');
		await page.goto(`${base}/de/staff/coverage/map?field=education`);
		expect(await page.locator('.cv-map svg a').count()).toBe(86);
		expect(await page.locator('table tbody tr').count()).toBe(86);
		const label = await page.locator('.cv-map svg a').first().getAttribute('aria-label');
		expect(CLASS_TEXTS.some((c) => label!.endsWith(`: ${c}`))).toBe(true);
		expect(await axeViolations(page)).toEqual([]);
		await page.selectOption('#cv-field', 'housing');
		await page.click('.cv-filters button[type="submit"]');
		await page.waitForURL(/field=housing/);
		expect(await page.textContent('h1')).toContain('Wohnen');
		await page.close();
	});

	it('lets an administrator change the rules, naming each bad field', async () => {
		const page = await signIn(browser, 'admin.koeln@example.org');
		await page.goto(`${base}/de/staff/coverage/rules`);
		expect(await axeViolations(page)).toEqual([]);
		await page.fill('#cv-gapUnmetTopics', '2');
		await page.fill('#cv-staleBelowFreshShare', 'halb');
		await page.click('form.cv-rules-form button[type="submit"]');
		await expect.poll(() => page.textContent('#cv-gapUnmetTopics-error')).toBe(de.cv_error_out_of_range.replace('{min}', '5').replace('{max}', '100000'));
		expect(await page.textContent('#cv-staleBelowFreshShare-error')).toBe(de.cv_error_not_a_number);
		expect(await page.getAttribute('#cv-gapUnmetTopics', 'aria-invalid')).toBe('true');
		expect(await page.textContent('.error-summary')).toContain(de.cv_rule_staleBelowFreshShare);
		expect(await axeViolations(page)).toEqual([]);

		await page.fill('#cv-gapUnmetTopics', '12');
		await page.fill('#cv-staleBelowFreshShare', '0,4');
		await page.click('form.cv-rules-form button[type="submit"]');
		await expect.poll(() => page.textContent('p.notice[role="status"]')).toBe(de.cv_rules_saved);
		await page.goto(`${base}/de/staff/coverage/rules`);
		expect(await page.inputValue('#cv-gapUnmetTopics')).toBe('12');
		expect(await page.inputValue('#cv-staleBelowFreshShare')).toBe('0.4');
		// back to the defaults for later files
		await page.fill('#cv-gapUnmetTopics', '10');
		await page.fill('#cv-staleBelowFreshShare', '0.5');
		await page.click('form.cv-rules-form button[type="submit"]');
		await expect.poll(() => page.textContent('p.notice[role="status"]')).toBe(de.cv_rules_saved);
		await page.close();
	});

	it('shows instance staff the matrix and the rules read-only', async () => {
		const page = await signIn(browser, 'kalk@example.org');
		const res = await page.goto(`${base}/de/staff/coverage`);
		expect(res?.status()).toBe(200);
		await page.goto(`${base}/de/staff/coverage/rules`);
		expect(await page.textContent('main')).toContain(de.cv_rules_readonly);
		expect(await page.locator('form.cv-rules-form button[type="submit"]').count()).toBe(0);
		await page.close();
	});
});

describe('bad query parameters of the steering pages', () => {
	it('are refused (400/404) or named on the page, never 500', async () => {
		const c = new Client(base);
		await c.login('admin.koeln@example.org');
		const matrix = await c.get('/de/staff/coverage?target=aliens&language=not%20a%20tag');
		expect(matrix.status).toBe(200);
		expect(matrix.text).toContain(de.cv_error_unknown);
		expect(matrix.text).toContain('href="#cv-target"');
		expect((await c.get('/de/staff/coverage/map?field=astrology')).status).toBe(400);
		expect((await c.get('/de/staff/coverage/cell?space=junk&field=education')).status).toBe(404);
		expect((await c.get('/de/staff/coverage/cell?space=00000000-0000-4000-8000-000000000000&field=education')).status).toBe(404);
		expect((await c.get('/de/staff/coverage/cell?field=astrology')).status).toBe(400);
		expect((await c.get('/de/staff/steering?year=abc')).status).toBe(400);
		expect((await c.get('/de/staff/steering?district=junk')).status).toBe(400);
		expect((await c.get('/de/staff/steering/instance/junk')).status).toBe(403);
		expect((await c.get('/de/staff/steering/report?kind=district&district=junk&year=2026&format=csv')).status).toBe(400);
		expect((await c.get('/de/staff/programmes/junk')).status).toBe(404);
		expect((await c.get('/de/staff/programmes?year=20x6&active=soon&space=junk&field=x&level=y')).status).toBe(200);
		expect((await c.get('/de/staff/programmes/calendar?month=2026-13')).status).toBe(200);
		expect((await c.get('/de/staff/assessment?year=abc')).status).toBe(200);
		expect((await c.get('/de/staff/assessment/junk')).status).toBe(404);
		expect((await c.get('/de/staff/assessment/catalogue/junk')).status).toBe(404);
	});
});

describe('coverage in Arabic (Düsseldorf demo)', () => {
	it('matrix, drill-down, map and rules pass axe-core', async () => {
		const page = await signIn(browser, 'admin.duesseldorf@example.org', 'ar');
		await page.goto(`${base}/ar/staff/coverage`);
		expect(await page.textContent('h1')).toBe(ar.cv_title);
		// ten Stadtbezirke; no population per Stadtteil, so the eligible voters of 2020 stand in, labelled as a proxy
		expect(await page.locator('.cv-matrix tbody tr.cv-district').count()).toBe(10);
		expect(await page.textContent('.cv-matrix')).toContain('Stadtbezirk 5');
		const proxy = ar.cv_population_proxy.split('{value}');
		expect(await page.locator('.cv-matrix tbody td.cv-num').first().textContent()).toContain(proxy[1].trim());
		expect(await page.textContent('main')).toContain(map.ar.map_cv_proxy_note);
		expect(await axeViolations(page)).toEqual([]);
		await page.locator('.cv-matrix td.cv-cell a').first().click();
		await page.waitForURL(/\/ar\/staff\/coverage\/cell\?/);
		expect(await axeViolations(page)).toEqual([]);
		await page.goto(`${base}/ar/staff/coverage/map?field=labour`);
		expect(await axeViolations(page)).toEqual([]);
		await page.goto(`${base}/ar/staff/coverage/rules`);
		expect(await axeViolations(page)).toEqual([]);
		await page.close();
	});
});
