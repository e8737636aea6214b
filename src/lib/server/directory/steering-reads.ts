/**
 * What Steuerung (issue 5) reads of the directory (Wegweiser): counts and lists of offers for the
 * coverage matrix (§3) and the dashboards (§4), offer names and a name search for needs-report
 * links (§1), and the demo's lookups. Offers are counted from their search entries
 * (`search_entry`, kind `service`), which hold an offer's status, verification date, social
 * spaces, districts, fields, target groups and languages, so the hot counts are index-only scans
 * of `search_entry_coverage_idx` without a join (migration 0008, docs/coverage.md).
 *
 * A CURRENT offer is `status = 'active'`, any visibility (steering is a staff view). No function
 * here returns personal data; the steering services that call them authorise.
 */
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { location, organization, service, type TranslatedText } from './schema';
import type { Location } from './service';

/** Filters of the coverage views on offers; the caller checks the values. */
export interface OfferFilter {
	/** A TARGET_GROUPS key: offers naming it or naming no target group (open to all). */
	targetGroup?: string | null;
	/** A well-formed BCP 47 tag: offers where a tag with its primary language subtag is spoken. */
	language?: string | null;
}

/** A string list as one PostgreSQL array literal parameter (drizzle would expand a JS array into a row). */
function arrayLiteral(values: readonly string[]): string {
	return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** SQL conditions on search entry `e` for the filter. */
function offerFilter(filter: OfferFilter) {
	const parts = [sql`true`];
	if (filter.targetGroup) parts.push(sql`(${filter.targetGroup} = any(e.target_groups) or cardinality(e.target_groups) = 0)`);
	if (filter.language) {
		// A tag matches when its primary language subtag is the filter's (as the Wegweiser search:
		// `ar` finds `ar` and `ar-SY`). A regular expression over the joined tags avoids unnesting
		// every offer's array; a well-formed tag's primary subtag is letters only.
		const primary = filter.language.split('-')[0].toLowerCase();
		parts.push(sql`lower(array_to_string(e.languages, ' ')) ~ ${`(^| )${primary}(-[^ ]*)?( |$)`}`);
	}
	return sql.join(parts, sql` and `);
}

/**
 * Current offers of a municipality per (social space, theme field), and how many of them were
 * verified since `freshSince`. Offers are grouped by their (spaces, fields) arrays first — a few
 * thousand combinations — so the arrays are unnested once per combination, not once per offer.
 * @param scope.fields the theme fields counted; `spaceId` only this social space.
 * @returns one row per combination with at least one offer.
 */
export async function countOffersBySpaceAndField(
	db: DbOrTx,
	municipalityId: string,
	filter: OfferFilter,
	scope: { fields: readonly string[]; freshSince: Date; spaceId?: string }
): Promise<{ spaceId: string; field: string; n: number; fresh: number }[]> {
	const fieldCond = scope.fields.length === 1 ? sql`and f = ${scope.fields[0]}` : sql`and f = any(${arrayLiteral(scope.fields)}::text[])`;
	const result = await db.execute<{ sp: string; f: string; n: number; fresh_n: number }>(sql`
		with g as (
			select e.social_space_ids, e.theme_fields, count(*) as n,
				count(*) filter (where e.last_verified_at >= ${scope.freshSince.toISOString()}::timestamptz) as fresh_n
			from search_entry e
			where e.kind = 'service' and e.municipality_id = ${municipalityId} and e.status = 'active' and ${offerFilter(filter)}
				${scope.spaceId ? sql`and ${scope.spaceId}::uuid = any(e.social_space_ids)` : sql``}
			group by e.social_space_ids, e.theme_fields
		)
		select sp::text as sp, f, sum(g.n)::int as n, sum(g.fresh_n)::int as fresh_n
		from g, unnest(g.social_space_ids) sp, unnest(g.theme_fields) f
		where true ${scope.spaceId ? sql`and sp = ${scope.spaceId}::uuid` : sql``} ${fieldCond}
		group by sp, f`);
	return result.rows.map((r) => ({ spaceId: r.sp, field: r.f, n: Number(r.n), fresh: Number(r.fresh_n) }));
}

/** An offer's trigram set for the duplicate test (see `offerTrigrams`). */
export interface OfferTrigrams {
	id: string;
	spaceIds: string[];
	fields: string[];
	targetGroups: string[];
	/** pg_trgm `show_trgm` of the original-language name and description, joined by a space. */
	trigrams: string[];
}

/**
 * The current offers lying in at least one of the given (social space, theme field) cells, each
 * with its trigram set: PostgreSQL extracts each offer's trigrams once (pg_trgm `show_trgm`, the
 * sets `similarity()` compares), so the caller compares the pairs of a cell without extracting
 * them again for every pair.
 * @param cells keys `<spaceId>|<field>`.
 */
export async function offerTrigrams(db: DbOrTx, municipalityId: string, filter: OfferFilter, cells: readonly string[]): Promise<OfferTrigrams[]> {
	if (!cells.length) return [];
	const spaceIds = [...new Set(cells.map((k) => k.split('|')[0]))];
	const result = await db.execute<{ id: string; spaces: string[]; fields: string[]; target_groups: string[]; trgm: string }>(sql`
		with o as materialized (
			select e.entity_id, e.social_space_ids, e.theme_fields, e.target_groups from search_entry e
			where e.kind = 'service' and e.municipality_id = ${municipalityId} and e.status = 'active' and ${offerFilter(filter)}
				and e.social_space_ids && ${arrayLiteral(spaceIds)}::uuid[]
				and exists (select 1 from unnest(e.social_space_ids) sp, unnest(e.theme_fields) f where sp::text || '|' || f = any(${arrayLiteral(cells)}::text[]))
		)
		select o.entity_id::text as id, o.social_space_ids::text[] as spaces, o.theme_fields as fields, o.target_groups,
			array_to_string(show_trgm(
				coalesce((select v->>'text' from jsonb_each(s.name) x(k, v) where v->>'status' = 'original' limit 1), '') || ' ' ||
				coalesce((select v->>'text' from jsonb_each(s.description) x(k, v) where v->>'status' = 'original' limit 1), '')
			), chr(1)) as trgm
		from o join service s on s.id = o.entity_id`);
	return result.rows.map((r) => ({ id: r.id, spaceIds: r.spaces, fields: r.fields, targetGroups: r.target_groups, trigrams: r.trgm ? r.trgm.split('\u0001') : [] }));
}

/** A current offer of one coverage cell, as its search entry holds it. */
export interface CellOffer {
	id: string;
	/** Title per language. */
	title: Record<string, string>;
	organizationName: string;
	lastVerifiedAt: Date | null;
	/** Verified since `freshSince`. */
	fresh: boolean;
}

/** The current offers of one (social space, theme field) cell, by actor name and id. */
export async function offersInCell(
	db: DbOrTx,
	municipalityId: string,
	filter: OfferFilter,
	cell: { spaceId: string; field: string; freshSince: Date }
): Promise<CellOffer[]> {
	const result = await db.execute<{ id: string; title: Record<string, string>; organization_name: string; last_verified_at: string | Date | null; fresh: boolean }>(sql`
		with ids as materialized (
			select e.entity_id from search_entry e
			where e.kind = 'service' and e.municipality_id = ${municipalityId} and e.status = 'active' and ${offerFilter(filter)}
				and ${cell.spaceId}::uuid = any(e.social_space_ids) and ${cell.field} = any(e.theme_fields)
		)
		select e.entity_id::text as id, e.title, e.organization_name, e.last_verified_at,
			coalesce(e.last_verified_at >= ${cell.freshSince.toISOString()}::timestamptz, false) as fresh
		from ids join search_entry e on e.kind = 'service' and e.entity_id = ids.entity_id
		order by e.organization_name, e.entity_id`);
	return result.rows.map((r) => ({
		id: r.id,
		title: r.title,
		organizationName: r.organization_name,
		lastVerifiedAt: r.last_verified_at ? new Date(r.last_verified_at) : null,
		fresh: r.fresh
	}));
}

/** The languages spoken at the municipality's current offers (BCP 47 tags, sorted). */
export async function offerLanguages(db: DbOrTx, municipalityId: string): Promise<string[]> {
	const rows = await db.execute<{ tag: string }>(sql`
		select distinct l as tag from search_entry e, unnest(e.languages) l
		where e.kind = 'service' and e.municipality_id = ${municipalityId} and e.status = 'active' order by 1`);
	return rows.rows.map((r) => r.tag);
}

/** Offer counts of a dashboard (see `offerIndicators`). */
export interface OfferIndicators {
	/** Current offers per theme field (an offer counts in each of its fields). */
	current: Map<string, number>;
	/** Current offers. */
	total: number;
	/** Current offers per area id (district or social space, by `areaLevel`). */
	perArea: Map<string, number>;
	/** Offers added (by `created_at`, Europe/Berlin) per `<year>:<field>`, whatever their status now. */
	added: Map<string, number>;
	/** Offers added per year. */
	addedTotal: Map<number, number>;
	/** Offers added in `year` per area id. */
	addedPerArea: Map<string, number>;
}

/** The years `offerIndicators` tells apart (Europe/Berlin): an offer created before the first counts in the year before it, one after the last in the last. */
const FIRST_YEAR = 1990;
const LAST_YEAR = 2200;

/**
 * The offer counts of a dashboard: current offers by field, in total and per area; offers added
 * per year and field, and in `year` per area. Offers are placed by their search entry's social
 * spaces and districts. Every query is bounded to the municipality's search entries (an offer's
 * entry has its municipality): joined by entity id alone, a Land-wide installation hashed the
 * entries of all 396 municipalities (bench/nrw.ts).
 * @param scope.spaceIds the dashboard's social spaces (offers in at least one), or null for the
 *   whole municipality; `areaLevel` whether areas are districts or social spaces.
 */
export async function offerIndicators(
	db: DbOrTx,
	municipalityId: string,
	scope: { spaceIds: readonly string[] | null; areaLevel: 'district' | 'space'; year: number }
): Promise<OfferIndicators> {
	const filter =
		scope.spaceIds === null
			? sql`true`
			: scope.spaceIds.length
				? sql`se.social_space_ids && array[${sql.join(scope.spaceIds.map((i) => sql`${i}::uuid`), sql`, `)}]::uuid[]`
				: sql`false`;
	const areaLevel = sql.raw(scope.areaLevel === 'district' ? 'district_ids' : 'social_space_ids');
	const [byField, total, perArea, added, addedPerArea] = await Promise.all([
		db.execute<{ k: string; c: number }>(sql`
			select f as k, count(*)::int as c from search_entry se, unnest(se.theme_fields) f
			where se.kind = 'service' and se.municipality_id = ${municipalityId} and se.status = 'active' and ${filter} group by f`),
		db.execute<{ c: number }>(sql`
			select count(*)::int as c from search_entry se
			where se.kind = 'service' and se.municipality_id = ${municipalityId} and se.status = 'active' and ${filter}`),
		db.execute<{ k: string; c: number }>(sql`
			select a::text as k, count(*)::int as c from search_entry se, unnest(se.${areaLevel}) a
			where se.kind = 'service' and se.municipality_id = ${municipalityId} and se.status = 'active' and ${filter} group by a`),
		// One pass, the year's total as the null field; the Europe/Berlin year by a binary search over
		// the years' first instants instead of a time-zone conversion per offer, and the search entries
		// joined only to place offers in areas: 135 → 27 ms over 57,862 offers (bench/nrw.ts).
		db.execute<{ y: number; k: string | null; c: number }>(sql`
			select (${FIRST_YEAR - 1} + width_bucket(sv.created_at, (
				select array_agg(make_timestamptz(y, 1, 1, 0, 0, 0, 'Europe/Berlin') order by y) from generate_series(${FIRST_YEAR}::int, ${LAST_YEAR}::int) y
			)))::int as y, f as k, count(*)::int as c
			from ${
				scope.spaceIds === null
					? sql`service sv`
					: sql`service sv join search_entry se on se.kind = 'service' and se.entity_id = sv.id and se.municipality_id = ${municipalityId} and ${filter}`
			}, unnest(sv.theme_fields || array[null::text]) f
			where sv.municipality_id = ${municipalityId}
			group by 1, 2`),
		db.execute<{ k: string; c: number }>(sql`
			select a::text as k, count(*)::int as c
			from service sv join search_entry se on se.kind = 'service' and se.entity_id = sv.id and se.municipality_id = ${municipalityId}, unnest(se.${areaLevel}) a
			where sv.municipality_id = ${municipalityId} and ${filter}
			  and sv.created_at >= ${`${scope.year}-01-01`}::timestamp at time zone 'Europe/Berlin'
			  and sv.created_at < ${`${scope.year + 1}-01-01`}::timestamp at time zone 'Europe/Berlin'
			group by a`)
	]);
	const addedMap = new Map<string, number>();
	const addedTotal = new Map<number, number>();
	for (const r of added.rows) {
		if (r.k === null) addedTotal.set(Number(r.y), Number(r.c));
		else addedMap.set(`${r.y}:${r.k}`, Number(r.c));
	}
	return {
		current: new Map(byField.rows.map((r) => [r.k, Number(r.c)])),
		total: Number(total.rows[0]?.c ?? 0),
		perArea: new Map(perArea.rows.map((r) => [r.k, Number(r.c)])),
		added: addedMap,
		addedTotal,
		addedPerArea: new Map(addedPerArea.rows.map((r) => [r.k, Number(r.c)]))
	};
}

/** The Europe/Berlin year of the municipality's oldest offer, or null when it has none. */
export async function firstOfferYear(db: DbOrTx, municipalityId: string): Promise<number | null> {
	const result = await db.execute<{ y: number | null }>(sql`
		select min(extract(year from created_at at time zone 'Europe/Berlin'))::int as y from service where municipality_id = ${municipalityId}`);
	const y = result.rows[0]?.y;
	return y === null || y === undefined ? null : Number(y);
}

/** Names of offers by id (any municipality, any visibility); unknown ids are left out. */
export async function offerNames(db: DbOrTx, ids: readonly string[]): Promise<{ id: string; municipalityId: string; name: TranslatedText }[]> {
	if (!ids.length) return [];
	return db.select({ id: service.id, municipalityId: service.municipalityId, name: service.name }).from(service).where(inArray(service.id, [...ids]));
}

/**
 * Offers of the municipality whose name contains `query` in any language version
 * (case-insensitive; `%` and `_` are taken literally), at most `limit`.
 */
export async function findOffersByName(db: DbOrTx, municipalityId: string, query: string, limit: number): Promise<{ id: string; name: TranslatedText }[]> {
	const q = query.trim();
	if (!q) return [];
	const pattern = `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
	return db
		.select({ id: service.id, name: service.name })
		.from(service)
		.where(and(eq(service.municipalityId, municipalityId), sql`exists (select 1 from jsonb_each(${service.name}) v where v.value->>'text' ilike ${pattern})`))
		.limit(limit);
}

/** The id of the municipality's oldest offer (the demo links it to a needs report), or null. */
export async function oldestOffer(db: DbOrTx, municipalityId: string): Promise<string | null> {
	const [row] = await db.select({ id: service.id }).from(service).where(eq(service.municipalityId, municipalityId)).orderBy(asc(service.createdAt)).limit(1);
	return row?.id ?? null;
}

/** Offers of the municipality from one import source, with their key in that source (`source_id`). */
export function offersOfSource(db: DbOrTx, municipalityId: string, source: string): Promise<{ id: string; sourceId: string | null }[]> {
	return db.select({ id: service.id, sourceId: service.sourceId }).from(service).where(and(eq(service.municipalityId, municipalityId), eq(service.source, source)));
}

/**
 * Actors of the municipality with an OSM amenity, each once per place, by name and id (the
 * coverage demo gives each a typical offer at its place).
 */
export async function actorsWithAmenity(db: DbOrTx, municipalityId: string): Promise<{ id: string; name: string; amenity: string; location: Location }[]> {
	const rows = await db
		.select({ id: organization.id, name: organization.name, amenity: organization.amenity, location })
		.from(organization)
		.innerJoin(location, eq(location.organizationId, organization.id))
		.where(and(eq(organization.municipalityId, municipalityId), isNotNull(organization.amenity)))
		.orderBy(asc(organization.name), asc(organization.id));
	return rows.map((r) => ({ ...r, amenity: r.amenity! }));
}
