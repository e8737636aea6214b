import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { offerFeedbackStaffPage } from '$lib/server/participation/pages/staff';
import type { PageServerLoad } from './$types';

/** The moderated feedback on one offer, as its provider sees it (issue 16 §1). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await offerFeedbackStaffPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
