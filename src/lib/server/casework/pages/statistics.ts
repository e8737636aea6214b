/**
 * Statistik der Lotsenarbeit (issue 4 §7) as its page and downloads show it: the scopes the
 * person may choose, the report of the chosen scope and period, and the report as CSV or XLSX
 * with the labels of the page (always suppressed: a download leaves the instance).
 */
import { rowLabel, tableTitle } from '$lib/casework/report-labels';
import { m } from '$lib/paraglide/messages.js';
import type { UserPrincipal } from '../../access';
import { ValidationError, type FieldIssue } from '../../core/errors';
import type { DbOrTx } from '../../db/client';
import { buildReport, formatPeriod, parsePeriod, parseScope, reportChoices, reportCsv, reportLines, reportXlsx } from '../statistics';
import { berlinDate } from '../time';

/** The previous month, the first complete one (`YYYY-MM`): the page's default period. */
function previousMonth(now: Date): string {
	const [y, mo] = berlinDate(now).split('-').map(Number);
	return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
}

/**
 * The statistics page for the query parameters `scope` (`instance:<id>`, `district:<id>`,
 * `municipality:<id>`) and `period` (`YYYY` or `YYYY-MM`); defaults: the person's first
 * instance (else the municipality) and the previous month. A malformed scope or period shows no
 * report and says so.
 * @throws AccessDeniedError for a scope the person may not open (also an unknown one).
 */
export async function statisticsPage(db: DbOrTx, principal: UserPrincipal, query: { scope: string | null; period: string | null }, now: Date = new Date()) {
	const choices = await reportChoices(db, principal);
	const periodText = query.period ?? previousMonth(now);
	const period = parsePeriod(periodText);
	const fallbackScope = choices.instances[0] ? `instance:${choices.instances[0].id}` : choices.municipality ? `municipality:${choices.municipality.id}` : '';
	const scopeText = query.scope ?? fallbackScope;
	const scope = parseScope(scopeText);
	const report = scope && period ? await buildReport(db, principal, scope, period) : null;
	return {
		choices,
		scopeText,
		periodText,
		periodInvalid: !period,
		scopeInvalid: !!scopeText && !scope,
		report,
		download: report && period ? new URLSearchParams({ scope: scopeText, period: formatPeriod(period) }).toString() : null
	};
}

/** A report file: name, media type and bytes. */
export interface ReportFile {
	filename: string;
	contentType: string;
	body: string | Uint8Array<ArrayBuffer>;
}

/**
 * A report as CSV (RFC 4180, `,`, BOM; see `reportCsv`) or XLSX, small counts suppressed
 * whoever asks.
 * @param query `scope`, `period` and `format` (`csv` | `xlsx`) as in the URL.
 * @throws ValidationError naming `scope`, `period` or `format` when malformed (400);
 *   AccessDeniedError for a scope the person may not open.
 */
export async function statisticsDownload(db: DbOrTx, principal: UserPrincipal, query: { scope: string | null; period: string | null; format: string | null }, locale: string): Promise<ReportFile> {
	const scope = parseScope(query.scope ?? '');
	const period = parsePeriod(query.period ?? '');
	const issues: FieldIssue[] = [];
	if (!scope) issues.push({ field: 'scope', code: 'invalid' });
	if (!period) issues.push({ field: 'period', code: 'invalid' });
	if (query.format !== 'csv' && query.format !== 'xlsx') issues.push({ field: 'format', code: 'invalid' });
	if (!scope || !period || issues.length) throw new ValidationError(issues);
	const report = await buildReport(db, principal, scope, period, { download: true });
	const section = (key: string) => (key === 'contacts' ? m.cc_section_contacts() : key === 'referrals' ? m.cc_section_referrals() : tableTitle(key));
	const lines = reportLines(report, (table, row) => rowLabel(table, row, locale), {
		section,
		total: m.cc_total_row(),
		header: [m.cc_csv_section(), m.cc_csv_key(), m.cc_csv_label(), m.cc_csv_count()]
	});
	const name = `statistik-${scope.level}-${formatPeriod(period)}`;
	if (query.format === 'csv') return { filename: `${name}.csv`, contentType: 'text/csv; charset=utf-8', body: reportCsv(lines) };
	return {
		filename: `${name}.xlsx`,
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		body: new Uint8Array(await reportXlsx(lines, `${report.scope.name} ${formatPeriod(period)}`))
	};
}
