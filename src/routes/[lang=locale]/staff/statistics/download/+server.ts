import { error } from '@sveltejs/kit';
import { rowLabel, tableTitle } from '$lib/casework/report-labels';
import { buildReport, formatPeriod, parsePeriod, parseScope, reportCsv, reportLines, reportXlsx } from '$lib/server/casework/statistics';
import { getDb } from '$lib/server/db';
import { AccessDeniedError } from '$lib/server/core/errors';
import { m } from '$lib/paraglide/messages.js';
import type { RequestHandler } from './$types';

/**
 * A report as CSV (`;`, BOM, for German Excel) or XLSX: always with small counts suppressed,
 * whoever asks (a download leaves the instance; issue 4 §7).
 */
export const GET: RequestHandler = async ({ locals, url, params }) => {
	// Endpoints are not guarded by the staff layout.
	if (!locals.principal) error(401, 'Unauthorized');
	const scope = parseScope(url.searchParams.get('scope') ?? '');
	const period = parsePeriod(url.searchParams.get('period') ?? '');
	const format = url.searchParams.get('format');
	if (!scope || !period || (format !== 'csv' && format !== 'xlsx')) error(400, 'Bad request');
	let report;
	try {
		report = await buildReport(await getDb(), locals.principal!, scope, period, { download: true });
	} catch (e) {
		if (e instanceof AccessDeniedError) error(403, 'Forbidden');
		throw e;
	}
	const section = (key: string) =>
		key === 'contacts' ? m.cc_section_contacts() : key === 'referrals' ? m.cc_section_referrals() : tableTitle(key);
	const lines = reportLines(report, (table, row) => rowLabel(table, row, params.lang), {
		section,
		total: m.cc_total_row(),
		header: [m.cc_csv_section(), m.cc_csv_key(), m.cc_csv_label(), m.cc_csv_count()]
	});
	const name = `statistik-${scope.level}-${formatPeriod(period)}`;
	const headers = { 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' };
	if (format === 'csv') {
		return new Response(reportCsv(lines), {
			headers: { ...headers, 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` }
		});
	}
	const body = await reportXlsx(lines, `${report.scope.name} ${formatPeriod(period)}`);
	return new Response(new Uint8Array(body), {
		headers: {
			...headers,
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="${name}.xlsx"`
		}
	});
};
