/**
 * Fields and values of directory entries (actors, offers, their places and opening hours) as
 * people read them, for the history page and the proposal diff (issue 12 §8: "no raw keys or
 * ids in any UI"): field names become the labels of the entry forms ("description.de" →
 * "Beschreibung (Deutsch)", "locations.0.street" → "Ort 1: Straße und Hausnummer"); codes become
 * the vocabulary's words, ids the names of instances, actors and Stadtteile, language tags
 * language names, cents euros, booleans yes/no; system actors a name instead of their label.
 */
import { formatDateTime, formatTime, weekdayName } from '../../../format';
import { msg } from '../../../messages';
import { m } from '../../../paraglide/messages.js';
import { displayName, formatEuro } from '../../../wegweiser';
import type { DbOrTx } from '../../db/client';
import { listSocialSpaces } from '../../geography/service';
import { listInstances } from '../../instances/service';
import { entryNames } from '../entries';
import { EASY_GERMAN } from '../model';
import { isTranslatedText } from '../proposals';
import { PROVIDER_VERIFIER } from '../verification';
import { numberFormat } from '../../../intl';

/** Form label (message key) of each field of an actor, an offer and a place. */
const FIELD_LABELS: Record<string, string> = {
	name: 'field_name',
	alternateNames: 'ds_alternate_names',
	description: 'ds_description',
	actorType: 'ds_actor_type',
	organizationId: 'ds_actor',
	instanceId: 'ds_instance',
	status: 'ds_status',
	visibility: 'ds_visibility',
	themeFields: 'dim_theme_fields',
	subtopics: 'ui_field_subtopics',
	dimensionsOverride: 'dim_integration_dimensions',
	targetGroups: 'dim_target_groups',
	minimumAge: 'ds_minimum_age',
	maximumAge: 'ds_maximum_age',
	languages: 'languages_spoken',
	costKind: 'ds_costs',
	costAmountCents: 'ds_cost_amount',
	costNote: 'ds_cost_note',
	lowThreshold: 'ds_low_threshold',
	accessRequirements: 'ds_access_requirements',
	requiredDocuments: 'ds_required_documents',
	eligibility: 'ds_eligibility',
	url: 'website',
	website: 'website',
	email: 'email',
	phone: 'phone',
	contactName: 'ds_contact_name',
	socialSpaceIds: 'ds_active_in',
	schedules: 'opening_hours',
	locations: 'ds_places',
	amenity: 'ui_field_osm_amenity',
	lastVerifiedBy: 'ui_field_verified_by',
	lastVerifiedAt: 'ds_verified_column',
	// Opening times a room booking published for the offer (hosting), counted.
	hostedSchedules: 'ds_hosted_schedules',
	expiresAt: 'ui_field_link_expires',
	// A place (location) of an entry.
	street: 'street',
	postalCode: 'postal_code',
	city: 'city',
	latitude: 'latitude',
	longitude: 'longitude',
	accessibility: 'ds_accessibility',
	accessibilityNote: 'ds_accessibility_note',
	directions: 'ds_directions',
	socialSpaceId: 'social_space'
};

/** Labels of an opening-hours slot's parts (`schedules.<n>.<part>` in proposals). */
const SLOT_LABELS: Record<string, string> = {
	weekday: 'ds_weekday',
	opensAt: 'ds_opens',
	closesAt: 'ds_closes',
	validFrom: 'ds_valid_from',
	validTo: 'ds_valid_to',
	appointmentOnly: 'ds_appointment_only',
	location: 'ds_schedule_place',
	note: 'ds_schedule_note'
};

/** Message key prefix of each field whose values are codes of a vocabulary. */
const CODE_MESSAGES: Record<string, (code: string) => string> = {
	status: (c) => `status_${c.replaceAll(' ', '_')}`,
	visibility: (c) => `visibility_${c}`,
	costKind: (c) => `cost_${c}`,
	actorType: (c) => `actor_type_${c}`,
	themeFields: (c) => `opt_theme_fields_${c}`,
	subtopics: (c) => `subtopic_${c}`,
	targetGroups: (c) => `opt_target_groups_${c}`,
	dimensionsOverride: (c) => `opt_integration_dimensions_${c}`,
	accessibility: (c) => `access_${c}`
};

/** Fields whose values are lists (the proposal diff joins them with commas). */
const LIST_FIELDS = new Set(['languages', 'themeFields', 'subtopics', 'targetGroups', 'dimensionsOverride', 'accessibility', 'socialSpaceIds', 'alternateNames']);
/** Fields whose values are numbers (the proposal diff has them as text). */
const NUMERIC_FIELDS = new Set(['costAmountCents', 'latitude', 'longitude', 'minimumAge', 'maximumAge']);

