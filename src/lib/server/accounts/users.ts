/**
 * User accounts: one role each, scoped to a municipality and (for instance staff) instances of
 * it. Creating users needs `municipality:administer` (the command line and the demo loader act
 * as the system). Source: issue 2; MODEL.md §4.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { authorize, auditActor, worksForInstances, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import type { Db, DbOrTx } from '../db/client';
import { ValidationError, type FieldIssue } from '../core/errors';
import { isEmail } from '../core/validation';
import { listInstances } from '../instances/service';
import { MIN_PASSWORD, ROLES, type Role } from './model';
import { hashPassword, passwordProblem } from './passwords';
import { userAccount, userInstance } from './schema';

/** A new user, scoped to a municipality and (staff) instances of it. */
export interface NewUser {
	email: string;
	displayName: string;
	role: Role;
	municipalityId: string;
	instanceIds?: string[];
	password: string;
}

/** A user as administrators see them: no secrets. */
export interface UserSummary {
	id: string;
	email: string;
	displayName: string;
	role: string;
	totpEnabled: boolean;
	disabledAt: Date | null;
}

/**
 * Creates a user, audited (without the password).
 * @throws AccessDeniedError without `municipality:administer` on the municipality.
 * @throws ValidationError: `email` invalid_email|taken, `displayName` required|too_long, `role`
 *   unknown_role, `password` password_too_short|password_common, `instances`
 *   unknown_instance|required.
 */
export async function createUser(db: Db, principal: Principal, input: NewUser) {
	authorize(principal, 'municipality:administer', { municipalityId: input.municipalityId });
	const email = input.email.trim().toLowerCase();
	const displayName = input.displayName.trim();
	const issues: FieldIssue[] = [];
	if (!isEmail(email)) issues.push({ field: 'email', code: 'invalid_email' });
	if (!displayName) issues.push({ field: 'displayName', code: 'required' });
	else if (displayName.length > 120) issues.push({ field: 'displayName', code: 'too_long', params: { max: 120 } });
	if (!(ROLES as readonly string[]).includes(input.role)) issues.push({ field: 'role', code: 'unknown_role' });
	const pw = passwordProblem(input.password);
	if (pw) issues.push({ field: 'password', code: pw, params: { min: MIN_PASSWORD } });
	const instanceIds = [...new Set(input.instanceIds ?? [])];
	if (worksForInstances(input.role) && instanceIds.length === 0) issues.push({ field: 'instances', code: 'required' });
	return db.transaction(async (tx) => {
		if (instanceIds.length) {
			const found = new Set((await listInstances(tx, input.municipalityId)).map((i) => i.id));
			if (instanceIds.some((id) => !found.has(id))) issues.push({ field: 'instances', code: 'unknown_instance' });
		}
		if (!issues.some((i) => i.field === 'email')) {
			const [existing] = await tx.select({ id: userAccount.id }).from(userAccount).where(eq(userAccount.email, email));
			if (existing) issues.push({ field: 'email', code: 'taken' });
		}
		if (issues.length) throw new ValidationError(issues);
		const [user] = await tx
			.insert(userAccount)
			.values({ email, displayName, role: input.role, municipalityId: input.municipalityId, passwordHash: await hashPassword(input.password) })
			.returning();
		if (instanceIds.length) await tx.insert(userInstance).values(instanceIds.map((instanceId) => ({ userId: user.id, instanceId })));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: input.municipalityId,
			action: 'create',
			entityType: 'user',
			entityId: user.id,
			changes: diffRecords(null, { email, displayName, role: user.role, instanceIds })
		});
		return user;
	});
}

/**
 * Users of a municipality, by name (no secrets).
 * @throws AccessDeniedError without `municipality:administer` on it.
 */
export async function listUsers(db: DbOrTx, principal: Principal, municipalityId: string): Promise<UserSummary[]> {
	authorize(principal, 'municipality:administer', { municipalityId });
	return db
		.select({
			id: userAccount.id,
			email: userAccount.email,
			displayName: userAccount.displayName,
			role: userAccount.role,
			totpEnabled: userAccount.totpEnabled,
			disabledAt: userAccount.disabledAt
		})
		.from(userAccount)
		.where(eq(userAccount.municipalityId, municipalityId))
		.orderBy(asc(userAccount.displayName));
}

/**
 * Display names of users by id, for lists that show who did something (history, proposals,
 * needs reports). Unknown ids are left out.
 */
export async function userNames(db: DbOrTx, ids: readonly string[]): Promise<Map<string, { displayName: string; role: string }>> {
	const unique = [...new Set(ids)];
	if (!unique.length) return new Map();
	const rows = await db
		.select({ id: userAccount.id, displayName: userAccount.displayName, role: userAccount.role })
		.from(userAccount)
		.where(inArray(userAccount.id, unique));
	return new Map(rows.map((r) => [r.id, { displayName: r.displayName, role: r.role }]));
}

/** The user with this email, without secrets; null if none (operators' CLI). */
export async function findUserByEmail(db: DbOrTx, email: string) {
	const [u] = await db
		.select({ id: userAccount.id, email: userAccount.email, displayName: userAccount.displayName, role: userAccount.role, municipalityId: userAccount.municipalityId })
		.from(userAccount)
		.where(eq(userAccount.email, email.trim().toLowerCase()));
	return u ?? null;
}
