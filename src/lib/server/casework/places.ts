/**
 * The Stadtbezirk casework counts a contact or referral for (issue 4 §7: reports per district),
 * from the Sozialräume an instance serves: the instance itself has no district of its own.
 */
import type { DbOrTx } from '../db/client';
import { socialSpacePlaces } from '../geography/casework-reads';

/**
 * The district a contact is counted for when the person named no Sozialraum: that of the
 * instance's first Sozialraum by name; null when the instance serves none.
 */
export async function firstDistrictOf(db: DbOrTx, socialSpaceIds: readonly string[]): Promise<string | null> {
	return (await socialSpacePlaces(db, socialSpaceIds))[0]?.districtId ?? null;
}

/**
 * The district a referral from a case is counted for: the one district all of the instance's
 * Sozialräume lie in; null when they lie in several or there are none.
 */
export async function onlyDistrictOf(db: DbOrTx, socialSpaceIds: readonly string[]): Promise<string | null> {
	const districts = new Set((await socialSpacePlaces(db, socialSpaceIds)).map((s) => s.districtId));
	return districts.size === 1 ? [...districts][0] : null;
}
