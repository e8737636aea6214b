/**
 * CSV import and export of actors (HSDS organization) and offers (HSDS service) for people who
 * keep lists in spreadsheets. The columns are documented in `docs/csv.md`; an exported file
 * imported again changes nothing. Import: semicolon, comma or tab delimiter (detected from the
 * header line), UTF-8 with or without BOM, decimal comma or point; rows are created or updated
 * by `id` (actors without id by name, offers without id by actor and name); columns missing from
 * the file leave those fields as they are. Every bad row is reported by line, column and reason;
 * a file with errors changes nothing unless `skipInvalid` is set. Source: issue 3 §7, "Bad input".
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { authorize, type Principal } from '../access';
import type { Db, Tx } from '../db/client';
import { ImportError, ValidationError, type FieldIssue } from '../core/errors';
import { fromSpreadsheetText, spreadsheetCsv } from '../core/csv';
import { listSocialSpaces, requireMunicipality, type Municipality } from '../geography/service';
import { canonicalLanguageTag, isUuid, parseInteger } from '../core/validation';
import {
	ACCESSIBILITY_FEATURES,
	ACTOR_TYPES,
	CONTENT_LANGUAGES,
	COST_KINDS,
	SERVICE_STATUSES,
	SUBTOPICS,
	TARGET_GROUPS,
	THEME_FIELDS,
	VISIBILITIES,
	type Term
} from './model';
import { organization, service, type TranslatedText } from './schema';
import {
	getOrganization,
	getServices,
	listEntryIds,
	organizationToInput,
	saveOrganization,
	emptyServiceInput,
	saveService,
	serviceToInput,
	type LocationInput,
	type OrganizationInput,
	type ScheduleInput,
	type ServiceInput,
	validateOrganizationInput,
	validateServiceInput
} from './service';
import { originalLanguage, withVersion } from './texts';
import { emptySummary, type DirectoryImportSummary, type ImportProgress } from './imports';

/** Which list a CSV file holds. */
export type CsvKind = 'actors' | 'offers';

/** Fixed columns of the actors file, in export order; `description_<lang>` follow `visibility`. */
const ACTOR_COLUMNS = [
	'id',
	'name',
	'alternate_names',
	'actor_type',
	'visibility',
	'email',
	'phone',
	'website',
	'street',
	'postal_code',
	'city',
	'latitude',
	'longitude',
	'social_spaces'
] as const;

/** Fixed columns of the offers file, in export order; per-language text columns are placed as `docs/csv.md` shows. */
export const OFFER_COLUMNS = [
	'id',
	'actor_id',
	'actor_name',
	'status',
	'visibility',
	'theme_fields',
	'subtopics',
	'target_groups',
	'min_age',
	'max_age',
	'languages',
	'cost_kind',
	'cost_eur',
	'low_threshold',
	'url',
	'email',
	'phone',
	'street',
	'postal_code',
	'city',
	'latitude',
	'longitude',
	'accessibility',
	'opening_hours'
] as const;

/** Translatable text columns (`<prefix>_<lang>`) and the input field each fills. */
const TEXT_COLUMNS: Record<CsvKind, Record<string, 'name' | 'description' | 'accessRequirements' | 'requiredDocuments' | 'eligibility'>> = {
	actors: { description: 'description' },
	offers: {
		name: 'name',
		description: 'description',
		requirements: 'accessRequirements',
		documents: 'requiredDocuments',
		eligibility: 'eligibility'
	}
};

/** German weekday abbreviations (ISO weekday 1–7) used in `opening_hours`. */
const DAYS = ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So'];
/** Also accepted: OpenStreetMap `opening_hours` abbreviations. */
const OSM_DAYS = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'];
const APPOINTMENT = '(Termin)';

function dayNumber(token: string): number | null {
	const t = token.trim().toLowerCase();
	const i = DAYS.findIndex((d) => d.toLowerCase() === t);
	if (i >= 0) return i + 1;
	const j = OSM_DAYS.indexOf(t);
	return j >= 0 ? j + 1 : null;
}

/** A weekly slot as the compact text form holds it. */
export interface CompactSlot {
	weekday: number;
	opensAt: string;
	closesAt: string;
	appointmentOnly: boolean;
}

