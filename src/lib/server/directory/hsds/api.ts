/**
 * The HSDS 3.0 read API's logic, free of HTTP: parameters → JSON bodies for `/api/hsds/…`
 * (root, services, organizations, service_at_locations, taxonomies, taxonomy_terms), following
 * `data/hsds/schema/openapi.json` — paging envelope, the filters it defines, one language of
 * texts. Only public entries: an offer appears when both the offer and its actor are public.
 * Bad parameters throw `HsdsRequestError` (400, naming the parameter); unknown ids 404.
 * Source: issue 3 §7.
 */
import { and, asc, count, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client';
import { findMunicipality, listMunicipalities } from '../../geography/service';
import { canonicalLanguageTag, isIsoDate, parseInteger, z } from '../../core/validation';
import { DIMENSION_THEME_FIELDS, type IntegrationDimension } from '../../instances/model';
import { CONTENT_LANGUAGES } from '../model';
import { location, organization, schedule, service, serviceAtLocation } from '../schema';
import type { Location, Organization } from '../service';
import { queryWords } from '../search';
import { textSearchConfig } from '../search-index';
import {
	loadMetadata,
	organizationToHsds,
	serviceAtLocationListItem,
	serviceAtLocationToHsds,
	serviceToHsds,
	type ExportContext,
	type ServiceBundle
} from './export';
import { isUuid } from './ids';
import { berlinOffset, landOf, type Json } from './mapping';
import { HSDS_TAXONOMIES, HSDS_TERMS, findTaxonomy, findTerm, taxonomyId, termId, toHsdsTaxonomy, toHsdsTerm, type TermDef } from './taxonomy';

/** A request the API refuses: 400 (bad parameter, named in `parameter`) or 404 (unknown id). */
export class HsdsRequestError extends Error {
	constructor(
		public readonly status: 400 | 404,
		message: string,
		public readonly parameter?: string
	) {
		super(message);
		this.name = 'HsdsRequestError';
	}
}

/** Parsed query parameters of any HSDS endpoint. */
export interface HsdsQuery {
	/** Language of texts (BCP 47). */
	lang: string;
	page: number;
	perPage: number;
	search?: string;
	taxonomyTermId?: string;
	taxonomyId?: string;
	organizationId?: string;
	modifiedAfter?: Date;
	minimal: boolean;
	full: boolean;
	fullService: boolean;
	/** Municipality slug (our extension). */
	municipality?: string;
	postcode?: string;
	/** Metres around the centroid of `postcode`. */
	proximity?: number;
	topOnly: boolean;
	parentId?: string;
	format: 'json' | 'ndjson';
}

/** Default and largest page size. */
const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 1000;

function bool(params: URLSearchParams, name: string): boolean {
	const v = params.get(name);
	if (v === null || v === '') return false;
	if (['true', '1'].includes(v)) return true;
	if (['false', '0'].includes(v)) return false;
	throw new HsdsRequestError(400, `${name} must be true or false`, name);
}

function int(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
	const v = params.get(name);
	if (v === null || v === '') return fallback;
	const n = parseInteger(v, { min, max });
	if (n === null) throw new HsdsRequestError(400, `${name} must be a whole number from ${min} to ${max}`, name);
	return n;
}

/** An ISO 8601 date-time, with a UTC offset, `Z`, or none (then the server's local time). */
const DATE_TIME = z.iso.datetime({ offset: true, local: true });

function uuidParam(params: URLSearchParams, name: string): string | undefined {
	const v = params.get(name);
	if (v === null || v === '') return undefined;
	if (!isUuid(v)) throw new HsdsRequestError(400, `${name} must be a UUID`, name);
	return v.toLowerCase();
}

/**
 * The language of texts: `?lang=` when given (must be a valid BCP 47 tag), else the first
 * `Accept-Language` entry (by q-value) that is one of the content languages, else German.
 * @throws HsdsRequestError 400 for an invalid `lang`.
 */
function chooseLanguage(params: URLSearchParams, acceptLanguage: string | null): string {
	const explicit = params.get('lang');
	if (explicit) {
		const tag = canonicalLanguageTag(explicit);
		if (!tag) throw new HsdsRequestError(400, 'lang must be a BCP 47 language tag, e.g. de, en or de-x-ls', 'lang');
		return tag;
	}
	const wanted = (acceptLanguage ?? '')
		.split(',')
		.map((part, i) => {
			const [tag, ...rest] = part.trim().split(';');
			const q = Number(rest.find((r) => r.trim().startsWith('q='))?.trim().slice(2) ?? 1);
			return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, i };
		})
		.filter((w) => w.tag && w.tag !== '*' && w.q > 0)
		.sort((a, b) => b.q - a.q || a.i - b.i);
	const content = CONTENT_LANGUAGES as readonly string[];
	for (const w of wanted) {
		const tag = canonicalLanguageTag(w.tag);
		if (!tag) continue;
		if (content.includes(tag)) return tag;
		if (content.includes(tag.split('-')[0])) return tag.split('-')[0];
	}
	return 'de';
}

