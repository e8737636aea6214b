/**
 * Importer for Open Referral HSDS 3.0 JSON: creates or updates actors (organization), offers
 * (service), places (location, service_at_location) and opening hours (schedule), idempotent by
 * HSDS id (ids are kept; an id that is not a UUID is mapped to a version 5 UUID). Accepts one
 * object in the shape of `examples/*_full.json` (service, organization, service_at_location) or
 * a location with `organization_id`, a list response (`{ "contents": [...] }`), an array of
 * them, or the tabular form (`examples/tabular.json`, assembled by `tabular.ts`). Taxonomy, taxonomy term and API root objects are recognised and left out (the
 * directory's vocabularies are fixed). A property missing from a record leaves the stored value
 * as it is, so list responses (one-to-one fields only) update without erasing nested data.
 *
 * Every record is checked against the HSDS schemas, then written through `saveOrganization` /
 * `saveService` (validation, placement in social spaces, audit). Fields the directory does not
 * model are kept in `hsdsExtra` and come back out on export (see `mapping.ts`). One transaction:
 * a file with a rejected record changes nothing, unless `skipInvalid`, in which case the other
 * records are imported and the rejected ones listed. The import acts as the principal it is
 * given (the command line: `systemPrincipal('cli')`), which needs `directory:edit` in the
 * municipality. Source: issue 3 §7, "Bad input"; issue 11 §1.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../../access';
import { latestAuditId } from '../../audit/directory-reads';
import { recordAudit } from '../../audit/service';
import type { Db, Tx } from '../../db/client';
import { ImportError, ValidationError } from '../../core/errors';
import type { ImportSummary } from '../../geography/importers';
import { hasSocialSpaceBoundaries, requireMunicipality } from '../../geography/service';
import { canonicalLanguageTag } from '../../core/validation';
import { SUBTOPIC_FIELD, offerDimensions, type Visibility } from '../model';
import { location as locationTable, organizationSocialSpace, serviceAtLocation } from '../schema';
import {
	getOrganization,
	getService,
	locationToInput,
	organizationToInput,
	emptyServiceInput,
	buildSearchBatch,
	saveOrganization,
	saveService,
	searchBatch,
	serviceToInput,
	themeFieldsWithSubtopics,
	type LocationInput,
	type OrganizationInput,
	type ScheduleInput,
	type SearchBatch,
	type ServiceInput
} from '../service';
import { loadMetadata } from './export';
import { derivedId, importedId } from './ids';
import {
	berlinOffset,
	costsSomething,
	dayRowId,
	importFields,
	keepUnmapped,
	landOf,
	locationCodecs,
	organizationCodecs,
	organizationFallbackDescription,
	sameJson,
	scheduleCodecs,
	serviceCodecs,
	unrepresentable,
	type Codec,
	type Json,
	type ScheduleGroup
} from './mapping';
import { checkHsdsObject, type HsdsSchemaName } from './schema-check';
import { assembleTabular, isTabular } from './tabular';
import { readAttributes } from './taxonomy';

/** Options of an HSDS import. */
export interface HsdsImportOptions {
	/** Slug of the municipality the records belong to. */
	municipality: string;
	/** File name used in messages. */
	file: string;
	/** The file's text (JSON). */
	text: string;
	/** Import the valid records of a file with rejected ones (listed in `skipped`). */
	skipInvalid?: boolean;
	/** Language of the file's texts, BCP 47 (default `de`). */
	language?: string;
	/** Called after each record with the records done and the total. */
	onProgress?: (done: number, total: number) => void;
}

/** What an HSDS import did. */
export interface HsdsImportSummary extends ImportSummary {
	/** Records that were already exactly as in the file. */
	unchanged: number;
	/** Records recognised but not imported (taxonomies, API root information) and why. */
	ignored: { record: string; reason: string }[];
	/** Properties HSDS 3.0 does not define, left out (path in the file). */
	dropped: string[];
	/** Records with places whose coordinates lie outside the municipality's social spaces. */
	outside: string[];
}

const ALL_LEVELS: Visibility[] = ['public', 'network', 'internal'];

type UnitKind = 'organization' | 'location' | 'service';

/** One record to write: its kind, where it is in the file, and the HSDS object. */
interface Unit {
	kind: UnitKind;
	path: string;
	record: Json;
	/** service_at_location records add places to an offer instead of replacing its places. */
	partialPlaces?: boolean;
}

