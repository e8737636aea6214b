import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, ValidationError } from '../../src/lib/server/core/errors';
import { municipalityDashboard, type Dashboard } from '../../src/lib/server/steering/pages/dashboard';
import {
	buildSteeringReport,
	parseReportQuery,
	renderReportCsv,
	renderReportPdf,
	renderReportXlsx,
	reportFileName,
	valueText,
	type SteeringReport
} from '../../src/lib/server/steering/pages/report';
import { statistic } from '../../src/lib/server/geography/schema';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { glyphCount, pdfText } from '../helpers/pdf';
import type { World } from '../helpers/world';
import { indicatorWorld, YEAR } from '../helpers/indicators';
import { tempDir } from '../helpers/tmp';

let h: DatabaseHandle;
let w: World & { offerIds: string[] };
let district: SteeringReport;
let annual: SteeringReport;
const NOW = new Date(`${YEAR}-06-30T22:30:00Z`);

beforeAll(async () => {
	h = await freshDatabase();
	w = await indicatorWorld(h.db);
	// Kalk's own statistics, imported for the Stadtbezirk itself (as for Düsseldorf's Stadtbezirk 5 and 6).
	await h.db.insert(statistic).values([
		{ municipalityId: w.ids.k, districtId: w.ids.d1, metric: 'share_migration_background', value: 47.5, unit: 'percent', asOf: '2024-12-31', source: 'Bezirksstatistik Kalk 2024' },
		{ municipalityId: w.ids.k, districtId: w.ids.d1, metric: 'population', value: 5200, unit: 'persons', asOf: '2024-12-31', source: 'Bezirksstatistik Kalk 2024' }
	]);
	district = await buildSteeringReport(h.db, w.who.admin, w.ids.k, { kind: 'district', districtId: w.ids.d1, year: YEAR, locale: 'de' }, NOW);
	annual = await buildSteeringReport(h.db, w.who.staffA, w.ids.k, { kind: 'annual', districtId: null, year: YEAR, locale: 'de' }, NOW);
}, 120_000);
afterAll(async () => h?.close());

/** Every (table, row, column) → raw value of a dashboard, as the downloads write it. */
function expected(d: Dashboard): Map<string, string | number> {
	const out = new Map<string, string | number>();
	for (const t of d.tables)
		for (const r of t.rows) r.cells.forEach((c, i) => out.set(`${t.key}|${r.key}|${t.columns[i].key}`, c.t === 'n' ? c.n : c.t === 'date' ? c.iso : valueText(c, d.locale)));
	return out;
}