const SLOT = /^(.+?)\s+(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*(\((?:termin|appointment)\))?$/i;

/**
 * Parses opening hours in the compact form, e.g. `Mo-Fr 14:00-16:00; Do 10:00-12:00 (Termin)`:
 * slots separated by `;`, days as `Mo Di Mi Do Fr Sa So` (or OSM's `Mo Tu We Th Fr Sa Su`),
 * lists with `,`, ranges with `-`; `(Termin)` marks appointment-only slots.
 * @returns the slots, or null when the text does not have this form.
 */
export function parseOpeningHours(text: string): CompactSlot[] | null {
	const slots: CompactSlot[] = [];
	for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
		const m = SLOT.exec(part);
		if (!m) return null;
		const pad = (t: string) => t.padStart(5, '0');
		const days: number[] = [];
		for (const item of m[1].split(',')) {
			const range = item.split(/[-–]/);
			const from = dayNumber(range[0]);
			const to = range.length === 2 ? dayNumber(range[1]) : from;
			if (from === null || to === null || range.length > 2 || to < from) return null;
			for (let d = from; d <= to; d++) days.push(d);
		}
		for (const weekday of days) {
			slots.push({ weekday, opensAt: pad(m[2]), closesAt: pad(m[3]), appointmentOnly: !!m[4] });
		}
	}
	return slots;
}

/** Writes slots in the compact form, grouping days with the same hours (`Mo-Fr`, `Mo,Do`). */
export function formatOpeningHours(slots: CompactSlot[]): string {
	const groups = new Map<string, number[]>();
	for (const s of [...slots].sort((a, b) => a.weekday - b.weekday || a.opensAt.localeCompare(b.opensAt))) {
		const key = `${s.opensAt}-${s.closesAt}${s.appointmentOnly ? ` ${APPOINTMENT}` : ''}`;
		const days = groups.get(key) ?? [];
		if (!days.includes(s.weekday)) days.push(s.weekday);
		groups.set(key, days);
	}
	const parts = [...groups].map(([hours, days]) => {
		const runs: number[][] = [];
		for (const d of days) {
			const last = runs.at(-1);
			if (last && last.at(-1) === d - 1) last.push(d);
			else runs.push([d]);
		}
		const dayText = runs
			.flatMap((r) => (r.length >= 3 ? [`${DAYS[r[0] - 1]}-${DAYS[r.at(-1)! - 1]}`] : r.map((d) => DAYS[d - 1])))
			.join(',');
		return { first: days[0], text: `${dayText} ${hours}` };
	});
	return parts
		.sort((a, b) => a.first - b.first)
		.map((p) => p.text)
		.join('; ');
}

function slotKey(s: CompactSlot): string {
	return `${s.weekday} ${s.opensAt} ${s.closesAt} ${s.appointmentOnly}`;
}

/** Options of a CSV import. */
export interface CsvImportOptions {
	municipality: string;
	kind: CsvKind;
	/** File name used in messages. */
	file: string;
	text: string;
	skipInvalid?: boolean;
	onProgress?: ImportProgress;
}

/** Options of a CSV export: `;` (default, with decimal commas, as German spreadsheets expect) or `,` (decimal points). */
export interface CsvExportOptions {
	municipality: string;
	kind: CsvKind;
	delimiter?: ';' | ',';
}

interface Row {
	line: number;
	values: Record<string, string>;
}

/** The delimiter of the header line: the most frequent of `;`, `,` and tab outside quotes. */
function detectDelimiter(text: string): string {
	const counts = new Map([[';', 0], [',', 0], ['\t', 0]]);
	let quoted = false;
	for (const ch of text.replace(/^\uFEFF/, '')) {
		if (ch === '"') quoted = !quoted;
		else if (!quoted && (ch === '\n' || ch === '\r')) break;
		else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
	}
	const [best, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
	return n > 0 ? best : ',';
}

function readRows(file: string, text: string): { header: string[]; rows: Row[] } {
	let parsed: { record: Record<string, string>; info: { lines: number; empty_lines: number } }[];
	let header: string[] = [];
	try {
		parsed = parseCsv(text, {
			bom: true,
			delimiter: detectDelimiter(text),
			columns: (h: string[]) => (header = h.map((c) => c.trim())),
			info: true,
			skip_empty_lines: true,
			trim: true
		});
	} catch (e) {
		throw new ImportError(file, [`not valid CSV: ${(e as Error).message}`]);
	}
	let previousEnd = 1;
	let previousEmpty = 0;
	const rows = parsed.map(({ record, info }) => {
		const line = previousEnd + 1 + (info.empty_lines - previousEmpty);
		previousEnd = info.lines;
		previousEmpty = info.empty_lines;
		// A cell our export protected against formula injection (`'=…`) reads as what was stored.
		const values = Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromSpreadsheetText(v)]));
		return { line, values };
	});
	return { header, rows };
}

