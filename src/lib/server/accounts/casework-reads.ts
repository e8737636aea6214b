/**
 * What casework (Lotsen) reads of the accounts: the active accounts of a municipality as
 * principals, so casework decides with `can()` who may be assigned an accompaniment (volunteers)
 * or have a case shared with them (instance staff of other instances), and the sessions of an
 * account, whose case read purposes end when a case is no longer shared with it (issue 4 §4–§6).
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { worksForInstances, type UserPrincipal } from '../access';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { findMunicipalityById } from '../geography/service';
import type { Role } from './model';
import { session, userAccount, userInstance } from './schema';

/**
 * The active (not disabled) accounts of a municipality as the principals they would be when
 * signed in, by display name (then id); with `ids`, only those of them. Nothing secret is read.
 * @param ids account ids to restrict to; ids that are not UUIDs are ignored.
 * @returns principals with `totpEnabled` as stored and the instances staff work for.
 */
export async function activeAccounts(db: DbOrTx, municipalityId: string, ids?: readonly string[]): Promise<UserPrincipal[]> {
	const wanted = ids?.filter(isUuid);
	if (wanted && !wanted.length) return [];
	const [users, municipality] = await Promise.all([
		db
			.select({ id: userAccount.id, email: userAccount.email, displayName: userAccount.displayName, role: userAccount.role, totpEnabled: userAccount.totpEnabled })
			.from(userAccount)
			.where(and(eq(userAccount.municipalityId, municipalityId), isNull(userAccount.disabledAt), wanted ? inArray(userAccount.id, wanted) : undefined))
			.orderBy(asc(userAccount.displayName), asc(userAccount.id)),
		findMunicipalityById(db, municipalityId)
	]);
	const links = users.length
		? await db.select().from(userInstance).where(inArray(userInstance.userId, users.map((u) => u.id)))
		: [];
	return users.map((u) => ({
		kind: 'user',
		userId: u.id,
		email: u.email,
		displayName: u.displayName,
		role: u.role as Role,
		municipalityId,
		municipalitySlug: municipality?.slug ?? '',
		instanceIds: worksForInstances(u.role as Role) ? links.filter((l) => l.userId === u.id).map((l) => l.instanceId) : [],
		totpEnabled: u.totpEnabled
	}));
}

/** The ids of an account's sessions (the SHA-256 of their cookie tokens), expired ones included. */
export async function sessionIdsOf(db: DbOrTx, userId: string): Promise<string[]> {
	return (await db.select({ id: session.id }).from(session).where(eq(session.userId, userId))).map((s) => s.id);
}