/** A rejected record: where, which field, why. */
class RecordProblem extends Error {
	constructor(
		public readonly field: string,
		public readonly reason: string
	) {
		super(`${field}: ${reason}`);
	}
}

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]).filter(isObject) : []);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** What kind of HSDS object a record is, by the properties only that kind has. */
function classify(r: Json): 'service_at_location' | 'service' | 'organization' | 'location' | 'taxonomy_term' | 'taxonomy' | 'root' {
	if ('openapi_url' in r || ('profile' in r && !('name' in r))) return 'root';
	if (!('name' in r) && ('location' in r || 'service' in r || 'location_id' in r || 'service_id' in r)) return 'service_at_location';
	if ('status' in r || 'service_at_locations' in r || 'organization_id' in r || 'organization' in r) return 'service';
	if ('taxonomy_id' in r || 'taxonomy_detail' in r || 'parent_id' in r || 'code' in r || 'term_uri' in r) return 'taxonomy_term';
	if ('location_type' in r || 'addresses' in r || 'latitude' in r) return 'location';
	if ('version' in r && Object.keys(r).every((k) => ['id', 'name', 'description', 'uri', 'version', 'metadata'].includes(k))) return 'taxonomy';
	return 'organization';
}

/**
 * Splits a file into units in write order (actors, then places, then offers). Rows of a tabular
 * file that cannot be nested are added to `rejected` (record `table[row]`, reason `field: why`).
 */
function unitsOf(file: string, data: unknown, summary: HsdsImportSummary, rejected: { record: string; reason: string }[]): Unit[] {
	let records: { path: string; record: unknown }[];
	if (Array.isArray(data)) records = data.map((record, i) => ({ path: `[${i}]`, record }));
	else if (isObject(data) && Array.isArray(data.contents)) records = data.contents.map((record, i) => ({ path: `contents[${i}]`, record }));
	else if (isTabular(data)) {
		const assembled = assembleTabular(file, data);
		summary.ignored.push(...assembled.ignored);
		rejected.push(...assembled.rejected.map((r) => ({ record: `${r.table}[${r.row}]`, reason: `${r.field}: ${r.reason}` })));
		return ordered(assembled.records);
	} else records = [{ path: '', record: data }];
	const units: Unit[] = [];
	for (const { path, record } of records) {
		if (!isObject(record)) throw new ImportError(file, [`${path || 'file'}: not a JSON object`]);
		const kind = classify(record);
		if (kind === 'taxonomy' || kind === 'taxonomy_term' || kind === 'root') {
			const reason = kind === 'root' ? 'API root information: nothing to import' : `${kind.replace('_', ' ')}: not imported, the directory's vocabularies are fixed`;
			summary.ignored.push({ record: path || kind, reason });
			continue;
		}
		if (kind === 'organization') {
			const { services, ...org } = record;
			units.push({ kind: 'organization', path, record: org });
			list(services).forEach((s, i) => units.push({ kind: 'service', path: join(path, `services[${i}]`), record: { organization_id: record.id, ...s } }));
		} else if (kind === 'location') {
			units.push({ kind: 'location', path, record });
		} else {
			const { service: nested, ...sal } = kind === 'service_at_location' ? record : { service: record };
			const svc = isObject(nested) ? nested : {};
			const svcPath = kind === 'service_at_location' ? join(path, 'service') : path;
			if (isObject(svc.organization)) units.push({ kind: 'organization', path: join(svcPath, 'organization'), record: svc.organization });
			if (kind === 'service') units.push({ kind: 'service', path, record: svc });
			else {
				const id = svc.id ?? sal.service_id;
				units.push({ kind: 'service', path, record: { ...svc, ...(id !== undefined ? { id } : {}), service_at_locations: [sal] }, partialPlaces: true });
			}
		}
	}
	return ordered(units);
}

/** Units in write order: actors, then places, then offers (stable within a kind). */
function ordered(units: Unit[]): Unit[] {
	const order: Record<UnitKind, number> = { organization: 0, location: 1, service: 2 };
	return units.map((u, i) => ({ u, i })).sort((a, b) => order[a.u.kind] - order[b.u.kind] || a.i - b.i).map((x) => x.u);
}

/**
 * Schema-checks a record; nested containers the importer handles are checked on their own.
 * @param optional top-level properties that may be missing although the schema requires them
 *   (a service_at_location may name an existing service by id only).
 */
