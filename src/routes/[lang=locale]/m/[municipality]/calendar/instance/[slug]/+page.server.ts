import { getReadDb } from '$lib/server/db';
import { calendarPage } from '$lib/server/hosting/pages/public';
import { httpError } from '$lib/server/http/errors';
import type { PageServerLoad } from './$types';

/** Der Wochenplan eines Welcome Points (issue 15 §4): its public sessions, filtered by a GET form. */
export const load: PageServerLoad = async ({ params, url, locals }) => {
	try {
		return await calendarPage(await getReadDb(), params.municipality, url.searchParams, locals.locale, new Date(), { instanceSlug: params.slug });
	} catch (e) {
		httpError(e);
	}
};
