/**
 * Shapes instance data for pages: the profile as labelled dimension groups, the description in
 * the best available language, languages and opening hours ready to print.
 */
import { DIMENSION_THEME_FIELDS, PROFILE_DIMENSIONS, dimensionsServedBy, pickLanguage, unservedDimensions, type Profile } from '../model';
import type { InstanceDetail } from '../service';

/** One dimension for display: keys for messages, the model's German wording, chosen options. */
export interface DimensionView {
	key: string;
	part: 'framework' | 'concept';
	wording: string;
	options: { key: string; wording: string; chosen: boolean }[];
}

/** Every Part I dimension with all options, marking the chosen ones. */
export function profileView(profile: Profile): DimensionView[] {
	return PROFILE_DIMENSIONS.map((d) => ({
		key: d.key,
		part: d.part,
		wording: d.wording,
		options: d.options.map((o) => ({ key: o.key, wording: o.wording, chosen: profile[d.key].includes(o.key) }))
	}));
}

/** The model's mapping as rows: each integration dimension with the theme fields serving it. */
export function dimensionMapping(): { dimension: string; themeFields: readonly string[] }[] {
	return Object.entries(DIMENSION_THEME_FIELDS).map(([dimension, themeFields]) => ({ dimension, themeFields }));
}

/** What the public profile page shows of an instance. */
export function publicInstanceView(d: InstanceDetail, locale: string) {
	return {
		id: d.id,
		slug: d.slug,
		name: d.name,
		hostOrganization: d.hostOrganization,
		description: pickLanguage(d.description, locale),
		address: { street: d.street, postalCode: d.postalCode, city: d.city },
		phone: d.phone,
		email: d.email,
		website: d.website,
		openingHours: d.openingHours,
		languages: d.languages,
		isDemo: d.isDemo,
		socialSpaces: d.socialSpaces.map((s) => ({ name: s.name, slug: s.slug })),
		profile: profileView(d.profile),
		servedDimensions: dimensionsServedBy(d.profile.theme_fields),
		unservedDimensions: unservedDimensions(d.profile)
	};
}
