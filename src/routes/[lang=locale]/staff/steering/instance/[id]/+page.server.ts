import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { instanceDashboardPage } from '$lib/server/steering/pages/dashboard';
import type { PageServerLoad } from './$types';

/** The dashboard of one instance (issue 5 §4): `?year=YYYY`. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await instanceDashboardPage(await getDb(), p, event.params.id, event.url.searchParams, event.params.lang);
	} catch (e) {
		httpError(e);
	}
};
