import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, launch, signIn } from '../helpers/browser';
import { Client } from '../helpers/http';
import { tempDir } from '../helpers/tmp';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
	browser = await launch();
});
afterAll(() => browser?.close());


describe('steering dashboards', () => {
	for (const lang of ['de', 'ar']) {
		it(`municipality dashboard with a district, and an instance dashboard, are axe-clean (${lang})`, async () => {
			const page = await signIn(browser, 'admin.duesseldorf@example.org', lang);
			await page.click(`main a[href="/${lang}/staff/steering"]`);
			await page.waitForURL(`${base}/${lang}/staff/steering`);
			expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
			expect(await page.$$eval('svg.bar-chart[role="img"]', (s) => s.length)).toBeGreaterThan(0);
			// A table is not headed like its section ("Überblick" twice read as one heading repeated).
			const headed = await page.$$eval('section.in-section', (sections) =>
				sections.map((s) => ({ section: s.querySelector('h2')?.textContent?.trim(), tables: [...s.querySelectorAll('h3')].map((h) => h.textContent?.trim()) }))
			);
			expect(headed.length).toBeGreaterThan(0);
			for (const { section, tables } of headed) expect(tables, section).not.toContain(section);
			expect(await axeViolations(page), page.url()).toEqual([]);
			const district = await page.$eval('#in-district option:nth-child(2)', (o) => (o as HTMLOptionElement).value);
			await page.selectOption('#in-district', district);
			await page.click('form.in-form button');
			await page.waitForURL(new RegExp(`district=${district}`));
			expect(await page.$$eval('a[href*="kind=district"]', (a) => a.length)).toBe(3);
			expect(await axeViolations(page), page.url()).toEqual([]);
			await page.click('.in-instances a');
			await page.waitForURL(/\/staff\/steering\/instance\//);
			expect(await axeViolations(page), page.url()).toEqual([]);
		});
	}

	it('download links deliver PDF, XLSX and CSV with the dashboard’s numbers', async () => {
		const client = new Client(base);
		expect(await client.login('admin.duesseldorf@example.org')).toBe(303);
		const page = await client.get('/de/staff/steering');
		expect(page.status).toBe(200);
		const links = [...page.text.matchAll(/href="(\/de\/staff\/steering\/report\?[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
		expect(links.map((l) => new URLSearchParams(l.split('?')[1]).get('format'))).toEqual(['pdf', 'xlsx', 'csv']);
		const pdf = await client.request(links[0]);
		expect(pdf.status).toBe(200);
		expect(pdf.headers.get('content-type')).toBe('application/pdf');
		expect(pdf.headers.get('content-disposition')).toMatch(/attachment; filename="jahresbericht-duesseldorf-\d{4}\.pdf"/);
		const file = path.join(tempDir('anl-dash-'), 'r.pdf');
		writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
		expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Tagged:\s+yes/);
		const xlsx = await client.request(links[1]);
		expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		expect((await xlsx.arrayBuffer()).byteLength).toBeGreaterThan(1000);
		const csv = await client.request(links[2]);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		const bytes = Buffer.from(await csv.arrayBuffer());
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = bytes.toString('utf8');
		// The overview's contacts and current offers on the page equal the CSV's.
		for (const [key, label] of [['contacts', 'Beratungskontakte im Jahr'], ['offers_current', 'Aktuelle Angebote']]) {
			const shown = new RegExp(`${label}</a>[\\s\\S]*?<a [^>]*>([\\d.]+)</a>`).exec(page.text)?.[1].replace(/\./g, '');
			expect(shown, label).toMatch(/^\d+$/);
			expect(text).toContain(`summary,summary,${key},${label},value,${shown}\r\n`);
		}
	});

	it('refuses the report to partners and names bad parameters', async () => {
		const partner = new Client(base);
		await partner.login('partner.duesseldorf@example.org');
		expect((await partner.get('/de/staff/steering/report?kind=annual&year=2026&format=csv')).status).toBe(403);
		expect((await partner.get('/de/staff/steering')).status).toBe(403);
		const admin = new Client(base);
		await admin.login('admin.duesseldorf@example.org');
		const bad = await admin.get('/de/staff/steering/report?kind=weekly&year=26&format=doc');
		expect(bad.status).toBe(400);
		expect(bad.text).toMatch(/kind/);
		expect(bad.text).toMatch(/format/);
	});
});
