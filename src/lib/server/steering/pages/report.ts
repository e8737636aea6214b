/**
 * Berichte der Steuerung (issue 5 §6): the district report (Bezirksbericht, for the
 * Bezirksvertretung: one Stadtbezirk, one year) and the annual report (Jahresbericht, for the
 * integration office: the whole municipality, one year), each as
 * - a tagged PDF (PDF 1.7 with a structure tree: Document, H1/H2/H3 headings, P, Table/TR/TH/TD;
 *   document language and title set and shown; text through `core/pdf.ts`: bidirectional,
 *   embedded Noto fonts for every script — as the case export of casework),
 * - an XLSX workbook (one sheet per section plus an information sheet),
 * - a CSV file (`,` as RFC 4180 has it, UTF-8 with BOM, CRLF; one long table with a section
 *   column: section, table, row key, row label, column, value),
 * each stating the generation date (Europe/Berlin) and the sources of the data.
 *
 * The numbers are those of the municipality dashboard (`municipalityDashboard` with the district
 * or without), built by the same function: contact counts suppressed (1–4 → "<5"), "no data" as
 * such. Access: `steering:view`.
 */
import writeXlsxFile from 'write-excel-file/node';
import type { Principal, UserPrincipal } from '../../access';
import { spreadsheetCsv } from '../../core/csv';
import { ValidationError, type FieldIssue } from '../../core/errors';
import { isolate } from '../../core/direction';
import { TaggedPdf, fitColumnWidths } from '../../core/pdf';
import { parseInteger } from '../../core/validation';
import type { DbOrTx } from '../../db/client';
import { INDICATOR_YEARS, REPORT_FORMATS, type ReportFormat } from '../model';
import { indicatorText, municipalityDashboard, type Dashboard, type IndicatorTable, type IndicatorValue } from './dashboard';
import { dateTimeFormat, numberFormat } from '$lib/intl';
import { formatAsOf } from '$lib/format';

/** Which report. */
export interface SteeringReportRequest {
	kind: 'district' | 'annual';
	/** Required for `district`. */
	districtId: string | null;
	year: number;
	locale: string;
}

/** A report's data: the dashboard it is made of, its title and generation time. */
export interface SteeringReport {
	kind: 'district' | 'annual';
	title: string;
	generatedAt: Date;
	/** `Europe/Berlin` date and time in the report's language. */
	generatedText: string;
	dashboard: Dashboard;
}

/**
 * Parses the query of `staff/steering/report`: `kind=district|annual`, `district=<id>` (district
 * report), `year=YYYY`, `format=pdf|xlsx|csv`.
 * @throws ValidationError naming each bad parameter (`kind`, `district`, `year`, `format`).
 */
export function parseReportQuery(params: URLSearchParams, locale: string): SteeringReportRequest & { format: ReportFormat } {
	const issues: FieldIssue[] = [];
	const kind = params.get('kind');
	const format = params.get('format') ?? '';
	const year = parseInteger(params.get('year') ?? '', INDICATOR_YEARS);
	const districtId = params.get('district') || null;
	if (kind !== 'district' && kind !== 'annual') issues.push({ field: 'kind', code: 'in_error_kind' });
	if (kind === 'district' && !districtId) issues.push({ field: 'district', code: 'in_error_district_required' });
	if (year === null) issues.push({ field: 'year', code: 'in_error_year', params: { ...INDICATOR_YEARS } });
	if (!Object.hasOwn(REPORT_FORMATS, format)) issues.push({ field: 'format', code: 'in_error_format' });
	if (issues.length) throw new ValidationError(issues);
	return { kind: kind as 'district' | 'annual', districtId: kind === 'district' ? districtId : null, year: year!, format: format as ReportFormat, locale };
}

/**
 * Collects a report (the dashboard of the district or of the municipality for the year).
 * @throws AccessDeniedError without `steering:view`; ValidationError naming `district` (unknown
 *   or of another municipality) or `year`.
 */
export async function buildSteeringReport(db: DbOrTx, principal: Principal, municipalityId: string, request: SteeringReportRequest, now: Date = new Date()): Promise<SteeringReport> {
	if (request.kind === 'district' && !request.districtId) throw new ValidationError([{ field: 'district', code: 'in_error_district_required' }]);
	const dashboard = await municipalityDashboard(db, principal, municipalityId, { year: request.year, districtId: request.districtId, locale: request.locale, download: true });
	const locale = dashboard.locale;
	const title =
		request.kind === 'district'
			? indicatorText(locale, 'in_report_district', { district: dashboard.district!.name, year: request.year })
			: indicatorText(locale, 'in_report_annual', { municipality: dashboard.municipality.name, year: request.year });
	const generatedText = dateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(now);
	return { kind: request.kind, title, generatedAt: now, generatedText, dashboard };
}

