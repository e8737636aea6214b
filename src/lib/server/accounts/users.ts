/**
 * User accounts: one role each, scoped to a municipality and (for instance staff) instances of
 * it. Creating and administering users needs `municipality:administer` (the command line and the
 * demo loader act as the system). Administrators change a person's role and instances and
 * disable or enable the account; they never change their own role or disable themselves, so a
 * municipality is never left without its administrator by a slip. Source: issue 2; issue 12 §5;
 * MODEL.md §4.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { authorize, auditActor, worksForInstances, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import type { Db, DbOrTx, Tx } from '../db/client';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isEmail, isUuid } from '../core/validation';
import { listInstances } from '../instances/service';
import { DISPLAY_NAME_MAX, MIN_PASSWORD, ROLES, type Role } from './model';
import { hashPassword, passwordProblem } from './passwords';
import { session, userAccount, userInstance } from './schema';

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
	/** The instances a staff account works for (empty for other roles). */
	instanceIds: string[];
	/** Invited and not yet accepted: no password of their own yet. */
	invited: boolean;
	/** The language mails to the person are written in (a UI locale), if chosen. */
	preferredLocale: string | null;
}

/** Who a new account is for: everything but the password. */
export type AccountInput = Omit<NewUser, 'password'>;

/**
 * Issues of a new account's fields, without the database: `email` invalid_email,
 * `displayName` required|too_long, `role` unknown_role, `instances` required (staff need one).
 */
function accountIssues(input: AccountInput): FieldIssue[] {
	const issues: FieldIssue[] = [];
	if (!isEmail(input.email.trim().toLowerCase())) issues.push({ field: 'email', code: 'invalid_email' });
	const displayName = input.displayName.trim();
	if (!displayName) issues.push({ field: 'displayName', code: 'required' });
	else if (displayName.length > DISPLAY_NAME_MAX) issues.push({ field: 'displayName', code: 'too_long', params: { max: DISPLAY_NAME_MAX } });
	if (!(ROLES as readonly string[]).includes(input.role)) issues.push({ field: 'role', code: 'unknown_role' });
	else if (worksForInstances(input.role) && !(input.instanceIds ?? []).length) issues.push({ field: 'instances', code: 'required' });
	return issues;
}

/**
 * Issues of the instances chosen for an account: each must be an instance of the municipality
 * (`unknown_instance`), and none that is not already assigned may be retired (`adm_retired_instance`).
 */
async function instanceIssues(tx: DbOrTx, municipalityId: string, instanceIds: readonly string[], keep: readonly string[] = []): Promise<FieldIssue[]> {
	if (!instanceIds.length) return [];
	const known = new Map((await listInstances(tx, municipalityId)).map((i) => [i.id, i]));
	if (instanceIds.some((id) => !known.has(id))) return [{ field: 'instances', code: 'unknown_instance' }];
	if (instanceIds.some((id) => known.get(id)!.retiredAt && !keep.includes(id))) return [{ field: 'instances', code: 'adm_retired_instance' }];
	return [];
}

/** The account with this email (lower-cased), if any: id and municipality only. */
async function accountWithEmail(db: DbOrTx, email: string): Promise<{ id: string; municipalityId: string } | null> {
	const [row] = await db.select({ id: userAccount.id, municipalityId: userAccount.municipalityId }).from(userAccount).where(eq(userAccount.email, email));
	return row ?? null;
}

/**
 * Validates and writes a new account with the given password hash, its instances and the audit
 * entry (`action`: `create`, or `invite` for invitations), inside `tx`.
 * @param emailTakenCode the issue code when the email already has an account.
 * @throws ValidationError as `accountIssues` and `instanceIssues`, `email` `emailTakenCode`.
 */
export async function insertAccount(
	tx: Tx,
	principal: Principal,
	input: AccountInput & { preferredLocale?: string | null },
	passwordHash: string,
	options: { action: 'create' | 'invite'; emailTakenCode: string; issues?: FieldIssue[] }
) {
	const email = input.email.trim().toLowerCase();
	const displayName = input.displayName.trim();
	const instanceIds = worksForInstances(input.role) ? [...new Set(input.instanceIds ?? [])] : [];
	const issues = [...accountIssues(input), ...(options.issues ?? [])];
	issues.push(...(await instanceIssues(tx, input.municipalityId, instanceIds)));
	if (!issues.some((i) => i.field === 'email') && (await accountWithEmail(tx, email))) issues.push({ field: 'email', code: options.emailTakenCode });
	if (issues.length) throw new ValidationError(issues);
	const [user] = await tx
		.insert(userAccount)
		.values({ email, displayName, role: input.role, municipalityId: input.municipalityId, passwordHash, preferredLocale: input.preferredLocale ?? null })
		.returning();
	if (instanceIds.length) await tx.insert(userInstance).values(instanceIds.map((instanceId) => ({ userId: user.id, instanceId })));
	await recordAudit(tx, {
		...auditActor(principal),
		municipalityId: input.municipalityId,
		action: options.action,
		entityType: 'user',
		entityId: user.id,
		changes: diffRecords(null, { email, displayName, role: user.role, instanceIds })
	});
	return user;
}

/**
 * Creates a user with a password, audited (without the password). The command line and the
 * demo use it; administrators in the browser invite instead (`invitations.ts`).
 * @throws AccessDeniedError without `municipality:administer` on the municipality.
 * @throws ValidationError: `email` invalid_email|taken, `displayName` required|too_long, `role`
 *   unknown_role, `password` password_too_short|password_common, `instances`
 *   unknown_instance|adm_retired_instance|required.
 */
