/**
 * What Vernetzung (networks, issue 14) reads of the accounts: the people who can be members of a
 * network and readers of its digest — name, email, role and the instances they work for. Never
 * secrets. The networks services authorise and show emails only where the person is addressed
 * (invitations, digests).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { userAccount, userInstance } from './schema';

/** An account as networks use it. */
export interface NetworkPerson {
	id: string;
	municipalityId: string;
	displayName: string;
	email: string;
	role: string;
	instanceIds: string[];
}

/**
 * Accounts by id (ids that are not UUIDs are ignored), or every account of a municipality, by
 * display name.
 */
export async function networkPeople(db: DbOrTx, scope: { municipalityId: string } | { ids: readonly string[] }): Promise<NetworkPerson[]> {
	let where;
	if ('ids' in scope) {
		const ids = [...new Set(scope.ids.filter(isUuid))];
		if (!ids.length) return [];
		where = inArray(userAccount.id, ids);
	} else where = eq(userAccount.municipalityId, scope.municipalityId);
	const rows = await db
		.select({ id: userAccount.id, municipalityId: userAccount.municipalityId, displayName: userAccount.displayName, email: userAccount.email, role: userAccount.role })
		.from(userAccount)
		.where(where)
		.orderBy(asc(userAccount.displayName), asc(userAccount.id));
	if (!rows.length) return [];
	const links =
		'ids' in scope
			? await db.select().from(userInstance).where(inArray(userInstance.userId, rows.map((r) => r.id)))
			: await db
					.select({ userId: userInstance.userId, instanceId: userInstance.instanceId })
					.from(userInstance)
					.innerJoin(userAccount, and(eq(userAccount.id, userInstance.userId), eq(userAccount.municipalityId, scope.municipalityId)));
	const of = new Map<string, string[]>();
	for (const l of links) (of.get(l.userId) ?? of.set(l.userId, []).get(l.userId)!).push(l.instanceId);
	return rows.map((r) => ({ ...r, instanceIds: of.get(r.id) ?? [] }));
}
