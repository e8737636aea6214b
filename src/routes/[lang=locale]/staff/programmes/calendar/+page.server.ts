import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { calendarPage } from '$lib/server/steering/pages/programmes';
import type { PageServerLoad } from './$types';

/** Deadline calendar (issue 5 §2): one month of programme deadlines by day, and the iCalendar feed. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await calendarPage(await getDb(), p, event.url.searchParams, event.url.origin);
	} catch (e) {
		httpError(e);
	}
};
