/**
 * Changing one's own password while signed in (issue 12 §6): the current password is required,
 * and a wrong one is refused and counted by the sign-in rate limiter like a failed sign-in, so
 * the form cannot be used to guess it. The new password follows the same rules as everywhere
 * (`passwords.ts`). Every other session of the account ends and open reset links stop working;
 * the session making the change stays signed in. OWASP ASVS 4.0 §2.1.5–2.1.6, §3.3.3.
 */
import { and, eq, ne } from 'drizzle-orm';
import { authorize, type UserPrincipal } from '../access';
import { recordAudit } from '../audit/service';
import { ValidationError } from '../core/errors';
import type { Db } from '../db/client';
import { MIN_PASSWORD } from './model';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import { clearFailures } from './rate-limit';
import { passwordResetToken, session, userAccount } from './schema';
import { sha256 } from './sessions';
import { requireCurrentPassword } from './totp';

/** A password change: the current and the new password, who asks, and the session to keep. */
export interface PasswordChange {
	current: string;
	next: string;
	/** The requester's IP address (counted on failure, never stored). */
	ip: string;
	/** The cookie token of the session making the change: it stays signed in. */
	sessionToken: string | undefined;
}

/**
 * Changes one's own password, audited as `password_change` (without either password).
 * @throws AccessDeniedError for anyone but the account's owner.
 * @throws ValidationError `current` rate_limited | invalid_password (counted as a failed
 *   sign-in); `next` password_too_short | password_common | adm_password_unchanged. Nothing is
 *   written then.
 */
export async function changeOwnPassword(db: Db, principal: UserPrincipal, input: PasswordChange): Promise<void> {
	authorize(principal, 'account:own', { userId: principal.userId });
	const user = await requireCurrentPassword(db, principal, input.current, input.ip, 'current');
	const problem = passwordProblem(input.next);
	if (problem) throw new ValidationError([{ field: 'next', code: problem, params: { min: MIN_PASSWORD } }]);
	if (await verifyPassword(user.passwordHash, input.next)) throw new ValidationError([{ field: 'next', code: 'adm_password_unchanged' }]);
	const hash = await hashPassword(input.next);
	await db.transaction(async (tx) => {
		await tx.update(userAccount).set({ passwordHash: hash }).where(eq(userAccount.id, user.id));
		const keep = input.sessionToken ? sha256(input.sessionToken) : '';
		await tx.delete(session).where(and(eq(session.userId, user.id), ne(session.id, keep)));
		await tx.delete(passwordResetToken).where(eq(passwordResetToken.userId, user.id));
		await recordAudit(tx, { actorUserId: user.id, municipalityId: user.municipalityId, action: 'password_change', entityType: 'user', entityId: user.id, changes: { password: ['…', '…'] } });
	});
	await clearFailures(db, `login:${user.email}`);
}