/**
 * Fields that are internal bookkeeping, not something a person entered: the HSDS fields kept for
 * a lossless exchange, ids the history names by the field they belong to, and the room booking or
 * own event behind opening times they published (the history counts those times).
 */
const HIDDEN_FIELDS = new Set(['hsdsExtra', 'id', 'hostingBooking', 'hostingEvent']);

/** Names of the ids an entry's fields point to: instances, actors, Stadtteile. */
export interface EntryNameBook {
	instances: Map<string, string>;
	organizations: Map<string, string>;
	spaces: Map<string, string>;
}

/**
 * The names the values of a municipality's entries may point to: its instances and Stadtteile,
 * and the actors among `organizationIds`.
 */
export async function entryNameBook(db: DbOrTx, municipalityId: string, organizationIds: string[], locale: string): Promise<EntryNameBook> {
	const [instances, spaces, organizations] = await Promise.all([
		listInstances(db, municipalityId),
		listSocialSpaces(db, { municipalityId }),
		entryNames(db, [...new Set(organizationIds)].map((id) => ({ kind: 'organization' as const, id })), locale)
	]);
	return { instances: new Map(instances.map((i) => [i.id, i.name])), organizations, spaces: new Map(spaces.map((s) => [s.id, s.name])) };
}

/** Whether a field is bookkeeping the history and the diff leave out (`HIDDEN_FIELDS`). */
export function isHiddenField(path: string): boolean {
	return path.split('.').some((part) => HIDDEN_FIELDS.has(part));
}

/** A language tag's name in `locale`, Leichte Sprache by its message. */
function languageLabel(tag: string, locale: string): string {
	return tag === EASY_GERMAN ? msg('lang_de_x_ls') : displayName(tag, locale);
}

/**
 * The label of a field path: `phone` → "Telefon", `description.ar` → "Beschreibung (Arabisch)",
 * `locations.0.street` → "Ort 1: Straße und Hausnummer", `schedules.1.opensAt` → "Zeitfenster 2: von".
 * @param place whether the field belongs to one of the entry's places (history rows of a location).
 */
export function fieldLabel(path: string, locale: string, place = false): string {
	const [field, ...rest] = path.split('.');
	const label = msg(FIELD_LABELS[field] ?? '', {}, field);
	if ((field === 'locations' || field === 'schedules') && /^\d+$/.test(rest[0] ?? '')) {
		const n = Number(rest[0]) + 1;
		const whole = field === 'locations' ? m.ds_place_n({ n }) : m.ds_schedule_n({ n });
		if (rest.length === 1) return whole;
		const part = rest.slice(1).join('.');
		return `${whole}: ${field === 'schedules' ? msg(SLOT_LABELS[rest[1]] ?? '', {}, fieldLabel(part, locale)) : fieldLabel(part, locale)}`;
	}
	const shown = rest.length ? `${label} (${languageLabel(rest.join('-'), locale)})` : label;
	return place ? `${m.ds_place()}: ${shown}` : shown;
}

/** A code, id or scalar of `field` in words. */
function scalarText(field: string, value: unknown, locale: string, names: EntryNameBook): string {
	if (value === null || value === undefined || value === '') return '';
	if (typeof value === 'boolean') return value ? m.yes() : m.no();
	const text = String(value);
	if (CODE_MESSAGES[field]) return msg(CODE_MESSAGES[field](text), {}, text);
	switch (field) {
		case 'languages':
			return languageLabel(text, locale);
		case 'instanceId':
			return names.instances.get(text) ?? m.ds_no_instance();
		case 'organizationId':
			return names.organizations.get(text) ?? '–';
		case 'socialSpaceId':
		case 'socialSpaceIds':
			return names.spaces.get(text) ?? '–';
		case 'costAmountCents':
			return typeof value === 'number' ? formatEuro(value, locale) : text;
		case 'latitude':
		case 'longitude':
		case 'minimumAge':
		case 'maximumAge':
			return typeof value === 'number' ? numberFormat(locale, { maximumFractionDigits: 6 }).format(value) : text;
		case 'lastVerifiedBy':
			return verifierText(text);
		case 'expiresAt':
		case 'lastVerifiedAt':
			return formatDateTime(text, locale);
		default:
			// Counts (opening times a booking or an event published) in the reader's digits.
			return typeof value === 'number' ? numberFormat(locale).format(value) : text;
	}
}

