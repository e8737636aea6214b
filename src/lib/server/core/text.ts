/** Small text helpers shared by modules. */

const GERMAN_FOLDS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

/**
 * URL slug for a German place or organisation name: `Köln-Mülheim` → `koeln-muelheim`,
 * `Altstadt/Nord` → `altstadt-nord`. Umlauts are transliterated the German way, other
 * diacritics dropped.
 */
export function slugify(name: string): string {
	return name
		.toLowerCase()
		.replace(/[äöüß]/g, (c) => GERMAN_FOLDS[c])
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}
