/**
 * What casework (Lotsen) reads of the geography: where Sozialräume lie (a counselling contact
 * is counted for the Stadtbezirk of the person's Sozialraum, else of the instance's; a report
 * names its Sozialräume) and one Stadtbezirk by id (a district report names its scope).
 * Issue 4 §1, §7. Boundaries are never read here.
 */
import { eq, inArray } from 'drizzle-orm';
import { compareNames } from '../../format';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { district, socialSpace } from './schema';

/** A Sozialraum without its boundary: its name and where it belongs. */
export interface SocialSpacePlace {
	id: string;
	name: string;
	municipalityId: string;
	districtId: string;
}

/** The Sozialräume in `ids` that exist (ids that are not UUIDs are ignored), by name in reading order (`compareNames`), then id. */
export async function socialSpacePlaces(db: DbOrTx, ids: readonly string[]): Promise<SocialSpacePlace[]> {
	const valid = [...new Set(ids.filter(isUuid))];
	if (!valid.length) return [];
	const rows = await db
		.select({ id: socialSpace.id, name: socialSpace.name, municipalityId: socialSpace.municipalityId, districtId: socialSpace.districtId })
		.from(socialSpace)
		.where(inArray(socialSpace.id, valid));
	return rows.sort((a, b) => compareNames(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The Stadtbezirk with this id (name and municipality), or null when `id` is not a UUID or unknown. */
export async function districtById(db: DbOrTx, id: string): Promise<{ id: string; name: string; municipalityId: string } | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select({ id: district.id, name: district.name, municipalityId: district.municipalityId }).from(district).where(eq(district.id, id));
	return row ?? null;
}
