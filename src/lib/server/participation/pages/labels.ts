/**
 * Labels of Partizipation's vocabularies in the reader's language: built-in categories, age
 * groups, "new here since" and the feedback answers by message key; a campaign's own categories
 * by its labels (the reader's language, else German).
 */
import { msg } from '../../../messages';
import { AGE_GROUPS, ANSWERS, NEW_SINCE } from '../model';
import type { CampaignRow } from '../campaigns';

/** A choice of a form: value and label. */
export interface Choice {
	value: string;
	label: string;
}

/** The label of one category of a campaign. */
export function categoryLabel(c: CampaignRow, key: string, locale: string): string {
	const own = c.categoryLabels[key];
	return own ? (own[locale] ?? own.de ?? key) : msg(`pa_category_${key}`);
}

/** The campaign's categories as choices, in the campaign's order. */
export function categoryChoices(c: CampaignRow, locale: string): Choice[] {
	return c.categories.map((k) => ({ value: k, label: categoryLabel(c, k, locale) }));
}

/** The optional facts and answers as choices. */
export function vocabularies(): { ageGroups: Choice[]; newSince: Choice[]; answers: Choice[] } {
	return {
		ageGroups: AGE_GROUPS.map((v) => ({ value: v, label: msg(`pa_age_${v}`) })),
		newSince: NEW_SINCE.map((v) => ({ value: v, label: msg(`pa_new_since_${v}`) })),
		answers: ANSWERS.map((v) => ({ value: v, label: msg(`pa_answer_${v}`) }))
	};
}
