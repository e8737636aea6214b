/**
 * Accounts by invitation (issue 12 §5): an administrator names the person, their role and
 * instances and the language of the mail; the person receives a single-use link (valid
 * `INVITATION_DAYS`), sets their own password there and may then enrol a second factor.
 *
 * The account exists from the invitation on, so its role and instances can be changed before the
 * person accepts, and an address can never be invited twice. Until then its password is the
 * argon2id hash of a random token that is thrown away: nobody can sign in to it. The link is
 * stored as the SHA-256 of its token, like reset links; accepting deletes every invitation of
 * the account. OWASP ASVS 4.0 §2.5 (credential recovery), §2.7 (out-of-band links).
 */
import { and, eq, gt } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { ConflictError, ValidationError, type FieldIssue } from '../core/errors';
import { errorFields, log } from '../core/log';
import { sendMail } from '../core/mail';
import type { Db, DbOrTx, Tx } from '../db/client';
import { isLocale } from '../../paraglide/runtime.js';
import { INVITATION_DAYS, MIN_PASSWORD } from './model';
import { hashPassword, passwordProblem } from './passwords';
import { passwordResetToken, session, userAccount, userInvitation } from './schema';
import { newToken, sha256 } from './sessions';
import { getUser, insertAccount, type AccountInput } from './users';

/** The mail of an invitation, written by the caller in the invitee's language. */
export interface InvitationMail {
	/** The absolute link for a token, e.g. `https://…/ar/invitation/<token>`. */
	linkFor: (token: string) => string;
	subject: string;
	/** The body around the link. */
	body: (link: string) => string;
}

/**
 * Writes a new invitation of `userId` (voiding earlier ones) and sends its mail, inside `tx`, so
 * a mail that cannot be sent leaves nothing behind.
 * @throws ValidationError `email` adm_mail_failed when the mail server refuses the message.
 */
async function issueInvitation(tx: Tx, principal: Principal, user: { id: string; email: string }, mail: InvitationMail): Promise<Date> {
	const token = newToken();
	const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
	await tx.delete(userInvitation).where(eq(userInvitation.userId, user.id));
	await tx.insert(userInvitation).values({ id: sha256(token), userId: user.id, invitedBy: principal.kind === 'user' ? principal.userId : null, expiresAt });
	try {
		await sendMail({ to: user.email, subject: mail.subject, text: mail.body(mail.linkFor(token)) });
	} catch (e) {
		log.warn({ ...errorFields(e), userId: user.id }, 'invitation mail not sent');
		throw new ValidationError([{ field: 'email', code: 'adm_mail_failed' }]);
	}
	return expiresAt;
}

/**
 * Creates an account by invitation and mails the link to the person, audited as `invite` of
 * `user` (without the link). Nothing is written when the mail cannot be sent.
 * @param input.locale the UI language the mails to the person are written in (`de`, `ar`, …).
 * @throws AccessDeniedError without `municipality:administer` on the municipality.
 * @throws ValidationError `email` invalid_email | adm_email_has_account (the address already has an
 *   account, of this or another municipality) | adm_mail_failed; `displayName` required | too_long;
 *   `role` unknown_role; `instances` required | unknown_instance | adm_retired_instance; `locale`
 *   unknown_value.
 */
export async function inviteUser(db: Db, principal: Principal, input: AccountInput & { locale: string }, mail: InvitationMail): Promise<{ id: string; expiresAt: Date }> {
	authorize(principal, 'municipality:administer', { municipalityId: input.municipalityId });
	const issues: FieldIssue[] = isLocale(input.locale) ? [] : [{ field: 'locale', code: 'unknown_value' }];
	// Nobody knows this password: the account cannot be signed in to until the link is used.
	const unusable = await hashPassword(newToken());
	return db.transaction(async (tx) => {
		const user = await insertAccount(tx, principal, { ...input, preferredLocale: input.locale }, unusable, { action: 'invite', emailTakenCode: 'adm_email_has_account', issues });
		return { id: user.id, expiresAt: await issueInvitation(tx, principal, user, mail) };
	});
}

/**
 * Sends a new invitation link to an account that has not accepted yet (the earlier links stop
 * working), audited as `invite` of `user` with the new expiry.
 * @throws NotFoundError, AccessDeniedError as `getUser`.
 * @throws ConflictError `adm_not_invited` when the person has already set their password.
 * @throws ValidationError `email` adm_mail_failed.
 */
export async function resendInvitation(db: Db, principal: Principal, userId: string, mail: InvitationMail): Promise<{ expiresAt: Date }> {
	const user = await getUser(db, principal, userId);
	if (!user.invited) throw new ConflictError('adm_not_invited');
	return db.transaction(async (tx) => {
		const expiresAt = await issueInvitation(tx, principal, user, mail);
		await recordAudit(tx, { ...auditActor(principal), municipalityId: user.municipalityId, action: 'invite', entityType: 'user', entityId: userId, changes: { expiresAt: [null, expiresAt.toISOString()] } });
		return { expiresAt };
	});
}

/** The valid invitation of a token with its account, or null (unknown, used, expired). */
async function openInvitation(db: DbOrTx, token: string) {
	const [row] = await db
		.select({ userId: userInvitation.userId, email: userAccount.email, displayName: userAccount.displayName, municipalityId: userAccount.municipalityId, disabledAt: userAccount.disabledAt })
		.from(userInvitation)
		.innerJoin(userAccount, eq(userAccount.id, userInvitation.userId))
		.where(and(eq(userInvitation.id, sha256(token)), gt(userInvitation.expiresAt, new Date())));
	return row && !row.disabledAt ? row : null;
}

/**
 * What the invitation page shows before the password is set: the address and name the account
 * was made for. Null when the link is unknown, used, expired, or the account was disabled.
 */
export async function invitationFor(db: DbOrTx, token: string): Promise<{ email: string; displayName: string } | null> {
	const row = await openInvitation(db, token);
	return row ? { email: row.email, displayName: row.displayName } : null;
}

/**
 * Accepts an invitation: sets the person's first password, deletes every invitation and reset
 * link of the account, audited as `accept_invitation` by the person.
 * @returns the account's id (the caller signs the person in).
 * @throws ValidationError `token` invalid_token; `password` password_too_short | password_common.
 */
export async function acceptInvitation(db: Db, token: string, password: string): Promise<string> {
	const pw = passwordProblem(password);
	const hash = pw ? '' : await hashPassword(password);
	return db.transaction(async (tx) => {
		const row = await openInvitation(tx, token);
		if (!row) throw new ValidationError([{ field: 'token', code: 'invalid_token' }]);
		if (pw) throw new ValidationError([{ field: 'password', code: pw, params: { min: MIN_PASSWORD } }]);
		// Guarded by the token's row: of two requests with the same link only one deletes it.
		const spent = await tx.delete(userInvitation).where(eq(userInvitation.id, sha256(token))).returning({ id: userInvitation.id });
		if (!spent.length) throw new ValidationError([{ field: 'token', code: 'invalid_token' }]);
		await tx.delete(userInvitation).where(eq(userInvitation.userId, row.userId));
		await tx.delete(passwordResetToken).where(eq(passwordResetToken.userId, row.userId));
		await tx.delete(session).where(eq(session.userId, row.userId));
		await tx.update(userAccount).set({ passwordHash: hash }).where(eq(userAccount.id, row.userId));
		await recordAudit(tx, { actorUserId: row.userId, municipalityId: row.municipalityId, action: 'accept_invitation', entityType: 'user', entityId: row.userId, changes: { password: ['…', '…'] } });
		return row.userId;
	});
}
