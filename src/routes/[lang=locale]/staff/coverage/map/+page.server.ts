import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { coverageMapPage } from '$lib/server/steering/pages/coverage';
import type { PageServerLoad } from './$types';

/** The choropleth of one theme field (`?field`, with the matrix's filters). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await coverageMapPage(await getDb(), p, event.url.searchParams, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
