import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { surveyPublicResultsPage } from '$lib/server/participation/pages/survey-public';
import type { PageServerLoad } from './$types';

/** A survey's published result: charts and tables, small counts withheld. */
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		return await surveyPublicResultsPage(await getDb(), params.token, locals.locale);
	} catch (e) {
		httpError(e);
	}
};
