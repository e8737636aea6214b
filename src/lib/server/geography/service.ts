/**
 * Geography queries and writes: municipalities, districts (Stadtbezirke), social spaces
 * (Sozialräume) and their dated statistics. MODEL.md §4 "Geography".
 */
import { and, asc, count, eq, getTableColumns, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Geometry } from 'geojson';
import type { DbOrTx } from '../db/client';
import { NotFoundError, ValidationError } from '../core/errors';
import { slugify } from '../core/text';
import { findContaining, indexAreas } from './geojson';
import { drawAreas, type DrawnMap } from './map';
import { district, municipality, socialSpace, statistic } from './schema';

export type Municipality = typeof municipality.$inferSelect;
export type District = typeof district.$inferSelect;
export type SocialSpace = typeof socialSpace.$inferSelect;
export type Statistic = typeof statistic.$inferSelect;

/** All municipalities, by name. */
export function listMunicipalities(db: DbOrTx): Promise<Municipality[]> {
	return db.select().from(municipality).orderBy(asc(municipality.name));
}

/** The municipality with this slug, or null. */
export async function findMunicipality(db: DbOrTx, slug: string): Promise<Municipality | null> {
	const [row] = await db.select().from(municipality).where(eq(municipality.slug, slug));
	return row ?? null;
}

/** The municipality with this id, or null. */
export async function findMunicipalityById(db: DbOrTx, id: string): Promise<Municipality | null> {
	const [row] = await db.select().from(municipality).where(eq(municipality.id, id));
	return row ?? null;
}

/** The municipality with this slug. @throws NotFoundError naming the slug. */
export async function requireMunicipality(db: DbOrTx, slug: string): Promise<Municipality> {
	const row = await findMunicipality(db, slug);
	if (!row) throw new NotFoundError(`unknown municipality "${slug}"`);
	return row;
}

/**
 * Creates a municipality.
 * @throws ValidationError (`slug`: `invalid_slug` | `taken`; `name`: `required`).
 */
export async function createMunicipality(
	db: DbOrTx,
	input: { slug: string; name: string; officialCode?: string | null; isDemo?: boolean }
): Promise<Municipality> {
	const issues = [];
	if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(input.slug)) issues.push({ field: 'slug', code: 'invalid_slug' });
	if (!input.name.trim()) issues.push({ field: 'name', code: 'required' });
	if (input.officialCode && !/^\d{8}$/.test(input.officialCode)) {
		issues.push({ field: 'officialCode', code: 'invalid_official_code' });
	}
	if (issues.length === 0 && (await findMunicipality(db, input.slug))) {
		issues.push({ field: 'slug', code: 'taken' });
	}
	if (issues.length) throw new ValidationError(issues);
	const [row] = await db
		.insert(municipality)
		.values({
			slug: input.slug,
			name: input.name.trim(),
			officialCode: input.officialCode || null,
			isDemo: input.isDemo ?? false
		})
		.returning();
	return row;
}

/** A district with the number of its social spaces. */
export interface DistrictSummary extends District {
	socialSpaceCount: number;
}

/**
 * The districts of a municipality, ordered by code then name. Boundaries are left out (null)
 * unless `withBoundaries` is set: they are large and pages draw them from `areaMap`.
 */
export async function listDistricts(
	db: DbOrTx,
	municipalityId: string,
	options: { withBoundaries?: boolean } = {}
): Promise<DistrictSummary[]> {
	const rows = await db
		.select({
			d: { ...getTableColumns(district), boundary: options.withBoundaries ? district.boundary : sql<null>`null` },
			socialSpaceCount: count(socialSpace.id)
		})
		.from(district)
		.leftJoin(socialSpace, eq(socialSpace.districtId, district.id))
		.where(eq(district.municipalityId, municipalityId))
		.groupBy(district.id)
		.orderBy(sql`length(${district.code})`, asc(district.code), asc(district.name));
	return rows.map((r) => ({ ...r.d, socialSpaceCount: r.socialSpaceCount }));
}

