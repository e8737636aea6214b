import { getDb } from '$lib/server/db';
import { instanceFeedResponse } from '$lib/server/hosting/pages/feeds';
import { httpError } from '$lib/server/http/errors';
import type { RequestHandler } from './$types';

/** A Welcome Point's public iCalendar feed: its own events and the offers hosted in its public rooms. */
export const GET: RequestHandler = async ({ params }) => {
	try {
		return await instanceFeedResponse(await getDb(), params.id);
	} catch (e) {
		httpError(e);
	}
};
