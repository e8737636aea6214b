import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { resultsPage } from '$lib/server/participation/pages/public';
import type { PageServerLoad } from './$types';

/** The published result of a campaign: heat maps per category with tables, counts per social space. */
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		return await resultsPage(await getDb(), params.municipality, params.id, locals.locale);
	} catch (e) {
		httpError(e);
	}
};
