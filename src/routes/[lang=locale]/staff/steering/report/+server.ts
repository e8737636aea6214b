import { error } from '@sveltejs/kit';
import { ValidationError } from '$lib/server/core/errors';
import { getDb } from '$lib/server/db';
import { httpError, issueMessage } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { steeringReportTables } from '$lib/server/participation/pages/steering';
import { steeringReportResponse } from '$lib/server/steering/pages/report';
import type { RequestHandler } from './$types';

/**
 * District and annual report (issue 5 §6):
 * `?kind=district&district=<id>&year=YYYY&format=pdf|xlsx|csv` or `?kind=annual&year=…&format=…`.
 * With Partizipation's tables. 400 names every bad parameter; 403 without `steering:view`.
 */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		// Partizipation's tables (issue 16 §4) join the downloads here: steering imports nothing of it.
		return await steeringReportResponse(db, p, event.url.searchParams, event.params.lang, await steeringReportTables(db, p, event.params.lang));
	} catch (e) {
		if (e instanceof ValidationError) error(400, e.issues.map((i) => `${i.field}: ${issueMessage(i)}`).join('; '));
		httpError(e);
	}
};
