/**
 * Writing direction of a language, and bidi isolates, for what the server writes outside a page
 * (PDFs, mails); the pages use `$lib/i18n`, which the foundation may not import.
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

/**
 * A value set into a sentence as a bidi isolate (FSI … PDI, UAX #9 X5c): it takes the direction
 * of its own first strong letter and neither reorders nor is reordered by its neighbours — e.g. a
 * Latin name before an Arabic date, whose right-to-left marks would otherwise pull the name's
 * digits-and-commas neighbourhood apart, or a German note in a Farsi mail. PDFs draw the
 * controls as nothing (`core/pdf.ts`); browsers and mail programs apply them.
 */
export function isolate(value: string): string {
	return `\u2068${value}\u2069`;
}