function checked(name: HsdsSchemaName, record: Json, path: string, summary: HsdsImportSummary, optional: string[] = []): Json {
	const { value, dropped, ...found } = checkHsdsObject(name, withMappedIds(record), path);
	const issues = found.issues.filter((i) => !(i.reason === 'required' && optional.some((k) => i.path === join(path, k))));
	summary.dropped.push(...dropped);
	if (issues.length) throw new RecordProblem(issues[0].path, issues.map((i, n) => (n ? `${i.path}: ${i.reason}` : i.reason)).join('; '));
	return value;
}

/** Ids (`id`, `*_id` except the tax register's `tax_id`) that are not UUIDs replaced by their version 5 UUID, at every depth. */
function withMappedIds<T>(value: T): T {
	if (Array.isArray(value)) return value.map(withMappedIds) as T;
	if (!isObject(value)) return value;
	return Object.fromEntries(
		Object.entries(value).map(([k, v]) => [k, (k === 'id' || (k.endsWith('_id') && k !== 'tax_id')) && typeof v === 'string' ? importedId(v) : withMappedIds(v)])
	) as T;
}

interface Context {
	tx: Tx;
	/** Whether the municipality has social space boundaries (else no place is "outside"). */
	bounded: boolean;
	municipalityId: string;
	/** The municipality's name (organizations' fallback description). */
	municipalityName: string;
	land: string;
	lang: string;
	principal: Principal;
	summary: HsdsImportSummary;
	/** Entries whose search entries are built once, at the end of the import. */
	batch: SearchBatch;
}

/** Imported metadata, without the records our own export generated from the audit log. */
async function foreignMetadata(ctx: Context, entityId: string, given: unknown): Promise<Json[]> {
	const ours = new Set(((await loadMetadata(ctx.tx, [entityId], ctx.lang)).get(entityId) ?? []).map((m) => m.id));
	return list(given).filter((m) => !ours.has(m.id as string));
}

function setList(extra: Json, key: string, items: Json[]): void {
	if (items.length) extra[key] = items;
	else delete extra[key];
}

async function existingLocation(ctx: Context, id: string): Promise<LocationInput | undefined> {
	const [row] = await ctx.tx.select().from(locationTable).where(eq(locationTable.id, id));
	if (row && row.municipalityId !== ctx.municipalityId) throw new RecordProblem('location.id', 'belongs to another municipality');
	return row ? locationToInput(row) : undefined;
}

/** A place from its HSDS location, merged into what is stored (or known from this record). */
async function importLocation(ctx: Context, given: Json, known: LocationInput | undefined, path: string): Promise<LocationInput> {
	const id = importedId(given.id as string);
	const stored = known ?? (await existingLocation(ctx, id));
	if (!stored && Object.keys(given).length === 1) throw new RecordProblem(join(path, 'id'), `unknown location ${given.id as string}`);
	const input: LocationInput = stored
		? { ...stored, id }
		: { id, name: '', street: '', postalCode: '', city: '', latitude: null, longitude: null, accessibility: [], accessibilityNote: {}, directions: {} };
	const extra = { ...(input.hsdsExtra ?? {}) };
	const codecs = locationCodecs(id, ctx.lang, ctx.land);
	importFields(codecs, input, given, extra);
	keepUnmapped(given, codecs as Codec<never>[], extra);
	if ('schedules' in given) setList(extra, 'schedules', list(given.schedules));
	if ('attributes' in given) setList(extra, 'attributes', list(given.attributes));
	if ('metadata' in given) setList(extra, 'metadata', await foreignMetadata(ctx, id, given.metadata));
	input.hsdsExtra = extra;
	return input;
}

