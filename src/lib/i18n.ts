/**
 * UI languages: names in their own language, writing direction, and links between languages.
 * Messages themselves are compiled by Paraglide from `messages/<locale>.json`.
 */
import { locales, type Locale } from './paraglide/runtime';

/** Each UI language's name in that language (shown in the language switcher). */
export const LANGUAGE_NAMES: Record<Locale, string> = {
	de: 'Deutsch',
	en: 'English',
	ar: 'العربية',
	fa: 'دری / فارسی',
	uk: 'Українська',
	tr: 'Türkçe',
	ru: 'Русский'
};

const RTL = new Set<string>(['ar', 'fa']);

/**
 * Content languages offered first wherever a language is picked or typed (spoken at an offer or a
 * Welcome Point, of a contact, of an accompaniment, of a volunteer), as BCP 47 tags: German and
 * English, then the languages newcomers to German cities most often speak — Arabic, Persian and
 * Dari, Pashto, Ukrainian, Russian, Turkish, Kurdish, Tigrinya, Somali — and those of EU
 * immigration (French, Romanian, Bulgarian, Polish, Albanian). Any other valid tag may still be entered.
 */
export const COMMON_LANGUAGES: readonly string[] = ['de', 'en', 'ar', 'fa', 'prs', 'ps', 'uk', 'ru', 'tr', 'ku', 'ti', 'so', 'fr', 'ro', 'bg', 'pl', 'sq'];

/** `rtl` for Arabic and Dari/Farsi, else `ltr`. */
export function directionOf(locale: string): 'ltr' | 'rtl' {
	return RTL.has(locale) ? 'rtl' : 'ltr';
}

/** The first path segment if it is a UI locale, else undefined. */
export function localeFromPath(pathname: string): Locale | undefined {
	const first = pathname.split('/')[1];
	return (locales as readonly string[]).includes(first) ? (first as Locale) : undefined;
}

/** The same page in another language: replaces (or adds) the locale segment of `pathname`. */
export function switchLocalePath(pathname: string, locale: Locale): string {
	const current = localeFromPath(pathname);
	const rest = current ? pathname.slice(current.length + 1) : pathname;
	return `/${locale}${rest === '/' ? '' : rest}`;
}

export { locales };
export type { Locale };
