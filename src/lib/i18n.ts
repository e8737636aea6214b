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
