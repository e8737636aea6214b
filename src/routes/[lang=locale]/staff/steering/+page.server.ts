import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { networksDashboardSection } from '$lib/server/networks/pages/steering';
import { municipalityDashboardPage } from '$lib/server/steering/pages/dashboard';
import type { PageServerLoad } from './$types';

/** The municipality dashboard (issue 5 §4): `?year=YYYY&district=<id>`. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		const page = await municipalityDashboardPage(db, p, event.url.searchParams, event.params.lang);
		// Vernetzung's figures join the dashboard here (issue 14 §6): steering does not import networks.
		return { ...page, networks: await networksDashboardSection(db, p, event.params.lang) };
	} catch (e) {
		httpError(e);
	}
};
