/**
 * The signed-in person of a request, for routes. `hooks.server.ts` already refuses anonymous and
 * half-signed-in requests to the staff, administration and volunteer areas; this is the typed
 * accessor that replaces `locals.principal!`, and refuses (401) where a route outside those
 * areas needs a person.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import type { UserPrincipal } from '../access';

/** The request's signed-in person. @throws HttpError 401 when nobody is signed in. */
export function requirePrincipal(event: Pick<RequestEvent, 'locals'>): UserPrincipal {
	const p = event.locals.principal;
	if (!p) error(401, 'Unauthorized');
	return p;
}
