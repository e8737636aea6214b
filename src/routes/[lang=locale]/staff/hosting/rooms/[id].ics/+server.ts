import { getDb } from '$lib/server/db';
import { roomFeedResponse } from '$lib/server/hosting/pages/feeds';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { RequestHandler } from './$types';

/**
 * A room's internal iCalendar feed (signed-in staff and administrators of its municipality):
 * under the staff area, so the guard sends the signed-out to sign in.
 */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await roomFeedResponse(await getDb(), p, event.params.id);
	} catch (e) {
		httpError(e);
	}
};
