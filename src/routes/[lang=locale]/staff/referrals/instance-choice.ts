/**
 * Which of the signed-in staff member's instances a casework list shows: `?instance=<id>` when it
 * is one of theirs, else their first. Null when they work for no instance (administrators).
 */
import type { UserPrincipal } from '$lib/server/access';
import { listInstances } from '$lib/server/instances/service';
import type { DbOrTx } from '$lib/server/db/client';

/** The chosen instance and all of the principal's instances (id and name) for a selector. */
export async function chooseInstance(db: DbOrTx, principal: UserPrincipal, requested: string | null) {
	const mine = (await listInstances(db, principal.municipalityId))
		.filter((i) => principal.instanceIds.includes(i.id))
		.map((i) => ({ id: i.id, name: i.name }));
	const chosen = mine.find((i) => i.id === requested) ?? mine[0] ?? null;
	return { chosen, mine };
}