/** The columns a file may have, and a problem for each header cell that is not one of them. */
function checkHeader(kind: CsvKind, header: string[]): string[] {
	const fixed: readonly string[] = kind === 'actors' ? [...ACTOR_COLUMNS] : [...OFFER_COLUMNS];
	const problems: string[] = [];
	const seen = new Set<string>();
	for (const column of header) {
		if (seen.has(column)) problems.push(`line 1: column "${column}" appears twice`);
		seen.add(column);
		if (fixed.includes(column) || (kind === 'actors' && column === 'name')) continue;
		const text = /^([a-z]+)_(.+)$/.exec(column);
		if (text && TEXT_COLUMNS[kind][text[1]]) {
			if (canonicalLanguageTag(text[2]) !== text[2]) problems.push(`line 1: column "${column}": "${text[2]}" is not a BCP 47 language tag in canonical form (e.g. de, en, de-x-ls)`);
			continue;
		}
		problems.push(`line 1: unknown column "${column}" (see docs/csv.md for the columns of ${kind})`);
	}
	if (kind === 'actors' && !seen.has('id') && !seen.has('name')) problems.push('line 1: an actors file needs the column "id" or "name"');
	if (kind === 'offers' && !seen.has('id') && !seen.has('actor_id') && !seen.has('actor_name')) {
		problems.push('line 1: an offers file needs the column "id", "actor_id" or "actor_name"');
	}
	return problems;
}

const NUMBER = /^-?\d+([.,]\d+)?$/;
const TRUE = ['ja', 'yes', 'true', '1', 'x'];
const FALSE = ['nein', 'no', 'false', '0', ''];

/** A row's problems collected while reading its cells. */
class RowReader {
	problems: { column: string; reason: string }[] = [];
	constructor(
		private readonly row: Row,
		readonly header: string[]
	) {}

	has(column: string): boolean {
		return this.header.includes(column);
	}

	text(column: string): string {
		return this.row.values[column] ?? '';
	}

	fail(column: string, reason: string): void {
		this.problems.push({ column, reason });
	}

	list(column: string): string[] {
		return this.text(column)
			.split('|')
			.map((v) => v.trim())
			.filter(Boolean);
	}

	/** Keys of a vocabulary, given as key or German wording; lists by `|` or `,`. */
	keys(column: string, terms: readonly Term[]): string[] {
		const out: string[] = [];
		for (const v of this.text(column).split(/[|,]/).map((x) => x.trim()).filter(Boolean)) {
			const term = terms.find((t) => t.key === v || t.wording.toLowerCase() === v.toLowerCase());
			if (term) out.push(term.key);
			else this.fail(column, `"${v}" is not one of ${terms.map((t) => t.key).join(', ')}`);
		}
		return out;
	}

	/** One vocabulary key, given as key or German wording; empty gives `fallback`. */
	term(column: string, terms: readonly Term[], fallback: string): string {
		const v = this.text(column);
		if (!v) return fallback;
		const term = terms.find((t) => t.key === v || t.wording.toLowerCase() === v.toLowerCase());
		if (!term) this.fail(column, `"${v}" is not one of ${terms.map((t) => t.key).join(', ')}`);
		return term?.key ?? fallback;
	}

	key(column: string, allowed: readonly string[]): string {
		const v = this.text(column);
		if (!allowed.includes(v)) this.fail(column, `"${v}" is not one of ${allowed.join(', ')}`);
		return v;
	}

	number(column: string, what: string): number | null {
		const v = this.text(column);
		if (!v) return null;
		if (!NUMBER.test(v)) {
			this.fail(column, `"${v}" is not ${what}`);
			return null;
		}
		return Number(v.replace(',', '.'));
	}

	integer(column: string): number | null {
		const v = this.text(column);
		if (!v) return null;
		const n = parseInteger(v, { min: 0 });
		if (n === null) this.fail(column, `"${v}" is not a whole number`);
		return n;
	}

	boolean(column: string): boolean {
		const v = this.text(column).toLowerCase();
		if (TRUE.includes(v)) return true;
		if (!FALSE.includes(v)) this.fail(column, `"${this.text(column)}" is not ja or nein`);
		return false;
	}
}

/** A text with its line breaks as LF: spreadsheets save CRLF (what browsers send) inside a cell as LF. */
function lineBreaksAsLf(text: string): string {
	return text.replace(/\r\n?/g, '\n');
}

/**
 * Applies the row's language columns of one text to an existing text: an unchanged version
 * (line breaks CRLF or LF alike) keeps its status; a changed original replaces it (its
 * translations become outdated); a changed translation is a human one; an empty cell removes
 * that language. A new text's original is German when given, else the first language filled.
 */
