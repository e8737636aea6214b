/**
 * The second factor: TOTP (RFC 6238, via otpauth; 6 digits, 30 s, ±1 step), with ten one-time
 * recovery codes per enrolment for the day the phone is lost (issue 12 §6). Every TOTP code is
 * accepted once: the last accepted time step is stored and a code of that step or an earlier one
 * is refused (RFC 6238 §5.2). Recovery codes are stored as SHA-256 and each works once, at the
 * second-factor step and wherever a code is asked. Enrolment never switches an active factor
 * off; switching it off needs the current password and a valid code (issue 11 §6). An
 * administrator can reset a person's second factor when both phone and codes are lost.
 */
import { randomBytes } from 'node:crypto';
import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { auditActor, authorize, type Principal, type UserPrincipal } from '../access';
import { recordAudit } from '../audit/service';
import { ValidationError } from '../core/errors';
import type { Db, DbOrTx } from '../db/client';
import { RECOVERY_CODE_COUNT } from './model';
import { verifyPassword } from './passwords';
import { countSignInFailure, isSignInBlocked } from './rate-limit';
import { recoveryCode, session, userAccount } from './schema';
import { sha256 } from './sessions';
import { getUser } from './users';

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

/** Crockford's base32 alphabet: no I, L, O or U, so codes read aloud or typed are not confused. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Characters of a recovery code: 16 × 5 bits = 80 random bits. */
const RECOVERY_LENGTH = 16;

/** A new recovery code, `XXXX-XXXX-XXXX-XXXX` (80 random bits). */
function newRecoveryCode(): string {
	const bytes = randomBytes(RECOVERY_LENGTH);
	const chars = [...bytes].map((b) => CROCKFORD[b & 31]).join('');
	return chars.match(/.{4}/g)!.join('-');
}

/**
 * A typed recovery code in its stored form: upper case, without spaces and hyphens, with the
 * letters people confuse read as Crockford does (O → 0, I and L → 1). Null when it cannot be one.
 */
function normaliseRecoveryCode(input: string): string | null {
	const code = input
		.toUpperCase()
		.replace(/[\s-]/g, '')
		.replace(/O/g, '0')
		.replace(/[IL]/g, '1');
	return code.length === RECOVERY_LENGTH && [...code].every((c) => CROCKFORD.includes(c)) ? code : null;
}

/** Replaces the user's recovery codes with `RECOVERY_CODE_COUNT` new ones. @returns them, to show once. */
async function issueRecoveryCodes(db: DbOrTx, userId: string): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
	await db.delete(recoveryCode).where(eq(recoveryCode.userId, userId));
	await db.insert(recoveryCode).values(codes.map((c) => ({ userId, codeHash: sha256(normaliseRecoveryCode(c)!) })));
	return codes;
}

/** How many unused recovery codes the user has. */
async function recoveryCodesLeft(db: DbOrTx, userId: string): Promise<number> {
	const [row] = await db.select({ n: count() }).from(recoveryCode).where(and(eq(recoveryCode.userId, userId), isNull(recoveryCode.usedAt)));
	return row?.n ?? 0;
}

/**
 * Spends one of the user's recovery codes (one atomic update: a code works once, also for two
 * requests at the same time), audited as `use_recovery_code` with the codes left.
 * @returns false for an unknown or used code.
 */
async function spendRecoveryCode(db: DbOrTx, userId: string, input: string): Promise<boolean> {
	const code = normaliseRecoveryCode(input);
	if (!code) return false;
	const spent = await db
		.update(recoveryCode)
		.set({ usedAt: new Date() })
		.where(and(eq(recoveryCode.userId, userId), eq(recoveryCode.codeHash, sha256(code)), isNull(recoveryCode.usedAt)))
		.returning({ userId: recoveryCode.userId });
	if (!spent.length) return false;
	const [user] = await db.select({ municipalityId: userAccount.municipalityId }).from(userAccount).where(eq(userAccount.id, userId));
	const left = await recoveryCodesLeft(db, userId);
	await recordAudit(db, { actorUserId: userId, municipalityId: user?.municipalityId, action: 'use_recovery_code', entityType: 'user', entityId: userId, changes: { recoveryCodesLeft: [left + 1, left] } });
	return true;
}

/**
 * Spends a second-factor code of the user: a 6-digit TOTP code, or else one of their recovery
 * codes. @returns which kind was accepted, or null for a wrong, reused or malformed code.
 */
