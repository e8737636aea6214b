/**
 * Which of the signed-in staff member's instances a casework list shows (referrals,
 * accompaniments): `?instance=<id>` when it is one of theirs, else their first.
 */
import type { UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import { listInstances } from '../../instances/service';

/**
 * The chosen instance (null when the person works for none, e.g. administrators) and all of
 * the person's instances (id and name, by name) for a selector. Another value of `requested`
 * is ignored: the page names the instance it shows.
 */
export async function chooseInstance(db: DbOrTx, principal: UserPrincipal, requested: string | null) {
	const mine = (await listInstances(db, principal.municipalityId))
		.filter((i) => principal.instanceIds.includes(i.id))
		.map((i) => ({ id: i.id, name: i.name }));
	const chosen = mine.find((i) => i.id === requested) ?? mine[0] ?? null;
	return { chosen, mine };
}
