import { getReadDb } from '$lib/server/db';
import { calendarPage } from '$lib/server/hosting/pages/public';
import { httpError } from '$lib/server/http/errors';
import type { PageServerLoad } from './$types';

/** Der Wochenplan eines Sozialraums (issue 15 §4): the public sessions of the Welcome Points serving it. */
export const load: PageServerLoad = async ({ params, url, locals }) => {
	try {
		return await calendarPage(await getReadDb(), params.municipality, url.searchParams, locals.locale, new Date(), { spaceId: params.id });
	} catch (e) {
		httpError(e);
	}
};
