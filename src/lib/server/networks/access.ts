/**
 * The gates of a network, shared by the networks services: loading a network with the scope its
 * permissions are asked for (municipality, coordinating instance), who may see it (public, signed
 * in to the municipality, internal: staff, administrators and its own members) and who coordinates
 * it. Every service passes through these before it reads or writes.
 */
import { and, eq, isNull, or, gte, sql } from 'drizzle-orm';
import { authorize, can, isUser, type Principal } from '../access';
import { NotFoundError } from '../core/errors';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { network, networkMembership } from './schema';

export type NetworkRow = typeof network.$inferSelect;

/** The scope of `networks:coordinate` on a network: its municipality and coordinating instance. */
export function coordinationScope(row: Pick<NetworkRow, 'municipalityId' | 'coordinatingInstanceId'>) {
	return { municipalityId: row.municipalityId, instanceId: row.coordinatingInstanceId };
}

/** Whether the principal coordinates the network (administrators, the coordinating instance's staff, the system). */
export function coordinates(principal: Principal | null | undefined, row: Pick<NetworkRow, 'municipalityId' | 'coordinatingInstanceId'>): boolean {
	return can(principal, 'networks:coordinate', coordinationScope(row));
}

/** A network row by id, or NotFoundError for an unknown or malformed id. */
export async function loadNetwork(db: DbOrTx, id: string): Promise<NetworkRow> {
	const [row] = isUuid(id) ? await db.select().from(network).where(eq(network.id, id)) : [];
	if (!row) throw new NotFoundError(`network ${id}`);
	return row;
}

/** Whether the signed-in person has a personal membership in the network that has not ended by `today` (`YYYY-MM-DD`). */
export async function isPersonalMember(db: DbOrTx, principal: Principal | null | undefined, networkId: string, today: string): Promise<boolean> {
	if (!isUser(principal)) return false;
	const [row] = await db
		.select({ id: networkMembership.id })
		.from(networkMembership)
		.where(and(eq(networkMembership.networkId, networkId), eq(networkMembership.userId, principal.userId), or(isNull(networkMembership.endsOn), gte(networkMembership.endsOn, today))))
		.limit(1);
	return !!row;
}

/**
 * Whether the principal may see the network: public ones everyone; `network` ones everyone
 * signed in to its municipality; `internal` ones its administrators and staff, its coordinators
 * and its own members.
 */
export async function maySee(db: DbOrTx, principal: Principal | null | undefined, row: NetworkRow, today: string): Promise<boolean> {
	if (row.visibility === 'public') return true;
	if (row.visibility === 'network' && can(principal, 'networks:take_part', { municipalityId: row.municipalityId })) return true;
	if (can(principal, 'networks:see_internal', { municipalityId: row.municipalityId }) || coordinates(principal, row)) return true;
	return isPersonalMember(db, principal, row.id, today);
}

/**
 * A network the principal may see. A network the principal may not see is not found (its
 * existence is not revealed). @throws NotFoundError.
 */
export async function visibleNetwork(db: DbOrTx, principal: Principal | null | undefined, id: string, today: string): Promise<NetworkRow> {
	const row = await loadNetwork(db, id);
	if (!(await maySee(db, principal, row, today))) throw new NotFoundError(`network ${id}`);
	return row;
}

/** A network the principal coordinates. @throws NotFoundError (unknown or not visible), AccessDeniedError. */
export async function coordinatedNetwork(db: DbOrTx, principal: Principal, id: string, today: string): Promise<NetworkRow> {
	const row = await visibleNetwork(db, principal, id, today);
	authorize(principal, 'networks:coordinate', coordinationScope(row));
	return row;
}

/**
 * The SQL condition "the network is visible to the principal" over `network` for lists, the
 * same rule as `maySee`: public; network-wide when signed in to the municipality; internal for
 * staff and administrators (coordinators among them) and personal members.
 */
export function visibleCondition(principal: Principal | null | undefined, municipalityId: string, today: string) {
	if (can(principal, 'networks:see_internal', { municipalityId })) return sql`true`;
	const levels = can(principal, 'networks:take_part', { municipalityId }) ? ['public', 'network'] : ['public'];
	const member = isUser(principal)
		? sql`exists (select 1 from network_membership nm where nm.network_id = ${network.id} and nm.user_id = ${principal.userId} and (nm.ends_on is null or nm.ends_on >= ${today}))`
		: sql`false`;
	return sql`(${network.visibility} in (${sql.join(levels.map((l) => sql`${l}`), sql`, `)}) or ${member})`;
}
