/**
 * The mapping between the directory and HSDS 3.0 objects, one field at a time, used in both
 * directions so that what the importer takes in comes back out unchanged.
 *
 * Each mapped HSDS field has a codec: `derive` turns the HSDS value into the directory's value,
 * `emit` turns the directory's value into the HSDS value, `get`/`set` read and write it on the
 * directory's record. On import, a field whose value the directory cannot reproduce exactly
 * (an invalid email, a postal code that is not German, a second phone number …) is also kept
 * verbatim in `hsdsExtra`; on export, that kept value is used as long as the directory's value
 * is still the one derived from it, and the directory's value once someone changed it. HSDS
 * fields the directory does not model at all live only in `hsdsExtra`.
 * Texts are exported in one language (`pickText` with fallback) and imported as the version of
 * the import's language (`withVersion`, keeping other languages).
 * Source: issue 3 §7; HSDS 3.0 schemas in `data/hsds/schema/`.
 */
import { displayNames } from '../../../intl';
import { canonicalLanguageTag, isEmail, isHttpUrl, isIsoDate } from '../../core/validation';
import { COST_KINDS, EASY_GERMAN, SERVICE_STATUSES, offerDimensions } from '../model';
import type { HsdsExtra, TranslatedText } from '../schema';
import type { Location, Organization, Schedule, Service } from '../service';
import { effectiveStatus, pickText, withVersion } from '../texts';
import { derivedId } from './ids';
import { hsdsAttribute, readAttributes, termLabel, uiLocaleFor } from './taxonomy';

/** A JSON object as HSDS has it. */
export type Json = Record<string, unknown>;

/** A service_at_location row. */
export interface ServiceAtLocationRow {
	id: string;
	serviceId: string;
	locationId: string;
	hsdsExtra: HsdsExtra;
}

/** One field's mapping; see the module comment. */
export interface Codec<M> {
	key: string;
	get(m: M): unknown;
	/** HSDS value (schema-checked) → directory value; `whole` is the object it is in. */
	derive(v: unknown, whole: Json): unknown;
	/** Directory value → HSDS value; undefined leaves the field out. */
	emit(v: unknown): unknown;
	set(m: M, v: unknown): void;
	/** Equality of directory values (default: same JSON). */
	same?(a: unknown, b: unknown): boolean;
	/**
	 * HSDS value once the directory's value changed since import, from the kept one (default:
	 * `emit`): e.g. a changed first phone number keeps the other phones.
	 */
	merge?(kept: unknown, v: unknown): unknown;
	/**
	 * Whether an imported value that `derive` read is kept verbatim for the export (default: when
	 * `emit` would write it differently). False for values the export writes anew each time,
	 * such as opening times with the UTC offset of the day.
	 */
	keep?(given: unknown): boolean;
}

function canonical(value: unknown): string {
	return JSON.stringify(value ?? null, (_k, v) =>
		v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v
	);
}

/** Equality of JSON values, object key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
	return canonical(a) === canonical(b);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** The HSDS value of one field: the kept one while it still holds, else merged into it or emitted. */
function exportedValue<M>(c: Codec<M>, model: unknown, extra: HsdsExtra): unknown {
	const has = c.key in extra && (c.keep?.(extra[c.key]) ?? true);
	if (has && (c.same ?? sameJson)(c.derive(extra[c.key], extra), model)) return extra[c.key];
	return has && c.merge ? c.merge(extra[c.key], model) : c.emit(model);
}

/** Writes the codecs' fields of `m` into `out`, preferring the kept HSDS value while it still holds. */
export function exportFields<M>(codecs: Codec<M>[], m: M, extra: HsdsExtra, out: Json): void {
	for (const c of codecs) {
		const v = exportedValue(c, c.get(m), extra);
		if (v !== undefined && !(Array.isArray(v) && !v.length)) out[c.key] = v;
	}
}

/**
 * Reads the codecs' fields present in `given` into `m`; keeps in `extra` the HSDS values the
 * directory cannot reproduce exactly, and forgets kept values it now reproduces.
 */