function mergeText(existing: TranslatedText, reader: RowReader, prefix: string): TranslatedText {
	const langs = reader.header.filter((c) => c.startsWith(`${prefix}_`)).map((c) => c.slice(prefix.length + 1));
	if (!langs.length) return existing;
	const original = originalLanguage(existing) ?? (reader.text(`${prefix}_de`) ? 'de' : langs.find((l) => reader.text(`${prefix}_${l}`)));
	let text = existing;
	for (const lang of [...langs].sort((a, b) => Number(b === original) - Number(a === original))) {
		const value = reader.text(`${prefix}_${lang}`);
		if (lineBreaksAsLf(text[lang]?.text ?? '') === lineBreaksAsLf(value)) continue;
		text = withVersion(text, lang, value, 'human');
	}
	return text;
}

const PLACE_COLUMNS = ['street', 'postal_code', 'city', 'latitude', 'longitude', 'accessibility'];

/**
 * The row's place applied to the first place of `locations`. All place cells empty leave the
 * places as they are (places are removed in the staff pages).
 */
function mergePlace(locations: LocationInput[], reader: RowReader, city: string): LocationInput[] {
	const present = PLACE_COLUMNS.filter((c) => reader.has(c));
	if (!present.length || present.every((c) => !reader.text(c))) return locations;
	const current: LocationInput = locations[0] ?? {
		name: '',
		street: '',
		postalCode: '',
		city,
		latitude: null,
		longitude: null,
		accessibility: [],
		accessibilityNote: {},
		directions: {}
	};
	const next = { ...current };
	if (reader.has('street')) next.street = reader.text('street');
	if (reader.has('postal_code')) next.postalCode = reader.text('postal_code');
	if (reader.has('city')) next.city = reader.text('city');
	const failed = reader.problems.length;
	if (reader.has('latitude')) next.latitude = reader.number('latitude', 'a latitude in degrees (e.g. 50,9385)');
	if (reader.has('longitude')) next.longitude = reader.number('longitude', 'a longitude in degrees (e.g. 7,0066)');
	if (reader.problems.length === failed && (next.latitude === null) !== (next.longitude === null)) {
		reader.fail(next.latitude === null ? 'latitude' : 'longitude', 'latitude and longitude are given together or not at all');
	}
	if (reader.has('accessibility')) next.accessibility = reader.keys('accessibility', ACCESSIBILITY_FEATURES);
	return [next, ...locations.slice(1)];
}

/** Which column a service-layer field issue belongs to. */
function columnOf(field: string, kind: CsvKind): string {
	const text = /^(name|description|accessRequirements|requiredDocuments|eligibility)(?:\.(.+))?$/.exec(field);
	if (text && !(kind === 'actors' && text[1] === 'name')) {
		const prefix = Object.entries(TEXT_COLUMNS[kind]).find(([, f]) => f === text[1])?.[0] ?? text[1];
		return `${prefix}_${text[2] ?? '*'}`;
	}
	const place = /^locations\.0\.(.+)$/.exec(field);
	if (place) return { postalCode: 'postal_code', coordinates: 'latitude', accessibility: 'accessibility' }[place[1]] ?? place[1];
	if (field.startsWith('schedules')) return 'opening_hours';
	const map: Record<string, string> = {
		actorType: 'actor_type',
		socialSpaces: 'social_spaces',
		organizationId: 'actor_id',
		themeFields: 'theme_fields',
		targetGroups: 'target_groups',
		minimumAge: 'min_age',
		maximumAge: 'max_age',
		costKind: 'cost_kind',
		costAmount: 'cost_eur',
		alternateNames: 'alternate_names',
		contactName: 'contact_name'
	};
	return map[field] ?? field;
}

/** Whether two columns are one for reporting (latitude and longitude are checked together). */
function sameColumn(a: string, b: string): boolean {
	const coordinates = ['latitude', 'longitude'];
	return a === b || (coordinates.includes(a) && coordinates.includes(b));
}

/** A readable reason for a service-layer issue code. */
function reasonOf(issue: FieldIssue, m: Municipality): string {
	const p = issue.params ?? {};
	const reasons: Record<string, string> = {
		required: 'is required',
		too_long: `is longer than ${p.max} characters`,
		unknown_option: `"${p.value}" is not a known value`,
		invalid_email: 'is not an email address',
		invalid_url: 'is not a web address (http:// or https://)',
		invalid_language: `"${p.value}" is not a BCP 47 language tag`,
		one_original: 'needs exactly one original language',
		invalid_postal_code: 'is not a five-digit postal code',
		invalid_coordinates: 'latitude must be within ±90 and longitude within ±180 degrees',
		outside_municipality: `the point lies outside ${m.name}`,
		invalid_age: 'is not an age between 0 and 120',
		age_range: 'max_age is below min_age',
		invalid_amount: 'is not a positive amount',
		closes_before_opens: 'a slot closes before it opens',
		not_found: 'no such actor in this municipality',
		taken: 'the id belongs to an entry of another municipality',
		too_many: `has more than ${p.max} entries`,
		unknown_instance: `is not an instance of ${m.name}`
	};
	return reasons[issue.code] ?? issue.code;
}

