import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { deadlineFeedResponse } from '$lib/server/steering/pages/programmes';
import type { RequestHandler } from './$types';

/**
 * Public iCalendar feed of a municipality's programme deadlines (issue 5 §2), for calendar
 * subscriptions: no login, only programme name, deadline label and programme URL. See
 * `deadlineFeed` for the event shape and the stable UIDs.
 */
export const GET: RequestHandler = async ({ params }) => {
	try {
		return await deadlineFeedResponse(await getDb(), params.municipality);
	} catch (e) {
		httpError(e);
	}
};