/**
 * Reads the query parameters HSDS defines (plus `lang` and `municipality`).
 * @throws HsdsRequestError 400 naming the first bad parameter.
 */
export function parseHsdsQuery(params: URLSearchParams, acceptLanguage: string | null): HsdsQuery {
	const modified = params.get('modified_after');
	let modifiedAfter: Date | undefined;
	if (modified) {
		modifiedAfter = new Date(modified);
		if (!(isIsoDate(modified) || DATE_TIME.safeParse(modified).success)) {
			throw new HsdsRequestError(400, 'modified_after must be an ISO 8601 date or date-time, e.g. 2025-01-31T12:00:00Z', 'modified_after');
		}
	}
	const format = params.get('format') || 'json';
	if (format !== 'json' && format !== 'ndjson') throw new HsdsRequestError(400, 'format must be json or ndjson', 'format');
	const proximityRaw = params.get('proximity');
	let proximity: number | undefined;
	if (proximityRaw) {
		proximity = Number(proximityRaw);
		if (!Number.isFinite(proximity) || proximity <= 0 || proximity > 1_000_000) {
			throw new HsdsRequestError(400, 'proximity must be a distance in metres greater than 0', 'proximity');
		}
		if (!params.get('postcode')) throw new HsdsRequestError(400, 'proximity needs a postcode to measure from', 'proximity');
	}
	const search = params.get('search')?.trim();
	return {
		lang: chooseLanguage(params, acceptLanguage),
		page: int(params, 'page', 1, 1, 1_000_000),
		perPage: int(params, 'per_page', DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
		search: search ? search.slice(0, 200) : undefined,
		taxonomyTermId: uuidParam(params, 'taxonomy_term_id'),
		taxonomyId: uuidParam(params, 'taxonomy_id'),
		organizationId: uuidParam(params, 'organization_id'),
		modifiedAfter,
		minimal: bool(params, 'minimal'),
		full: bool(params, 'full'),
		fullService: bool(params, 'full_service'),
		municipality: params.get('municipality') || undefined,
		postcode: params.get('postcode')?.trim() || undefined,
		proximity,
		topOnly: bool(params, 'top_only'),
		parentId: uuidParam(params, 'parent_id'),
		format
	};
}

/** A page of results in the HSDS envelope (`Page` of openapi.json plus `contents`). */
export interface HsdsPage {
	total_items: number;
	total_pages: number;
	page_number: number;
	size: number;
	first_page: boolean;
	last_page: boolean;
	empty: boolean;
	contents: Json[];
}

function envelope(contents: Json[], total: number, q: HsdsQuery): HsdsPage {
	const totalPages = Math.ceil(total / q.perPage);
	return {
		total_items: total,
		total_pages: totalPages,
		page_number: q.page,
		size: contents.length,
		first_page: q.page === 1,
		last_page: q.page >= totalPages,
		empty: contents.length === 0,
		contents
	};
}

/** The API root (`getAPIMetaInformation`): HSDS version and where the OpenAPI definition is. */
export function hsdsRoot(origin: string): Json {
	return { version: '3.0', openapi_url: `${origin}/api/hsds/openapi.json` };
}

async function exportContext(db: DbOrTx, lang: string, metadataIds: string[] = []): Promise<ExportContext> {
	const municipalities = await listMunicipalities(db);
	const metadata = await loadMetadata(db, metadataIds, lang);
	return {
		lang,
		landOf: (id) => landOf(municipalities.find((m) => m.id === id)?.officialCode ?? null),
		municipalityNameOf: (id) => municipalities.find((m) => m.id === id)?.name ?? '',
		metadataOf: (id) => metadata.get(id) ?? [],
		utcOffset: berlinOffset(new Date())
	};
}

async function municipalityCondition(db: DbOrTx, q: HsdsQuery, column: typeof service.municipalityId | typeof organization.municipalityId): Promise<SQL | undefined> {
	if (!q.municipality) return undefined;
	const m = await findMunicipality(db, q.municipality);
	if (!m) throw new HsdsRequestError(400, `municipality "${q.municipality}" is unknown`, 'municipality');
	return eq(column, m.id);
}

function searchCondition(kind: 'service' | 'organization', text: string, lang: string, idColumn: AnyPgColumn): SQL | undefined {
	const words = queryWords(text);
	if (!words.length) return undefined;
	const configs = [...new Set(['german', 'english', textSearchConfig(lang)])].filter((c) => c !== 'simple');
	const groups = words.map(
		(w) => sql`(to_tsquery('simple', ${`${w}:*`})${sql.join(
			configs.map((c) => sql` || to_tsquery(${c}::regconfig, ${w})`),
			sql``
		)})`
	);
	return sql`exists (select 1 from search_entry e where e.kind = ${kind} and e.entity_id = ${idColumn} and e.document @@ (${sql.join(groups, sql` && `)}))`;
}

function textArray(values: readonly string[]): SQL {
	return sql`array[${sql.join(
		values.map((v) => sql`${v}`),
		sql`, `
	)}]::text[]`;
}

/** The status of the language version `l` of a text column, computed as `effectiveStatus` does. */
function versionStatus(column: SQL, version: SQL): SQL {
	return sql`case when ${version}->>'status' = 'original' then 'original'
		when ${version}->>'basis' is not null and ${version}->>'basis' <> left(encode(sha256(convert_to(
			(select o.value->>'text' from jsonb_each(${column}) o where o.value->>'status' = 'original' limit 1), 'UTF8')), 'hex'), 16)
		then 'outdated' else ${version}->>'status' end`;
}

/** Offers carrying one of our terms (the same rules `serviceAttributes` follows). */
function termCondition(t: TermDef): SQL {
	const key = t.key;
	switch (t.taxonomy) {
		case 'actor_type':
			return sql`${organization.actorType} = ${key}`;
		case 'osm_amenity':
			return sql`(${organization.amenity} = ${key} and ${organization.source} = 'osm')`;
		case 'theme_field':
			return t.parent ? sql`${key} = any(${service.subtopics})` : sql`${key} = any(${service.themeFields})`;
		case 'integration_dimension':
			return sql`(case when ${service.dimensionsOverride} is null
				then ${service.themeFields} && ${textArray(DIMENSION_THEME_FIELDS[key as IntegrationDimension])}
				else ${key} = any(${service.dimensionsOverride}) end)`;
		case 'target_group':
			return sql`${key} = any(${service.targetGroups})`;
		case 'accessibility':
			return sql`exists (select 1 from ${serviceAtLocation} sl join ${location} l on l.id = sl.location_id
				where sl.service_id = ${service.id} and ${key} = any(l.accessibility))`;
		case 'cost':
			return sql`${service.costKind} = ${key}`;
		case 'property':
			if (key === 'low_threshold') return sql`${service.lowThreshold}`;
			if (key === 'appointment_only') return sql`exists (select 1 from ${schedule} sc where sc.service_id = ${service.id} and sc.appointment_only)`;
			return sql`${organization.attribution} is not null`;
		case 'translation_status': {
			const desc = sql`${service.description}`;
			const name = sql`${service.name}`;
			return sql`exists (select 1 from jsonb_object_keys(${name} || ${desc}) l
				where (case when ${desc} ? l then ${versionStatus(desc, sql`(${desc}->l)`)} else ${versionStatus(name, sql`(${name}->l)`)} end) = ${key})`;
		}
	}
}

/** Offers with an attribute of this term: one of ours, or a foreign one kept from an import. */
function serviceTermFilter(id: string): SQL {
	const ours = findTerm(id);
	if (ours) return termCondition(ours);
	return sql`(${service.hsdsExtra}->'attributes' @> ${JSON.stringify([{ taxonomy_term_id: id }])}::jsonb
		or ${service.hsdsExtra}->'attributes' @> ${JSON.stringify([{ taxonomy_term: { id } }])}::jsonb)`;
}

/** Offers with an attribute of any term of this taxonomy. */
function serviceTaxonomyFilter(id: string): SQL {
	const ours = findTaxonomy(id);
	if (ours) {
		return sql`(${sql.join(
			HSDS_TERMS.filter((t) => t.taxonomy === ours.key).map(termCondition),
			sql` or `
		)})`;
	}
	return sql`(${service.hsdsExtra}->'attributes' @> ${JSON.stringify([{ taxonomy_term: { taxonomy_id: id } }])}::jsonb)`;
}

/** Where clause shared by the service and service_at_location lists. */
async function serviceConditions(db: DbOrTx, q: HsdsQuery): Promise<SQL[]> {
	const conditions: (SQL | undefined)[] = [
		eq(service.visibility, 'public'),
		eq(organization.visibility, 'public'),
		await municipalityCondition(db, q, service.municipalityId),
		q.organizationId ? eq(service.organizationId, q.organizationId) : undefined,
		q.modifiedAfter ? gte(service.updatedAt, q.modifiedAfter) : undefined,
		q.search ? searchCondition('service', q.search, q.lang, service.id) : undefined,
		q.taxonomyTermId ? serviceTermFilter(q.taxonomyTermId) : undefined,
		q.taxonomyId ? serviceTaxonomyFilter(q.taxonomyId) : undefined
	];
	return conditions.filter((c): c is SQL => !!c);
}

/** What to load with the offers: the list forms need less than the full form. */
export interface BundleParts {
	/** service_at_location links and their places. */
	places: boolean;
	/** Weekly slots. */
	schedules: boolean;
	/** Every place of the actors (the full form nests the full organization). */
	organizationLocations: boolean;
}

const FULL: BundleParts = { places: true, schedules: true, organizationLocations: true };

/** Loads offers (public or not: callers filter) with actor and the `parts` asked for, in `ids` order. */
async function loadServiceBundles(db: DbOrTx, ids: string[], parts: BundleParts = FULL): Promise<ServiceBundle[]> {
	if (!ids.length) return [];
	const rows = await db
		.select({ s: service, o: organization })
		.from(service)
		.innerJoin(organization, eq(organization.id, service.organizationId))
		.where(inArray(service.id, ids));
	const links = parts.places ? await db.select().from(serviceAtLocation).where(inArray(serviceAtLocation.serviceId, ids)).orderBy(asc(serviceAtLocation.id)) : [];
	const locs = links.length ? await db.select().from(location).where(inArray(location.id, [...new Set(links.map((l) => l.locationId))])) : [];
	const slots = parts.schedules ? await db.select().from(schedule).where(inArray(schedule.serviceId, ids)) : [];
	const orgLocs = parts.organizationLocations ? await organizationLocations(db, [...new Set(rows.map((r) => r.o.id))]) : undefined;
	return ids
		.map((id) => rows.find((r) => r.s.id === id))
		.filter((r) => !!r)
		.map(({ s, o }) => {
			const own = links.filter((l) => l.serviceId === s.id);
			return {
				service: s,
				organization: o,
				links: own,
				locations: own.map((l) => locs.find((x) => x.id === l.locationId)!),
				...(orgLocs ? { organizationLocations: orgLocs.filter((l) => l.organizationId === o.id) } : {}),
				schedules: slots.filter((x) => x.serviceId === s.id)
			};
		});
}

/**
 * `/services`: one page of public offers. Default: one-to-one fields (`compiled/service_list.json`);
 * `full`: fully nested services; `minimal`: id, name, status and last_modified only.
 */
export async function listServices(db: DbOrTx, q: HsdsQuery): Promise<HsdsPage> {
	const where = and(...(await serviceConditions(db, q)));
	const base = () => db.select({ id: service.id }).from(service).innerJoin(organization, eq(organization.id, service.organizationId));
	const [{ n }] = await db.select({ n: count() }).from(service).innerJoin(organization, eq(organization.id, service.organizationId)).where(where);
	const ids = (await base().where(where).orderBy(asc(service.id)).limit(q.perPage).offset((q.page - 1) * q.perPage)).map((r) => r.id);
	const full = q.full && !q.minimal;
	const bundles = await loadServiceBundles(db, ids, full ? FULL : { places: false, schedules: false, organizationLocations: false });
	const ctx = await exportContext(db, q.lang, full ? metadataIds(bundles) : []);
	const contents = bundles.map((b) => {
		if (q.minimal) {
			const { id, name, status, last_modified } = serviceToHsds(b, ctx, false);
			return { id, name, status, last_modified };
		}
		return serviceToHsds(b, ctx, full);
	});
	return envelope(contents, Number(n), q);
}

function metadataIds(bundles: ServiceBundle[]): string[] {
	return [
		...new Set(
			bundles.flatMap((b) => [b.service.id, b.organization.id, ...b.locations.map((l) => l.id), ...(b.organizationLocations ?? []).map((l) => l.id)])
		)
	];
}

function isPublic(b: ServiceBundle): boolean {
	return b.service.visibility === 'public' && b.organization.visibility === 'public';
}

/** `/services/{id}`: a fully nested public offer. @throws HsdsRequestError 404. */
export async function getServiceHsds(db: DbOrTx, id: string, q: HsdsQuery): Promise<Json> {
	const [b] = isUuid(id) ? await loadServiceBundles(db, [id.toLowerCase()]) : [];
	if (!b || !isPublic(b)) throw new HsdsRequestError(404, `no public service with id ${id}`);
	return serviceToHsds(b, await exportContext(db, q.lang, metadataIds([b])), true);
}

async function organizationLocations(db: DbOrTx, ids: string[]): Promise<Location[]> {
	return ids.length ? db.select().from(location).where(inArray(location.organizationId, ids)).orderBy(asc(location.name), asc(location.id)) : [];
}

/** The public offers of actors, in the list form (or full with `full`). */
async function servicesOf(db: DbOrTx, orgIds: string[], ctx: ExportContext, full: boolean): Promise<Map<string, Json[]>> {
	const out = new Map<string, Json[]>();
	if (!orgIds.length) return out;
	const rows = await db
		.select({ id: service.id })
		.from(service)
		.where(and(inArray(service.organizationId, orgIds), eq(service.visibility, 'public')))
		.orderBy(asc(service.id));
	for (const b of await loadServiceBundles(db, rows.map((r) => r.id), { places: full, schedules: full, organizationLocations: false })) {
		const json = serviceToHsds(b, ctx, full);
		delete json.organization;
		out.set(b.organization.id, [...(out.get(b.organization.id) ?? []), json]);
	}
	return out;
}

async function organizationsToHsds(db: DbOrTx, orgs: Organization[], q: HsdsQuery, full: boolean): Promise<Json[]> {
	if (!full) {
		const ctx = await exportContext(db, q.lang);
		return orgs.map((o) => organizationToHsds(o, ctx, false));
	}
	const locs = await organizationLocations(db, orgs.map((o) => o.id));
	const ctx = await exportContext(db, q.lang, [...orgs.map((o) => o.id), ...locs.map((l) => l.id)]);
	const services = await servicesOf(db, orgs.map((o) => o.id), ctx, q.fullService);
	return orgs.map((o) =>
		organizationToHsds(
			o,
			ctx,
			true,
			locs.filter((l) => l.organizationId === o.id),
			services.get(o.id) ?? []
		)
	);
}

/** `/organizations`: one page of public actors (one-to-one fields; `full`: nested with places and offers). */
export async function listOrganizations(db: DbOrTx, q: HsdsQuery): Promise<HsdsPage> {
	const conditions = [
		eq(organization.visibility, 'public'),
		await municipalityCondition(db, q, organization.municipalityId),
		q.search ? searchCondition('organization', q.search, q.lang, organization.id) : undefined
	].filter((c): c is SQL => !!c);
	const where = and(...conditions);
	const [{ n }] = await db.select({ n: count() }).from(organization).where(where);
	const orgs = await db
		.select()
		.from(organization)
		.where(where)
		.orderBy(asc(organization.id))
		.limit(q.perPage)
		.offset((q.page - 1) * q.perPage);
	return envelope(await organizationsToHsds(db, orgs, q, q.full), Number(n), q);
}

/**
 * `/organizations/{id}`: a fully nested public actor with its places and its public offers
 * (`services`: one-to-one fields, or fully nested with `full_service`). @throws HsdsRequestError 404.
 */
export async function getOrganizationHsds(db: DbOrTx, id: string, q: HsdsQuery): Promise<Json> {
	const [org] = isUuid(id) ? await db.select().from(organization).where(and(eq(organization.id, id.toLowerCase()), eq(organization.visibility, 'public'))) : [];
	if (!org) throw new HsdsRequestError(404, `no public organization with id ${id}`);
	return (await organizationsToHsds(db, [org], q, true))[0];
}

/** Centroid of our places with this postal code, for `proximity`. */
async function postcodeCentroid(db: DbOrTx, postcode: string): Promise<{ lat: number; lon: number } | null> {
	const [c] = await db
		.select({ lat: sql<number | null>`avg(${location.latitude})`, lon: sql<number | null>`avg(${location.longitude})` })
		.from(location)
		.where(and(eq(location.postalCode, postcode), sql`${location.latitude} is not null`));
	return c && c.lat !== null && c.lon !== null ? { lat: Number(c.lat), lon: Number(c.lon) } : null;
}

/**
 * `/service_at_locations`: one page of public offers at places (one-to-one fields with the flat
 * location and service; `full`: nested). `postcode` matches the place's postal code; with
 * `proximity` (metres), places within that distance of the centroid of our places with that
 * postal code (there is no postcode gazetteer).
 */
export async function listServiceAtLocations(db: DbOrTx, q: HsdsQuery): Promise<HsdsPage> {
	const conditions = await serviceConditions(db, q);
	if (q.postcode && q.proximity) {
		const c = await postcodeCentroid(db, q.postcode);
		if (!c) return envelope([], 0, q);
		const kmPerDegLon = 111.32 * Math.cos((c.lat * Math.PI) / 180);
		conditions.push(
			sql`${location.latitude} is not null and 1000 * sqrt(power((${location.latitude} - ${c.lat}) * 111.32, 2) + power((${location.longitude} - ${c.lon}) * ${kmPerDegLon}, 2)) <= ${q.proximity}`
		);
	} else if (q.postcode) {
		conditions.push(eq(location.postalCode, q.postcode));
	}
	const where = and(...conditions);
	const [{ n }] = await db
		.select({ n: count() })
		.from(serviceAtLocation)
		.innerJoin(service, eq(service.id, serviceAtLocation.serviceId))
		.innerJoin(organization, eq(organization.id, service.organizationId))
		.innerJoin(location, eq(location.id, serviceAtLocation.locationId))
		.where(where);
	const page = await db
		.select({ id: serviceAtLocation.id, serviceId: serviceAtLocation.serviceId })
		.from(serviceAtLocation)
		.innerJoin(service, eq(service.id, serviceAtLocation.serviceId))
		.innerJoin(organization, eq(organization.id, service.organizationId))
		.innerJoin(location, eq(location.id, serviceAtLocation.locationId))
		.where(where)
		.orderBy(asc(serviceAtLocation.id))
		.limit(q.perPage)
		.offset((q.page - 1) * q.perPage);
	const bundles = await loadServiceBundles(db, [...new Set(page.map((p) => p.serviceId))], { places: true, schedules: q.full, organizationLocations: q.full });
	const ctx = await exportContext(db, q.lang, q.full ? metadataIds(bundles) : []);
	const contents = page.map((p) => {
		const b = bundles.find((x) => x.service.id === p.serviceId)!;
		const link = b.links.find((l) => l.id === p.id)!;
		return q.full ? salWithService(b, link, ctx) : serviceAtLocationListItem(b, link, ctx);
	});
	return envelope(contents, Number(n), q);
}

function salWithService(b: ServiceBundle, link: ServiceBundle['links'][number], ctx: ExportContext): Json {
	return { ...serviceAtLocationToHsds(b, link, ctx), service: serviceToHsds(b, ctx, true, false) };
}

/** `/service_at_locations/{id}`: a fully nested public offer at a place, with its service. @throws HsdsRequestError 404. */
export async function getServiceAtLocationHsds(db: DbOrTx, id: string, q: HsdsQuery): Promise<Json> {
	const [link] = isUuid(id) ? await db.select().from(serviceAtLocation).where(eq(serviceAtLocation.id, id.toLowerCase())) : [];
	const [b] = link ? await loadServiceBundles(db, [link.serviceId]) : [];
	if (!b || !isPublic(b)) throw new HsdsRequestError(404, `no public service_at_location with id ${id}`);
	return salWithService(b, b.links.find((l) => l.id === link.id)!, await exportContext(db, q.lang, metadataIds([b])));
}

function matches(json: Json, search: string | undefined): boolean {
	if (!search) return true;
	const needle = search.toLocaleLowerCase();
	return [json.name, json.description, json.code].some((v) => typeof v === 'string' && v.toLocaleLowerCase().includes(needle));
}

/** One page of a list held in memory, in id order like every list of the API (`docs/hsds.md`: "Order: by id"). */
function pageOf(all: Json[], q: HsdsQuery): HsdsPage {
	const sorted = [...all].sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : (a.id as string) > (b.id as string) ? 1 : 0));
	return envelope(sorted.slice((q.page - 1) * q.perPage, q.page * q.perPage), sorted.length, q);
}