async function importOrganization(ctx: Context, unit: Unit): Promise<boolean> {
	const rec = checked('organization.json', unit.record, '', ctx.summary);
	const id = importedId(rec.id as string);
	const existing = await getOrganization(ctx.tx, id, ALL_LEVELS);
	const input: OrganizationInput = existing
		? organizationToInput(existing)
		: { name: '', alternateNames: [], description: {}, actorType: 'other', email: '', phone: '', website: '', visibility: 'public', instanceId: null, socialSpaceIds: [], locations: [] };
	const extra = { ...(input.hsdsExtra ?? {}) };
	const givenType = readAttributes(rec.attributes).known.find((a) => a.taxonomy === 'actor_type')?.key;
	const codecs = organizationCodecs(id, ctx.lang, organizationFallbackDescription(givenType ?? input.actorType, ctx.municipalityName, ctx.lang));
	importFields(codecs, input, rec, extra);
	keepUnmapped(rec, codecs as Codec<never>[], extra, ['organization_identifiers']);
	let attribution: string | undefined;
	if ('attributes' in rec) {
		const { known, foreign } = readAttributes(rec.attributes);
		input.actorType = known.find((a) => a.taxonomy === 'actor_type')?.key ?? input.actorType;
		input.amenity = known.find((a) => a.taxonomy === 'osm_amenity')?.key ?? input.amenity;
		attribution = known.find((a) => a.taxonomy === 'property' && a.key === 'attribution')?.value;
		setList(extra, 'attributes', foreign);
	}
	if ('organization_identifiers' in rec) {
		setList(extra, 'organization_identifiers', list(rec.organization_identifiers).filter((i) => i.id !== derivedId(id, 'osm')));
	}
	if ('metadata' in rec) setList(extra, 'metadata', await foreignMetadata(ctx, id, rec.metadata));
	if ('locations' in rec) {
		const given: LocationInput[] = [];
		for (const [i, loc] of list(rec.locations).entries()) {
			given.push(await importLocation(ctx, loc, input.locations.find((l) => l.id === importedId(loc.id as string)), `locations[${i}]`));
		}
		input.locations = [...given, ...input.locations.filter((l) => !given.some((g) => g.id === l.id))];
	}
	input.hsdsExtra = extra;
	// Reading is much cheaper than a write that changes nothing (validation, placement, search entries).
	if (existing && sameJson(input, organizationToInput(existing))) return false;
	const result = await saveOrganization(ctx.tx, ctx.principal, ctx.municipalityId, input, {
		id,
		source: 'hsds',
		sourceId: String(unit.record.id),
		allowOutside: true,
		attribution: attribution ?? null,
		searchBatch: ctx.batch
	});
	if (ctx.bounded && result.outside.length) ctx.summary.outside.push(unit.path || 'record');
	return !existing;
}

/**
 * A standalone location record: added to (or updated at) the actor named by `organization_id`;
 * without it, the stored location with the same id is updated.
 */
async function importStandaloneLocation(ctx: Context, unit: Unit): Promise<boolean> {
	const rec = checked('location.json', unit.record, '', ctx.summary);
	const id = importedId(rec.id as string);
	const [row] = await ctx.tx.select().from(locationTable).where(eq(locationTable.id, id));
	const orgId = typeof rec.organization_id === 'string' ? importedId(rec.organization_id) : row?.organizationId;
	if (!orgId) throw new RecordProblem('organization_id', 'a new location needs the organization it belongs to');
	const org = await getOrganization(ctx.tx, orgId, ALL_LEVELS);
	if (!org || org.municipalityId !== ctx.municipalityId) {
		throw new RecordProblem('organization_id', `unknown organization ${String(rec.organization_id ?? orgId)}`);
	}
	const input = organizationToInput(org);
	const existed = input.locations.some((l) => l.id === id);
	const loc = await importLocation(ctx, rec, input.locations.find((l) => l.id === id), '');
	input.locations = [...input.locations.filter((l) => l.id !== id), loc];
	const result = await saveOrganization(ctx.tx, ctx.principal, ctx.municipalityId, input, { id: org.id, allowOutside: true, searchBatch: ctx.batch });
	if (ctx.bounded && result.outside.length) ctx.summary.outside.push(unit.path || 'record');
	return !existed;
}

/** An HSDS schedule as a group of weekly slots, keeping the translations of a stored note. */
function scheduleGroup(ctx: Context, s: Json, stored: ScheduleInput[]): ScheduleGroup {
	const id = importedId(s.id as string);
	const before = stored.find((x) => x.id === id);
	const g: ScheduleGroup = {
		id,
		weekdays: [],
		opensAt: '',
		closesAt: '',
		validFrom: null,
		validTo: null,
		appointmentOnly: false,
		note: before?.note ?? {},
		locationId: null,
		hsdsExtra: {}
	};
	// The offset only decides what `importFields` keeps; times are never kept (see `timeCodec`).
	const codecs = scheduleCodecs(ctx.lang, berlinOffset(new Date()));
	importFields(codecs, g, s, g.hsdsExtra);
	keepUnmapped(s, codecs as Codec<never>[], g.hsdsExtra);
	const { known, foreign } = readAttributes(s.attributes);
	g.appointmentOnly = known.some((a) => a.taxonomy === 'property' && a.key === 'appointment_only');
	setList(g.hsdsExtra, 'attributes', foreign);
	setList(g.hsdsExtra, 'metadata', list(s.metadata));
	return g;
}

