/**
 * Writing direction of content languages (BCP 47), for `dir` attributes on texts that may be in
 * another language than the page. Free of other imports so server modules and tests can use it.
 */
const RTL_LANGUAGES = new Set(['ar', 'fa', 'prs', 'ps', 'ur', 'he', 'yi', 'ckb', 'dv', 'sd', 'ug']);

/** `rtl` for languages written right to left (by primary subtag, or an `Arab`/`Hebr` script subtag). */
export function textDirection(tag: string): 'ltr' | 'rtl' {
	const parts = tag.toLowerCase().split('-');
	return RTL_LANGUAGES.has(parts[0]) || parts.includes('arab') || parts.includes('hebr') ? 'rtl' : 'ltr';
}