/** A file name without spaces or umlauts: `bezirksbericht-<district>-2026.pdf`, `jahresbericht-<municipality>-2026.csv`. */
export function reportFileName(report: SteeringReport, format: ReportFormat): string {
	const d = report.dashboard;
	const slug = report.kind === 'district' ? d.district!.slug : d.municipality.slug;
	return `${report.kind === 'district' ? 'bezirksbericht' : 'jahresbericht'}-${slug}-${d.year}.${format}`.replace(/[^a-z0-9.-]/gi, '-');
}

/** A cell as text for reading (PDF): numbers in the locale, "<5", the "no data" text. */
export function valueText(v: IndicatorValue, locale: string): string {
	switch (v.t) {
		case 'n':
			return v.unit === 'eur'
				? numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v.n)
				: numberFormat(locale, { maximumFractionDigits: v.unit === 'days' ? 1 : 2 }).format(v.n);
		case 'suppressed':
			return indicatorText(locale as Dashboard['locale'], 'in_suppressed');
		case 'none':
			return indicatorText(locale as Dashboard['locale'], 'in_no_data');
		case 'text':
			return v.s;
		case 'date':
			return formatAsOf(v.iso, locale);
	}
}

/** A cell for machines (CSV/XLSX): the plain number (`.` decimal), the ISO date, "<5", the "no data" text or the text. */
function rawValue(v: IndicatorValue, locale: Dashboard['locale']): string | number {
	if (v.t === 'n') return v.n;
	if (v.t === 'date') return v.iso;
	return valueText(v, locale);
}

/**
 * A row label as the PDF sets it: each part the dashboard joins with " · " (area, metric, date)
 * as a bidi isolate, so an ISO date after Arabic or Farsi words is not read as Arabic numbers
 * (UAX #9 W2) and shown as 31-12-2024, and a Latin area name keeps its place.
 */
function pdfRowLabel(label: string): string {
	return label.split(' · ').map(isolate).join(' · ');
}

/** Steering's own sections, always drawn (an empty one says "no data"). */
const SECTIONS: readonly IndicatorTable['section'][] = ['summary', 'population', 'offers', 'contacts', 'referrals', 'needs', 'programmes'];

/** The sections a report draws: steering's, then those of tables other modules passed in (`extra`), in their order. */
function sectionsOf(d: Dashboard): IndicatorTable['section'][] {
	return [...new Set([...SECTIONS, ...d.tables.map((t) => t.section)])];
}

/**
 * Renders the report as a tagged PDF in the dashboard's language (`core/pdf.ts`: bidirectional
 * text, a font for every script): title, generation date, sources, then per section its tables
 * (header row TH scope Column, first cell of each row TH scope Row) with their notes. Empty
 * tables say "no data".
 * @returns the PDF bytes.
 */
export function renderReportPdf(report: SteeringReport): Promise<Buffer> {
	const d = report.dashboard;
	const locale = d.locale;
	const pdf = new TaggedPdf({ lang: locale, title: report.title, subject: report.title, margin: 48 });
	const table = (t: IndicatorTable) => {
		const header = [indicatorText(locale, 'in_col_row'), ...t.columns.map((c) => c.label)];
		const rows = t.rows.map((r) => [pdfRowLabel(r.label), ...r.cells.map((c) => valueText(c, locale))]);
		const widths = fitColumnWidths(header.map((h, i) => ({ header: h, cells: rows.map((r) => r[i]) })), 8, pdf.width);
		// A column of figures (numbers in any script with their separators and direction marks, "<5",
		// "–"; cells without a digit such as "no data" do not count) aligns at the end; a column of
		// text (a source, a basis) at the start.
		const figure = (t: string) => !/\p{N}/u.test(t) || /^[\p{N}\s.,:%<>+\-–−٫٬\u200e\u200f\u061c]*$/u.test(t);
		const figures = (i: number) => i > 0 && rows.some((r) => /\p{N}/u.test(r[i])) && rows.every((r) => figure(r[i]));
		pdf.table({
			columns: widths.map((width, i) => ({ width, align: figures(i) ? ('end' as const) : ('start' as const) })),
			header,
			rows,
			size: 8
		});
	};
	pdf.block('H1', report.title, { size: 18, bold: true });
	pdf.block('P', indicatorText(locale, 'in_generated', { date: report.generatedText }), { size: 10 });
	pdf.space(0.5);
	pdf.block('H2', indicatorText(locale, 'in_sources'), { size: 13, bold: true });
	for (const s of d.sources) pdf.block('P', `• ${s}`, { size: 9 });
	if (d.exact === false) pdf.block('P', indicatorText(locale, 'in_suppressed_note'), { size: 9 });
	for (const section of sectionsOf(d)) {
		pdf.space(1);
		pdf.block('H2', indicatorText(locale, `in_section_${section}`), { size: 14, bold: true });
		for (const t of d.tables.filter((x) => x.section === section)) {
			pdf.space(0.5);
			pdf.block('H3', t.title, { size: 11, bold: true });
			if (t.rows.length) table(t);
			else pdf.block('P', indicatorText(locale, 'in_no_data'), { size: 9 });
			if (t.note) pdf.block('P', t.note, { size: 8 });
		}
	}
	return pdf.finish();
}

