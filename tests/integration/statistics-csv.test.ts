/**
 * The statistics CSVs (Statistik der Lotsenarbeit, Bezirks- und Jahresbericht) as other tools
 * read them: an independent CSV parser (papaparse) detects the delimiter by itself, and a
 * spreadsheet (Gnumeric's ssconvert) opens the file into the same table: one column per field,
 * labels with commas, quotes, line breaks and Arabic intact, formula-like labels as text.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { reportCsv } from '../../src/lib/server/casework/statistics';
import { renderReportCsv, type SteeringReport } from '../../src/lib/server/steering/pages/report';
import type { Dashboard } from '../../src/lib/server/steering/pages/dashboard';
import { tempDir } from '../helpers/tmp';

const dir = tempDir('anl-statistics-csv-');

/** The file as Gnumeric opens it (delimiter and encoding detected) and saves it again as CSV. */
function throughGnumeric(name: string, text: string): string[][] {
	const file = path.join(dir, name);
	writeFileSync(file, text);
	const saved = `${file}.saved.csv`;
	const run = spawnSync('ssconvert', [file, saved], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
	expect(run.status, run.stderr).toBe(0);
	const parsed = Papa.parse<string[]>(readFileSync(saved, 'utf8'), { delimiter: ',' });
	expect(parsed.errors).toEqual([]);
	return parsed.data.filter((r) => r.length > 1);
}

/** The file as papaparse reads it when told nothing about its delimiter. */
function sniffed(text: string): { delimiter: string; rows: string[][] } {
	const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
	expect(parsed.errors).toEqual([]);
	return { delimiter: parsed.meta.delimiter, rows: parsed.data };
}

describe('statistics CSV files', () => {
	it('casework statistics: RFC 4180 commas that a parser and a spreadsheet recognise without being told', () => {
		const lines = [
			['Bereich', 'Schlüssel', 'Bezeichnung', 'Anzahl'],
			['Kontakte', 'total', 'Gesamt', '12'],
			['Thema', 'housing', 'Wohnen, Miete', '7'],
			['Thema', 'other', '"Sonstiges"\nmit Zeilenumbruch', '<5'],
			['Verweis', 'target', '=HYPERLINK("https://example.org")', '6'],
			['Sprache', 'ar', 'العربية', '5']
		];
		const csv = reportCsv(lines);
		expect(csv.startsWith('\uFEFFBereich,Schlüssel,Bezeichnung,Anzahl\r\n')).toBe(true);
		expect(sniffed(csv)).toEqual({ delimiter: ',', rows: lines.map((l) => l.map((c) => (c.startsWith('=') ? `'${c}` : c))) });
		expect(throughGnumeric('statistik.csv', csv)).toEqual(lines);
	});

	it('steering report: one column per field, numbers plain, the generation time and sources as lines', () => {
		const report = {
			kind: 'annual',
			title: 'Jahresbericht Köln 2026',
			generatedAt: new Date('2026-03-01T09:30:00Z'),
			generatedText: '1. März 2026 um 10:30',
			dashboard: {
				locale: 'de',
				sources: ['Stadt Köln, Einwohnerstatistik 2025', 'Eigene Erhebung'],
				tables: [
					{
						key: 'budget',
						section: 'programmes',
						title: 'Fördermittel',
						columns: [{ key: 'value', label: 'Betrag' }],
						rows: [
							{ key: 'total', label: 'Summe, alle Programme', cells: [{ t: 'n', n: 1300.5, unit: 'eur' }] },
							{ key: 'contacts', label: '-Kontakte (unter 5)', cells: [{ t: 'suppressed' }] }
						],
						chart: null
					}
				]
			} as unknown as Dashboard
		} satisfies SteeringReport;
		const csv = renderReportCsv(report);
		const header = ['section', 'table', 'key', 'label', 'column', 'value'];
		expect(sniffed(csv).delimiter).toBe(',');
		const rows = throughGnumeric('jahresbericht.csv', csv);
		expect(rows[0]).toEqual(header);
		expect(rows.every((r) => r.length === header.length)).toBe(true);
		// The ISO 8601 time is recognised as a date-time (and written back in Gnumeric's own form).
		expect(sniffed(csv).rows.find((r) => r[2] === 'generated')![5]).toBe('2026-03-01T09:30:00.000Z');
		expect(rows.find((r) => r[2] === 'generated')![5]).toBe('2026/03/01 09:30:00');
		expect(rows.filter((r) => r[1] === 'sources').map((r) => r[5])).toEqual(report.dashboard.sources);
		expect(rows.find((r) => r[2] === 'total')!.slice(3)).toEqual(['Summe, alle Programme', 'value', '1300.5']);
		expect(rows.find((r) => r[2] === 'contacts')!.slice(3)).toEqual(['-Kontakte (unter 5)', 'value', '<5']);
	});
});
