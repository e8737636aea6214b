/**
 * "My list": offers a newcomer saves, kept on their device in a cookie and never stored on the
 * server (issue 3 §5, "a personal list of saved offers kept on the device"). The cookie holds up
 * to 50 offer ids, newest first, joined by dots; anything else in it is ignored.
 */
import type { Cookies } from '@sveltejs/kit';
import { isUuid } from '../../core/validation';

/** Name of the cookie holding the saved offer ids. */
const SAVED_COOKIE = 'saved';
/** Most offers the list keeps; saving one more drops the oldest. */
export const MAX_SAVED = 50;

/** The saved ids in a cookie value: well-formed ids only, without duplicates, at most 50. */
export function parseSaved(value: string | undefined): string[] {
	const ids = (value ?? '').toLowerCase().split('.').filter((id) => isUuid(id));
	return [...new Set(ids)].slice(0, MAX_SAVED);
}

/** The list with `id` first (moved there if it was already saved), cut to 50. */
export function withSaved(ids: string[], id: string): string[] {
	return [id, ...ids.filter((x) => x !== id)].slice(0, MAX_SAVED);
}

/** The list without `id`. */
export function withoutSaved(ids: string[], id: string): string[] {
	return ids.filter((x) => x !== id);
}

/** The ids saved on this device. */
export function readSaved(cookies: Cookies): string[] {
	return parseSaved(cookies.get(SAVED_COOKIE));
}

/**
 * Stores the list for a year (SameSite=Lax; HttpOnly because only the server reads it), or
 * deletes the cookie when the list is empty.
 */
function writeSaved(cookies: Cookies, ids: string[]): void {
	if (!ids.length) {
		cookies.delete(SAVED_COOKIE, { path: '/' });
		return;
	}
	cookies.set(SAVED_COOKIE, ids.join('.'), { path: '/', maxAge: 31536000, sameSite: 'lax', httpOnly: true });
}

/**
 * Applies a "save" or "remove" form post: the offer id comes from the form field `id`.
 * @returns false when the id is not a well-formed offer id (nothing changes then).
 */
export function applySavedForm(cookies: Cookies, op: 'save' | 'remove', id: string): boolean {
	const clean = id.trim().toLowerCase();
	if (!isUuid(clean)) return false;
	const ids = readSaved(cookies);
	writeSaved(cookies, op === 'save' ? withSaved(ids, clean) : withoutSaved(ids, clean));
	return true;
}
