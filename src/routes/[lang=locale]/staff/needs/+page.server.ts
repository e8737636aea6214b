import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { needsListPage } from '$lib/server/steering/pages/needs';
import type { PageServerLoad } from './$types';

/** The needs reports the person may see, filtered by the query (a malformed filter: 400). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await needsListPage(await getDb(), p, event.locals.locale, event.url.searchParams);
	} catch (e) {
		httpError(e);
	}
};