export async function acceptSecondFactor(db: DbOrTx, userId: string, code: string, now: number = Date.now()): Promise<'totp' | 'recovery' | null> {
	if (/^\d{6}$/.test(code.replace(/\s/g, ''))) return (await acceptTotpCode(db, userId, code, now)) ? 'totp' : null;
	return (await spendRecoveryCode(db, userId, code)) ? 'recovery' : null;
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

/**
 * One's own second factor as it is now: whether it is on, the unused recovery codes, and an
 * enrolment started and not confirmed yet (its secret and otpauth URI, so the page can show the
 * QR code again after a wrong code or a reload).
 */
export async function secondFactorState(db: DbOrTx, principal: UserPrincipal): Promise<{ enabled: boolean; recoveryCodesLeft: number; pending: { secret: string; uri: string } | null }> {
	authorize(principal, 'account:own', { userId: principal.userId });
	const [user] = await db.select({ secret: userAccount.totpSecret, enabled: userAccount.totpEnabled, email: userAccount.email }).from(userAccount).where(eq(userAccount.id, principal.userId));
	return {
		enabled: user.enabled,
		recoveryCodesLeft: user.enabled ? await recoveryCodesLeft(db, principal.userId) : 0,
		pending: user.secret && !user.enabled ? { secret: user.secret, uri: totpFor(user.secret, user.email).toString() } : null
	};
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
 * Switches TOTP on for one's own account if `code` belongs to the enrolled secret, and issues
 * `RECOVERY_CODE_COUNT` new recovery codes, audited.
 * @returns the recovery codes (shown once), or null when the code was wrong (nothing changes).
 */
export async function confirmTotp(db: Db, principal: UserPrincipal, code: string): Promise<string[] | null> {
	authorize(principal, 'account:own', { userId: principal.userId });
	return db.transaction(async (tx) => {
		const [user] = await tx.select().from(userAccount).where(eq(userAccount.id, principal.userId));
		if (!user?.totpSecret || user.totpEnabled || !(await acceptTotpCode(tx, user.id, code))) return null;
		await tx.update(userAccount).set({ totpEnabled: true }).where(eq(userAccount.id, user.id));
		await auditTotp(tx, user.id, user.municipalityId, true);
		return issueRecoveryCodes(tx, user.id);
	});
}

/**
 * Checks one's own current password before a change to the account's security; a wrong one
 * counts as a failed sign-in (`rate-limit.ts`).
 * @throws ValidationError `<field>` rate_limited | invalid_password.
 */
export async function requireCurrentPassword(db: DbOrTx, principal: UserPrincipal, password: string, ip: string, field = 'password'): Promise<typeof userAccount.$inferSelect> {
	if (await isSignInBlocked(db, principal.email, ip)) throw new ValidationError([{ field, code: 'rate_limited' }]);
	const [user] = await db.select().from(userAccount).where(eq(userAccount.id, principal.userId));
	if (!(await verifyPassword(user.passwordHash, password))) {
		await countSignInFailure(db, user.email, ip);
		throw new ValidationError([{ field, code: 'invalid_password' }]);
	}
	return user;
}

/**
 * Replaces one's own recovery codes with new ones (the old ones stop working), audited. Needs
 * the current password and an active second factor.
 * @returns the new codes, to show once.
 * @throws ValidationError `password` rate_limited | invalid_password; `totp` adm_totp_inactive.
 */
export async function renewRecoveryCodes(db: Db, principal: UserPrincipal, input: { password: string; ip: string }): Promise<string[]> {
	authorize(principal, 'account:own', { userId: principal.userId });
	const user = await requireCurrentPassword(db, principal, input.password, input.ip);
	if (!user.totpEnabled) throw new ValidationError([{ field: 'totp', code: 'adm_totp_inactive' }]);
	return db.transaction(async (tx) => {
		const codes = await issueRecoveryCodes(tx, user.id);
		await recordAudit(tx, { actorUserId: user.id, municipalityId: user.municipalityId, action: 'renew_recovery_codes', entityType: 'user', entityId: user.id, changes: { recoveryCodesLeft: [null, codes.length] } });
		return codes;
	});
}

/**
 * Switches one's own TOTP off (and forgets the secret and the recovery codes), audited. Needs
 * the current password and a valid, unused code (a TOTP code or a recovery code); a wrong
 * password counts as a failed sign-in.
 * @param input.now the instant the code is checked for (milliseconds; default now).
 * @throws ValidationError `password` invalid_password | rate_limited, `code` totp_invalid.
 */
export async function disableTotp(db: Db, principal: UserPrincipal, input: { password: string; code: string; ip: string; now?: number }): Promise<void> {
	authorize(principal, 'account:own', { userId: principal.userId });
	const user = await requireCurrentPassword(db, principal, input.password, input.ip);
	await db.transaction(async (tx) => {
		if (!user.totpEnabled) return;
		if (!(await acceptSecondFactor(tx, user.id, input.code, input.now))) throw new ValidationError([{ field: 'code', code: 'totp_invalid' }]);
		await tx.update(userAccount).set({ totpEnabled: false, totpSecret: null, totpLastStep: null }).where(eq(userAccount.id, user.id));
		await tx.delete(recoveryCode).where(eq(recoveryCode.userId, user.id));
		await auditTotp(tx, user.id, user.municipalityId, false);
	});
}

/**
 * An administrator switches a person's second factor off when they lost both phone and recovery
 * codes (issue 12 §5): secret and codes are forgotten and the person's sessions end, so the next
 * sign-in asks only for the password; audited as `reset_second_factor` of `user`. Administrators
 * cannot reset their own (they switch it off on their account page, with a code).
 * @throws NotFoundError, AccessDeniedError as `getUser`.
 * @throws ValidationError `totp` adm_own_account | adm_totp_inactive.
 */
export async function resetSecondFactor(db: Db, principal: Principal, userId: string): Promise<void> {
	const user = await getUser(db, principal, userId);
	if (principal.kind === 'user' && principal.userId === userId) throw new ValidationError([{ field: 'totp', code: 'adm_own_account' }]);
	if (!user.totpEnabled) throw new ValidationError([{ field: 'totp', code: 'adm_totp_inactive' }]);
	await db.transaction(async (tx) => {
		await tx.update(userAccount).set({ totpEnabled: false, totpSecret: null, totpLastStep: null }).where(eq(userAccount.id, userId));
		await tx.delete(recoveryCode).where(eq(recoveryCode.userId, userId));
		await tx.delete(session).where(eq(session.userId, userId));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: user.municipalityId, action: 'reset_second_factor', entityType: 'user', entityId: userId, changes: { totpEnabled: [true, false] } });
	});
}
