import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { meetingIcs } from '$lib/server/networks/pages/meeting';
import type { RequestHandler } from './$types';

/** The meeting as an iCalendar file (RFC 5545), for those who may see its network. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		const ics = await meetingIcs(await getDb(), p, event.params.id);
		return new Response(ics, { headers: { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': 'attachment; filename="meeting.ics"', 'cache-control': 'private, no-store' } });
	} catch (e) {
		httpError(e);
	}
};
