/**
 * The second factor: TOTP (RFC 6238, via otpauth; 6 digits, 30 s, ±1 step). Every code is
 * accepted once: the last accepted time step is stored and a code of that step or an earlier
 * one is refused (RFC 6238 §5.2). Enrolment never switches an active factor off, and switching
 * it off needs the current password and a valid code (issue 11 §6).
 */
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { authorize, type UserPrincipal } from '../access';
import { recordAudit } from '../audit/service';
import { ValidationError } from '../core/errors';
import type { Db, DbOrTx } from '../db/client';
import { verifyPassword } from './passwords';
import { countSignInFailure, isSignInBlocked } from './rate-limit';
import { userAccount } from './schema';

const PERIOD = 30;

function totpFor(secret: string, label: string): OTPAuth.TOTP {
	return new OTPAuth.TOTP({ issuer: 'anlaufstelle', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: OTPAuth.Secret.fromBase32(secret) });
}

/** The time step a code for `secret` belongs to (±1 step of now), or null if it is no valid code. */
function totpStep(secret: string, code: string, now: number = Date.now()): number | null {
	const token = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(token)) return null;
	const delta = totpFor(secret, 'check').validate({ token, window: 1, timestamp: now });
	return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
}

/** The current TOTP code for a secret (used by tests and operators' tooling). */
export function currentTotp(secret: string): string {
	return totpFor(secret, 'code').generate();
}

/** The TOTP code for a secret at an instant (milliseconds since the epoch). */
export function totpCodeAt(secret: string, at: number): string {
	return totpFor(secret, 'code').generate({ timestamp: at });
}

/**
 * Spends a code of the user's secret: true only for a valid code newer than the last one
 * accepted, which then becomes the last one (one atomic update, so two requests with the same
 * code cannot both pass).
 */
export async function acceptTotpCode(db: DbOrTx, userId: string, code: string, now: number = Date.now()): Promise<boolean> {
	const [user] = await db.select({ secret: userAccount.totpSecret }).from(userAccount).where(eq(userAccount.id, userId));
	const step = user?.secret ? totpStep(user.secret, code, now) : null;
	if (step === null) return false;
	const spent = await db
		.update(userAccount)
		.set({ totpLastStep: step })
		.where(and(eq(userAccount.id, userId), or(isNull(userAccount.totpLastStep), lt(userAccount.totpLastStep, step))))
		.returning({ id: userAccount.id });
	return spent.length === 1;
}

/**
 * Starts TOTP enrolment for one's own account: stores a new secret, not yet active.
 * @returns the secret and its otpauth URI.
 * @throws ValidationError `totp` totp_active while a second factor is on (switch it off first).
 */
export async function beginTotpEnrolment(db: DbOrTx, principal: UserPrincipal) {
	authorize(principal, 'account:own', { userId: principal.userId });
	const [user] = await db.select().from(userAccount).where(eq(userAccount.id, principal.userId));
	if (user.totpEnabled) throw new ValidationError([{ field: 'totp', code: 'totp_active' }]);
	const secret = new OTPAuth.Secret({ size: 20 }).base32;
	await db.update(userAccount).set({ totpSecret: secret, totpLastStep: null }).where(eq(userAccount.id, principal.userId));
	return { secret, uri: totpFor(secret, user.email).toString() };
}

async function auditTotp(db: DbOrTx, userId: string, municipalityId: string, enabled: boolean): Promise<void> {
	await recordAudit(db, {
		actorUserId: userId,
		municipalityId,
		action: 'update',
		entityType: 'user',
		entityId: userId,
		changes: { totpEnabled: [!enabled, enabled] }
	});
}

/**
 * Switches TOTP on for one's own account if `code` belongs to the enrolled secret, audited.
 * @returns whether it was switched on.
 */
export async function confirmTotp(db: Db, principal: UserPrincipal, code: string): Promise<boolean> {
	authorize(principal, 'account:own', { userId: principal.userId });
	return db.transaction(async (tx) => {
		const [user] = await tx.select().from(userAccount).where(eq(userAccount.id, principal.userId));
		if (!user?.totpSecret || user.totpEnabled || !(await acceptTotpCode(tx, user.id, code))) return false;
		await tx.update(userAccount).set({ totpEnabled: true }).where(eq(userAccount.id, user.id));
		await auditTotp(tx, user.id, user.municipalityId, true);
		return true;
	});
}

/**
 * Switches one's own TOTP off (and forgets the secret), audited. Needs the current password and
 * a valid, unused code; a wrong password counts as a failed sign-in.
 * @param input.now the instant the code is checked for (milliseconds; default now).
 * @throws ValidationError `password` invalid_password | rate_limited, `code` totp_invalid.
 */
export async function disableTotp(db: Db, principal: UserPrincipal, input: { password: string; code: string; ip: string; now?: number }): Promise<void> {
	authorize(principal, 'account:own', { userId: principal.userId });
	if (await isSignInBlocked(db, principal.email, input.ip)) throw new ValidationError([{ field: 'password', code: 'rate_limited' }]);
	const [user] = await db.select().from(userAccount).where(eq(userAccount.id, principal.userId));
	if (!(await verifyPassword(user.passwordHash, input.password))) {
		await countSignInFailure(db, user.email, input.ip);
		throw new ValidationError([{ field: 'password', code: 'invalid_password' }]);
	}
	await db.transaction(async (tx) => {
		if (!user.totpEnabled) return;
		if (!(await acceptTotpCode(tx, user.id, input.code, input.now))) throw new ValidationError([{ field: 'code', code: 'totp_invalid' }]);
		await tx.update(userAccount).set({ totpEnabled: false, totpSecret: null, totpLastStep: null }).where(eq(userAccount.id, user.id));
		await auditTotp(tx, user.id, user.municipalityId, false);
	});
}
