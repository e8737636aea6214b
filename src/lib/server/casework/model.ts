/**
 * Vocabularies of the Lotsen work (issue 4) as data: contact channels, the non-identifying
 * target-group attributes a municipality may switch on, case and referral statuses, consent
 * purposes and data categories, read purposes and the deletion schedule (Löschplan) defaults.
 * The UI translates keys through messages (`cc_channel_<key>`, `cc_attr_<attr>_<value>`, `cs_purpose_<key>`, `cr_reason_<key>`, …);
 * `wording` is the German term.
 *
 * Legal frame: counselling data of refugees and migrants touch special categories (Art. 9
 * GDPR: health, origin, religion) and residence status. Contacts are therefore recorded without
 * any personal data (Art. 5(1)(c) data minimisation); a case with personal data exists only on
 * consent (Art. 6(1)(a), Art. 9(2)(a)) and is erased on schedule (Art. 5(1)(e), Art. 17).
 */

/** A key with its German wording. */
export interface Term {
	key: string;
	wording: string;
}

/** How a counselling contact came about (issue 4 §1). */
export const CONTACT_CHANNELS = [
	{ key: 'walk_in', wording: 'Offene Sprechstunde / spontan' },
	{ key: 'phone', wording: 'Telefon' },
	{ key: 'message', wording: 'Nachricht (E-Mail, Messenger)' },
	{ key: 'outreach', wording: 'Aufsuchend' },
	{ key: 'partner_hours', wording: 'Sprechstunde bei einem Partner' }
] as const satisfies readonly Term[];
export type ContactChannel = (typeof CONTACT_CHANNELS)[number]['key'];

/**
 * Target-group attributes that are statistically useful and do not identify a person
 * (issue 4 §1). Each has a closed list of values; a municipality chooses which are asked
 * (`casework_setting.contact_attributes`). Age in bands, never a birth date.
 */
export const CONTACT_ATTRIBUTES = {
	age_band: [
		{ key: 'under_18', wording: 'unter 18' },
		{ key: '18_26', wording: '18–26' },
		{ key: '27_44', wording: '27–44' },
		{ key: '45_64', wording: '45–64' },
		{ key: '65_plus', wording: '65 und älter' }
	],
	household_type: [
		{ key: 'single', wording: 'Alleinstehend' },
		{ key: 'couple', wording: 'Paar ohne Kinder' },
		{ key: 'family', wording: 'Familie mit Kindern' },
		{ key: 'single_parent', wording: 'Alleinerziehend' },
		{ key: 'other', wording: 'Sonstige' }
	],
	new_arrival: [
		{ key: 'yes', wording: 'Neu zugewandert (unter 12 Monaten)' },
		{ key: 'no', wording: 'Länger hier' }
	]
} as const satisfies Record<string, readonly Term[]>;
export type ContactAttribute = keyof typeof CONTACT_ATTRIBUTES;
export const CONTACT_ATTRIBUTE_KEYS = Object.keys(CONTACT_ATTRIBUTES) as ContactAttribute[];

/** Lifecycle of a case: open → closed, or withdrawn when consent is withdrawn. */
const CASE_STATUSES = ['open', 'closed', 'withdrawn'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Kinds of case steps (issue 4 §2): contacts, appointments, accompaniment, referrals. */
export const CASE_STEP_KINDS = ['contact', 'appointment', 'accompaniment', 'referral'] as const;
export type CaseStepKind = (typeof CASE_STEP_KINDS)[number];

/** Purposes a consent may cover (Art. 6(1)(a), Art. 7 GDPR: specific, informed). */
export const CONSENT_PURPOSES = [
	{ key: 'counselling', wording: 'Beratung und Begleitung im Einzelfall (Lotsen)' },
	{ key: 'referral', wording: 'Weitervermittlung an Angebote und Rückmeldung der Partner' },
	{ key: 'accompaniment', wording: 'Begleitung zu Terminen durch Ehrenamtliche' }
] as const satisfies readonly Term[];
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number]['key'];

/**
 * Data categories a consent may cover. Only `display_name`, `language` and `needs_summary` can
 * be passed to a receiving partner, and only if the consent says so; by default a partner sees
 * nothing but the referral token and the topic (issue 4 §3).
 */