/** The district with this slug in the municipality, or null. */
export async function findDistrict(
	db: DbOrTx,
	municipalityId: string,
	slug: string
): Promise<District | null> {
	const [row] = await db
		.select()
		.from(district)
		.where(and(eq(district.municipalityId, municipalityId), eq(district.slug, slug)));
	return row ?? null;
}

/**
 * Social spaces of a municipality, optionally of one district, by name. Boundaries are left
 * out (null) unless `withBoundaries` is set.
 */
export function listSocialSpaces(
	db: DbOrTx,
	filter: { municipalityId: string; districtId?: string; withBoundaries?: boolean }
): Promise<SocialSpace[]> {
	const where = filter.districtId
		? and(eq(socialSpace.municipalityId, filter.municipalityId), eq(socialSpace.districtId, filter.districtId))
		: eq(socialSpace.municipalityId, filter.municipalityId);
	return db
		.select({ ...getTableColumns(socialSpace), boundary: filter.withBoundaries ? socialSpace.boundary : sql<null>`null` })
		.from(socialSpace)
		.where(where)
		.orderBy(asc(socialSpace.name));
}

const areaCache = new Map<string, { version: string; value: Promise<unknown> }>();

/**
 * Data derived from a set of areas (drawn maps, point-in-polygon indexes), kept per process
 * and recomputed when the areas change: their count or latest `updated_at` differs. The version
 * is read from the database on every call, so writes by another process (the CLI's imports)
 * are seen without a restart.
 */
async function derivedFromAreas<T>(
	db: DbOrTx,
	key: string,
	table: typeof district | typeof socialSpace,
	where: SQL,
	compute: () => Promise<T>
): Promise<T> {
	const [v] = await db
		.select({ n: count(), latest: sql<string>`max(${table.updatedAt})::text` })
		.from(table)
		.where(where);
	const version = `${v.n}:${v.latest}`;
	const cached = areaCache.get(key);
	if (cached?.version === version) return cached.value as Promise<T>;
	const value = compute();
	areaCache.set(key, { version, value });
	value.catch(() => areaCache.delete(key));
	return value;
}

/**
 * The drawn SVG map of a municipality's districts (`{ municipalityId }`) or of a district's
 * social spaces (`{ districtId }`); each area's `href` is its slug, for the page to prefix
 * (see `linkAreas` in ./map). Cached as `derivedFromAreas` describes.
 * @returns null when no area has a boundary.
 */
export function areaMap(db: DbOrTx, scope: { municipalityId: string } | { districtId: string }): Promise<DrawnMap | null> {
	const table = 'municipalityId' in scope ? district : socialSpace;
	const where = 'municipalityId' in scope ? eq(district.municipalityId, scope.municipalityId) : eq(socialSpace.districtId, scope.districtId);
	const key = 'municipalityId' in scope ? `map:m:${scope.municipalityId}` : `map:d:${scope.districtId}`;
	return derivedFromAreas(db, key, table, where, async () => {
		const rows = await db.select({ id: table.id, name: table.name, slug: table.slug, boundary: table.boundary }).from(table).where(where);
		return drawAreas(rows.map((r) => ({ id: r.id, label: r.name, href: r.slug, boundary: r.boundary as Geometry | null })));
	});
}

/** Social spaces by id (any municipality), by name. */
export function getSocialSpaces(db: DbOrTx, ids: string[]): Promise<SocialSpace[]> {
	if (ids.length === 0) return Promise.resolve([]);
	return db.select().from(socialSpace).where(inArray(socialSpace.id, ids)).orderBy(asc(socialSpace.name));
}

/**
 * Statistics of one area level, newest first within each metric.
 * @param area `{ districtId }`, `{ socialSpaceIds }` or `{}` for the municipality as a whole.
 */
