import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { calendarResponse } from '$lib/server/volunteering/pages/calendar';
import type { RequestHandler } from './$types';

/**
 * The personal iCalendar feed (issue 13 §6): calendar apps fetch it without a session, so the
 * secret token in the address is the permission; renewing it in the volunteer area ends the old one.
 */
export const GET: RequestHandler = async ({ params }) => {
	try {
		return await calendarResponse(await getDb(), params.token);
	} catch (e) {
		httpError(e);
	}
};
