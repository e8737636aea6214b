import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { findMunicipality } from '$lib/server/geography/service';
import { deadlineFeed } from '$lib/server/steering/programmes';
import type { RequestHandler } from './$types';

/**
 * Public iCalendar feed of a municipality's programme deadlines (issue 5 §2), for calendar
 * subscriptions: no login, only programme name, deadline label and programme URL. See
 * `deadlineFeed` for the event shape and the stable UIDs.
 */
export const GET: RequestHandler = async ({ params }) => {
	const db = await getDb();
	const m = await findMunicipality(db, params.municipality);
	if (!m) error(404, 'Not Found');
	return new Response(await deadlineFeed(db, m), {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': `inline; filename="${m.slug}-fristen.ics"`,
			'cache-control': 'public, max-age=900'
		}
	});
};