/** Slots of HSDS schedules at one place (`location`: index into the offer's places, null: all). */
function slotsOf(ctx: Context, schedules: Json[], location: number | null, stored: ScheduleInput[]): { slots: ScheduleInput[]; kept: Json[] } {
	const slots: ScheduleInput[] = [];
	const kept: Json[] = [];
	for (const s of schedules) {
		if (unrepresentable(s)) {
			kept.push(s);
			continue;
		}
		const g = scheduleGroup(ctx, s, stored);
		for (const [i, weekday] of g.weekdays.entries()) {
			slots.push({
				id: i === 0 ? g.id : dayRowId(g.id, weekday),
				weekday,
				opensAt: g.opensAt,
				closesAt: g.closesAt,
				validFrom: g.validFrom,
				validTo: g.validTo,
				appointmentOnly: g.appointmentOnly,
				note: g.note,
				location,
				hsdsExtra: g.hsdsExtra
			});
		}
	}
	return { slots, kept };
}

/** The vocabulary of an offer from our attributes (when given) and its cost options. */
function applyAttributes(input: ServiceInput, rec: Json, extra: Json): void {
	if (!('attributes' in rec)) {
		if ('cost_options' in rec && costsSomething(rec.cost_options) && input.costKind === 'free') input.costKind = 'paid';
		return;
	}
	const { known, foreign } = readAttributes(rec.attributes);
	const keys = (taxonomy: string) => known.filter((a) => a.taxonomy === taxonomy).map((a) => a.key);
	const themes = known.filter((a) => a.taxonomy === 'theme_field');
	input.themeFields = themes.filter((a) => !SUBTOPIC_FIELD[a.key]).map((a) => a.key);
	input.subtopics = themes.filter((a) => SUBTOPIC_FIELD[a.key]).map((a) => a.key);
	input.targetGroups = keys('target_group');
	const dimensions = keys('integration_dimension');
	const derived = offerDimensions(themeFieldsWithSubtopics(input.themeFields, input.subtopics), null);
	input.dimensionsOverride = dimensions.length && !sameJson([...dimensions].sort(), [...derived].sort()) ? dimensions : null;
	input.costKind = keys('cost')[0] ?? (costsSomething(rec.cost_options) ? 'paid' : input.costKind);
	input.lowThreshold = known.some((a) => a.taxonomy === 'property' && a.key === 'low_threshold');
	setList(extra, 'attributes', foreign);
}

/**
 * The actor is active in the social spaces of its offers' places: when one is missing, the actor
 * is saved again (saveOrganization adds the spaces of its places, audited).
 */
async function placeOrganization(ctx: Context, organizationId: string, locationIds: string[]): Promise<void> {
	if (!locationIds.length) return;
	const placed = await ctx.tx.select({ space: locationTable.socialSpaceId }).from(locationTable).where(inArray(locationTable.id, locationIds));
	const linked = (await ctx.tx.select().from(organizationSocialSpace).where(eq(organizationSocialSpace.organizationId, organizationId))).map((r) => r.socialSpaceId);
	if (placed.every((p) => !p.space || linked.includes(p.space))) return;
	const org = (await getOrganization(ctx.tx, organizationId, ALL_LEVELS))!;
	await saveOrganization(ctx.tx, ctx.principal, ctx.municipalityId, organizationToInput(org), { id: org.id, allowOutside: true, searchBatch: ctx.batch });
}