/**
 * JSON of an input with object keys sorted, to tell an unchanged row. An actor's social spaces
 * are compared as a set with those its places lie in (`located`), which every save adds.
 */
function canonical(value: OrganizationInput | ServiceInput, located: string[] = []): string {
	const normal = 'socialSpaceIds' in value ? { ...value, socialSpaceIds: [...new Set([...value.socialSpaceIds, ...located])].sort() } : value;
	return JSON.stringify(normal, (_k, v) =>
		v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v
	);
}

interface Lookup {
	m: Municipality;
	spaces: { id: string; name: string }[];
	actors: { id: string; name: string }[];
	offers: { id: string; organizationId: string; name: TranslatedText }[];
}

/** A row read: the entry's id (if it exists or is given), its input before and after the row. */
interface RowEntry {
	id?: string;
	before: OrganizationInput | ServiceInput | null;
	input: OrganizationInput | ServiceInput;
	/** Social spaces the existing places lie in. */
	located: string[];
}

function emptyActor(): OrganizationInput {
	return {
		name: '',
		alternateNames: [],
		description: {},
		actorType: 'other',
		email: '',
		phone: '',
		website: '',
		visibility: 'public',
		instanceId: null,
		socialSpaceIds: [],
		locations: []
	};
}

/** The actor a row describes, merged into the existing one. */
async function actorFromRow(tx: Tx, reader: RowReader, lookup: Lookup): Promise<RowEntry> {
	let id: string | undefined = reader.text('id') || undefined;
	if (id && !isUuid(id)) reader.fail('id', `"${id}" is not an id (a UUID such as 3f2b…); leave it empty for a new actor`);
	if (!id && reader.text('name')) {
		const named = lookup.actors.filter((a) => a.name.toLowerCase() === reader.text('name').toLowerCase());
		if (named.length > 1) reader.fail('name', `${named.length} actors are named "${reader.text('name')}": give the id`);
		id = named[0]?.id;
	}
	const detail = id && isUuid(id) ? await getOrganization(tx, id, [...VISIBILITIES]) : null;
	if (detail && detail.municipalityId !== lookup.m.id) reader.fail('id', 'the id belongs to an actor of another municipality');
	const before = detail ? organizationToInput(detail) : null;
	const input = { ...(before ?? emptyActor()) };
	if (reader.has('name')) input.name = reader.text('name');
	if (reader.has('alternate_names')) input.alternateNames = reader.list('alternate_names');
	if (reader.has('actor_type')) input.actorType = reader.term('actor_type', ACTOR_TYPES, 'other');
	if (reader.has('visibility')) input.visibility = reader.key('visibility', VISIBILITIES) as OrganizationInput['visibility'];
	input.description = mergeText(input.description, reader, 'description');
	for (const c of ['email', 'phone', 'website'] as const) if (reader.has(c)) input[c] = reader.text(c);
	input.locations = mergePlace(input.locations, reader, lookup.m.name);
	if (reader.has('social_spaces')) {
		input.socialSpaceIds = reader.list('social_spaces').flatMap((name) => {
			const space = lookup.spaces.find((s) => s.name.toLowerCase() === name.toLowerCase());
			if (!space) reader.fail('social_spaces', `no social space "${name}" in ${lookup.m.name}`);
			return space ? [space.id] : [];
		});
	}
	const located = (detail?.locations ?? []).flatMap((l) => (l.socialSpaceId ? [l.socialSpaceId] : []));
	return { id: detail?.id ?? id, before, input, located };
}

