/**
 * What casework (Lotsen) reads of the instances: one instance with the Sozialräume it serves
 * (contacts are counted for a district, cases and referrals belong to an instance), and the
 * names and phone numbers of several (a volunteer sees whom to call; reports name their scope).
 * Issue 4 §1–§4, §7.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { instance } from './schema';

/** An instance as casework needs it: where it belongs, how it is reached, what it serves. */
export interface CaseworkInstance {
	id: string;
	municipalityId: string;
	name: string;
	city: string;
	phone: string;
	/** BCP 47 tags of the languages the instance counsels in. */
	languages: string[];
	/** Ids of the Sozialräume the instance serves, in no particular order. */
	socialSpaceIds: string[];
}

/**
 * One instance with the ids of the Sozialräume it serves, in one query.
 * @returns null when `id` is not a UUID or no instance has it.
 */
export async function caseworkInstance(db: DbOrTx, id: string): Promise<CaseworkInstance | null> {
	if (!isUuid(id)) return null;
	const [row] = await db
		.select({
			id: instance.id,
			municipalityId: instance.municipalityId,
			name: instance.name,
			city: instance.city,
			phone: instance.phone,
			languages: instance.languages,
			socialSpaceIds: sql<string[]>`array(select iss.social_space_id::text from instance_social_space iss where iss.instance_id = ${instance.id})`
		})
		.from(instance)
		.where(eq(instance.id, id));
	return row ?? null;
}

/** Id, municipality, name and phone of each instance in `ids` that exists (any order). */
export async function instancesByIds(db: DbOrTx, ids: readonly string[]): Promise<{ id: string; municipalityId: string; name: string; phone: string }[]> {
	const valid = [...new Set(ids.filter(isUuid))];
	if (!valid.length) return [];
	return db.select({ id: instance.id, municipalityId: instance.municipalityId, name: instance.name, phone: instance.phone }).from(instance).where(inArray(instance.id, valid));
}
