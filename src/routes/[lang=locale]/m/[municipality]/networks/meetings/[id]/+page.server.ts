import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { publicMeetingPage } from '$lib/server/networks/pages/public-views';
import type { PageServerLoad } from './$types';

/** A meeting of a public network: only its public items, minutes of the latest approved version (issue 14 §3). */
export const load: PageServerLoad = async ({ parent, params, locals }) => {
	const { municipality } = await parent();
	try {
		return await publicMeetingPage(await getDb(), municipality.id, params.id, locals.locale);
	} catch (e) {
		httpError(e);
	}
};
