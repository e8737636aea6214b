import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { programmeListPage } from '$lib/server/steering/pages/programmes';
import type { PageServerLoad } from './$types';

/** Programme registry (issue 5 §2): the municipality's programmes, filterable by field, funder level, social space and date. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await programmeListPage(await getDb(), p, event.url.searchParams);
	} catch (e) {
		httpError(e);
	}
};
