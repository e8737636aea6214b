import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { networksDashboardSection } from '$lib/server/networks/pages/steering';
import { participationSteeringPanel } from '$lib/server/participation/pages/steering';
import { municipalityDashboardPage } from '$lib/server/steering/pages/dashboard';
import { steeringPanel } from '$lib/server/volunteering/pages/steering';
import type { PageServerLoad } from './$types';

/** The municipality dashboard (issue 5 §4): `?year=YYYY&district=<id>`; with the networks' figures (issue 14 §6) and Ehrenamt's panel (issue 13 §9, docs/volunteering.md). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		// Vernetzung's figures (issue 14 §6) and Ehrenamt's panel (issue 13 §9) join the dashboard here:
		// steering imports neither module.
		// Partizipation's panel (issue 16 §4) likewise.
		const [page, networks, volunteering, participation] = await Promise.all([
			municipalityDashboardPage(db, p, event.url.searchParams, event.params.lang),
			networksDashboardSection(db, p, event.params.lang),
			steeringPanel(db, p, event.params.lang),
			participationSteeringPanel(db, p, event.params.lang)
		]);
		return { ...page, networks, volunteering, participation };
	} catch (e) {
		httpError(e);
	}
};