describe(`district and annual reports (${DB_KIND})`, () => {
	it('hold the numbers of the dashboard', async () => {
		const dashboard = await municipalityDashboard(h.db, w.who.admin, w.ids.k, { year: YEAR, districtId: w.ids.d1, locale: 'de' });
		expect(district.dashboard.tables).toEqual(dashboard.tables);
		expect(district.title).toBe(`Bezirksbericht Kalk ${YEAR}`);
		expect(district.generatedText).toContain('00:30');
		expect(reportFileName(district, 'pdf')).toBe(`bezirksbericht-kalk-${YEAR}.pdf`);
		expect(reportFileName(annual, 'csv')).toBe(`jahresbericht-koeln-${YEAR}.csv`);
	});

	it('PDF: tagged, titled, in German, with the same numbers, the date and the sources', async () => {
		const dir = tempDir('anl-report-');
		const file = path.join(dir, 'r.pdf');
		writeFileSync(file, await renderReportPdf(annual));
		const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
		expect(info).toMatch(/Tagged:\s+yes/);
		expect(info).toMatch(new RegExp(`Title:\\s+Jahresbericht Köln ${YEAR}`));
		const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
		expect(text).toContain(`Jahresbericht Köln ${YEAR}`);
		expect(text).toContain('Erstellt am');
		expect(text).toContain('Register der Programme und Mittel');
		expect(text).toContain('Budget der laufenden Programme (EUR) 1.300,00');
		expect(text).toContain('Aktuelle Angebote 5');
		expect(text).toContain('Beratungskontakte im Jahr 15');
		expect(text).toMatch(/Arbeitssuche <5/);
		expect(text).toContain('keine Daten');
		expect(text).toMatch(/Gesamt 2 1 2 3 4 5/);
		const tags = execFileSync('pdfinfo', ['-struct', file], { encoding: 'utf8' });
		for (const tag of ['Document', 'H1', 'H2', 'H3', 'Table', 'TR', 'TH', 'TD']) expect(tags).toContain(tag);
	});

	it('XLSX: one sheet per section, numbers equal to the dashboard', async () => {
		const sheets = await readXlsxFile(await renderReportXlsx(district));
		expect(sheets.map((s) => s.sheet)).toEqual(['Info', 'Überblick', 'Bevölkerung und Statistik', 'Angebote', 'Beratungskontakte', 'Verweise', 'Bedarfsmeldungen', 'Programme und Mittel']);
		expect(sheets[0].data.flat()).toContain(district.title);
		expect(sheets[0].data.flat().join(' ')).toContain('Erstellt am');
		let compared = 0;
		for (const t of district.dashboard.tables) {
			const sheet = sheets.find((s) => s.sheet === ({ summary: 'Überblick', population: 'Bevölkerung und Statistik', offers: 'Angebote', contacts: 'Beratungskontakte', referrals: 'Verweise', needs: 'Bedarfsmeldungen', programmes: 'Programme und Mittel', participation: 'Beteiligung' } as const)[t.section])!;
			const start = sheet.data.findIndex((row) => row[0] === t.title);
			expect(start, t.key).toBeGreaterThanOrEqual(0);
			t.rows.forEach((r, i) => {
				const row = sheet.data[start + 2 + i];
				expect(row[0]).toBe(r.label);
				r.cells.forEach((c, j) => {
					expect(row[j + 1]).toEqual(c.t === 'n' ? c.n : c.t === 'date' ? c.iso : valueText(c, 'de'));
					compared++;
				});
			});
		}
		expect(compared).toBeGreaterThan(50);
	});

	it('CSV: commas (RFC 4180), BOM, a section column, values equal to the dashboard', () => {
		const csv = renderReportCsv(annual);
		expect(csv.startsWith('\uFEFFsection,table,key,label,column,value\r\n')).toBe(true);
		const rows: string[][] = parse(csv.slice(1), { delimiter: ',' });
		const want = expected(annual.dashboard);
		const got = new Map(rows.filter((r) => r[0] !== 'report' && r[0] !== 'section').map((r) => [`${r[1]}|${r[2]}|${r[4]}`, r[5]]));
		expect(got.size).toBe(want.size);
		for (const [k, v] of want) expect(got.get(k), k).toBe(String(v));
		expect(got.get('contacts_field|housing|contacts')).toBe('<5');
		expect(got.get('summary|budget|value')).toBe('1300');
		expect(rows.filter((r) => r[1] === 'sources')).toHaveLength(5);
		expect(rows.find((r) => r[2] === 'generated')![5]).toBe(NOW.toISOString());
	});

	it('Arabic district PDF: tagged in Arabic, Latin names intact, Arabic in logical order, no .notdef', async () => {
		const ar = await buildSteeringReport(h.db, w.who.admin, w.ids.k, { kind: 'district', districtId: w.ids.d1, year: YEAR, locale: 'ar' }, NOW);
		expect(ar.title).toBe(`تقرير الدائرة Kalk ${YEAR}`);
		const pdf = await renderReportPdf(ar);
		const dir = tempDir('anl-report-');
		const file = path.join(dir, 'ar.pdf');
		writeFileSync(file, pdf);
		expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Tagged:\s+yes/);
		expect(pdf.toString('latin1')).toContain('/Lang (ar)');
		const text = pdfText(pdf).replace(/\s+/g, ' ');
		expect(text).toContain(`تقرير الدائرة Kalk ${YEAR}`);
		// Latin names of the district, its spaces and the sources, whole.
		for (const name of ['Humboldt/Gremberg', 'Vingst', 'Bezirksstatistik Kalk 2024', 'Europe/Berlin']) expect(text).toContain(name);
		// Arabic labels in logical order, lam-alef included ("no data").
		for (const label of ['المصادر', 'لا توجد بيانات']) expect(text).toContain(label);
		// An ISO date beside Arabic words keeps its order (not read as Arabic numbers, 31-12-2024).
		expect(text).not.toContain('31-12-2024');
		expect(await glyphCount(pdf)).toMatchObject({ notdef: 0 });
	});

	it('every report PDF draws a glyph for every character (German, Arabic, Farsi, Ukrainian, annual and district)', async () => {
		for (const locale of ['de', 'ar', 'fa', 'uk', 'tr', 'ru', 'en']) {
			for (const kind of ['district', 'annual'] as const) {
				const r = await buildSteeringReport(h.db, w.who.admin, w.ids.k, { kind, districtId: kind === 'district' ? w.ids.d1 : null, year: YEAR, locale }, NOW);
				const counted = await glyphCount(await renderReportPdf(r));
				expect(counted.glyphs, `${kind} ${locale}`).toBeGreaterThan(500);
				expect(counted.notdef, `${kind} ${locale}`).toBe(0);
			}
		}
	});

	it("the district report shows the district's own statistics and only the programmes that name it", async () => {
		const rows = district.dashboard.tables.find((t) => t.key === 'statistics')!.rows;
		// Metrics sorted by key: population, share_migration_background.
		expect(rows.map((r) => r.key).slice(0, 2)).toEqual([`${w.ids.d1}:population`, `${w.ids.d1}:share_migration_background`]);
		expect(rows[0].cells[0]).toMatchObject({ t: 'n', n: 5200 });
		const text = pdfText(await renderReportPdf(district)).replace(/\s+/g, ' ');
		expect(text).toContain('Bezirksstatistik Kalk 2024');
		expect(text).toMatch(/Kalk · Einwohner\*innen 5\.200 Personen/);
		// P4 (300 €, Humboldt/Gremberg) names the district; P1 (1,000 €) is the whole city's.
		const csv: string[][] = parse(renderReportCsv(district).slice(1), { delimiter: ',' });
		// The statistics' date is written for the reader in the PDF and exported as ISO 8601.
		expect(text).toMatch(/Bezirksstatistik Kalk 2024/);
		expect(text).toContain('31.12.2024');
		expect(text).not.toContain('2024-12-31');
		expect(csv.find((r) => r[1] === 'statistics' && r[4] === 'as_of')![5]).toBe('2024-12-31');
		expect(csv.find((r) => r[1] === 'summary' && r[2] === 'budget')![5]).toBe('300');
		expect(csv.find((r) => r[1] === 'summary' && r[2] === 'programmes')![5]).toBe('1');
		expect(text).toContain('Budget der laufenden Programme (EUR) 300,00');
		expect(text).toContain('sie sind im Bezirk nicht mitgezählt');
		expect(await glyphCount(await renderReportPdf(district))).toMatchObject({ notdef: 0 });
	});

	it('refuses partners, volunteers, other municipalities and names bad parameters', async () => {
		const req = { kind: 'annual' as const, districtId: null, year: YEAR, locale: 'de' };
		await expect(buildSteeringReport(h.db, w.who.partner, w.ids.k, req)).rejects.toThrow(AccessDeniedError);
		await expect(buildSteeringReport(h.db, w.who.volunteer, w.ids.k, req)).rejects.toThrow(AccessDeniedError);
		const foreign = await buildSteeringReport(h.db, w.who.adminOther, w.ids.o, { ...req, kind: 'district', districtId: w.ids.d1 }).catch((e) => e);
		expect(foreign.issues).toEqual([{ field: 'district', code: 'in_error_district' }]);
		const missing = await buildSteeringReport(h.db, w.who.admin, w.ids.k, { ...req, kind: 'district' }).catch((e) => e);
		expect(missing.issues[0]).toMatchObject({ field: 'district', code: 'in_error_district_required' });
		const bad = (() => {
			try {
				parseReportQuery(new URLSearchParams('kind=weekly&year=20x6&format=doc'), 'de');
			} catch (e) {
				return e as ValidationError;
			}
		})();
		expect(bad?.issues.map((i) => i.field)).toEqual(['kind', 'year', 'format']);
		expect(() => parseReportQuery(new URLSearchParams('kind=district&year=2026&format=pdf'), 'de')).toThrow(/district/);
		expect(() => parseReportQuery(new URLSearchParams('kind=annual&year=2026&format=toString'), 'de')).toThrow(/format/);
		expect(() => parseReportQuery(new URLSearchParams('kind=annual&year=1999&format=csv'), 'de')).toThrow(/year/);
		const junk = await buildSteeringReport(h.db, w.who.admin, w.ids.k, { ...req, kind: 'district', districtId: 'junk' }).catch((e) => e);
		expect(junk.issues).toEqual([{ field: 'district', code: 'in_error_district' }]);
		expect(parseReportQuery(new URLSearchParams(`kind=district&district=${w.ids.d1}&year=2026&format=csv`), 'de')).toMatchObject({ kind: 'district', districtId: w.ids.d1, year: 2026, format: 'csv' });
	});
});