/** A translated text as lines "Deutsch: …", each translation with its status. */
function translatedText(value: Record<string, { text: string; status: string }>, locale: string): string {
	return Object.entries(value)
		.filter(([, v]) => v.text)
		.map(([lang, v]) => `${languageLabel(lang, locale)}: ${v.text}${v.status === 'original' ? '' : ` (${msg(`translation_${v.status}`, {}, v.status)})`}`)
		.join('\n');
}

/**
 * One opening-hours slot as the audit log keeps it (the canonical JSON of weekday, opening and
 * closing time, valid from, valid to, by appointment, place, note, HSDS fields) in words:
 * "Montag 09:00–12:00, nur mit Termin, gültig ab 1. März 2026".
 */
function slotText(slot: unknown, locale: string): string {
	let parts: unknown = slot;
	if (typeof slot === 'string') {
		try {
			parts = JSON.parse(slot);
		} catch {
			return slot;
		}
	}
	if (!Array.isArray(parts) || typeof parts[0] !== 'number') return typeof slot === 'string' ? slot : JSON.stringify(slot);
	const [weekday, opens, closes, validFrom, validTo, appointmentOnly, , note] = parts as [number, string, string, string | null, string | null, boolean, unknown, unknown];
	const pieces = [`${weekdayName(weekday, locale)} ${formatTime(opens, locale)}–${formatTime(closes, locale)}`];
	if (appointmentOnly) pieces.push(m.ds_appointment_only());
	if (validFrom) pieces.push(`${m.ds_valid_from()} ${validFrom}`);
	if (validTo) pieces.push(`${m.ds_valid_to()} ${validTo}`);
	if (isTranslatedText(note)) pieces.push(translatedText(note, locale));
	return pieces.join(', ');
}

/**
 * A field's value from the audit log (as stored: texts per language, lists of codes, ids,
 * numbers, slots) in words, one line per language or slot; '' for nothing.
 */
export function auditValueText(field: string, value: unknown, locale: string, names: EntryNameBook): string {
	if (value === null || value === undefined) return '';
	if (isTranslatedText(value)) return translatedText(value, locale);
	if (field === 'schedules' && Array.isArray(value)) return value.map((s) => slotText(s, locale)).join('\n');
	if (Array.isArray(value)) return value.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : scalarText(field, v, locale, names))).join(', ');
	if (typeof value === 'object') return Object.keys(value).length ? JSON.stringify(value) : '';
	return scalarText(field, value, locale, names);
}

/**
 * A value of the proposal diff (`proposalDiff`: texts per language with their status in
 * brackets, lists joined by commas, slots and places per part) in words.
 */
export function diffValueText(path: string, value: string, locale: string, names: EntryNameBook): string {
	if (!value) return '';
	const [field, ...rest] = path.split('.');
	if (field === 'schedules' && rest.length === 2) {
		if (rest[1] === 'weekday') return weekdayName(Number(value), locale);
		if (rest[1] === 'appointmentOnly') return value === 'true' ? m.yes() : m.no();
		if (rest[1] === 'location') return m.ds_place_n({ n: Number(value) + 1 });
		return value;
	}
	if (field === 'locations' && rest.length >= 2) return diffValueText(rest.slice(1).join('.'), value, locale, names);
	const translated = /^([\s\S]*) \[(human|machine|outdated)\]$/.exec(value);
	if (rest.length && translated) return `${translated[1]} (${msg(`translation_${translated[2]}`)})`;
	if (rest.length) return value;
	if (LIST_FIELDS.has(field)) return value.split(', ').map((v) => scalarText(field, v, locale, names)).join(', ');
	const parsed = value === 'true' ? true : value === 'false' ? false : NUMERIC_FIELDS.has(field) && Number.isFinite(Number(value)) ? Number(value) : value;
	return scalarText(field, parsed, locale, names);
}

/** Who made a change as a person reads it: the system actors by name, never by their label. */
export function actorText(label: string | null): string {
	if (!label) return '–';
	const known: Record<string, () => string> = {
		cli: m.ui_actor_cli,
		'demo-loader': m.ui_actor_demo,
		demo: m.ui_actor_demo,
		'provider-link': m.ds_history_provider,
		'partner-link': m.ui_actor_partner_link,
		retention: m.ui_actor_retention
	};
	return known[label]?.() ?? m.ui_actor_system();
}

/** Who last confirmed an entry, as stored in `lastVerifiedBy`: a person's name, or the provider through the emailed link by name. */
export function verifierText(by: string): string {
	return by === PROVIDER_VERIFIER ? m.ds_history_provider() : by;
}