/** `/taxonomies`: the directory's vocabularies (see `taxonomy.ts`), `search` in name and description. */
export function listTaxonomies(q: HsdsQuery): HsdsPage {
	return pageOf(HSDS_TAXONOMIES.map((t) => toHsdsTaxonomy(t, q.lang)).filter((t) => matches(t, q.search)), q);
}

/** `/taxonomies/{id}`. @throws HsdsRequestError 404. */
export function getTaxonomyHsds(id: string, q: HsdsQuery): Json {
	const t = findTaxonomy(id);
	if (!t) throw new HsdsRequestError(404, `no taxonomy with id ${id}`);
	return toHsdsTaxonomy(t, q.lang);
}

/**
 * `/taxonomy_terms`: the terms of our taxonomies with their taxonomy; filters `taxonomy_id`,
 * `parent_id`, `top_only` (terms without a parent) and `search`.
 */
export function listTaxonomyTerms(q: HsdsQuery): HsdsPage {
	const all = HSDS_TERMS.filter(
		(t) =>
			(!q.taxonomyId || taxonomyId(t.taxonomy) === q.taxonomyId) &&
			(!q.parentId || (t.parent !== undefined && termId(t.taxonomy, t.parent) === q.parentId)) &&
			(!q.topOnly || t.parent === undefined)
	)
		.map((t) => toHsdsTerm(t, q.lang, true))
		.filter((t) => matches(t, q.search));
	return pageOf(all, q);
}

/** `/taxonomy_terms/{id}`. @throws HsdsRequestError 404. */
export function getTaxonomyTermHsds(id: string, q: HsdsQuery): Json {
	const t = findTerm(id);
	if (!t) throw new HsdsRequestError(404, `no taxonomy term with id ${id}`);
	return toHsdsTerm(t, q.lang, true);
}
