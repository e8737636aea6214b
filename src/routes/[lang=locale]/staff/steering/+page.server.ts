import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { municipalityDashboardPage } from '$lib/server/steering/pages/dashboard';
import type { PageServerLoad } from './$types';

/** The municipality dashboard (issue 5 §4): `?year=YYYY&district=<id>`. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await municipalityDashboardPage(await getDb(), p, event.url.searchParams, event.params.lang);
	} catch (e) {
		httpError(e);
	}
};
