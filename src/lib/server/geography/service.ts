/**
 * Geography queries and writes: municipalities, districts (Stadtbezirke), social spaces
 * (Sozialräume) and their dated statistics. MODEL.md §4 "Geography". Reads are public (the
 * areas and statistics of a municipality are published on its pages); writes authorise
 * `municipality:create` or `geography:manage` and are audited.
 */
import { and, asc, count, eq, getTableColumns, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Geometry } from 'geojson';
import { auditActor, authorize, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import { compareNames } from '../../format';
import type { DbOrTx } from '../db/client';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { slugify } from '../core/text';
import { isUuid } from '../core/validation';
import { findContaining, indexAreas } from './geojson';
import { drawAreas, type DrawnMap } from './map';
import { CODE_MAX, isOfficialCode, isSlug, NAME_MAX, SOCIAL_SPACE_KINDS, type SocialSpaceKind } from './model';
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

/** The municipality with this id, or null (also when `id` is not a UUID). */
export async function findMunicipalityById(db: DbOrTx, id: string): Promise<Municipality | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select().from(municipality).where(eq(municipality.id, id));
	return row ?? null;
}

/** The municipality with this slug. @throws NotFoundError naming the slug. */
export async function requireMunicipality(db: DbOrTx, slug: string): Promise<Municipality> {
	const row = await findMunicipality(db, slug);
	if (!row) throw new NotFoundError(`unknown municipality "${slug}"`);
	return row;
}

/** Issues of an area's name (already trimmed): required, at most `NAME_MAX` characters. */
function nameIssues(name: string): FieldIssue[] {
	if (!name) return [{ field: 'name', code: 'required' }];
	if (name.length > NAME_MAX) return [{ field: 'name', code: 'too_long', params: { max: NAME_MAX } }];
	return [];
}

/** Issues of an area's optional code (already trimmed): at most `CODE_MAX` characters. */
function codeIssues(code: string | null): FieldIssue[] {
	return code && code.length > CODE_MAX ? [{ field: 'code', code: 'too_long', params: { max: CODE_MAX } }] : [];
}

/** Records the creation of an area in the audit log, with its written values. */
function auditCreated(
	tx: DbOrTx,
	principal: Principal,
	entityType: 'municipality' | 'district' | 'social_space',
	entityId: string,
	municipalityId: string,
	values: Record<string, unknown>
): Promise<void> {
	return recordAudit(tx, { ...auditActor(principal), municipalityId, action: 'create', entityType, entityId, changes: diffRecords(null, values) });
}

/** A new municipality (Kommune). */
export interface MunicipalityInput {
	slug: string;
	name: string;
	/** Amtlicher Gemeindeschlüssel, 8 digits, where known. */
	officialCode?: string | null;
	isDemo?: boolean;
}

/**
 * Creates a municipality, audited (`create` of `municipality`).
 * @throws AccessDeniedError without `municipality:create` (only the system principal: the
 *   command line, the demo loader).
 * @throws ValidationError: `slug` invalid_slug | taken; `name` required | too_long;
 *   `officialCode` invalid_official_code.
 */
export async function createMunicipality(db: DbOrTx, principal: Principal, input: MunicipalityInput): Promise<Municipality> {
	authorize(principal, 'municipality:create');
	const name = input.name.trim();
	const officialCode = input.officialCode?.trim() || null;
	const issues: FieldIssue[] = [];
	if (!isSlug(input.slug)) issues.push({ field: 'slug', code: 'invalid_slug' });
	issues.push(...nameIssues(name));
	if (officialCode && !isOfficialCode(officialCode)) issues.push({ field: 'officialCode', code: 'invalid_official_code' });
	return db.transaction(async (tx) => {
		if (issues.length === 0 && (await findMunicipality(tx, input.slug))) issues.push({ field: 'slug', code: 'taken' });
		if (issues.length) throw new ValidationError(issues);
		const values = { slug: input.slug, name, officialCode, isDemo: input.isDemo ?? false };
		const [row] = await tx.insert(municipality).values(values).returning();
		await auditCreated(tx, principal, 'municipality', row.id, row.id, values);
		return row;
	});
}

/** A district with the number of its social spaces. */
export interface DistrictSummary extends District {
	socialSpaceCount: number;
	/** Whether the district has a boundary (also when `boundary` is left out). */
	hasBoundary: boolean;
}

/**
 * The districts of a municipality, ordered by code then name. Boundaries are left out (null)
 * unless `withBoundaries` is set: they are large and pages draw them from `areaMap`;
 * `hasBoundary` says whether there is one.
 */
