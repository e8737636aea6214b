/**
 * Vocabularies of the directory (Wegweiser) as data: actor types (the model's local actors,
 * seed 002 Part II "vor Ort/sozialräumlich"), theme fields with sub-topics, target groups,
 * accessibility features, costs, visibility and translation statuses. The UI translates keys
 * through messages (`actor_type_<key>`, `subtopic_<key>`, `access_<key>`, …); `wording` is the
 * German term, verbatim from the model where it has one. The HSDS API publishes these lists as
 * taxonomies (see README "Open Referral HSDS").
 */
import { PROFILE_DIMENSIONS, dimensionsServedBy, type IntegrationDimension, type ThemeField } from '../instances/model';

/** A key with its German wording. */
export interface Term {
	key: string;
	wording: string;
}

/**
 * Akteur*innen: types of local actors. The list of seed 002 (Ehrenamtliche, Vereine, Kitas,
 * JFE, Schulen, Beratungsstellen, Kirchengemeinden, Wohnungsgesellschaften,
 * Migrantenorganisationen) plus Wohlfahrtsverband, Amt/Behörde, Jobcenter and Welcome Point from
 * seed 000. Religious communities other than parishes are typed `parish` too (design: the
 * model names the local congregation, of whatever faith).
 */
export const ACTOR_TYPES = [
	{ key: 'volunteer_initiative', wording: 'Ehrenamtliche/Initiative' },
	{ key: 'association', wording: 'Verein' },
	{ key: 'kita', wording: 'Kita' },
	{ key: 'youth_centre', wording: 'Jugendfreizeiteinrichtung' },
	{ key: 'school', wording: 'Schule' },
	{ key: 'counselling_centre', wording: 'Beratungsstelle' },
	{ key: 'parish', wording: 'Kirchengemeinde/Religionsgemeinschaft' },
	{ key: 'housing_company', wording: 'Wohnungsgesellschaft' },
	{ key: 'migrant_organisation', wording: 'Migrantenorganisation' },
	{ key: 'welfare_association', wording: 'Wohlfahrtsverband' },
	{ key: 'public_authority', wording: 'Amt/Behörde' },
	{ key: 'jobcenter', wording: 'Jobcenter' },
	{ key: 'welcome_point', wording: 'Welcome Point' },
	{ key: 'other', wording: 'Sonstige' }
] as const satisfies readonly Term[];
export type ActorType = (typeof ACTOR_TYPES)[number]['key'];

/** The model's four theme fields (Themenfelder, seed 002), keys shared with instance profiles. */
export const THEME_FIELDS: readonly Term[] = PROFILE_DIMENSIONS.find((d) => d.key === 'theme_fields')!.options;

/** Sub-topics per theme field (design): finer topics for search, contacts and needs reports. */
export const SUBTOPICS: Record<ThemeField, readonly Term[]> = {
	housing: [
		{ key: 'accommodation', wording: 'Unterbringung' },
		{ key: 'housing_search', wording: 'Wohnungssuche' },
		{ key: 'tenancy_advice', wording: 'Mietberatung' }
	],
	education: [
		{ key: 'language_course', wording: 'Sprachkurs' },
		{ key: 'integration_course', wording: 'Integrationskurs' },
		{ key: 'childcare', wording: 'Kinderbetreuung' },
		{ key: 'school', wording: 'Schule' },
		{ key: 'homework_help', wording: 'Hausaufgabenhilfe' },
		{ key: 'adult_education', wording: 'Erwachsenenbildung' }
	],
	labour: [
		{ key: 'job_counselling', wording: 'Berufsberatung' },
		{ key: 'recognition', wording: 'Anerkennung von Abschlüssen' },
		{ key: 'vocational_training', wording: 'Ausbildung' },
		{ key: 'job_search', wording: 'Arbeitssuche' }
	],
	civil_society: [
		{ key: 'meeting_place', wording: 'Begegnung und Austausch' },
		{ key: 'social_counselling', wording: 'Sozialberatung' },
		{ key: 'sports', wording: 'Sport' },
		{ key: 'culture', wording: 'Kultur' },
		{ key: 'volunteering', wording: 'Ehrenamt' },
		{ key: 'religious_life', wording: 'Religiöses Leben' }
	]
};

