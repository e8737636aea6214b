/** The vocabularies the programme form offers, in the model's order (issue 5 §2). */
import { TARGET_GROUPS, THEME_FIELDS } from '$lib/server/directory/model';
import { FUNDER_LEVELS } from '$lib/server/steering/programmes';

export const PROGRAMME_VOCAB = {
	levels: [...FUNDER_LEVELS] as string[],
	fields: THEME_FIELDS.map((t) => t.key),
	groups: TARGET_GROUPS.map((t) => t.key)
};
