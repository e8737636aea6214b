import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { comparePage } from '$lib/server/instances/pages/compare';
import type { PageServerLoad } from './$types';

/** Generalisierbarkeit: any instances side by side, dimension by dimension (seed 002). */
export const load: PageServerLoad = async ({ url }) => {
	try {
		return await comparePage(await getDb(), url.searchParams);
	} catch (e) {
		httpError(e);
	}
};
