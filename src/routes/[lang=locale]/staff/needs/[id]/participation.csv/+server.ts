import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { needsEvidenceCsv } from '$lib/server/participation/pages/evidence';
import type { RequestHandler } from './$types';

/** The participation evidence attached to a needs report as CSV (issue 16 §4), for those who may read the report. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await needsEvidenceCsv(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