export const CONSENT_DATA_CATEGORIES = [
	{ key: 'display_name', wording: 'Name (wie die Person genannt werden möchte)' },
	{ key: 'language', wording: 'Sprache' },
	{ key: 'topics', wording: 'Anliegen (Themen)' },
	{ key: 'notes', wording: 'Notizen der Beratung' },
	{ key: 'appointments', wording: 'Termine und Begleitungen' },
	{ key: 'needs_summary', wording: 'Kurzbeschreibung des Anliegens' }
] as const satisfies readonly Term[];
export type ConsentDataCategory = (typeof CONSENT_DATA_CATEGORIES)[number]['key'];

/** Categories a partner may receive with a referral, if the consent names them. */
export const PARTNER_SHAREABLE_CATEGORIES = ['display_name', 'language', 'needs_summary'] as const satisfies readonly ConsentDataCategory[];

/**
 * Closed-loop referral statuses (issue 4 §3): issued by staff; then set by the receiving
 * partner through the link: received → appointment made → help given / not possible.
 */
export const REFERRAL_STATUSES = ['issued', 'received', 'appointment', 'helped', 'not_possible'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
/** Statuses after which the partner link is used up. */
export const FINAL_REFERRAL_STATUSES: readonly ReferralStatus[] = ['helped', 'not_possible'];

/** Reasons a partner gives for "help not possible". */
export const REFERRAL_FAILURE_REASONS = [
	{ key: 'no_capacity', wording: 'Keine Kapazität / Warteliste' },
	{ key: 'not_eligible', wording: 'Voraussetzungen nicht erfüllt' },
	{ key: 'not_reached', wording: 'Person nicht erschienen / nicht erreicht' },
	{ key: 'wrong_offer', wording: 'Angebot passt nicht zum Anliegen' },
	{ key: 'other', wording: 'Anderer Grund' }
] as const satisfies readonly Term[];
export type ReferralFailureReason = (typeof REFERRAL_FAILURE_REASONS)[number]['key'];

/** Accompaniment (Begleitung) statuses (issue 4 §4). */
export const ACCOMPANIMENT_STATUSES = ['requested', 'assigned', 'done', 'cancelled'] as const;
export type AccompanimentStatus = (typeof ACCOMPANIMENT_STATUSES)[number];

/**
 * Why a staff member opens a case; chosen on first access in a session and written with every
 * read to the audit log (issue 4 §5, Art. 5(2) accountability).
 */
export const READ_PURPOSES = [
	{ key: 'counselling', wording: 'Beratung / laufende Fallarbeit' },
	{ key: 'follow_up', wording: 'Wiedervorlage / Nachverfolgung' },
	{ key: 'referral_status', wording: 'Stand einer Weitervermittlung prüfen' },
	{ key: 'data_subject_request', wording: 'Auskunft oder Löschung auf Antrag der Person' },
	{ key: 'handover', wording: 'Vertretung / Übergabe' }
] as const satisfies readonly Term[];
export type ReadPurpose = (typeof READ_PURPOSES)[number]['key'];

/**
 * Löschplan defaults (issue 4 §5), configurable per municipality:
 * - case data: erased 6 months after the case was closed; at once after consent is withdrawn;
 * - contact records: kept as single records only until the month is `contactDetailMonths`
 *   months past, then folded into monthly aggregates and deleted ("kept only in aggregate");
 * - referral tokens: the partner link dies and its token hash is erased 90 days after issue;
 *   the referral stays as an anonymous statistic (target, topic, outcome);
 * - a referral without feedback comes up for follow-up after `referralFollowUpDays`.
 */
export const RETENTION_DEFAULTS = {
	caseMonthsAfterClosure: 6,
	contactDetailMonths: 1,
	referralTokenDays: 90,
	referralFollowUpDays: 14
} as const;

/** Longest texts accepted, in characters: a case's display name, a note, an accompaniment's
 * meeting place, and the needs summary passed to a partner with a referral. */
export const DISPLAY_NAME_MAX = 120;
export const NOTE_MAX = 10_000;
export const PLACE_MAX = 200;
export const NEEDS_SUMMARY_MAX = 1000;

/**
 * Whether a canonical BCP 47 tag (`canonicalLanguageTag`) names a language by its ISO 639 code
 * (two or three letters, e.g. `ar`, `prs`, `fa-AF`): the language a volunteer needs is one
 * people speak, not a free word that happens to be a well-formed tag (`arabisch`).
 */
export function isLanguageCode(tag: string): boolean {
	return /^[a-z]{2,3}(-|$)/.test(tag);
}

/** Counts under this are suppressed in everything that leaves the instance (issue 4 §7). */
export const SMALL_COUNT_THRESHOLD = 5;
