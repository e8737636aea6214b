/**
 * Translatable texts: one version per language, each with a status (original, human or machine
 * translation, outdated). A translation records the hash of the original it was made from
 * (`basis`); when the original changes, the translation becomes `outdated` without anyone
 * touching it. Source: issue 3 §3.
 */
import { createHash } from 'node:crypto';
import { EASY_GERMAN, type TranslationStatus } from './model';
import type { TranslatedText } from './schema';

/** Short content hash of an original text (16 hex digits of SHA-256). */
export function textHash(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The original version's language, or undefined for an empty text. */
export function originalLanguage(t: TranslatedText): string | undefined {
	return Object.keys(t).find((lang) => t[lang].status === 'original') ?? Object.keys(t)[0];
}

/** The status of one language version: `outdated` when its original changed since. */
export function effectiveStatus(t: TranslatedText, lang: string): TranslationStatus | undefined {
	const version = t[lang];
	if (!version) return undefined;
	if (version.status === 'original') return 'original';
	const orig = originalLanguage(t);
	if (orig && orig !== lang && version.basis && version.basis !== textHash(t[orig].text)) return 'outdated';
	return version.status;
}

/** A text with only an original version; empty input gives an empty text. */
export function originalText(lang: string, text: string): TranslatedText {
	const trimmed = text.trim();
	return trimmed ? { [lang]: { text: trimmed, status: 'original' } } : {};
}

/**
 * Sets one language version. Setting the original language (or the first text) replaces the
 * original and leaves existing translations in place, where their basis marks them outdated.
 * An empty string removes that language (removing the original removes every version).
 * @param status `human` or `machine` for a translation; ignored for the original.
 */
export function withVersion(
	t: TranslatedText,
	lang: string,
	text: string,
	status: 'human' | 'machine' = 'human'
): TranslatedText {
	const trimmed = text.trim();
	const orig = originalLanguage(t);
	if (!orig || orig === lang) {
		if (!trimmed) return {};
		return { ...t, [lang]: { text: trimmed, status: 'original' } };
	}
	const next = { ...t };
	if (!trimmed) {
		delete next[lang];
		return next;
	}
	const unchanged = t[lang]?.text === trimmed;
	next[lang] = unchanged ? t[lang] : { text: trimmed, status, basis: textHash(t[orig].text) };
	return next;
}

/** A text chosen for display: which language it is in and whether that is not the one asked for. */
export interface ShownText {
	text: string;
	lang: string;
	status: TranslationStatus;
	fallback: boolean;
}

/**
 * The best available version for `lang`: the language itself; for Leichte Sprache, German; then
 * the original; then German, English, any. Source: issue 3 §3 ("best available language with a
 * visible note when they fall back").
 * @returns null when the text is empty.
 */
export function pickText(t: TranslatedText, lang: string): ShownText | null {
	const candidates = [lang, lang === EASY_GERMAN ? 'de' : '', originalLanguage(t) ?? '', 'de', 'en', ...Object.keys(t)];
	const chosen = candidates.find((l) => l && t[l]?.text);
	if (!chosen) return null;
	return {
		text: t[chosen].text,
		lang: chosen,
		status: effectiveStatus(t, chosen)!,
		fallback: chosen !== lang
	};
}

