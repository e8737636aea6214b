/**
 * Surveys' rules as data (issue 16 §3): question kinds, audiences, the 1–5 scale, limits, and the
 * suppression of small counts every result (page, chart, CSV, public or staff) goes through.
 * Pure; no database.
 *
 * Suppression (statistical disclosure control): a count of 1 to k−1 is withheld (primary).
 * Where the cells of a question add up to a published total (single choice, scale, map, the
 * audiences), withholding one cell is not enough — total minus the shown cells gives it back — so
 * the smallest non-zero shown cells are withheld too (complementary) until the withheld cells
 * add up to at least k: then at least two are withheld, and what the total gives back is a sum no
 * reader can split. A question answered fewer than k times shows nothing.
 */

/** Question kinds: single choice, multiple choice, a 1–5 scale, free text, a point on a map. */
export const QUESTION_KINDS = ['single', 'multiple', 'scale', 'text', 'map'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** Audiences a survey is handed to, each with its own link. */
export const AUDIENCES = ['newcomers', 'professionals', 'volunteers'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** The answers of a scale question, lowest first. */
export const SCALE = ['1', '2', '3', '4', '5'] as const;

/** Limits (characters, counts). */
export const SURVEY_LIMITS = {
	title: 200,
	intro: 1000,
	question: 500,
	option: 200,
	optionsMin: 2,
	optionsMax: 20,
	questions: 40,
	answerText: 1000,
	kMin: 2,
	kMax: 50,
	kDefault: 5
} as const;

/** Whether a kind's cells add up to the number of people who answered (one answer each). */
export function isExclusive(kind: QuestionKind): boolean {
	return kind === 'single' || kind === 'scale' || kind === 'map';
}

/** A cell of a result as shown: `n` null when withheld. */
export interface ShownCell {
	key: string;
	n: number | null;
}

/**
 * Withholds small counts of one question (see the module docstring).
 * @param cells every possible answer with its count, in display order (zeros included).
 * @param total how many people answered the question.
 * @param exclusive whether the cells add up to `total`.
 * @returns the cells as shown and the total (null when below k: then every cell is withheld).
 */
export function suppress(cells: readonly { key: string; n: number }[], total: number, k: number, exclusive: boolean): { cells: ShownCell[]; total: number | null } {
	if (total < k) return { cells: cells.map((c) => ({ key: c.key, n: null })), total: null };
	const withheld = new Set(cells.filter((c) => c.n > 0 && c.n < k).map((c) => c.key));
	if (exclusive) {
		let sum = cells.filter((c) => withheld.has(c.key)).reduce((s, c) => s + c.n, 0);
		const shown = cells.filter((c) => !withheld.has(c.key) && c.n > 0).sort((a, b) => a.n - b.n);
		// total ≥ k and every withheld cell < k, so a shown non-zero cell remains while 0 < sum < k.
		while (sum > 0 && sum < k && shown.length) {
			const next = shown.shift()!;
			withheld.add(next.key);
			sum += next.n;
		}
	}
	return { cells: cells.map((c) => ({ key: c.key, n: withheld.has(c.key) ? null : c.n })), total };
}

/** Whether `key` is a usable option key (lower-case letters, digits, underscore, ≤ 40). */
export function isOptionKey(key: string): boolean {
	return /^[a-z][a-z0-9_]*$/.test(key) && key.length <= 40;
}

/** The languages a survey's texts may be written in (the app's seven; German required). */
export const SURVEY_LANGUAGES = ['de', 'en', 'ar', 'fa', 'uk', 'tr', 'ru'] as const;

/** A text in the reader's language, else German. */
export function surveyText(texts: Record<string, string>, locale: string): string {
	return texts[locale]?.trim() || texts.de || '';
}