export function importFields<M>(codecs: Codec<M>[], m: M, given: Json, extra: HsdsExtra): void {
	for (const c of codecs) {
		if (!(c.key in given)) continue;
		const model = c.derive(given[c.key], given);
		c.set(m, model);
		// What the export already writes from the kept value (e.g. a phone list after an edit of
		// its first number) is no new value to keep: the record stays as it is.
		if (c.key in extra && sameJson(exportedValue(c, model, extra), given[c.key])) continue;
		if (c.keep?.(given[c.key]) === false || sameJson(c.emit(model), given[c.key])) delete extra[c.key];
		else extra[c.key] = given[c.key];
	}
}

type TextKeys<M> = { [K in keyof M]: M[K] extends TranslatedText ? K : never }[keyof M];
type StringKeys<M> = { [K in keyof M]: M[K] extends string ? K : never }[keyof M];

/** A translated text field: exported in `lang` (with fallback), imported as the `lang` version. */
function text<M>(key: string, prop: TextKeys<M>, lang: string, emitEmpty = false): Codec<M> {
	return {
		key,
		get: (m) => pickText(m[prop] as TranslatedText, lang)?.text ?? '',
		derive: (v) => str(v).trim(),
		emit: (v) => (v || emitEmpty ? v : undefined),
		set: (m, v) => {
			(m[prop] as TranslatedText) = withVersion(m[prop] as TranslatedText, lang, v as string);
		}
	};
}

/** A plain string field; values `valid` rejects are kept in `hsdsExtra` only. */
function plain<M>(key: string, prop: StringKeys<M>, valid: (v: string) => boolean = () => true): Codec<M> {
	return {
		key,
		get: (m) => m[prop],
		derive: (v) => (valid(str(v).trim()) ? str(v).trim() : ''),
		emit: (v) => (v ? v : undefined),
		set: (m, v) => {
			(m[prop] as string) = v as string;
		}
	};
}

/** Replaces (or, for an empty value, removes) the first item of a kept list, keeping the others. */
function mergeFirst(kept: unknown, patch: Json | null): Json[] | undefined {
	const [first, ...rest] = list(kept);
	const items = patch ? [{ ...first, ...patch }, ...rest] : rest;
	return items.length ? items : undefined;
}

/** The single phone number the directory keeps ↔ HSDS `phones` (the first one). */
function phones<M extends { phone: string }>(ownerId: string): Codec<M> {
	return {
		key: 'phones',
		get: (m) => m.phone,
		derive: (v) => str(list(v)[0]?.number).trim(),
		emit: (v) => (v ? [{ id: derivedId(ownerId, 'phone'), number: v }] : undefined),
		merge: (kept, v) => mergeFirst(kept, v ? { number: v } : null),
		set: (m, v) => {
			m.phone = v as string;
		}
	};
}

/** German Länder by the first two digits of the Amtlicher Gemeindeschlüssel. */
const LAENDER: Record<string, string> = {
	'01': 'Schleswig-Holstein',
	'02': 'Hamburg',
	'03': 'Niedersachsen',
	'04': 'Bremen',
	'05': 'Nordrhein-Westfalen',
	'06': 'Hessen',
	'07': 'Rheinland-Pfalz',
	'08': 'Baden-Württemberg',
	'09': 'Bayern',
	'10': 'Saarland',
	'11': 'Berlin',
	'12': 'Brandenburg',
	'13': 'Mecklenburg-Vorpommern',
	'14': 'Sachsen',
	'15': 'Sachsen-Anhalt',
	'16': 'Thüringen'
};

/** The Land (HSDS `state_province`) of a municipality by its AGS; empty when unknown. */
export function landOf(officialCode: string | null): string {
	return (officialCode && LAENDER[officialCode.slice(0, 2)]) || '';
}

