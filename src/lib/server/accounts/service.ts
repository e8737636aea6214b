/**
 * Accounts: users, argon2id passwords (RFC 9106, via @node-rs/argon2), sessions held as SHA-256
 * of a random cookie token, optional TOTP second factor (RFC 6238, via otpauth), and
 * password reset by emailed single-use link. Failed logins are rate-limited per IP and email.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { and, asc, eq, gt, isNull, lt } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { diffRecords, recordAudit } from '../audit/service';
import type { Db, DbOrTx } from '../db/client';
import { ValidationError, type FieldIssue } from '../errors';
import { municipality } from '../geography/schema';
import { instance } from '../instances/schema';
import { sendMail } from '../mail/service';
import { FailureLimiter } from './rate-limit';
import { passwordResetToken, session, userAccount, userInstance } from './schema';

/** Roles, MODEL.md §4: integration office, Welcome Point staff, partner organisations, volunteers. */
export const ROLES = ['municipality_admin', 'instance_staff', 'partner_editor', 'volunteer'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in person as every authorisation check sees them. */
export interface Principal {
	userId: string;
	email: string;
	displayName: string;
	role: Role;
	municipalityId: string;
	municipalitySlug: string;
	/** Instances an `instance_staff` account works for (empty for other roles). */
	instanceIds: string[];
	totpEnabled: boolean;
}

export const SESSION_COOKIE = 'session';
/** Sessions last 12 hours: a working day, not longer. */
export const SESSION_HOURS = 12;
const RESET_MINUTES = 60;
const MIN_PASSWORD = 12;

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** argon2id hash of a password as a PHC string. */
export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2);
}

function sha256(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
	return randomBytes(32).toString('base64url');
}

/** Why a new password is not acceptable (`password_too_short`), or null. */
export function passwordProblem(password: string): string | null {
	return password.length < MIN_PASSWORD ? 'password_too_short' : null;
}

/** A new user, scoped to a municipality and (for staff) instances of it. */
export interface NewUser {
	email: string;
	displayName: string;
	role: Role;
	municipalityId: string;
	instanceIds?: string[];
	password: string;
}

/**
 * Creates a user, audited (without the password).
 * @throws ValidationError: `email` invalid_email|taken, `displayName` required, `role`
 *   unknown_role, `password` password_too_short, `instances` unknown_instance|required.
 */
export async function createUser(db: Db, input: NewUser, actor: { userId?: string; label?: string }) {
	const email = input.email.trim().toLowerCase();
	const issues: FieldIssue[] = [];
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) issues.push({ field: 'email', code: 'invalid_email' });
	if (!input.displayName.trim()) issues.push({ field: 'displayName', code: 'required' });
	if (!ROLES.includes(input.role)) issues.push({ field: 'role', code: 'unknown_role' });
	const pw = passwordProblem(input.password);
	if (pw) issues.push({ field: 'password', code: pw, params: { min: MIN_PASSWORD } });
	const instanceIds = [...new Set(input.instanceIds ?? [])];
	if (input.role === 'instance_staff' && instanceIds.length === 0) {
		issues.push({ field: 'instances', code: 'required' });
	}
	return db.transaction(async (tx) => {
		if (instanceIds.length) {
			const found = await tx
				.select({ id: instance.id })
				.from(instance)
				.where(eq(instance.municipalityId, input.municipalityId));
			if (instanceIds.some((id) => !found.some((f) => f.id === id))) {
				issues.push({ field: 'instances', code: 'unknown_instance' });
			}
		}
		if (!issues.some((i) => i.field === 'email')) {
			const [existing] = await tx.select({ id: userAccount.id }).from(userAccount).where(eq(userAccount.email, email));
			if (existing) issues.push({ field: 'email', code: 'taken' });
		}
		if (issues.length) throw new ValidationError(issues);
		const [user] = await tx
			.insert(userAccount)
			.values({
				email,
				displayName: input.displayName.trim(),
				role: input.role,
				municipalityId: input.municipalityId,
				passwordHash: await hashPassword(input.password)
			})
			.returning();
		if (instanceIds.length) {
			await tx.insert(userInstance).values(instanceIds.map((instanceId) => ({ userId: user.id, instanceId })));
		}
		await recordAudit(tx, {
			actorUserId: actor.userId,
			actorLabel: actor.label,
			municipalityId: input.municipalityId,
			action: 'create',
			entityType: 'user',
			entityId: user.id,
			changes: diffRecords(null, { email, displayName: user.displayName, role: user.role, instanceIds })
		});
		return user;
	});
}

