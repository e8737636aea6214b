import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { volunteersPage } from '$lib/server/volunteering/pages/staff';
import type { PageServerLoad } from './$types';

/**
 * Ehrenamtliche (issue 13 §8, §9): the municipality's volunteers with filters (activity, social
 * space, language, dormant, name), who is over their load cap, and the counts steering sees.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await volunteersPage(await getDb(), p, event.url.searchParams, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
