import { getDb } from '$lib/server/db';
import { roomFeedResponse } from '$lib/server/hosting/pages/feeds';
import { httpError } from '$lib/server/http/errors';
import type { RequestHandler } from './$types';

/** A room's internal iCalendar feed (signed-in staff and administrators of its municipality). */
export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		return await roomFeedResponse(await getDb(), locals.principal ?? null, params.id);
	} catch (e) {
		httpError(e);
	}
};