/** The offer a row describes, merged into the existing one. */
async function offerFromRow(tx: Tx, reader: RowReader, lookup: Lookup): Promise<RowEntry> {
	const header = reader.header;
	let actorId = reader.text('actor_id');
	if (actorId && !(isUuid(actorId) && lookup.actors.some((a) => a.id === actorId))) {
		reader.fail('actor_id', `no actor with id "${actorId}" in ${lookup.m.name}`);
	} else if (!actorId && reader.text('actor_name')) {
		const named = lookup.actors.filter((a) => a.name.toLowerCase() === reader.text('actor_name').toLowerCase());
		if (named.length !== 1) {
			reader.fail('actor_name', named.length ? `${named.length} actors are named "${reader.text('actor_name')}": give actor_id` : `no actor named "${reader.text('actor_name')}" in ${lookup.m.name} (import the actors first)`);
		}
		actorId = named[0]?.id ?? '';
	}
	let id: string | undefined = reader.text('id') || undefined;
	if (id && !isUuid(id)) reader.fail('id', `"${id}" is not an id (a UUID such as 3f2b…); leave it empty for a new offer`);
	if (!id && actorId) {
		const names = header.filter((c) => c.startsWith('name_') && reader.text(c)).map((c) => [c.slice(5), reader.text(c)]);
		const same = lookup.offers.filter((o) => o.organizationId === actorId && names.some(([lang, text]) => o.name[lang]?.text === text));
		if (same.length > 1) reader.fail('id', `${same.length} offers of this actor have this name: give the id`);
		id = same[0]?.id;
	}
	const [detail] = id && isUuid(id) ? await getServices(tx, [id], [...VISIBILITIES]) : [];
	if (detail && detail.municipalityId !== lookup.m.id) reader.fail('id', 'the id belongs to an offer of another municipality');
	if (!detail && !reader.text('actor_id') && !reader.text('actor_name')) reader.fail(reader.has('actor_id') ? 'actor_id' : 'actor_name', 'a new offer needs its actor');
	const before = detail ? serviceToInput(detail) : null;
	const input: ServiceInput = { ...(before ?? emptyServiceInput(actorId)) };
	if (actorId) input.organizationId = actorId;
	for (const [prefix, field] of Object.entries(TEXT_COLUMNS.offers)) input[field] = mergeText(input[field], reader, prefix);
	if (reader.has('status')) input.status = reader.key('status', SERVICE_STATUSES);
	if (reader.has('visibility')) input.visibility = reader.key('visibility', VISIBILITIES) as ServiceInput['visibility'];
	if (reader.has('theme_fields')) input.themeFields = reader.keys('theme_fields', THEME_FIELDS);
	if (reader.has('subtopics')) input.subtopics = reader.keys('subtopics', Object.values(SUBTOPICS).flat());
	if (reader.has('target_groups')) input.targetGroups = reader.keys('target_groups', TARGET_GROUPS);
	if (reader.has('min_age')) input.minimumAge = reader.integer('min_age');
	if (reader.has('max_age')) input.maximumAge = reader.integer('max_age');
	if (reader.has('languages')) {
		input.languages = reader.text('languages').split(/[|,]/).map((l) => l.trim()).filter(Boolean).flatMap((tag) => {
			const canonicalTag = canonicalLanguageTag(tag);
			if (!canonicalTag) reader.fail('languages', `"${tag}" is not a BCP 47 language tag (e.g. de, ar, fa)`);
			return canonicalTag ? [canonicalTag] : [];
		});
	}
	if (reader.has('cost_kind')) input.costKind = reader.key('cost_kind', COST_KINDS);
	if (reader.has('cost_eur')) {
		const euro = reader.number('cost_eur', 'an amount in euro (e.g. 3,50)');
		input.costAmountCents = euro === null ? null : Math.round(euro * 100);
	}
	if (reader.has('low_threshold')) input.lowThreshold = reader.boolean('low_threshold');
	for (const c of ['url', 'email', 'phone'] as const) if (reader.has(c)) input[c] = reader.text(c);
	const hadPlace = input.locations.length > 0;
	input.locations = mergePlace(input.locations, reader, lookup.m.name);
	if (!hadPlace && input.locations.length && actorId) {
		// A new offer at an address the actor already has uses that place.
		const actor = await getOrganization(tx, actorId, [...VISIBILITIES]);
		const same = actor?.locations.find(
			(l) =>
				l.street.toLowerCase() === input.locations[0].street.toLowerCase() &&
				l.postalCode === input.locations[0].postalCode &&
				l.city.toLowerCase() === input.locations[0].city.toLowerCase()
		);
		if (same && input.locations[0].street) input.locations[0] = { ...input.locations[0], id: same.id };
	}
	if (reader.has('opening_hours')) {
		const slots = parseOpeningHours(reader.text('opening_hours'));
		if (!slots) {
			reader.fail('opening_hours', `"${reader.text('opening_hours')}" is not like "Mo 09:00-12:00; Do 14:00-16:00 (Termin)"`);
		} else {
			const keys = (list: CompactSlot[]) => list.map(slotKey).sort().join('|');
			// Unchanged hours keep their notes, validity dates and places.
			if (keys(slots) !== keys(input.schedules)) {
				input.schedules = slots.map((s): ScheduleInput => ({ ...s, validFrom: null, validTo: null, note: {}, location: input.locations.length ? 0 : null }));
			}
		}
	}
	return { id: detail?.id ?? id, before, input, located: [] };
}

/**
 * Imports actors or offers from CSV in one transaction, audited as the principal.
 * @returns counts of created, updated and unchanged rows, and the rows skipped with `skipInvalid`.
 * @throws NotFoundError for an unknown municipality; AccessDeniedError without `directory:edit`
 *   there; ImportError naming the file and each bad row (`line N, column "c": reason`), unless
 *   `skipInvalid` (then only for a bad header or file).
 */
