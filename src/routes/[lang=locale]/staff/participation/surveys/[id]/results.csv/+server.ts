import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { surveyResultsCsv } from '$lib/server/participation/pages/surveys';
import type { RequestHandler } from './$types';

/** A survey's result as CSV, small counts withheld as on the page. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		const csv = await surveyResultsCsv(await getDb(), p, event.params.id, event.locals.locale);
		return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="survey-results.csv"', 'cache-control': 'private, no-store' } });
	} catch (e) {
		httpError(e);
	}
};