/** Every sub-topic key with its theme field. */
export const SUBTOPIC_FIELD: Record<string, ThemeField> = Object.fromEntries(
	Object.entries(SUBTOPICS).flatMap(([field, terms]) => terms.map((t) => [t.key, field as ThemeField]))
);

/** Target groups of offers: the model's Zielgruppen (seed 002), shared with instance profiles. */
export const TARGET_GROUPS: readonly Term[] = PROFILE_DIMENSIONS.find((d) => d.key === 'target_groups')!.options;

/** Accessibility features of a location (design, after the DIN 18040 checklist items). */
export const ACCESSIBILITY_FEATURES = [
	{ key: 'step_free', wording: 'stufenloser Zugang' },
	{ key: 'accessible_toilet', wording: 'barrierefreies WC' },
	{ key: 'hearing_loop', wording: 'Induktionsschleife' },
	{ key: 'lift', wording: 'Aufzug' },
	{ key: 'accessible_parking', wording: 'Behindertenparkplatz' },
	{ key: 'tactile_guidance', wording: 'taktiles Leitsystem' },
	{ key: 'sign_language', wording: 'Gebärdensprache' }
] as const satisfies readonly Term[];
export type AccessibilityFeature = (typeof ACCESSIBILITY_FEATURES)[number]['key'];

/** What an offer costs. `reduced` means free or cheaper for some (e.g. with a Sozialpass). */
export const COST_KINDS = ['free', 'reduced', 'paid'] as const;
export type CostKind = (typeof COST_KINDS)[number];

/**
 * Who may see an entry (seed 000: informal networks must be able to take part without being
 * published): `public` everyone; `network` signed-in partners and staff of the municipality;
 * `internal` staff of the municipality only.
 */
export const VISIBILITIES = ['public', 'network', 'internal'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * Longest values the directory stores, in characters; longer input is refused field by field
 * (`too_long`). Email: RFC 5321's 254; web addresses: 2,048 as browsers and search engines
 * handle them; the rest sized for the forms (a title, a paragraph, a page of text).
 */
export const LIMITS = {
	title: 300,
	description: 10_000,
	detail: 5_000,
	placeNote: 2_000,
	scheduleNote: 500,
	email: 254,
	phone: 100,
	url: 2_048,
	contactName: 200,
	street: 300,
	city: 200,
	alternateNames: 20
} as const;

/** HSDS service status values. */
export const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];
/** The statuses whose offers the search lists (a temporarily closed offer is listed, never open). */
export const LISTED_STATUSES: readonly ServiceStatus[] = ['active', 'temporarily closed'];

/**
 * Status of one language version of a text. `outdated` is not stored: a translation is
 * outdated when the original changed after it was made (its `basis` no longer matches).
 */
export const TRANSLATION_STATUSES = ['original', 'human', 'machine', 'outdated'] as const;
export type TranslationStatus = (typeof TRANSLATION_STATUSES)[number];

/**
 * Languages content can be held in: the UI languages plus Leichte Sprache, tagged `de-x-ls`
 * (BCP 47 private use; there is no registered subtag for easy-to-read German).
 */
export const EASY_GERMAN = 'de-x-ls';
export const CONTENT_LANGUAGES = ['de', EASY_GERMAN, 'en', 'ar', 'fa', 'uk', 'tr', 'ru'] as const;

/** OSM `amenity` values of the Köln demo data mapped to actor types (design). */
export const OSM_AMENITY_TYPES: Record<string, ActorType> = {
	kindergarten: 'kita',
	school: 'school',
	college: 'school',
	place_of_worship: 'parish',
	youth_centre: 'youth_centre',
	townhall: 'public_authority',
	social_facility: 'counselling_centre',
	community_centre: 'other',
	library: 'other',
	arts_centre: 'other',
	nursing_home: 'other'
};

/**
 * Integration dimensions of an offer: the override when staff set one, otherwise derived from
 * its theme fields by the model's mapping (seed 002, "relevante Zusammenhänge").
 */
export function offerDimensions(themeFields: readonly string[], override: readonly string[] | null): IntegrationDimension[] {
	return override ? (override as IntegrationDimension[]) : dimensionsServedBy(themeFields);
}