export async function importCsv(db: Db, principal: Principal, options: CsvImportOptions): Promise<DirectoryImportSummary> {
	const { header, rows } = readRows(options.file, options.text);
	const headerProblems = checkHeader(options.kind, header);
	if (headerProblems.length) throw new ImportError(options.file, headerProblems);
	if (!rows.length) throw new ImportError(options.file, ['the file has no data rows']);
	const summary = emptySummary(rows.length);
	const problems: string[] = [];
	options.onProgress?.(0, rows.length);
	return db.transaction(async (tx) => {
		const m = await requireMunicipality(tx, options.municipality);
		authorize(principal, 'directory:edit', { municipalityId: m.id, instanceId: null });
		const lookup: Lookup = {
			m,
			spaces: await listSocialSpaces(tx, { municipalityId: m.id }),
			actors: await tx.select({ id: organization.id, name: organization.name }).from(organization).where(eq(organization.municipalityId, m.id)),
			offers: await tx
				.select({ id: service.id, organizationId: service.organizationId, name: service.name })
				.from(service)
				.where(eq(service.municipalityId, m.id))
		};
		const seen = new Map<string, number>();
		for (const [i, row] of rows.entries()) {
			const reader = new RowReader(row, header);
			const entry = options.kind === 'actors' ? await actorFromRow(tx, reader, lookup) : await offerFromRow(tx, reader, lookup);
			const key = entry.id ?? (options.kind === 'actors' ? `name:${(entry.input as OrganizationInput).name.toLowerCase()}` : undefined);
			if (key && seen.has(key)) reader.fail(entry.id ? 'id' : 'name', `the same ${options.kind === 'actors' ? 'actor' : 'offer'} as line ${seen.get(key)}`);
			else if (key) seen.set(key, row.line);
			if (reader.problems.length) {
				// Also report what the directory would refuse, so one run lists every problem of the row.
				const issues =
					options.kind === 'actors'
						? validateOrganizationInput(entry.input as OrganizationInput, lookup.spaces.map((sp) => sp.id))
						: validateServiceInput(entry.input as ServiceInput);
				for (const issue of issues) {
					const column = columnOf(issue.field, options.kind);
					if (!reader.problems.some((p) => sameColumn(p.column, column))) reader.fail(column, reasonOf(issue, m));
				}
			} else {
				if (entry.before && canonical(entry.before) === canonical(entry.input, entry.located)) {
					summary.unchanged++;
				} else {
					try {
						const write = { id: entry.id, source: 'csv' };
						const saved =
							options.kind === 'actors'
								? await saveOrganization(tx, principal, m.id, entry.input as OrganizationInput, write)
								: await saveService(tx, principal, m.id, entry.input as ServiceInput, write);
						if (entry.before) summary.updated++;
						else summary.created++;
						if (options.kind === 'actors' && !entry.before) lookup.actors.push({ id: saved.id, name: (entry.input as OrganizationInput).name });
						if (options.kind === 'offers' && !entry.before) {
							lookup.offers.push({ id: saved.id, organizationId: (entry.input as ServiceInput).organizationId, name: (entry.input as ServiceInput).name });
						}
					} catch (e) {
						if (!(e instanceof ValidationError)) throw e;
						for (const issue of e.issues) reader.fail(columnOf(issue.field, options.kind), reasonOf(issue, m));
					}
				}
			}
			for (const p of reader.problems) {
				problems.push(`line ${row.line}, column "${p.column}": ${p.reason}`);
				if (options.skipInvalid) summary.skipped.push({ record: `line ${row.line}`, reason: `column "${p.column}": ${p.reason}` });
			}
			options.onProgress?.(i + 1, rows.length);
		}
		if (problems.length && !options.skipInvalid) throw new ImportError(options.file, problems);
		return summary;
	});
}

function formatNumber(value: number | string | null, delimiter: string): string {
	if (value === null) return '';
	return delimiter === ';' ? String(value).replace('.', ',') : String(value);
}

function textColumns(prefix: string, texts: TranslatedText[]): string[] {
	const langs = new Set<string>(['de']);
	for (const t of texts) for (const lang of Object.keys(t)) langs.add(lang);
	const order = (l: string) => {
		const i = (CONTENT_LANGUAGES as readonly string[]).indexOf(l);
		return i < 0 ? CONTENT_LANGUAGES.length : i;
	};
	return [...langs].sort((a, b) => order(a) - order(b) || a.localeCompare(b)).map((l) => `${prefix}_${l}`);
}

