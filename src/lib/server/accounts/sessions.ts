/**
 * Signing in and sessions: email and password (argon2id), then the second factor where the
 * account has one; sessions held as the SHA-256 of a random cookie token, ending after
 * `SESSION_HOURS` or after the inactivity timeout (`SESSION_IDLE_MINUTES`, default 30).
 * Failed attempts are limited per account and IP in the database, shared by every process.
 * OWASP ASVS 4.0 V2 (authentication) and V3 (sessions).
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { worksForInstances, type UserPrincipal } from '../access';
import { recordAudit } from '../audit/service';
import type { DbOrTx } from '../db/client';
import { findMunicipalityById } from '../geography/service';
import { readConfig } from '../core/config';
import { LIMITS, SESSION_HOURS, SESSION_TOUCH_MS, type Role } from './model';
import { hashPassword, verifyPassword } from './passwords';
import { clearFailures, countFailure, countSignInFailure, isBlocked, purgeRateLimits } from './rate-limit';
import { passwordResetToken, session, userAccount, userInstance } from './schema';
import { acceptSecondFactor } from './totp';

/** SHA-256 hex of a token (sessions and reset links are stored only as this). */
export function sha256(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** A new random token (256 bits, base64url). */
export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

/** The inactivity timeout in minutes (`SESSION_IDLE_MINUTES`, default 30). */
function idleMinutes(): number {
	return readConfig().sessionIdleMinutes;
}

/** Outcome of a password check. */
export type LoginResult = { status: 'ok'; userId: string; needsSecondFactor: boolean } | { status: 'invalid' } | { status: 'rate_limited' };

// A valid hash to verify against when the email is unknown, so timing does not reveal accounts.
let dummyHash: Promise<string> | undefined;

/**
 * Checks email and password. At most 10 failures per email address and 50 per IP address in
 * 15 minutes, counted in the database. Unknown email and wrong password are indistinguishable
 * to the caller, in answer and in time.
 */
export async function checkPassword(db: DbOrTx, emailInput: string, password: string, ip: string): Promise<LoginResult> {
	const email = emailInput.trim().toLowerCase();
	const accountKey = `login:${email}`;
	const ipKey = `ip:${ip}`;
	if ((await isBlocked(db, ipKey, LIMITS.loginIp)) || (await isBlocked(db, accountKey, LIMITS.loginAccount))) return { status: 'rate_limited' };
	const [user] = await db.select().from(userAccount).where(eq(userAccount.email, email));
	let ok = false;
	if (user && !user.disabledAt) {
		ok = await verifyPassword(user.passwordHash, password);
	} else {
		dummyHash ??= hashPassword(newToken());
		await verifyPassword(await dummyHash, password);
	}
	if (!ok || !user) {
		await countSignInFailure(db, email, ip);
		return { status: 'invalid' };
	}
	await clearFailures(db, accountKey);
	return { status: 'ok', userId: user.id, needsSecondFactor: user.totpEnabled };
}

/** Starts a session, audited. @returns the cookie token (shown once) and its expiry. */
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

/**
 * Removes expired and idle sessions, expired reset links and spent rate-limit windows.
 * @returns how many sessions were removed.
 */
export async function purgeExpired(db: DbOrTx, now: Date = new Date()): Promise<number> {
	const idleSince = new Date(now.getTime() - idleMinutes() * 60_000);
	const removed = await db
		.delete(session)
		.where(sql`${session.expiresAt} < ${now.toISOString()}::timestamptz or ${session.lastSeenAt} < ${idleSince.toISOString()}::timestamptz`)
		.returning({ id: session.id });
	await db.delete(passwordResetToken).where(lt(passwordResetToken.expiresAt, now));
	await purgeRateLimits(db);
	return removed.length;
}

/** The state of a session token: absent/expired, waiting for the second factor, or signed in. */
export type SessionState = { status: 'none' } | { status: 'second_factor'; userId: string } | { status: 'ok'; principal: UserPrincipal };

/**
 * Resolves a cookie token to its principal. A session idle for longer than the inactivity
 * timeout ends here; an active one has its last use recorded (at most once a minute).
 */
export async function resolveSession(db: DbOrTx, token: string | undefined): Promise<SessionState> {
	if (!token) return { status: 'none' };
	const id = sha256(token);
	const [row] = await db
		.select({ s: session, u: userAccount })
		.from(session)
		.innerJoin(userAccount, eq(userAccount.id, session.userId))
		.where(and(eq(session.id, id), gt(session.expiresAt, new Date()), isNull(userAccount.disabledAt)));
	if (!row) return { status: 'none' };
	const now = Date.now();
	if (row.s.lastSeenAt.getTime() < now - idleMinutes() * 60_000) {
		await db.delete(session).where(eq(session.id, id));
		return { status: 'none' };
	}
	if (row.s.lastSeenAt.getTime() < now - SESSION_TOUCH_MS) {
		await db.update(session).set({ lastSeenAt: new Date(now) }).where(eq(session.id, id));
	}
	if (!row.s.secondFactorDone) return { status: 'second_factor', userId: row.u.id };
	const [links, municipality] = await Promise.all([
		db.select({ id: userInstance.instanceId }).from(userInstance).where(eq(userInstance.userId, row.u.id)),
		findMunicipalityById(db, row.u.municipalityId)
	]);
	return {
		status: 'ok',
		principal: {
			kind: 'user',
			userId: row.u.id,
			email: row.u.email,
			displayName: row.u.displayName,
			role: row.u.role as Role,
			municipalityId: row.u.municipalityId,
			municipalitySlug: municipality?.slug ?? '',
			instanceIds: worksForInstances(row.u.role as Role) ? links.map((l) => l.id) : [],
			totpEnabled: row.u.totpEnabled
		}
	};
}

/**
 * Completes the second factor of a pending session with a TOTP code or a recovery code, each
 * accepted once. Failures count towards the sign-in limits.
 * @param now the instant the code is checked for (milliseconds; default now).
 * @returns false on a wrong or reused code, or when rate-limited.
 */
export async function completeSecondFactor(db: DbOrTx, token: string, code: string, ip: string, now: number = Date.now()): Promise<boolean> {
	const state = await resolveSession(db, token);
	if (state.status !== 'second_factor') return false;
	const key = `totp:${state.userId}`;
	if ((await isBlocked(db, key, LIMITS.loginAccount)) || (await isBlocked(db, `ip:${ip}`, LIMITS.loginIp))) return false;
	if (!(await acceptSecondFactor(db, state.userId, code, now))) {
		await countFailure(db, key, LIMITS.loginAccount);
		await countFailure(db, `ip:${ip}`, LIMITS.loginIp);
		return false;
	}
	await clearFailures(db, key);
	await db.update(session).set({ secondFactorDone: true }).where(eq(session.id, sha256(token)));
	return true;
}
