import { volunteerPage } from '$lib/server/casework/pages/volunteer';
import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { PageServerLoad } from './$types';

/**
 * Meine Begleitungen (issue 4 §4): a volunteer's assigned appointments — when, where, which
 * language, and whom to call. Nothing of the case. Volunteers only (sign-in sends them here).
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await volunteerPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
