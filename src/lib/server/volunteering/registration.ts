/**
 * Registration without an account (issue 13 §1): a person offers to help on the public page of
 * a municipality (or of one of its Welcome Points); an emailed link (valid `REGISTRATION_HOURS`)
 * confirms the address, and with a password chosen there it becomes a volunteer account and a
 * profile — once: a second use of the link is refused. An address that already has an account
 * gets a message saying so instead; the page answers the same either way, so nobody learns
 * whether an account exists. Requests are limited per address and per IP.
 */
import { and, eq, gt, isNull, lt, or, isNotNull } from 'drizzle-orm';
import { systemPrincipal } from '../access';
import { passwordProblem } from '../accounts/passwords';
import { countFailure, isBlocked, type Limit } from '../accounts/rate-limit';
import { newToken, sha256 } from '../accounts/sessions';
import { accountExists, insertVolunteerAccount } from '../accounts/volunteering-reads';
import { recordAudit } from '../audit/service';
import { MIN_PASSWORD } from '../accounts/model';
import { ValidationError, type FieldIssue } from '../core/errors';
import { isEmail } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { requireMunicipality } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';
import { publicOrigin, sendVolunteerMails } from './mail';
import { REGISTRATION_HOURS } from './model';
import { checkProfile, insertProfile, type CleanProfile, type ProfileInput } from './profiles';
import { volunteerRegistration } from './schema';

const HOUR = 3_600_000;
/** Per address 3, per IP 20 registrations an hour (as password resets). */
const LIMITS = { address: { limit: 3, windowMs: HOUR }, ip: { limit: 20, windowMs: HOUR } } as const satisfies Record<string, Limit>;

/** The system principal registration acts as (the audit log names it). */
const REGISTRATION = systemPrincipal('volunteer-registration');

/** A registration as entered on the public page. */
export interface RegistrationInput {
	municipalitySlug: string;
	/** The Welcome Point's slug when registering on its page. */
	instanceSlug?: string;
	email: string;
	profile: ProfileInput;
	/** The page's language (the link opens in it). */
	locale: string;
	/** The requester's IP (counted, never stored). */
	ip: string;
}

/**
 * Accepts a registration: checks everything, stores it and mails the confirmation link — or,
 * when the address has an account, mails that instead and stores nothing.
 * @returns `sent` in both cases (the page cannot tell them apart).
 * @throws NotFoundError (unknown municipality or instance); ValidationError — `email`
 *   invalid_email | rate_limited, and every issue of `checkProfile`.
 */
export async function register(db: Db, input: RegistrationInput, now: Date = new Date()): Promise<{ status: 'sent' }> {
	const municipality = await requireMunicipality(db, input.municipalitySlug);
	const instance = input.instanceSlug ? await findInstanceBySlug(db, municipality.id, input.instanceSlug) : null;
	if (input.instanceSlug && !instance) throw new ValidationError([{ field: 'instance', code: 'unknown_instance' }]);
	const email = input.email.trim().toLowerCase();
	const issues: FieldIssue[] = [];
	if (!isEmail(email)) issues.push({ field: 'email', code: 'invalid_email' });
	const { clean, issues: profileIssues } = await checkProfile(db, municipality.id, input.profile);
	issues.push(...profileIssues);
	if (issues.length) throw new ValidationError(issues);
	const addressKey = `vo-register:${email}`;
	const ipKey = `vo-register-ip:${input.ip}`;
	if ((await isBlocked(db, addressKey, LIMITS.address)) || (await isBlocked(db, ipKey, LIMITS.ip))) throw new ValidationError([{ field: 'email', code: 'rate_limited' }]);
	await countFailure(db, addressKey, LIMITS.address);
	await countFailure(db, ipKey, LIMITS.ip);
	const base = `${publicOrigin()}/${input.locale}`;
	if (await accountExists(db, email)) {
		await sendVolunteerMails([{ to: email, locale: clean.messageLocale, kind: 'register_exists', params: { municipality: municipality.name, login: `${base}/login`, reset: `${base}/password/forgot` } }]);
		return { status: 'sent' };
	}
	const token = newToken();
	await db.insert(volunteerRegistration).values({
		municipalityId: municipality.id,
		instanceId: instance?.id ?? null,
		email,
		tokenHash: sha256(token),
		data: clean as unknown as Record<string, unknown>,
		createdAt: now,
		expiresAt: new Date(now.getTime() + REGISTRATION_HOURS * HOUR)
	});
	await sendVolunteerMails([{ to: email, locale: clean.messageLocale, kind: 'register', params: { municipality: municipality.name, link: `${base}/m/${municipality.slug}/volunteer/confirm/${token}`, hours: REGISTRATION_HOURS } }]);
	return { status: 'sent' };
}