async function importService(ctx: Context, unit: Unit): Promise<boolean> {
	const { service_at_locations: salsRaw, ...rest } = unit.record;
	const rec = checked('service.json', rest, '', ctx.summary, unit.partialPlaces ? ['name', 'status'] : []);
	const sals = list(salsRaw).map((sal, i) => checked('service_at_location.json', sal, `service_at_locations[${i}]`, ctx.summary));
	const id = importedId(rec.id as string);
	const existing = await getService(ctx.tx, id, ALL_LEVELS);
	const orgRaw = (rec.organization_id ?? (rec.organization as Json | undefined)?.id) as string | undefined;
	if (!existing && !orgRaw) throw new RecordProblem('organization_id', 'a new service needs organization_id or organization');
	if (!existing && !('name' in rec)) throw new RecordProblem('service_id', `unknown service ${String(rec.id)}`);
	const input: ServiceInput = existing
		? serviceToInput(existing)
		: emptyServiceInput('');
	if (orgRaw) input.organizationId = importedId(orgRaw);
	const extra = { ...(input.hsdsExtra ?? {}) };
	const codecs = serviceCodecs(id, ctx.lang);
	importFields(codecs, input, rec, extra);
	keepUnmapped(rec, codecs as Codec<never>[], extra);
	// The export writes the last verification as `assured_date`: the same date coming back is ours,
	// not a producer's value to keep (keeping it changed the offer on every re-import).
	if (existing?.lastVerifiedAt && rec.assured_date === existing.lastVerifiedAt.toISOString().slice(0, 10)) delete extra.assured_date;
	applyAttributes(input, rec, extra);
	if ('metadata' in rec) setList(extra, 'metadata', await foreignMetadata(ctx, id, rec.metadata));

	const stored = input.schedules;
	const storedLocations = input.locations;
	const salExtras = new Map<string, { salId: string; extra: Json }>();
	if (salsRaw !== undefined) {
		const locations = unit.partialPlaces ? [...storedLocations] : [];
		const placed: { index: number; schedules: Json[] | undefined }[] = [];
		for (const [i, sal] of sals.entries()) {
			const path = `service_at_locations[${i}]`;
			const given = isObject(sal.location) ? sal.location : typeof sal.location_id === 'string' ? { id: sal.location_id } : null;
			if (!given) throw new RecordProblem(join(path, 'location'), 'a service_at_location needs location or location_id');
			const locId = importedId(given.id as string);
			const loc = await importLocation(ctx, given, storedLocations.find((l) => l.id === locId), join(path, 'location'));
			const at = locations.findIndex((l) => l.id === loc.id);
			const index = at >= 0 ? at : locations.length;
			locations[index] = loc;
			const [link] = existing
				? await ctx.tx.select().from(serviceAtLocation).where(and(eq(serviceAtLocation.serviceId, id), eq(serviceAtLocation.locationId, locId)))
				: [];
			const salExtra: Json = { ...(link?.hsdsExtra ?? {}) };
			keepUnmapped(sal, [], salExtra);
			if ('attributes' in sal) setList(salExtra, 'attributes', list(sal.attributes));
			if ('metadata' in sal) setList(salExtra, 'metadata', list(sal.metadata));
			salExtras.set(locId, { salId: importedId(sal.id as string), extra: salExtra });
			placed.push({ index, schedules: 'schedules' in sal ? list(sal.schedules) : undefined });
		}
		const slots: ScheduleInput[] = stored.filter((s) => s.location === null);
		const keptLocationSlots = (oldIndex: number) => stored.filter((s) => s.location === oldIndex);
		for (const [i, loc] of locations.entries()) {
			const p = placed.find((x) => x.index === i);
			if (p?.schedules) {
				const { slots: own, kept } = slotsOf(ctx, p.schedules, i, stored);
				slots.push(...own);
				setList(salExtras.get(loc.id!)!.extra, 'schedules', kept);
			} else {
				const oldIndex = storedLocations.findIndex((l) => l.id === loc.id);
				if (oldIndex >= 0) slots.push(...keptLocationSlots(oldIndex).map((s) => ({ ...s, location: i })));
			}
		}
		input.locations = locations;
		input.schedules = slots;
	}
	if ('schedules' in rec) {
		const { slots, kept } = slotsOf(ctx, list(rec.schedules), null, stored);
		input.schedules = [...input.schedules.filter((s) => s.location !== null), ...slots];
		setList(extra, 'schedules', kept);
	}
	input.hsdsExtra = extra;
	if (!existing || !sameJson(input, serviceToInput(existing))) {
		const result = await saveService(ctx.tx, ctx.principal, ctx.municipalityId, input, {
			id,
			source: 'hsds',
			sourceId: String(unit.record.id),
			allowOutside: true,
			searchBatch: ctx.batch
		});
		if (ctx.bounded && result.outside.length) ctx.summary.outside.push(unit.path || 'record');
		await placeOrganization(ctx, input.organizationId, input.locations.map((l) => l.id!));
	}
	for (const [locationId, { salId, extra: salExtra }] of salExtras) {
		const [link] = await ctx.tx
			.select()
			.from(serviceAtLocation)
			.where(and(eq(serviceAtLocation.serviceId, id), eq(serviceAtLocation.locationId, locationId)));
		if (link.id === salId && sameJson(link.hsdsExtra, salExtra)) continue;
		await ctx.tx.update(serviceAtLocation).set({ id: salId, hsdsExtra: salExtra }).where(eq(serviceAtLocation.id, link.id));
		await recordAudit(ctx.tx, {
			...auditActor(ctx.principal),
			municipalityId: ctx.municipalityId,
			action: 'update',
			entityType: 'service_at_location',
			entityId: salId,
			changes: { id: [link.id, salId], hsdsExtra: [link.hsdsExtra, salExtra] }
		});
	}
	return !existing;
}

