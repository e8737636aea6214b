/**
 * Password reset by emailed single-use link (valid `RESET_MINUTES`). Requests are limited per
 * address and per IP in the database, and answer in the same time whether or not the address
 * has an account: the lookup and the mail happen after the answer (`delivery`). Setting a new
 * password ends every session and voids every other reset link of the account (issue 11 §6;
 * OWASP Forgot Password Cheat Sheet). The mail is in the account's language, else in the one the
 * request came in (issue 12 §4).
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import { ValidationError } from '../core/errors';
import { composeMail, mailLanguages, sendMail } from '../core/mail';
import type { Db, DbOrTx } from '../db/client';
import { locales } from '../../paraglide/runtime.js';
import { LIMITS, MIN_PASSWORD, RESET_MINUTES } from './model';
import { hashPassword, passwordProblem } from './passwords';
import { countFailure, isBlocked } from './rate-limit';
import { passwordResetToken, session, userAccount, userInvitation } from './schema';
import { newToken, sha256 } from './sessions';

/** What a reset request needs besides the address: who asks, and the mail to send. */
export interface ResetRequest {
	email: string;
	/** The requester's IP address (counted, never stored). */
	ip: string;
	/** The language the request came in (the page's): the mail's when the account has none. */
	locale: string;
	/** Builds the absolute link from the token in the mail's language, e.g. `https://…/ar/password/reset/<token>`. */
	linkFor: (token: string, locale: string) => string;
	/** The mail in a language: subject, and the body around the link. */
	texts: (locale: string) => { subject: string; body: (link: string) => string };
}

/**
 * Accepts a reset request. Every request counts towards the limits (3 per address, 20 per IP an
 * hour), known address or not.
 * @returns `rate_limited`, or `accepted` with `delivery`: the lookup, the link and the mail,
 *   which do nothing for an unknown or disabled address. Callers answer before it settles.
 */
export async function requestPasswordReset(db: DbOrTx, request: ResetRequest): Promise<{ status: 'rate_limited' } | { status: 'accepted'; delivery: Promise<void> }> {
	const email = request.email.trim().toLowerCase();
	const addressKey = `reset:${email}`;
	const ipKey = `reset-ip:${request.ip}`;
	if ((await isBlocked(db, addressKey, LIMITS.resetAddress)) || (await isBlocked(db, ipKey, LIMITS.resetIp))) return { status: 'rate_limited' };
	await countFailure(db, addressKey, LIMITS.resetAddress);
	await countFailure(db, ipKey, LIMITS.resetIp);
	const delivery = (async () => {
		const [user] = await db.select().from(userAccount).where(eq(userAccount.email, email));
		if (!user || user.disabledAt) return;
		const token = newToken();
		await db.insert(passwordResetToken).values({ id: sha256(token), userId: user.id, expiresAt: new Date(Date.now() + RESET_MINUTES * 60_000) });
		const [lang] = mailLanguages([user.preferredLocale, request.locale], locales, false);
		const texts = request.texts(lang);
		await sendMail(composeMail(user.email, [{ lang, subject: texts.subject, text: texts.body(request.linkFor(token, lang)) }]));
	})();
	return { status: 'accepted', delivery };
}

/** True while a reset token is unused and unexpired. */
export async function isResetTokenValid(db: DbOrTx, token: string): Promise<boolean> {
	const [row] = await db
		.select({ id: passwordResetToken.id })
		.from(passwordResetToken)
		.where(and(eq(passwordResetToken.id, sha256(token)), isNull(passwordResetToken.usedAt), gt(passwordResetToken.expiresAt, new Date())));
	return !!row;
}

/**
 * Sets a new password through a reset token, ends all the user's sessions and voids every
 * other reset link of the account, audited.
 * @throws ValidationError: `token` invalid_token; `password` password_too_short | password_common.
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
		await tx.delete(passwordResetToken).where(eq(passwordResetToken.userId, row.userId));
		// An invited person who chose "forgot password" instead of the invitation has accepted it.
		await tx.delete(userInvitation).where(eq(userInvitation.userId, row.userId));
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