export async function createUser(db: Db, principal: Principal, input: NewUser) {
	authorize(principal, 'municipality:administer', { municipalityId: input.municipalityId });
	const pw = passwordProblem(input.password);
	const passwordIssues: FieldIssue[] = pw ? [{ field: 'password', code: pw, params: { min: MIN_PASSWORD } }] : [];
	const passwordHash = pw ? '' : await hashPassword(input.password);
	return db.transaction((tx) => insertAccount(tx, principal, input, passwordHash, { action: 'create', emailTakenCode: 'taken', issues: passwordIssues }));
}

const summaryColumns = {
	id: userAccount.id,
	email: userAccount.email,
	displayName: userAccount.displayName,
	role: userAccount.role,
	totpEnabled: userAccount.totpEnabled,
	disabledAt: userAccount.disabledAt,
	preferredLocale: userAccount.preferredLocale,
	// Qualified by hand: drizzle writes a lone `"id"` here, which the subqueries would read as their own.
	instanceIds: sql<string[]>`array(select ui.instance_id::text from user_instance ui where ui.user_id = "user_account"."id" order by 1)`,
	invited: sql<boolean>`exists(select 1 from user_invitation inv where inv.user_id = "user_account"."id")`
};

/**
 * Users of a municipality, by name (no secrets).
 * @throws AccessDeniedError without `municipality:administer` on it.
 */
export async function listUsers(db: DbOrTx, principal: Principal, municipalityId: string): Promise<UserSummary[]> {
	authorize(principal, 'municipality:administer', { municipalityId });
	return db.select(summaryColumns).from(userAccount).where(eq(userAccount.municipalityId, municipalityId)).orderBy(asc(userAccount.displayName));
}

/**
 * One user of the principal's municipality, as administrators see them.
 * @throws NotFoundError when `id` is not a UUID or no account has it.
 * @throws AccessDeniedError without `municipality:administer` on the account's municipality
 *   (also for an account of another municipality: nothing is said about it).
 */
export async function getUser(db: DbOrTx, principal: Principal, id: string): Promise<UserSummary & { municipalityId: string }> {
	if (!isUuid(id)) throw new NotFoundError('user');
	const [row] = await db.select({ ...summaryColumns, municipalityId: userAccount.municipalityId }).from(userAccount).where(eq(userAccount.id, id));
	authorize(principal, 'municipality:administer', { municipalityId: row?.municipalityId });
	if (!row) throw new NotFoundError('user');
	return row;
}

/** Refuses an administrator's change of their own account (`adm_own_account` on `field`). */
function refuseOwn(principal: Principal, userId: string, field: string): void {
	if (principal.kind === 'user' && principal.userId === userId) throw new ValidationError([{ field, code: 'adm_own_account' }]);
}

/**
 * Changes a user's role and instances, audited as `update` of `user` with the old and new
 * values (nothing is recorded when nothing changed). Instances apply to staff only; for other
 * roles they are cleared. Instances the account already works for stay allowed when retired.
 * The change applies from the person's next request (sessions read the account each time).
 * @throws NotFoundError, AccessDeniedError as `getUser`.
 * @throws ValidationError `role` unknown_role | adm_own_account (administrators keep their own
 *   role), `instances` required | unknown_instance | adm_retired_instance.
 */
export async function updateUserAccess(db: Db, principal: Principal, id: string, input: { role: Role; instanceIds: string[] }): Promise<void> {
	const before = await getUser(db, principal, id);
	const instanceIds = worksForInstances(input.role) ? [...new Set(input.instanceIds)].sort() : [];
	const changes = diffRecords({ role: before.role, instanceIds: before.instanceIds }, { role: input.role, instanceIds });
	if (changes.role) refuseOwn(principal, id, 'role');
	await db.transaction(async (tx) => {
		const issues = accountIssues({ ...before, role: input.role, instanceIds });
		issues.push(...(await instanceIssues(tx, before.municipalityId, instanceIds, before.instanceIds)));
		if (issues.length) throw new ValidationError(issues);
		if (!Object.keys(changes).length) return;
		await tx.update(userAccount).set({ role: input.role }).where(eq(userAccount.id, id));
		await tx.delete(userInstance).where(eq(userInstance.userId, id));
		if (instanceIds.length) await tx.insert(userInstance).values(instanceIds.map((instanceId) => ({ userId: id, instanceId })));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: before.municipalityId, action: 'update', entityType: 'user', entityId: id, changes });
	});
}

/**
 * Disables an account (it can no longer sign in; its sessions end at once) or enables it again,
 * audited as `disable` or `enable` of `user`. Doing what is already done changes nothing.
 * @throws NotFoundError, AccessDeniedError as `getUser`.
 * @throws ValidationError `disabled` adm_own_account (administrators cannot disable themselves).
 */
export async function setUserDisabled(db: Db, principal: Principal, id: string, disabled: boolean): Promise<void> {
	const before = await getUser(db, principal, id);
	if (disabled) refuseOwn(principal, id, 'disabled');
	if (!!before.disabledAt === disabled) return;
	const at = disabled ? new Date() : null;
	await db.transaction(async (tx) => {
		await tx.update(userAccount).set({ disabledAt: at }).where(eq(userAccount.id, id));
		if (disabled) await tx.delete(session).where(eq(session.userId, id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: before.municipalityId,
			action: disabled ? 'disable' : 'enable',
			entityType: 'user',
			entityId: id,
			changes: { disabledAt: [before.disabledAt?.toISOString() ?? null, at?.toISOString() ?? null] }
		});
	});
}

/**
 * Display names of users by id, for lists that show who did something (history, proposals,
 * needs reports). Unknown ids are left out.
 */
export async function userNames(db: DbOrTx, ids: readonly string[]): Promise<Map<string, { displayName: string; role: string }>> {
	const unique = [...new Set(ids)].filter(isUuid);
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