/** "field: reason" of a rejected record; errors that are not about the record are rethrown. */
function describe(e: unknown): string {
	if (e instanceof RecordProblem) return `${e.field || 'record'}: ${e.reason}`;
	if (e instanceof ValidationError) {
		return e.issues.map((i) => `${i.field}: ${i.code}${i.params ? ` (${Object.values(i.params).join(', ')})` : ''}`).join('; ');
	}
	const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code;
	if (code === '23505') return 'id: already used by another record';
	throw e;
}

/**
 * Imports an HSDS file into a municipality, audited as the principal.
 * @returns created/updated/unchanged counts, skipped records (with `skipInvalid`), ignored
 *   records, dropped properties and records with places outside the municipality.
 * @throws ImportError listing every rejected record (`path: field: reason`) when a record is
 *   invalid and `skipInvalid` is not set (nothing is written), or when the file is not JSON or
 *   has an unsupported shape; NotFoundError for an unknown municipality; AccessDeniedError
 *   without `directory:edit` there.
 */
export async function importHsds(db: Db, principal: Principal, options: HsdsImportOptions): Promise<HsdsImportSummary> {
	const lang = canonicalLanguageTag(options.language ?? 'de');
	if (!lang) throw new ImportError(options.file, [`language "${options.language}" is not a BCP 47 language tag`]);
	let data: unknown;
	try {
		data = JSON.parse(options.text);
	} catch (e) {
		throw new ImportError(options.file, [`not valid JSON: ${(e as Error).message}`]);
	}
	const summary: HsdsImportSummary = { created: 0, updated: 0, unchanged: 0, skipped: [], ignored: [], dropped: [], outside: [] };
	const rejectedRows: { record: string; reason: string }[] = [];
	const units = unitsOf(options.file, data, summary, rejectedRows);
	const m = await requireMunicipality(db, options.municipality);
	authorize(principal, 'directory:edit', { municipalityId: m.id, instanceId: null });
	const problems = rejectedRows.map((r) => `${r.record}: ${r.reason}`);
	summary.skipped.push(...rejectedRows);
	await db.transaction(async (tx) => {
		const ctx: Context = { tx, bounded: await hasSocialSpaceBoundaries(tx, m.id), municipalityId: m.id, municipalityName: m.name, land: landOf(m.officialCode), lang, principal, summary, batch: searchBatch() };
		for (const [done, unit] of units.entries()) {
			const before = await latestAuditId(tx);
			try {
				const created = await tx.transaction(async (sp) => {
					const c = { ...ctx, tx: sp };
					if (unit.kind === 'organization') return importOrganization(c, unit);
					if (unit.kind === 'location') return importStandaloneLocation(c, unit);
					return importService(c, unit);
				});
				if (created) summary.created++;
				else if ((await latestAuditId(tx)) > before) summary.updated++;
				else summary.unchanged++;
			} catch (e) {
				const record = `${unit.path || 'record'} (${unit.kind})`;
				const reason = describe(e);
				problems.push(`${record}: ${reason}`);
				summary.skipped.push({ record, reason });
			}
			options.onProgress?.(done + 1, units.length);
		}
		if (problems.length && !options.skipInvalid) throw new ImportError(options.file, problems);
		await buildSearchBatch(tx, ctx.batch);
	});
	return summary;
}