export async function listDistricts(
	db: DbOrTx,
	municipalityId: string,
	options: { withBoundaries?: boolean } = {}
): Promise<DistrictSummary[]> {
	const rows = await db
		.select({
			d: { ...getTableColumns(district), boundary: options.withBoundaries ? district.boundary : sql<null>`null` },
			socialSpaceCount: count(socialSpace.id),
			hasBoundary: sql<boolean>`${district.boundary} is not null`
		})
		.from(district)
		.leftJoin(socialSpace, eq(socialSpace.districtId, district.id))
		.where(eq(district.municipalityId, municipalityId))
		.groupBy(district.id)
		.orderBy(sql`length(${district.code})`, asc(district.code), asc(district.name));
	return rows.map((r) => ({ ...r.d, socialSpaceCount: r.socialSpaceCount, hasBoundary: r.hasBoundary }));
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
 * Social spaces of a municipality, optionally of one district, by name in reading order
 * (`compareNames`: "Ölberg" beside "Oberbilk", numbers by value; the database's C collation
 * orders by bytes). Boundaries are left out (null) unless `withBoundaries` is set;
 * `hasBoundary` says whether there is one.
 */
export async function listSocialSpaces(
	db: DbOrTx,
	filter: { municipalityId: string; districtId?: string; withBoundaries?: boolean }
): Promise<(SocialSpace & { hasBoundary: boolean })[]> {
	const where = filter.districtId
		? and(eq(socialSpace.municipalityId, filter.municipalityId), eq(socialSpace.districtId, filter.districtId))
		: eq(socialSpace.municipalityId, filter.municipalityId);
	const rows = await db
		.select({
			...getTableColumns(socialSpace),
			boundary: filter.withBoundaries ? socialSpace.boundary : sql<null>`null`,
			hasBoundary: sql<boolean>`${socialSpace.boundary} is not null`
		})
		.from(socialSpace)
		.where(where);
	return rows.sort((a, b) => compareNames(a.name, b.name));
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

/** Social spaces by id (any municipality), by name (`compareNames`); ids that are not UUIDs or unknown are left out. */
export async function getSocialSpaces(db: DbOrTx, ids: readonly string[]): Promise<SocialSpace[]> {
	const valid = ids.filter(isUuid);
	if (valid.length === 0) return [];
	return (await db.select().from(socialSpace).where(inArray(socialSpace.id, valid))).sort((a, b) => compareNames(a.name, b.name));
}

/** A social space without its boundary: what lists and checks read (a boundary is kilobytes of GeoJSON). */
export type SocialSpaceRef = Omit<SocialSpace, 'boundary'>;

/** Social spaces by id without their boundaries (any municipality), by name (`compareNames`); ids that are not UUIDs or unknown are left out. */
export async function getSocialSpaceRefs(db: DbOrTx, ids: readonly string[]): Promise<SocialSpaceRef[]> {
	const valid = ids.filter(isUuid);
	if (valid.length === 0) return [];
	const { boundary: _, ...columns } = getTableColumns(socialSpace);
	return (await db.select(columns).from(socialSpace).where(inArray(socialSpace.id, valid))).sort((a, b) => compareNames(a.name, b.name));
}

/** The social space with this id, or null (also when `id` is not a UUID). */
export async function findSocialSpaceById(db: DbOrTx, id: string): Promise<SocialSpace | null> {
	return (await getSocialSpaces(db, [id]))[0] ?? null;
}

/**
 * Ids of the social spaces of a municipality or of one district, in no particular order (for
 * checking that chosen spaces belong to the municipality, and for filters by district).
 */
export async function listSocialSpaceIds(db: DbOrTx, area: { municipalityId: string } | { districtId: string }): Promise<string[]> {
	const [column, id] = 'municipalityId' in area ? [socialSpace.municipalityId, area.municipalityId] : [socialSpace.districtId, area.districtId];
	if (!isUuid(id)) return [];
	const rows = await db.select({ id: socialSpace.id }).from(socialSpace).where(eq(column, id));
	return rows.map((r) => r.id);
}

/** Districts by id (any municipality), by code then name; ids that are not UUIDs or unknown are left out. Without boundaries. */
export function getDistricts(db: DbOrTx, ids: readonly string[]): Promise<District[]> {
	const valid = ids.filter(isUuid);
	if (valid.length === 0) return Promise.resolve([]);
	return db
		.select({ ...getTableColumns(district), boundary: sql<null>`null` })
		.from(district)
		.where(inArray(district.id, valid))
		.orderBy(sql`length(${district.code})`, asc(district.code), asc(district.name));
}

/** The district with this id (without its boundary), or null (also when `id` is not a UUID). */
export async function findDistrictById(db: DbOrTx, id: string): Promise<District | null> {
	return (await getDistricts(db, [id]))[0] ?? null;
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
	municipalityId: string;
	name: string;
	/** The city's number of the district (`8` for Köln-Kalk), where it has one. */
	code?: string | null;
}

/** Issues of a name or code already used by another area of the same level in the municipality. */
async function takenIssues(
	db: DbOrTx,
	table: typeof district | typeof socialSpace,
	municipalityId: string,
	slug: string,
	code: string | null
): Promise<FieldIssue[]> {
	const rows = await db
		.select({ slug: table.slug, code: table.code })
		.from(table)
		.where(and(eq(table.municipalityId, municipalityId), code ? or(eq(table.slug, slug), eq(table.code, code)) : eq(table.slug, slug)));
	const issues: FieldIssue[] = [];
	if (rows.some((r) => r.slug === slug)) issues.push({ field: 'name', code: 'taken' });
	if (code && rows.some((r) => r.code === code)) issues.push({ field: 'code', code: 'taken' });
	return issues;
}

/** Name, slug and code of a new area, with their issues (the slug is derived from the name). */
function areaColumns(input: { name: string; code?: string | null }) {
	const name = input.name.trim();
	const code = input.code?.trim() || null;
	const slug = slugify(name);
	const issues = [...nameIssues(name), ...codeIssues(code)];
	// A name of punctuation only has no slug, and every area needs one for its page.
	if (name && !slug) issues.push({ field: 'name', code: 'invalid' });
	return { columns: { slug, name, code }, issues };
}

/**
 * Creates a district (Stadtbezirk) of a municipality, audited (`create` of `district`); the slug
 * is derived from the name.
 * @throws AccessDeniedError without `geography:manage` on the municipality.
 * @throws NotFoundError when the municipality does not exist.
 * @throws ValidationError: `name` required | too_long | invalid | taken; `code` too_long | taken.
 */
export async function createDistrict(db: DbOrTx, principal: Principal, input: DistrictInput): Promise<District> {
	authorize(principal, 'geography:manage', { municipalityId: input.municipalityId });
	const { columns, issues } = areaColumns(input);
	return db.transaction(async (tx) => {
		if (!(await findMunicipalityById(tx, input.municipalityId))) throw new NotFoundError('municipality');
		if (issues.length === 0) issues.push(...(await takenIssues(tx, district, input.municipalityId, columns.slug, columns.code)));
		if (issues.length) throw new ValidationError(issues);
		const [row] = await tx.insert(district).values({ municipalityId: input.municipalityId, ...columns }).returning();
		await auditCreated(tx, principal, 'district', row.id, input.municipalityId, columns);
		return row;
	});
}

/** A social space to write without a boundary file. */
export interface SocialSpaceInput {
	districtId: string;
	name: string;
	code?: string | null;
	/** `stadtteil` unless given. */
	kind?: SocialSpaceKind;
}

/**
 * Creates a social space (Stadtteil by default) in a district, audited (`create` of
 * `social_space`); the slug is derived from the name.
 * @throws AccessDeniedError without `geography:manage` on the district's municipality (also
 *   when a person names a district that does not exist: nothing is said about its existence).
 * @throws NotFoundError when the district does not exist (system principal).
 * @throws ValidationError: `name` required | too_long | invalid | taken; `code` too_long |
 *   taken; `kind` unknown_option.
 */
export async function createSocialSpace(db: DbOrTx, principal: Principal, input: SocialSpaceInput): Promise<SocialSpace> {
	return db.transaction(async (tx) => {
		const d = await findDistrictById(tx, input.districtId);
		authorize(principal, 'geography:manage', { municipalityId: d?.municipalityId });
		if (!d) throw new NotFoundError('district');
		const { columns, issues } = areaColumns(input);
		const kind = input.kind ?? 'stadtteil';
		if (!SOCIAL_SPACE_KINDS.includes(kind)) issues.push({ field: 'kind', code: 'unknown_option', params: { value: kind } });
		if (issues.length === 0) issues.push(...(await takenIssues(tx, socialSpace, d.municipalityId, columns.slug, columns.code)));
		if (issues.length) throw new ValidationError(issues);
		const [row] = await tx
			.insert(socialSpace)
			.values({ municipalityId: d.municipalityId, districtId: d.id, kind, ...columns })
			.returning();
		await auditCreated(tx, principal, 'social_space', row.id, d.municipalityId, { ...columns, kind, districtId: d.id });
		return row;
	});
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

/** Names of social spaces with their district, for labels and search texts; ids that are not UUIDs or unknown are left out. */
export function listSocialSpaceNames(
	db: DbOrTx,
	ids: readonly string[]
): Promise<{ id: string; name: string; districtId: string; districtName: string }[]> {
	const valid = ids.filter(isUuid);
	if (!valid.length) return Promise.resolve([]);
	return db
		.select({ id: socialSpace.id, name: socialSpace.name, districtId: socialSpace.districtId, districtName: district.name })
		.from(socialSpace)
		.innerJoin(district, eq(district.id, socialSpace.districtId))
		.where(inArray(socialSpace.id, valid));
}
