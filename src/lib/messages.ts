/**
 * Looks up a message by a key built at run time (model options, metrics, error codes), for the
 * request's locale. Compile-time keys should call `m.key()` directly.
 */
import { m } from './paraglide/messages.js';

type MessageFn = (params?: Record<string, unknown>) => string;

/** The message `key` with `params`, or `fallback` (default: the key) when no such message exists. */
export function msg(key: string, params?: Record<string, unknown>, fallback?: string): string {
	const fn = (m as unknown as Record<string, MessageFn | undefined>)[key];
	return fn ? fn(params ?? {}) : (fallback ?? key);
}


/**
 * `items` joined by the list separator of `locale` (default: the request's): "، " in Arabic and
 * Farsi, ", " in the other locales. Source: CLDR list patterns (the unit list's separator).
 */
export function listText(items: string[], locale?: string): string {
	return items.join(locale ? m.list_separator({}, { locale: locale as never }) : m.list_separator());
}
