/**
 * Messages in a language other than the request's: the case export and the consent form are
 * printed in the person's language (and German), whatever language the staff member reads.
 */
import { m } from '../../../paraglide/messages.js';
import { isLocale, type Locale } from '../../../paraglide/runtime.js';

type MessageFn = (params?: Record<string, unknown>, options?: { locale?: Locale }) => string;

/** The message `key` in `locale`, or `fallback` (default: the key) when it does not exist. */
export function textIn(locale: Locale, key: string, params: Record<string, unknown> = {}, fallback?: string): string {
	const fn = (m as unknown as Record<string, MessageFn | undefined>)[key];
	return fn ? fn(params, { locale }) : (fallback ?? key);
}

/** The UI locale for a BCP 47 tag (by its primary subtag), or null when the UI has no such language. */
export function uiLocale(tag: string): Locale | null {
	const primary = tag.toLowerCase().split('-')[0];
	return isLocale(primary) ? primary : null;
}