/** What a confirmation link stands for: `valid` (with the address), `used`, or `invalid` (unknown or expired). */
export async function registrationLink(db: DbOrTx, token: string, now: Date = new Date()): Promise<{ status: 'valid'; email: string; displayName: string } | { status: 'used' | 'invalid' }> {
	const [row] = await db.select().from(volunteerRegistration).where(eq(volunteerRegistration.tokenHash, sha256(token)));
	if (!row) return { status: 'invalid' };
	if (row.usedAt) return { status: 'used' };
	if (row.expiresAt <= now) return { status: 'invalid' };
	return { status: 'valid', email: row.email, displayName: String((row.data as { displayName?: string }).displayName ?? '') };
}

/**
 * Confirms a registration with a password: creates the volunteer account and the profile in
 * one transaction, marks the link used and keeps nothing of what was entered on it.
 * @returns the new account's id (the route signs the person in).
 * @throws ValidationError — `token` invalid_token (unknown or expired) | vo_link_used (a second
 *   registration from the same link, or the address got an account meanwhile); `password`
 *   password_too_short | password_common.
 */
export async function confirmRegistration(db: Db, token: string, password: string, now: Date = new Date()): Promise<{ userId: string; profileId: string }> {
	const problem = passwordProblem(password);
	return db.transaction(async (tx) => {
		const [row] = await tx.select().from(volunteerRegistration).where(eq(volunteerRegistration.tokenHash, sha256(token))).for('update');
		if (!row || (!row.usedAt && row.expiresAt <= now)) throw new ValidationError([{ field: 'token', code: 'invalid_token' }]);
		if (row.usedAt || (await accountExists(tx, row.email))) throw new ValidationError([{ field: 'token', code: 'vo_link_used' }]);
		if (problem) throw new ValidationError([{ field: 'password', code: problem, params: { min: MIN_PASSWORD } }]);
		const clean = row.data as unknown as CleanProfile;
		const userId = await insertVolunteerAccount(tx, { email: row.email, displayName: clean.displayName, municipalityId: row.municipalityId, password, locale: clean.messageLocale });
		await recordAudit(tx, { actorLabel: REGISTRATION.label, municipalityId: row.municipalityId, action: 'create', entityType: 'user', entityId: userId, changes: { role: [null, 'volunteer'] } });
		const profile = await insertProfile(tx, REGISTRATION, { municipalityId: row.municipalityId, instanceId: row.instanceId, userId, clean, now });
		await tx.update(volunteerRegistration).set({ usedAt: now, data: {}, email: '' }).where(eq(volunteerRegistration.id, row.id));
		return { userId, profileId: profile.id };
	});
}

/**
 * Deletes registrations that expired unconfirmed and used links older than a day (nothing of
 * them is needed any more: a used link only has to answer "used" for a while).
 * @returns how many were deleted.
 */
export async function purgeRegistrations(db: DbOrTx, now: Date): Promise<number> {
	const rows = await db
		.delete(volunteerRegistration)
		.where(or(and(isNull(volunteerRegistration.usedAt), lt(volunteerRegistration.expiresAt, now)), and(isNotNull(volunteerRegistration.usedAt), lt(volunteerRegistration.usedAt, new Date(now.getTime() - 24 * HOUR)))))
		.returning({ id: volunteerRegistration.id });
	return rows.length;
}

/** Pending (unconfirmed, unexpired) registrations of a municipality, for the coordinators' overview. */
export async function pendingRegistrations(db: DbOrTx, municipalityId: string, now: Date): Promise<number> {
	return db.$count(volunteerRegistration, and(eq(volunteerRegistration.municipalityId, municipalityId), isNull(volunteerRegistration.usedAt), gt(volunteerRegistration.expiresAt, now)));
}
