/**
 * The iCalendar feeds of hosting as responses (issue 15 §4): per instance and per event
 * (public, no login), and per room (internal: staff and administrators of the municipality).
 */
import type { Principal } from '../../access';
import { NotFoundError } from '../../core/errors';
import { isUuid } from '../../core/validation';
import type { DbOrTx } from '../../db/client';
import { findInstanceById } from '../../instances/service';
import { eventFeed, instanceFeed, roomFeed } from '../calendar';

function ics(text: string, cache: string): Response {
	return new Response(text, { headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': cache } });
}

/** An instance's public feed. @throws NotFoundError for an unknown or retired instance. */
export async function instanceFeedResponse(db: DbOrTx, id: string): Promise<Response> {
	const inst = isUuid(id) ? await findInstanceById(db, id) : null;
	if (!inst || inst.retiredAt) throw new NotFoundError('instance');
	return ics(await instanceFeed(db, inst.municipalityId, inst.id, inst.name), 'public, max-age=300');
}

/** An own event's feed. @throws NotFoundError. */
export async function eventFeedResponse(db: DbOrTx, id: string): Promise<Response> {
	const text = isUuid(id) ? await eventFeed(db, id) : null;
	if (text === null) throw new NotFoundError('event');
	return ics(text, 'public, max-age=300');
}

/** A room's internal feed. @throws NotFoundError; AccessDeniedError without `hosting:see_internal`. */
export async function roomFeedResponse(db: DbOrTx, principal: Principal, id: string): Promise<Response> {
	const text = isUuid(id) ? await roomFeed(db, principal, id) : null;
	if (text === null) throw new NotFoundError('room');
	return ics(text, 'private, no-store');
}
