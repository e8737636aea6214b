import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { AccessDeniedError, ValidationError } from '$lib/server/core/errors';
import { msg } from '$lib/messages';
import { buildSteeringReport, parseReportQuery, renderReportCsv, renderReportPdf, renderReportXlsx, REPORT_FORMATS, reportFileName } from '$lib/server/steering/reports';
import type { RequestHandler } from './$types';

/**
 * District and annual report (issue 5 §6):
 * `?kind=district&district=<id>&year=YYYY&format=pdf|xlsx|csv` or `?kind=annual&year=…&format=…`.
 * 400 names every bad parameter; 403 without `steering:view`.
 */
export const GET: RequestHandler = async ({ locals, url, params }) => {
	// Endpoints are not guarded by the staff layout.
	if (!locals.principal) error(401, 'Unauthorized');
	try {
		const request = parseReportQuery(url.searchParams, params.lang);
		const report = await buildSteeringReport(await getDb(), locals.principal, request);
		const body =
			request.format === 'pdf' ? new Uint8Array(await renderReportPdf(report)) : request.format === 'xlsx' ? new Uint8Array(await renderReportXlsx(report)) : renderReportCsv(report);
		return new Response(body, {
			headers: {
				'content-type': REPORT_FORMATS[request.format],
				'content-disposition': `attachment; filename="${reportFileName(report, request.format)}"`,
				'cache-control': 'private, no-store',
				'x-content-type-options': 'nosniff'
			}
		});
	} catch (e) {
		if (e instanceof AccessDeniedError) error(403, 'Forbidden');
		if (e instanceof ValidationError) error(400, e.issues.map((i) => `${i.field}: ${msg(i.code, i.params)}`).join('; '));
		throw e;
	}
};