function textCells(prefix: string, columns: string[], t: TranslatedText): Record<string, string> {
	return Object.fromEntries(columns.filter((c) => c.startsWith(`${prefix}_`)).map((c) => [c, t[c.slice(prefix.length + 1)]?.text ?? '']));
}

function placeCells(loc: LocationInput | undefined, delimiter: string, withAccessibility: boolean): Record<string, string> {
	return {
		street: loc?.street ?? '',
		postal_code: loc?.postalCode ?? '',
		city: loc?.city ?? '',
		latitude: formatNumber(loc?.latitude ?? null, delimiter),
		longitude: formatNumber(loc?.longitude ?? null, delimiter),
		...(withAccessibility ? { accessibility: (loc?.accessibility ?? []).join('|') } : {})
	};
}

/**
 * Exports all actors or offers of a municipality (every visibility: the CLI is for operators)
 * with the columns `importCsv` reads, written by `spreadsheetCsv`: UTF-8 with BOM so
 * spreadsheets detect the encoding, CRLF line ends, cells with line breaks quoted (RFC 4180),
 * cells that would start a formula protected with an apostrophe (which the import drops).
 * @returns the file's text and its number of data rows.
 * @throws NotFoundError for an unknown municipality; AccessDeniedError without
 *   `directory:see_internal` there (the file holds internal entries too).
 */
export async function exportCsv(db: Db, principal: Principal, options: CsvExportOptions): Promise<{ text: string; rows: number }> {
	const delimiter = options.delimiter ?? ';';
	const m = await requireMunicipality(db, options.municipality);
	authorize(principal, 'directory:see_internal', { municipalityId: m.id });
	const ids = await listEntryIds(db, m.id, [...VISIBILITIES]);
	let columns: string[];
	let records: Record<string, string>[];
	if (options.kind === 'actors') {
		const actors = [];
		for (const id of ids.organizationIds) actors.push((await getOrganization(db, id, [...VISIBILITIES]))!);
		const description = textColumns('description', actors.map((a) => a.description));
		columns = [...ACTOR_COLUMNS.slice(0, 5), ...description, ...ACTOR_COLUMNS.slice(5)];
		records = actors.map((a) => {
			const input = organizationToInput(a);
			return {
				id: a.id,
				name: a.name,
				alternate_names: a.alternateNames.join('|'),
				actor_type: a.actorType,
				visibility: a.visibility,
				...textCells('description', description, a.description),
				email: a.email,
				phone: a.phone,
				website: a.website,
				...placeCells(input.locations[0], delimiter, false),
				social_spaces: a.socialSpaces.map((s) => s.name).join('|')
			};
		});
	} else {
		const offers = await getServices(db, ids.serviceIds, [...VISIBILITIES]);
		const text = Object.fromEntries(
			Object.entries(TEXT_COLUMNS.offers).map(([prefix, field]) => [prefix, textColumns(prefix, offers.map((o) => o[field]))])
		);
		const at = (c: string) => OFFER_COLUMNS.indexOf(c as (typeof OFFER_COLUMNS)[number]);
		columns = [
			...OFFER_COLUMNS.slice(0, at('status')),
			...text.name,
			...text.description,
			...OFFER_COLUMNS.slice(at('status'), at('url')),
			...text.requirements,
			...text.documents,
			...text.eligibility,
			...OFFER_COLUMNS.slice(at('url'))
		];
		records = offers.map((o) => {
			const input = serviceToInput(o);
			return {
				id: o.id,
				actor_id: o.organizationId,
				actor_name: o.organization.name,
				...Object.assign({}, ...Object.entries(TEXT_COLUMNS.offers).map(([prefix, field]) => textCells(prefix, text[prefix], o[field]))),
				status: o.status,
				visibility: o.visibility,
				theme_fields: o.themeFields.join('|'),
				subtopics: o.subtopics.join('|'),
				target_groups: o.targetGroups.join('|'),
				min_age: o.minimumAge === null ? '' : String(o.minimumAge),
				max_age: o.maximumAge === null ? '' : String(o.maximumAge),
				languages: o.languages.join('|'),
				cost_kind: o.costKind,
				cost_eur: o.costAmountCents === null ? '' : formatNumber((o.costAmountCents / 100).toFixed(2), delimiter),
				low_threshold: o.lowThreshold ? 'ja' : 'nein',
				url: o.url,
				email: o.email,
				phone: o.phone,
				...placeCells(input.locations[0], delimiter, true),
				opening_hours: formatOpeningHours(o.schedules)
			};
		});
	}
	return { text: spreadsheetCsv([columns, ...records.map((r) => columns.map((c) => r[c] ?? ''))], delimiter), rows: records.length };
}