export function listStatistics(
	db: DbOrTx,
	municipalityId: string,
	area: { districtId?: string; socialSpaceIds?: string[] }
): Promise<Statistic[]> {
	let where;
	if (area.socialSpaceIds) {
		if (area.socialSpaceIds.length === 0) return Promise.resolve([]);
		where = and(eq(statistic.municipalityId, municipalityId), inArray(statistic.socialSpaceId, area.socialSpaceIds));
	} else if (area.districtId) {
		where = and(eq(statistic.municipalityId, municipalityId), eq(statistic.districtId, area.districtId));
	} else {
		where = and(
			eq(statistic.municipalityId, municipalityId),
			isNull(statistic.districtId),
			isNull(statistic.socialSpaceId)
		);
	}
	return db
		.select()
		.from(statistic)
		.where(where)
		.orderBy(asc(statistic.metric), sql`${statistic.asOf} desc`);
}

type SpaceRef = Pick<SocialSpace, 'id' | 'name' | 'slug' | 'districtId'>;

/**
 * Point-in-polygon: the social space of a municipality that contains a point, or null when
 * the point lies outside every boundary (or the municipality has none). The boundary index is
 * cached as `derivedFromAreas` describes.
 * @param point [longitude, latitude], WGS84 degrees.
 */
export async function locateSocialSpace(
	db: DbOrTx,
	municipalityId: string,
	point: [number, number]
): Promise<SpaceRef | null> {
	const where = eq(socialSpace.municipalityId, municipalityId);
	const areas = await derivedFromAreas(db, `pip:${municipalityId}`, socialSpace, where, async () => {
		const rows = await db
			.select({
				id: socialSpace.id,
				name: socialSpace.name,
				slug: socialSpace.slug,
				districtId: socialSpace.districtId,
				boundary: socialSpace.boundary
			})
			.from(socialSpace)
			.where(where);
		return indexAreas(rows, (r) => r.boundary as Geometry | null).map((a) => ({
			...a,
			item: { id: a.item.id, name: a.item.name, slug: a.item.slug, districtId: a.item.districtId } as SpaceRef
		}));
	});
	return findContaining(areas, point);
}

/** A district to write without a boundary file (e.g. from a published list). */
export interface DistrictInput {
	name: string;
	code?: string | null;
}

/** Creates a district; the slug is derived from the name. */
export async function createDistrict(db: DbOrTx, municipalityId: string, input: DistrictInput): Promise<District> {
	const [row] = await db
		.insert(district)
		.values({ municipalityId, slug: slugify(input.name), name: input.name, code: input.code ?? null })
		.returning();
	return row;
}

/** Creates a social space (Stadtteil by default) in a district; the slug is derived from the name. */
export async function createSocialSpace(
	db: DbOrTx,
	d: Pick<District, 'id' | 'municipalityId'>,
	input: { name: string; code?: string | null; kind?: 'stadtteil' | 'quartier' }
): Promise<SocialSpace> {
	const [row] = await db
		.insert(socialSpace)
		.values({
			municipalityId: d.municipalityId,
			districtId: d.id,
			slug: slugify(input.name),
			name: input.name,
			code: input.code ?? null,
			kind: input.kind ?? 'stadtteil'
		})
		.returning();
	return row;
}

/** Whether any social space of the municipality has a boundary (so points can be placed). */
export async function hasSocialSpaceBoundaries(db: DbOrTx, municipalityId: string): Promise<boolean> {
	const [row] = await db
		.select({ id: socialSpace.id })
		.from(socialSpace)
		.where(and(eq(socialSpace.municipalityId, municipalityId), isNotNull(socialSpace.boundary)))
		.limit(1);
	return !!row;
}

/** Names of social spaces with their district, for labels and search texts. */
export function listSocialSpaceNames(
	db: DbOrTx,
	ids: string[]
): Promise<{ id: string; name: string; districtId: string; districtName: string }[]> {
	if (!ids.length) return Promise.resolve([]);
	return db
		.select({ id: socialSpace.id, name: socialSpace.name, districtId: socialSpace.districtId, districtName: district.name })
		.from(socialSpace)
		.innerJoin(district, eq(district.id, socialSpace.districtId))
		.where(inArray(socialSpace.id, ids));
}