/** The display name of a language tag in the reader's language (Leichte Sprache named as such). */
function languageName(tag: string, lang: string): string {
	const locale = uiLocaleFor(lang);
	if (tag === EASY_GERMAN) return locale === 'de' ? 'Leichte Sprache' : 'Easy German (Leichte Sprache)';
	try {
		return displayNames([locale], { type: 'language' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

// ---------------------------------------------------------------- organization

/** The organization fields both directions share (row and form input). */
export type OrganizationFields = Pick<Organization, 'name' | 'alternateNames' | 'description' | 'email' | 'phone' | 'website'>;

/**
 * What an organization without a description is described as: its type and municipality
 * (`Kindertageseinrichtung (Kita) – Köln`), in the language of the export. HSDS requires a
 * description, and most actors taken from OpenStreetMap have none of their own.
 * @throws Error for an actor type that is not ours.
 */
export function organizationFallbackDescription(actorType: string, municipalityName: string, lang: string): string {
	return `${termLabel('actor_type', actorType, lang)} – ${municipalityName}`;
}

/**
 * The organization's description: exported in `lang` (with fallback) or, when it has none,
 * `fallback` (see `organizationFallbackDescription`); that text imported again is no
 * description of its own.
 */
function description(lang: string, fallback: string): Codec<OrganizationFields> {
	const own = text<OrganizationFields>('description', 'description', lang);
	return {
		...own,
		derive: (v) => (str(v).trim() === fallback ? '' : str(v).trim()),
		emit: (v) => (v as string) || fallback
	};
}

/**
 * Codecs of an organization's one-to-one fields and phones.
 * @param fallback the description of an organization without one (`organizationFallbackDescription`).
 */
export function organizationCodecs(id: string, lang: string, fallback: string): Codec<OrganizationFields>[] {
	return [
		plain('name', 'name'),
		{
			key: 'alternate_name',
			get: (m) => m.alternateNames,
			derive: (v) =>
				str(v)
					.split(';')
					.map((s) => s.trim())
					.filter(Boolean),
			emit: (v) => ((v as string[]).length ? (v as string[]).join('; ') : undefined),
			set: (m, v) => {
				m.alternateNames = v as string[];
			}
		},
		description(lang, fallback),
		plain('email', 'email', isEmail),
		plain('website', 'website', isHttpUrl),
		phones(id)
	];
}

// ---------------------------------------------------------------- location

/** The location fields both directions share. */
export type LocationFields = Pick<
	Location,
	'name' | 'street' | 'postalCode' | 'city' | 'latitude' | 'longitude' | 'accessibility' | 'accessibilityNote' | 'directions'
>;

function coordinate(key: 'latitude' | 'longitude'): Codec<LocationFields> {
	const ok = (whole: Json) =>
		typeof whole.latitude === 'number' &&
		typeof whole.longitude === 'number' &&
		Math.abs(whole.latitude) <= 90 &&
		Math.abs(whole.longitude) <= 180;
	return {
		key,
		get: (m) => m[key],
		derive: (v, whole) => (ok(whole) ? v : null),
		emit: (v) => (v === null ? undefined : v),
		set: (m, v) => {
			m[key] = v as number | null;
		}
	};
}

/**
 * Codecs of a location: type, name, directions (`transportation`), coordinates, the first
 * address (street, German postal code, city), accessibility features and note.
 * @param land `state_province` of generated addresses.
 */
export function locationCodecs(id: string, lang: string, land: string): Codec<LocationFields>[] {
	const featureItemId = (f: string) => derivedId(id, 'accessibility', f);
	const noteId = derivedId(id, 'accessibility', 'note');
	return [
		{ key: 'location_type', get: () => 'physical', derive: () => 'physical', emit: () => 'physical', set: () => undefined },
		plain('name', 'name'),
		text('transportation', 'directions', lang),
		coordinate('latitude'),
		coordinate('longitude'),
		{
			key: 'addresses',
			get: (m) => ({ street: m.street, postalCode: m.postalCode, city: m.city }),
			derive: (v) => {
				const a = list(v)[0] ?? {};
				const postal = str(a.postal_code).trim();
				return { street: str(a.address_1).trim(), postalCode: /^\d{5}$/.test(postal) ? postal : '', city: str(a.city).trim() };
			},
			emit: (v) => {
				const a = v as { street: string; postalCode: string; city: string };
				if (!a.street && !a.postalCode && !a.city) return undefined;
				return [
					{
						id: derivedId(id, 'address'),
						location_id: id,
						address_1: a.street,
						city: a.city,
						state_province: land,
						postal_code: a.postalCode,
						country: 'DE',
						address_type: 'physical'
					}
				];
			},
			merge: (kept, v) => {
				const a = v as { street: string; postalCode: string; city: string };
				return mergeFirst(kept, { address_1: a.street, city: a.city, ...(a.postalCode ? { postal_code: a.postalCode } : {}) });
			},
			set: (m, v) => Object.assign(m, v)
		},
		{
			key: 'accessibility',
			get: (m) => ({ features: m.accessibility, note: pickText(m.accessibilityNote, lang)?.text ?? '' }),
			derive: (v) => {
				const features: string[] = [];
				const notes: string[] = [];
				for (const item of list(v)) {
					const feature = readAttributes(item.attributes).known.find((a) => a.taxonomy === 'accessibility')?.key;
					if (feature) features.push(feature);
					else if (str(item.description).trim()) notes.push(str(item.description).trim());
				}
				return { features, note: notes.join('\n') };
			},
			emit: (v) => {
				const { features, note } = v as { features: string[]; note: string };
				const items: Json[] = features.map((f) => ({
					id: featureItemId(f),
					location_id: id,
					description: termLabel('accessibility', f, lang),
					attributes: [hsdsAttribute('accessibility', featureItemId(f), 'accessibility', f, lang)]
				}));
				if (note) items.push({ id: noteId, location_id: id, description: note });
				return items.length ? items : undefined;
			},
			set: (m, v) => {
				const { features, note } = v as { features: string[]; note: string };
				m.accessibility = features;
				m.accessibilityNote = withVersion(m.accessibilityNote, lang, note);
			}
		}
	];
}

// ---------------------------------------------------------------- service

/** The service fields both directions share. */
export type ServiceFields = Pick<
	Service,
	| 'name'
	| 'description'
	| 'status'
	| 'url'
	| 'email'
	| 'phone'
	| 'contactName'
	| 'accessRequirements'
	| 'costNote'
	| 'eligibility'
	| 'minimumAge'
	| 'maximumAge'
	| 'languages'
	| 'requiredDocuments'
	| 'costAmountCents'
>;

function age(key: 'minimum_age' | 'maximum_age', prop: 'minimumAge' | 'maximumAge'): Codec<ServiceFields> {
	return {
		key,
		get: (m) => m[prop],
		derive: (v) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 120 ? v : null),
		emit: (v) => (v === null ? undefined : v),
		set: (m, v) => {
			m[prop] = v as number | null;
		}
	};
}

/** Amount in euro cents of the first euro cost option with a positive whole-cent amount. */
function euroCents(v: unknown): number | null {
	for (const o of list(v)) {
		const amount = o.amount;
		if (typeof amount !== 'number' || amount <= 0) continue;
		if (o.currency !== undefined && !/^eur$/i.test(str(o.currency))) continue;
		const cents = Math.round(amount * 100);
		if (Math.abs(cents - amount * 100) < 1e-6) return cents;
	}
	return null;
}

/** Whether HSDS cost options name any positive amount (in whatever currency). */
export function costsSomething(v: unknown): boolean {
	return list(v).some((o) => typeof o.amount === 'number' && o.amount > 0);
}

/** Codecs of a service's one-to-one fields, phones, contacts, languages, documents and cost. */
export function serviceCodecs(id: string, lang: string): Codec<ServiceFields>[] {
	return [
		text('name', 'name', lang, true),
		text('description', 'description', lang),
		plain('url', 'url', isHttpUrl),
		plain('email', 'email', isEmail),
		{
			key: 'status',
			get: (m) => m.status,
			derive: (v) => ((SERVICE_STATUSES as readonly string[]).includes(str(v)) ? v : 'active'),
			emit: (v) => v,
			set: (m, v) => {
				m.status = v as string;
			}
		},
		text('application_process', 'accessRequirements', lang),
		text('fees_description', 'costNote', lang),
		text('eligibility_description', 'eligibility', lang),
		age('minimum_age', 'minimumAge'),
		age('maximum_age', 'maximumAge'),
		phones(id),
		{
			key: 'contacts',
			get: (m) => m.contactName,
			derive: (v) => str(list(v)[0]?.name).trim(),
			emit: (v) => (v ? [{ id: derivedId(id, 'contact'), service_id: id, name: v }] : undefined),
			merge: (kept, v) => mergeFirst(kept, v ? { name: v } : null),
			set: (m, v) => {
				m.contactName = v as string;
			}
		},
		{
			key: 'languages',
			get: (m) => m.languages,
			derive: (v) => [...new Set(list(v).map((l) => canonicalLanguageTag(str(l.code))).filter((t): t is string => !!t))],
			emit: (v) =>
				(v as string[]).length
					? (v as string[]).map((tag) => ({ id: derivedId(id, 'language', tag), service_id: id, name: languageName(tag, lang), code: tag }))
					: undefined,
			set: (m, v) => {
				m.languages = v as string[];
			}
		},
		{
			key: 'required_documents',
			get: (m) => pickText(m.requiredDocuments, lang)?.text ?? '',
			derive: (v) =>
				list(v)
					.map((d) => str(d.document).trim())
					.filter(Boolean)
					.join('\n'),
			emit: (v) =>
				v
					? (v as string)
							.split('\n')
							.map((line) => line.trim())
							.filter(Boolean)
							.map((document, i) => ({ id: derivedId(id, 'required_document', i), service_id: id, document }))
					: undefined,
			set: (m, v) => {
				m.requiredDocuments = withVersion(m.requiredDocuments, lang, v as string);
			}
		},
		{
			key: 'cost_options',
			get: (m) => m.costAmountCents,
			derive: euroCents,
			emit: (v) => (v === null ? undefined : [{ id: derivedId(id, 'cost_option'), service_id: id, currency: 'EUR', amount: (v as number) / 100 }]),
			set: (m, v) => {
				m.costAmountCents = v as number | null;
			}
		}
	];
}

/** The vocabulary fields of an offer that travel as attributes. */
export type ServiceVocabulary = Pick<Service, 'themeFields' | 'subtopics' | 'dimensionsOverride' | 'targetGroups' | 'costKind' | 'lowThreshold'>;

/** Translation status of each language of an offer's name and description (description first). */
function translationStatuses(s: Pick<Service, 'name' | 'description'>): [string, string][] {
	const langs = [...new Set([...Object.keys(s.name), ...Object.keys(s.description)])].sort();
	return langs.map((l) => [l, (s.description[l] ? effectiveStatus(s.description, l) : effectiveStatus(s.name, l))!]);
}

/** Our attributes of an offer: theme fields and sub-topics, dimensions, target groups, cost, low threshold, translation status. */
export function serviceAttributes(s: ServiceVocabulary & Pick<Service, 'id' | 'name' | 'description'>, lang: string): Json[] {
	const a = (taxonomy: Parameters<typeof hsdsAttribute>[2], key: string, value?: string) => hsdsAttribute('service', s.id, taxonomy, key, lang, value);
	return [
		...s.themeFields.map((k) => a('theme_field', k)),
		...s.subtopics.map((k) => a('theme_field', k)),
		...offerDimensions(s.themeFields, s.dimensionsOverride).map((k) => a('integration_dimension', k)),
		...s.targetGroups.map((k) => a('target_group', k)),
		...((COST_KINDS as readonly string[]).includes(s.costKind) ? [a('cost', s.costKind)] : []),
		...(s.lowThreshold ? [a('property', 'low_threshold')] : []),
		...translationStatuses(s).map(([l, status]) => a('translation_status', status, l))
	];
}

// ---------------------------------------------------------------- schedules

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** A weekly schedule as HSDS has it: one time range on one or more weekdays. */
export interface ScheduleGroup {
	id: string;
	/** ISO weekdays, the first one carrying the group's id. */
	weekdays: number[];
	opensAt: string;
	closesAt: string;
	validFrom: string | null;
	validTo: string | null;
	appointmentOnly: boolean;
	note: TranslatedText;
	locationId: string | null;
	hsdsExtra: HsdsExtra;
}

/**
 * An HSDS time: `HH:MM`, optionally `:00` seconds, optionally a UTC offset or `Z` (group 3).
 * The directory holds Europe/Berlin wall-clock times.
 */
const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)(:00)?(Z|[+-]\d{2}:\d{2})?$/;
/** The UTC offsets Europe/Berlin has: standard time and summer time. */
const BERLIN_OFFSETS = ['+01:00', '+02:00'];

function hhmm(v: unknown): string {
	return str(v).slice(0, 5);
}

/** Whether an HSDS time is one the directory can hold as a Europe/Berlin wall-clock time. */
function berlinTime(v: unknown): boolean {
	const m = TIME.exec(str(v));
	return !!m && (m[4] === undefined || BERLIN_OFFSETS.includes(m[4]));
}

/**
 * The UTC offset of Europe/Berlin at an instant, as HSDS writes it after a time: `+01:00`
 * (standard time) or `+02:00` (summer time).
 */
export function berlinOffset(at: Date): string {
	const name = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')!.value;
	return name === 'GMT' ? '+00:00' : name.slice(3);
}

/** An opening or closing time: Berlin wall-clock time in, `HH:MM` with the offset of the day out. */
function timeCodec(key: 'opens_at' | 'closes_at', prop: 'opensAt' | 'closesAt', offset: string): Codec<ScheduleGroup> {
	return {
		key,
		get: (g) => g[prop],
		derive: hhmm,
		emit: (v) => `${v as string}${offset}`,
		set: (g, v) => void (g[prop] = v as string),
		keep: () => false
	};
}

/**
 * Codecs of a schedule group's fields (frequency, days, times, validity, notes).
 * @param offset the Europe/Berlin UTC offset written after opening and closing times
 *   (`berlinOffset` of the export's time): HSDS reads a time without offset as UTC.
 */
export function scheduleCodecs(lang: string, offset: string): Codec<ScheduleGroup>[] {
	return [
		{ key: 'freq', get: () => 'WEEKLY', derive: () => 'WEEKLY', emit: () => 'WEEKLY', set: () => undefined },
		{
			key: 'byday',
			get: (g) => g.weekdays,
			derive: (v) => str(v).split(',').map((d) => DAYS.indexOf(d.trim() as (typeof DAYS)[number]) + 1),
			emit: (v) => (v as number[]).map((d) => DAYS[d - 1]).join(','),
			set: (g, v) => {
				g.weekdays = v as number[];
			},
			same: (a, b) => sameJson([...(a as number[])].sort(), [...(b as number[])].sort())
		},
		timeCodec('opens_at', 'opensAt', offset),
		timeCodec('closes_at', 'closesAt', offset),
		{ key: 'valid_from', get: (g) => g.validFrom, derive: (v) => v, emit: (v) => v ?? undefined, set: (g, v) => void (g.validFrom = v as string) },
		{ key: 'valid_to', get: (g) => g.validTo, derive: (v) => v, emit: (v) => v ?? undefined, set: (g, v) => void (g.validTo = v as string) },
		text('notes', 'note', lang)
	];
}

/**
 * Why an HSDS schedule cannot be held as weekly slots (then it is kept as it is in `hsdsExtra`),
 * or null when it can: weekly, on plain weekdays, opening and closing times in Europe/Berlin
 * (`HH:MM`, optionally `:00`, with Berlin's offset `+01:00` or `+02:00` — read as wall-clock
 * time whatever the season, as this export writes it — or without offset, which the
 * specification reads as UTC but its own examples and most producers write as local time), no
 * `Z` or other offset (a fixed UTC time moves against Berlin's clock twice a year), no interval,
 * count, until or month/year rules, valid dates.
 */
export function unrepresentable(s: Json): string | null {
	if (s.freq !== 'WEEKLY') return 'not weekly';
	const days = str(s.byday).split(',').map((d) => d.trim());
	if (!days.length || days.some((d) => !DAYS.includes(d as (typeof DAYS)[number])) || new Set(days).size !== days.length) return 'byday';
	if (!TIME.test(str(s.opens_at)) || !TIME.test(str(s.closes_at)) || hhmm(s.closes_at) <= hhmm(s.opens_at)) return 'times';
	if (!berlinTime(s.opens_at) || !berlinTime(s.closes_at)) return 'timezone';
	if (s.interval !== undefined && s.interval !== 1) return 'interval';
	for (const k of ['count', 'until', 'byweekno', 'bymonthday', 'byyearday', 'timezone']) if (s[k] !== undefined) return k;
	for (const k of ['valid_from', 'valid_to']) {
		if (s[k] !== undefined && !isIsoDate(str(s[k]))) return k;
	}
	if (s.valid_from !== undefined && s.valid_to !== undefined && str(s.valid_to) < str(s.valid_from)) return 'valid_to';
	return null;
}

/** The id of the slot for `weekday` of the HSDS schedule `groupId` (its first day keeps the id). */
export function dayRowId(groupId: string, weekday: number): string {
	return derivedId(groupId, 'day', weekday);
}

function rowKey(r: Schedule): string {
	return canonical([r.locationId, r.opensAt, r.closesAt, r.validFrom, r.validTo, r.appointmentOnly, r.note, r.hsdsExtra]);
}

/**
 * Groups an offer's weekly slots back into HSDS schedules: a slot whose id was derived from
 * another slot's (`dayRowId`) with the same times, validity, note and kept fields joins it.
 */
export function groupSchedules(rows: Schedule[]): ScheduleGroup[] {
	const sorted = [...rows].sort((a, b) => a.weekday - b.weekday || a.opensAt.localeCompare(b.opensAt));
	const byId = new Map(sorted.map((r) => [r.id, r]));
	const parentOf = new Map<string, Schedule>();
	for (const head of sorted) {
		for (let d = 1; d <= 7; d++) {
			const child = byId.get(dayRowId(head.id, d));
			if (child && child.weekday === d && child !== head && rowKey(child) === rowKey(head)) parentOf.set(child.id, head);
		}
	}
	const groups: ScheduleGroup[] = [];
	for (const r of sorted) {
		if (parentOf.has(r.id)) continue;
		const members = sorted.filter((x) => parentOf.get(x.id) === r);
		groups.push({
			id: r.id,
			weekdays: [r.weekday, ...members.map((x) => x.weekday)],
			opensAt: r.opensAt,
			closesAt: r.closesAt,
			validFrom: r.validFrom,
			validTo: r.validTo,
			appointmentOnly: r.appointmentOnly,
			note: r.note,
			locationId: r.locationId,
			hsdsExtra: r.hsdsExtra
		});
	}
	return groups;
}

/** Keys of HSDS objects that the mapping fills itself (links, nesting, attributes, metadata). */
const STRUCTURAL = new Set([
	'id',
	'service_id',
	'location_id',
	'organization_id',
	'service_at_location_id',
	'attributes',
	'metadata',
	'schedules',
	'service_at_locations',
	'locations',
	'services',
	'organization',
	'location',
	'service',
	'last_modified'
]);

/** Copies the kept HSDS fields no codec handles (e.g. `alternate_name`, `funding`, `alert`). */
export function passThrough(extra: HsdsExtra, codecs: Codec<never>[], out: Json, also: string[] = []): void {
	const handled = new Set([...codecs.map((c) => c.key), ...also]);
	for (const [k, v] of Object.entries(extra)) {
		if (!handled.has(k) && !STRUCTURAL.has(k) && !(k in out)) out[k] = v;
	}
}

/** Stores into `extra` the fields of `given` no codec handles and that are not structural. */
export function keepUnmapped(given: Json, codecs: Codec<never>[], extra: HsdsExtra, also: string[] = []): void {
	const handled = new Set([...codecs.map((c) => c.key), ...also]);
	for (const [k, v] of Object.entries(given)) if (!handled.has(k) && !STRUCTURAL.has(k)) extra[k] = v;
}

/**
 * An HSDS schedule object from a group, with its links, our attribute and kept fields.
 * @param offset the Europe/Berlin UTC offset of the export (`berlinOffset`).
 */
export function scheduleToHsds(g: ScheduleGroup, lang: string, offset: string, links: { serviceId: string; serviceAtLocationId?: string }): Json {
	const codecs = scheduleCodecs(lang, offset);
	const out: Json = {
		id: g.id,
		service_id: links.serviceId,
		...(g.locationId ? { location_id: g.locationId } : {}),
		...(links.serviceAtLocationId ? { service_at_location_id: links.serviceAtLocationId } : {})
	};
	exportFields(codecs, g, g.hsdsExtra, out);
	passThrough(g.hsdsExtra, codecs as Codec<never>[], out);
	const attributes = [...(g.appointmentOnly ? [hsdsAttribute('schedule', g.id, 'property', 'appointment_only', lang)] : []), ...list(g.hsdsExtra.attributes)];
	if (attributes.length) out.attributes = attributes;
	if (list(g.hsdsExtra.metadata).length) out.metadata = g.hsdsExtra.metadata;
	return out;
}