/** Users of a municipality, by name (no secrets). */
export async function listUsers(db: DbOrTx, municipalityId: string) {
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

// Per account 10 failures (keyed by email, or by user for TOTP codes), per IP 50: offices and
// shared accommodation often share one IP.
const failuresByAccount = new FailureLimiter(10, 15 * 60_000);
const failuresByIp = new FailureLimiter(50, 15 * 60_000);

/** Outcome of a password check. */
export type LoginResult =
	| { status: 'ok'; userId: string; needsSecondFactor: boolean }
	| { status: 'invalid' }
	| { status: 'rate_limited' };

// A valid hash to verify against when the email is unknown, so timing does not reveal accounts.
let dummyHash: Promise<string> | undefined;

/**
 * Checks email and password. At most 10 failures per email address and 50 per IP address in
 * 15 minutes.
 * Unknown email and wrong password are indistinguishable to the caller.
 */
export async function checkPassword(db: DbOrTx, emailInput: string, password: string, ip: string): Promise<LoginResult> {
	const email = emailInput.trim().toLowerCase();
	if (failuresByIp.isBlocked(ip) || failuresByAccount.isBlocked(email)) return { status: 'rate_limited' };
	const [user] = await db.select().from(userAccount).where(eq(userAccount.email, email));
	let ok = false;
	if (user && !user.disabledAt) {
		ok = await verify(user.passwordHash, password);
	} else {
		dummyHash ??= hashPassword(newToken());
		await verify(await dummyHash, password);
	}
	if (!ok || !user) {
		failuresByIp.fail(ip);
		failuresByAccount.fail(email);
		return { status: 'invalid' };
	}
	failuresByAccount.reset(email);
	return { status: 'ok', userId: user.id, needsSecondFactor: user.totpEnabled };
}

/** Starts a session. @returns the cookie token (shown once) and its expiry. */
export async function createSession(db: DbOrTx, userId: string, secondFactorDone: boolean) {
	const token = newToken();
	const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
	await db.insert(session).values({ id: sha256(token), userId, secondFactorDone, expiresAt });
	await recordAudit(db, { actorUserId: userId, action: 'login', entityType: 'session', entityId: null });
	return { token, expiresAt };
}

/** Ends a session (logout). */
export async function deleteSession(db: DbOrTx, token: string): Promise<void> {
	await db.delete(session).where(eq(session.id, sha256(token)));
}

/** Removes expired sessions and reset tokens. @returns how many sessions were removed. */
export async function purgeExpired(db: DbOrTx): Promise<number> {
	const now = new Date();
	const removed = await db.delete(session).where(lt(session.expiresAt, now)).returning({ id: session.id });
	await db.delete(passwordResetToken).where(lt(passwordResetToken.expiresAt, now));
	return removed.length;
}

/** The state of a session token: absent/expired, waiting for the second factor, or signed in. */
export type SessionState =
	| { status: 'none' }
	| { status: 'second_factor'; userId: string }
	| { status: 'ok'; principal: Principal };

/** Resolves a cookie token to its principal. */
export async function resolveSession(db: DbOrTx, token: string | undefined): Promise<SessionState> {
	if (!token) return { status: 'none' };
	const [row] = await db
		.select({ s: session, u: userAccount, slug: municipality.slug })
		.from(session)
		.innerJoin(userAccount, eq(userAccount.id, session.userId))
		.innerJoin(municipality, eq(municipality.id, userAccount.municipalityId))
		.where(and(eq(session.id, sha256(token)), gt(session.expiresAt, new Date()), isNull(userAccount.disabledAt)));
	if (!row) return { status: 'none' };
	if (!row.s.secondFactorDone) return { status: 'second_factor', userId: row.u.id };
	const links = await db.select({ id: userInstance.instanceId }).from(userInstance).where(eq(userInstance.userId, row.u.id));
	return {
		status: 'ok',
		principal: {
			userId: row.u.id,
			email: row.u.email,
			displayName: row.u.displayName,
			role: row.u.role as Role,
			municipalityId: row.u.municipalityId,
			municipalitySlug: row.slug,
			instanceIds: row.u.role === 'instance_staff' ? links.map((l) => l.id) : [],
			totpEnabled: row.u.totpEnabled
		}
	};
}

function totpFor(secret: string, label: string): OTPAuth.TOTP {
	return new OTPAuth.TOTP({
		issuer: 'anlaufstelle',
		label,
		algorithm: 'SHA1',
		digits: 6,
		period: 30,
		secret: OTPAuth.Secret.fromBase32(secret)
	});
}

/** True if `code` is the current TOTP code for the secret (±1 step of 30 s). */
export function checkTotp(secret: string, code: string): boolean {
	return totpFor(secret, 'check').validate({ token: code.replace(/\s/g, ''), window: 1 }) !== null;
}

/** The current TOTP code for a secret (used by tests and operators' tooling). */
export function currentTotp(secret: string): string {
	return totpFor(secret, 'code').generate();
}

/**
 * Completes the second factor of a pending session. Failures count towards the login limit.
 * @returns false on a wrong code or when rate-limited.
 */
export async function completeSecondFactor(db: DbOrTx, token: string, code: string, ip: string): Promise<boolean> {
	const state = await resolveSession(db, token);
	if (state.status !== 'second_factor') return false;
	const key = `totp:${state.userId}`;
	if (failuresByAccount.isBlocked(key) || failuresByIp.isBlocked(ip)) return false;
	const [user] = await db.select().from(userAccount).where(eq(userAccount.id, state.userId));
	if (!user.totpSecret || !checkTotp(user.totpSecret, code)) {
		failuresByAccount.fail(key);
		failuresByIp.fail(ip);
		return false;
	}
	failuresByAccount.reset(key);
	await db.update(session).set({ secondFactorDone: true }).where(eq(session.id, sha256(token)));
	return true;
}

/** Starts TOTP enrolment: stores a new secret (not yet enabled). @returns secret and otpauth URI. */
export async function beginTotpEnrolment(db: DbOrTx, userId: string) {
	const [user] = await db.select().from(userAccount).where(eq(userAccount.id, userId));
	const secret = new OTPAuth.Secret({ size: 20 }).base32;
	await db.update(userAccount).set({ totpSecret: secret, totpEnabled: false }).where(eq(userAccount.id, userId));
	return { secret, uri: totpFor(secret, user.email).toString() };
}

/** Switches TOTP on or off (off also forgets the secret), audited. */
async function setTotp(db: DbOrTx, userId: string, enabled: boolean): Promise<void> {
	const [user] = await db
		.update(userAccount)
		.set(enabled ? { totpEnabled: true } : { totpEnabled: false, totpSecret: null })
		.where(eq(userAccount.id, userId))
		.returning();
	await recordAudit(db, {
		actorUserId: userId,
		municipalityId: user.municipalityId,
		action: 'update',
		entityType: 'user',
		entityId: userId,
		changes: { totpEnabled: [!enabled, enabled] }
	});
}

/** Enables TOTP if `code` matches the enrolled secret, audited. @returns whether it was enabled. */
export async function confirmTotp(db: DbOrTx, userId: string, code: string): Promise<boolean> {
	const [user] = await db.select().from(userAccount).where(eq(userAccount.id, userId));
	if (!user?.totpSecret || !checkTotp(user.totpSecret, code)) return false;
	await setTotp(db, userId, true);
	return true;
}

/** Turns TOTP off, audited. */
export function disableTotp(db: DbOrTx, userId: string): Promise<void> {
	return setTotp(db, userId, false);
}

/**
 * Emails a reset link valid for 60 minutes if the address belongs to an active user; does
 * nothing otherwise, so callers answer the same either way.
 * @param linkFor builds the absolute link from the token, e.g. `https://…/de/password/reset/<token>`.
 */
export async function requestPasswordReset(
	db: DbOrTx,
	emailInput: string,
	linkFor: (token: string) => string,
	texts: { subject: string; body: (link: string) => string }
): Promise<void> {
	const email = emailInput.trim().toLowerCase();
	const [user] = await db.select().from(userAccount).where(eq(userAccount.email, email));
	if (!user || user.disabledAt) return;
	const token = newToken();
	await db.insert(passwordResetToken).values({
		id: sha256(token),
		userId: user.id,
		expiresAt: new Date(Date.now() + RESET_MINUTES * 60_000)
	});
	await sendMail({ to: user.email, subject: texts.subject, text: texts.body(linkFor(token)) });
}

/** True while a reset token is unused and unexpired. */
export async function isResetTokenValid(db: DbOrTx, token: string): Promise<boolean> {
	const [row] = await db
		.select()
		.from(passwordResetToken)
		.where(and(eq(passwordResetToken.id, sha256(token)), isNull(passwordResetToken.usedAt), gt(passwordResetToken.expiresAt, new Date())));
	return !!row;
}

/**
 * Sets a new password through a reset token, ends all the user's sessions, audited.
 * @throws ValidationError: `token` invalid_token; `password` password_too_short.
 */
export async function resetPassword(db: Db, token: string, password: string): Promise<void> {
	const pw = passwordProblem(password);
	await db.transaction(async (tx) => {
		const [row] = await tx
			.select()
			.from(passwordResetToken)
			.where(and(eq(passwordResetToken.id, sha256(token)), isNull(passwordResetToken.usedAt), gt(passwordResetToken.expiresAt, new Date())));
		if (!row) throw new ValidationError([{ field: 'token', code: 'invalid_token' }]);
		if (pw) throw new ValidationError([{ field: 'password', code: pw, params: { min: MIN_PASSWORD } }]);
		await tx.update(passwordResetToken).set({ usedAt: new Date() }).where(eq(passwordResetToken.id, row.id));
		const [user] = await tx
			.update(userAccount)
			.set({ passwordHash: await hashPassword(password) })
			.where(eq(userAccount.id, row.userId))
			.returning();
		await tx.delete(session).where(eq(session.userId, row.userId));
		await recordAudit(tx, {
			actorUserId: row.userId,
			municipalityId: user.municipalityId,
			action: 'password_reset',
			entityType: 'user',
			entityId: row.userId,
			changes: { password: ['…', '…'] }
		});
	});
}

/** The user with this email, without secrets; null if none (operators' CLI). */
export async function findUserByEmail(db: DbOrTx, email: string) {
	const [u] = await db.select().from(userAccount).where(eq(userAccount.email, email.trim().toLowerCase()));
	return u ?? null;
}
