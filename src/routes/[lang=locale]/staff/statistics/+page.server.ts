import { statisticsPage } from '$lib/server/casework/pages/statistics';
import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { PageServerLoad } from './$types';

/** Statistik der Lotsenarbeit (issue 4 §7): reports of the scopes the person may open. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await statisticsPage(await getDb(), p, { scope: event.url.searchParams.get('scope'), period: event.url.searchParams.get('period') });
	} catch (e) {
		httpError(e);
	}
};
