/**
 * Small helpers of the public Wegweiser pages (search, offer, actor, slip, saved list): writing
 * direction and names of content languages, euro amounts, and search links that keep the
 * current filters. Pure, locale passed in.
 */
import { held } from './held';
import { LANGUAGE_NAMES } from './i18n';
import { dateTimeFormat, displayNames, numberFormat } from './intl';

export { textDirection } from './text-direction';

/** Easy-to-read German (Leichte Sprache), a private-use tag. */
const EASY_GERMAN = 'de-x-ls';

/**
 * A language's name in that language ("العربية", "Türkçe"): the UI's own names for its
 * languages, else `Intl.DisplayNames`; the tag itself when neither knows it.
 * @param easyGerman the name to use for Leichte Sprache (a translated message).
 */
export function ownLanguageName(tag: string, easyGerman: string): string {
	if (tag === EASY_GERMAN) return easyGerman;
	if (tag in LANGUAGE_NAMES) return LANGUAGE_NAMES[tag as keyof typeof LANGUAGE_NAMES];
	return displayName(tag, tag);
}

/** A language's name in the reader's language (`locale`), e.g. `ar` in German → "Arabisch". */
export function displayName(tag: string, locale: string): string {
	return languageNames.get(`${locale} ${tag}`, () => {
		try {
			return displayNames([locale], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
		} catch {
			return tag;
		}
	});
}

/** `displayName`'s answers: ICU's lookup was about 1 % of an uncached search page, for a few hundred pairs in all. */
const languageNames = held<string>(10_000);

/** Euro cents as the locale writes money: `250` → "2,50 €" (de), "€2.50" (en). */
export function formatEuro(cents: number, locale: string): string {
	return numberFormat(locale, { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/**
 * A date `YYYY-MM-DD` (or a timestamp) as a medium date in the locale, Europe/Berlin. A value
 * that is no date (a refused form entry drawn again) is returned as it was typed.
 */
export function formatDay(value: string | Date, locale: string): string {
	const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
	if (Number.isNaN(date.getTime())) return String(value);
	return dateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'Europe/Berlin' }).format(date);
}

/**
 * A search URL: `values` (the current form values) with `changes` applied; `null` or `''`
 * removes a parameter. The page number is dropped unless `changes` sets it, so a new filter
 * starts at page 1.
 */
export function searchHref(path: string, values: Record<string, string>, changes: Record<string, string | null> = {}): string {
	const params = new URLSearchParams();
	const merged: Record<string, string | null> = { ...values, page: null, ...changes };
	for (const [k, v] of Object.entries(merged)) if (v) params.set(k, v);
	const query = params.toString();
	return query ? `${path}?${query}` : path;
}
