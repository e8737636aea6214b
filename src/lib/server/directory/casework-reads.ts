/**
 * What casework (Lotsen) reads of the directory (Wegweiser) beyond the entries themselves: the
 * names of a municipality's actors, which label the referral statistics by actor (issue 4 §7)
 * and are the targets of the demo referrals. Names of every visibility: the statistics show
 * only counts of the municipality's own referrals to them.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { organization } from './schema';

/**
 * Id and name of a municipality's actors, by name (then id).
 * @param options.ids only these actors (ids that are not UUIDs are ignored); `limit` at most
 *   this many.
 */
export async function organizationNames(
	db: DbOrTx,
	municipalityId: string,
	options: { ids?: readonly string[]; limit?: number } = {}
): Promise<{ id: string; name: string }[]> {
	const ids = options.ids?.filter(isUuid);
	if (ids && !ids.length) return [];
	const query = db
		.select({ id: organization.id, name: organization.name })
		.from(organization)
		.where(and(eq(organization.municipalityId, municipalityId), ids ? inArray(organization.id, ids) : undefined))
		.orderBy(asc(organization.name), asc(organization.id));
	return options.limit ? query.limit(options.limit) : query;
}