/**
 * The report as lines for CSV: a header, the report information (title, generation date, one
 * line per source), then one line per table cell: section, table, row key, row label, column,
 * value. The header names are machine keys (`section;table;key;label;column;value`), so a
 * script reads every language alike; value (numbers plain with `.` as decimal separator, "<5", or the "no data" text).
 */
function reportCsvLines(report: SteeringReport): (string | number)[][] {
	const d = report.dashboard;
	const L = d.locale;
	const info = indicatorText(L, 'in_sources');
	const lines: (string | number)[][] = [['section', 'table', 'key', 'label', 'column', 'value']];
	lines.push(['report', 'report', 'title', report.title, '', report.title]);
	lines.push(['report', 'report', 'generated', indicatorText(L, 'in_generated', { date: report.generatedText }), '', report.generatedAt.toISOString()]);
	d.sources.forEach((s, i) => lines.push(['report', 'sources', `source_${i + 1}`, info, '', s]));
	for (const t of d.tables) {
		for (const r of t.rows) {
			r.cells.forEach((c, i) => lines.push([t.section, t.key, r.key, r.label, t.columns[i].key, rawValue(c, L)]));
		}
	}
	return lines;
}

/**
 * The report as CSV (`spreadsheetCsv`): comma-separated as RFC 4180 defines, which spreadsheets
 * recognise in every locale and which suits the plain `.`-decimal numbers of this file (a `;`
 * file has no marker a spreadsheet honours: Excel's `sep=;` line makes it drop the UTF-8 byte
 * order mark, and Gnumeric then misreads the file); UTF-8 with BOM, CRLF line ends.
 */
export function renderReportCsv(report: SteeringReport): string {
	return spreadsheetCsv(reportCsvLines(report), ',');
}

/**
 * The report as an XLSX workbook: sheet "Info" (title, generation date, sources), then one
 * sheet per section; each table is a title row, a header row and its rows (numbers as numbers,
 * "<5" and "no data" as text), with an empty row between tables.
 * @returns the file bytes.
 */
export async function renderReportXlsx(report: SteeringReport): Promise<Buffer> {
	const d = report.dashboard;
	const L = d.locale;
	const text = (value: string, bold = false) => ({ value, type: String, ...(bold ? { fontWeight: 'bold' as const } : {}) });
	const cell = (v: IndicatorValue) => {
		const raw = rawValue(v, L);
		return typeof raw === 'number' ? { value: raw, type: Number } : text(raw);
	};
	const sheetName = (s: string) => s.slice(0, 31).replace(/[\\/?*[\]:]/g, ' ');
	const infoSheet = [
		[text(report.title, true)],
		[text(indicatorText(L, 'in_generated', { date: report.generatedText }))],
		[text(indicatorText(L, 'in_sources'), true)],
		...d.sources.map((s) => [text(s)])
	];
	const sheets = [{ data: infoSheet, sheet: sheetName('Info') }];
	for (const section of sectionsOf(d)) {
		const rows: unknown[][] = [];
		for (const t of d.tables.filter((x) => x.section === section)) {
			if (rows.length) rows.push([null]);
			rows.push([text(t.title, true)]);
			rows.push([text(indicatorText(L, 'in_col_row'), true), ...t.columns.map((c) => text(c.label, true))]);
			if (!t.rows.length) rows.push([text(indicatorText(L, 'in_no_data'))]);
			for (const r of t.rows) rows.push([text(r.label), ...r.cells.map(cell)]);
		}
		sheets.push({ data: rows as typeof infoSheet, sheet: sheetName(indicatorText(L, `in_section_${section}`)) });
	}
	return writeXlsxFile(sheets).toBuffer();
}

/**
 * The report the query asks for (see `parseReportQuery`) of the principal's municipality, as a
 * download response in its format (not cached). `extra`: tables of modules to the right of
 * steering (section `participation`), which their route passes in; steering imports none of them.
 * @throws ValidationError naming every bad parameter; AccessDeniedError without `steering:view`.
 */
export async function steeringReportResponse(db: DbOrTx, principal: UserPrincipal, query: URLSearchParams, locale: string, extra: readonly IndicatorTable[] = []): Promise<Response> {
	const request = parseReportQuery(query, locale);
	const report = await buildSteeringReport(db, principal, principal.municipalityId, request);
	report.dashboard.tables.push(...extra);
	const body = request.format === 'pdf' ? new Uint8Array(await renderReportPdf(report)) : request.format === 'xlsx' ? new Uint8Array(await renderReportXlsx(report)) : renderReportCsv(report);
	return new Response(body, {
		headers: {
			'content-type': REPORT_FORMATS[request.format],
			'content-disposition': `attachment; filename="${reportFileName(report, request.format)}"`,
			'cache-control': 'private, no-store',
			'x-content-type-options': 'nosniff'
		}
	});
}
