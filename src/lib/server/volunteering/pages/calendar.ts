/** The personal iCalendar feed as an HTTP answer (`text/calendar`), event titles in the volunteer's language. */
import { NotFoundError } from '../../core/errors';
import type { DbOrTx } from '../../db/client';
import { calendarFeed } from '../calendar';
import { needTitle } from './labels';

/** The feed behind `token`. @throws NotFoundError for an unknown or renewed token. */
export async function calendarResponse(db: DbOrTx, token: string): Promise<Response> {
	const body = await calendarFeed(db, token, (a, locale) => needTitle(a, locale));
	if (body === null) throw new NotFoundError('calendar');
	return new Response(body, { headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' } });
}
