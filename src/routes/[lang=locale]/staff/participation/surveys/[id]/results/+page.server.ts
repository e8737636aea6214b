import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { surveyResultsStaffPage } from '$lib/server/participation/pages/surveys';
import type { PageServerLoad } from './$types';

/** A survey's result for staff: charts and tables with small counts withheld, and the free texts. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await surveyResultsStaffPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
