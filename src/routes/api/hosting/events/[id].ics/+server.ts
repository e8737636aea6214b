import { getDb } from '$lib/server/db';
import { eventFeedResponse } from '$lib/server/hosting/pages/feeds';
import { httpError } from '$lib/server/http/errors';
import type { RequestHandler } from './$types';

/** An own event's iCalendar feed: every session. */
export const GET: RequestHandler = async ({ params }) => {
	try {
		return await eventFeedResponse(await getDb(), params.id);
	} catch (e) {
		httpError(e);
	}
};
