/**
 * Writing direction of a language, for what the server writes outside a page (PDFs, mails); the
 * pages use `$lib/i18n`, which the foundation may not import.
 */

/** Writing direction of a paragraph, document or language. */
export type Direction = 'ltr' | 'rtl';

/**
 * Right to left for Arabic, Dari/Farsi, Pashto, Urdu, Kurdish (Sorani), Sindhi, Uyghur, Dhivehi,
 * Hebrew and Yiddish (by the primary subtag of a BCP 47 tag); left to right otherwise.
 */
export function directionOfLang(lang: string): Direction {
	return /^(ar|fa|prs|ps|ur|ckb|sd|ug|dv|he|yi)(-|$)/i.test(lang) ? 'rtl' : 'ltr';
}
