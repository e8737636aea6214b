/**
 * Reads of the geography the directory (Wegweiser) needs and `service.ts` does not offer: the
 * areas the light results map under the public search draws (districts of a municipality, or
 * the social spaces of a district) and a version of them, so the directory can keep the drawn
 * map until the areas change. Owned by geography, written for the directory (issue 11 §4: a
 * module reads another only through its exported functions).
 */
import { count, eq, sql } from 'drizzle-orm';
import type { Geometry } from 'geojson';
import type { DbOrTx } from '../db/client';
import { district, socialSpace } from './schema';

/** The areas of a map: a municipality's districts, or a district's social spaces. */
export type AreaScope = { municipalityId: string } | { districtId: string };

/** One area as a map draws it. */
export interface AreaOutline {
	id: string;
	slug: string;
	label: string;
	boundary: Geometry | null;
}

function target(scope: AreaScope) {
	return 'municipalityId' in scope
		? { table: district, where: eq(district.municipalityId, scope.municipalityId) }
		: { table: socialSpace, where: eq(socialSpace.districtId, scope.districtId) };
}

/**
 * A version of the scope's areas: their count and latest `updated_at` (`"9:2026-…"`). It
 * changes whenever an area is added, removed or redrawn, also by another process.
 */
export async function areaVersion(db: DbOrTx, scope: AreaScope): Promise<string> {
	const { table, where } = target(scope);
	const [v] = await db.select({ n: count(), latest: sql<string>`max(${table.updatedAt})::text` }).from(table).where(where);
	return `${v.n}:${v.latest}`;
}

/** The scope's areas with their boundaries (WGS84 GeoJSON; null where none was imported). */
export async function areaOutlines(db: DbOrTx, scope: AreaScope): Promise<AreaOutline[]> {
	const { table, where } = target(scope);
	const rows = await db.select({ id: table.id, slug: table.slug, label: table.name, boundary: table.boundary }).from(table).where(where);
	return rows.map((r) => ({ ...r, boundary: r.boundary as Geometry | null }));
}
