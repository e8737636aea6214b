/**
 * Geography's rules as data: the limits of names and codes, the kinds of social space, and the
 * formats of slugs, official codes, metrics and as-of dates. Pure, no database. MODEL.md §4
 * ("Geography"): Kommune → Stadtbezirk → Stadtteil/Quartier, with dated statistics.
 */
import { isIsoDate } from '../core/validation';

/** Longest name of a municipality, district or social space (characters). */
export const NAME_MAX = 200;

/** Longest code of a district or social space (characters); official codes are short numbers. */
export const CODE_MAX = 40;

/** Kinds of social space: `stadtteil` (official neighbourhood), `quartier` (smaller, locally defined). */
export const SOCIAL_SPACE_KINDS = ['stadtteil', 'quartier'] as const;
export type SocialSpaceKind = (typeof SOCIAL_SPACE_KINDS)[number];

/** True for a URL slug: lower-case letters and digits in words joined by single hyphens (`koeln`, `welcome-point-5`). */
export function isSlug(text: string): boolean {
	return /^[a-z0-9]+(-[a-z0-9]+)*$/.test(text);
}

/** True for an Amtlicher Gemeindeschlüssel (AGS): 8 digits (Destatis, Gemeindeverzeichnis). */
export function isOfficialCode(text: string): boolean {
	return /^\d{8}$/.test(text);
}

/** True for a metric's machine name (`population`, `share_refugees`): lower-case letters, digits and `_`, starting with a letter. */
export function isMetricName(text: string): boolean {
	return /^[a-z][a-z0-9_]*$/.test(text);
}

/**
 * True for an as-of date with the precision a source gives: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`
 * (ISO 8601), each an existing date (the `statistic_as_of_format` check of the table).
 */
export function isAsOf(text: string): boolean {
	if (text.length === 4) return isIsoDate(`${text}-01-01`);
	if (text.length === 7) return isIsoDate(`${text}-01`);
	return text.length === 10 && isIsoDate(text);
}

/**
 * A decimal number as statistics offices publish it in CSV files: digits with a decimal comma
 * or point (`45,9`, `12740`, `-0.5`); no thousands separators, exponents or signs other than `-`.
 * `core/validation.ts` parses whole numbers only; statistics need fractions (shares, rates).
 * @returns the number, or null when the text is not such a number.
 */
export function parseDecimal(text: string): number | null {
	return /^-?\d+([.,]\d+)?$/.test(text) ? Number(text.replace(',', '.')) : null;
}

/** An uploaded file waits this long for its confirmation after the preview (minutes). */
export const UPLOAD_MINUTES = 60;

/** The largest boundary or statistics file accepted in the browser (bytes); the body limit is 6 MB. */
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
/**
 * Attribution of the boundaries the demo loader imports, by municipality slug: their licences
 * (CC BY, Datenlizenz Deutschland 2.0) ask for the source wherever the maps are shown. Only for
 * demo municipalities (`isDemo`); sources and licences: `data/demo/LICENSES.md`.
 */
export const DEMO_BOUNDARY_SOURCES: Record<string, string> = {
	koeln: 'Stadt Köln, Offene Daten „Stadtteile“ (CC BY)',
	duesseldorf: 'Landeshauptstadt Düsseldorf, Amt für Statistik und Wahlen, Stand 31.12.2017 (Datenlizenz Deutschland 2.0)'
};
