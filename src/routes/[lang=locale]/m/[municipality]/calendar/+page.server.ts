import { getReadDb } from '$lib/server/db';
import { calendarPage } from '$lib/server/hosting/pages/public';
import { httpError } from '$lib/server/http/errors';
import type { PageServerLoad } from './$types';

/** Der Wochenplan (issue 15 §4): one week of public sessions, filtered by a GET form (no JavaScript). */
export const load: PageServerLoad = async ({ params, url, locals }) => {
	try {
		return await calendarPage(await getReadDb(), params.municipality, url.searchParams, locals.locale);
	} catch (e) {
		httpError(e);
	}
};
