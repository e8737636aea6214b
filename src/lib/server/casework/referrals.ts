/**
 * Closed-loop referrals (Verweisen, issue 4 §3): issuing a referral to an offer or actor creates
 * a random partner token (256 bits, base64url; only its SHA-256 is stored) and a short reference
 * code for the phone. The referral slip carries the link `/{lang}/r/{token}`; the receiving
 * partner reports received → appointment → helped / not possible without an account. When the
 * partner's entry has an email address, the link is also mailed to it, and can be mailed again
 * (issue 12 §7): each mail carries a token of its own (`referral_mail`, hash only), valid as long
 * as the slip's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, lte, notInArray, sql } from 'drizzle-orm';
import { auditActor, authorize, can, systemPrincipal, type Principal } from '../access';
import { recordAudit, type AuditInput } from '../audit/service';
import { composeMail, mailLanguages, sendMail } from '../core/mail';
import { AccessDeniedError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { SUBTOPICS, THEME_FIELDS, VISIBILITIES } from '../directory/model';
import { getOrganization, getService, visibleLevels } from '../directory/service';
import { originalLanguage } from '../directory/texts';
import { caseworkInstance } from '../instances/casework-reads';
import { locales } from '../../paraglide/runtime.js';
import { recordingInstance, requireCase } from './access';
import { decryptText, encryptText } from './crypto';
import {
	FINAL_REFERRAL_STATUSES,
	NEEDS_SUMMARY_MAX,
	PARTNER_SHAREABLE_CATEGORIES,
	REFERRAL_FAILURE_REASONS,
	REFERRAL_STATUSES,
	type ReferralStatus
} from './model';
import { onlyDistrictOf } from './places';
import { caseConsent, referral, referralEvent, referralMail } from './schema';
import { getCaseworkSettings } from './settings';

/** A partner token as issued: 32 random bytes in base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 (hex) of a partner token, the only form in which tokens are stored. */
export function hashReferralToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function referenceCode(): string {
	const bytes = randomBytes(8);
	const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
	return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** All topic keys a referral may be about: sub-topics and theme fields. */
export function isTopicKey(key: string): boolean {
	return THEME_FIELDS.some((t) => t.key === key) || Object.values(SUBTOPICS).some((list) => list.some((s) => s.key === key));
}

/** What to refer to, from a contact or a case of `instanceId`. */
export interface ReferralInput {
	instanceId: string;
	/**
	 * The Stadtbezirk the referral is counted for (a contact's district); when absent, the one
	 * district the instance's Sozialräume lie in, if only one.
	 */
	districtId?: string | null;
	/** Exactly one of `serviceId` (an offer) and `organizationId` (an actor). */
	serviceId?: string | null;
	organizationId?: string | null;
	/** Sub-topic or theme-field key. */
	topic: string;
	contactId?: string | null;
	caseId?: string | null;
	/** What the person consented to pass on (only for case referrals; checked against the consent). */
	shared?: { displayName?: string; language?: string; needsSummary?: string };
}

/** A freshly issued referral: the row and the token, which exists only here and on the slip. */
export interface IssuedReferral {
	referral: typeof referral.$inferSelect;
	token: string;
}

/**
 * Issues a referral with a new partner token, in the caller's transaction when given one. Case
 * referrals need the case writable and a consent covering `referral`; data in `shared` must be
 * among the consent's `partnerCategories`, and they are audited (`create` / `referral`, shared
 * data only as a marker); referrals of a contact are audited with the contact.
 * @throws AccessDeniedError without `contacts:record` on the instance (also for an unknown
 *   instance) or, for a case referral, without `cases:work` on the case or when the case is
 *   held by another instance; NotFoundError / CaseLockedError from `requireCase`;
 *   ValidationError — `topic` `unknown_value`, `target` `required` | `unknown_value`, `case`
 *   `consent_missing_purpose`, `shared.<key>` `consent_not_covered`, `shared.needsSummary`
 *   `too_long` {max}.
 */
export async function issueReferral(db: DbOrTx, principal: Principal, input: ReferralInput, now: Date = new Date()): Promise<IssuedReferral> {
	const inst = await caseworkInstance(db, input.instanceId);
	if (!inst) throw new AccessDeniedError();
	const municipalityId = inst.municipalityId;
	if (!input.caseId) authorize(principal, 'contacts:record', { municipalityId, instanceId: inst.id });
	const issues: FieldIssue[] = [];
	if (!isTopicKey(input.topic)) issues.push({ field: 'topic', code: 'unknown_value' });
	if (!!input.serviceId === !!input.organizationId) issues.push({ field: 'target', code: 'required' });
	let targetLabel = '';
	let organizationId = input.organizationId ?? null;
	// The system sees every entry; people what the directory shows them.
	const levels = principal.kind === 'system' ? [...VISIBILITIES] : visibleLevels(principal, municipalityId);
	if (input.serviceId) {
		const offer = await getService(db, input.serviceId, levels);
		if (!offer || offer.municipalityId !== municipalityId) issues.push({ field: 'target', code: 'unknown_value' });
		else {
			targetLabel = offer.name[originalLanguage(offer.name) ?? 'de']?.text ?? '';
			organizationId = offer.organizationId;
		}
	} else if (input.organizationId) {
		const org = await getOrganization(db, input.organizationId, levels);
		if (!org || org.municipalityId !== municipalityId) issues.push({ field: 'target', code: 'unknown_value' });
		else targetLabel = org.name;
	}
	let sharedEnc: string | null = null;
	const shared = Object.fromEntries(Object.entries(input.shared ?? {}).filter(([, v]) => v));
	if (input.caseId) {
		const { caseRow, consent } = await requireCase(db, principal, input.caseId, 'write');
		if (caseRow.instanceId !== inst.id) throw new AccessDeniedError();
		if (!consent.purposes.includes('referral')) issues.push({ field: 'case', code: 'consent_missing_purpose' });
		const categoryOf: Record<string, string> = { displayName: 'display_name', language: 'language', needsSummary: 'needs_summary' };
		for (const key of Object.keys(shared)) {
			const category = categoryOf[key];
			if (!category || !(PARTNER_SHAREABLE_CATEGORIES as readonly string[]).includes(category) || !consent.partnerCategories.includes(category)) {
				issues.push({ field: `shared.${key}`, code: 'consent_not_covered' });
			}
		}
		if ((shared.needsSummary?.length ?? 0) > NEEDS_SUMMARY_MAX) issues.push({ field: 'shared.needsSummary', code: 'too_long', params: { max: NEEDS_SUMMARY_MAX } });
		if (Object.keys(shared).length) sharedEnc = encryptText(JSON.stringify(shared));
	}
	if (issues.length) throw new ValidationError(issues);
	const districtId = input.districtId !== undefined ? input.districtId : await onlyDistrictOf(db, inst.socialSpaceIds);
	const settings = await getCaseworkSettings(db, municipalityId);
	const token = randomBytes(32).toString('base64url');
	const actorId = principal.kind === 'user' ? principal.userId : null;
	const [row] = await db
		.insert(referral)
		.values({
			municipalityId,
			instanceId: inst.id,
			districtId,
			contactId: input.contactId ?? null,
			caseId: input.caseId ?? null,
			serviceId: input.serviceId ?? null,
			organizationId,
			targetLabel,
			topic: input.topic,
			tokenHash: hashReferralToken(token),
			referenceCode: referenceCode(),
			sharedEnc,
			statusChangedAt: now,
			expiresAt: new Date(now.getTime() + settings.referralTokenDays * 86_400_000),
			createdBy: actorId,
			createdAt: now
		})
		.returning();
	await db.insert(referralEvent).values({ referralId: row.id, status: 'issued', byLabel: principal.kind === 'user' ? principal.userId : principal.label, at: now });
	if (row.caseId) {
		await recordAudit(db, {
			...auditActor(principal),
			municipalityId,
			action: 'create',
			entityType: 'referral',
			entityId: row.id,
			changes: {
				caseId: [null, row.caseId],
				topic: [null, row.topic],
				serviceId: [null, row.serviceId],
				organizationId: [null, row.organizationId],
				...(sharedEnc ? { shared: [null, '…'] } : {})
			}
		});
	}
	return { referral: row, token };
}

/**
 * The referral a partner token belongs to — the slip's, or one sent by mail while the slip's
 * still exists — or null for unknown/tampered/erased tokens.
 */
export async function findReferralByToken(db: DbOrTx, token: string) {
	if (!TOKEN.test(token)) return null;
	const hash = hashReferralToken(token);
	const [row] = await db.select().from(referral).where(eq(referral.tokenHash, hash));
	if (row) return row;
	const [mailed] = await db
		.select({ r: referral })
		.from(referralMail)
		.innerJoin(referral, eq(referral.id, referralMail.referralId))
		.where(and(eq(referralMail.tokenHash, hash), isNotNull(referral.tokenHash)));
	return mailed?.r ?? null;
}

/** The message key that names a topic (sub-topic or theme field) in the UI. */
export function topicMessageKey(topic: string): string {
	return THEME_FIELDS.some((t) => t.key === topic) ? `opt_theme_fields_${topic}` : `subtopic_${topic}`;
}

/**
 * Where the slip for a freshly issued referral is printed: the offer's slip with the token for
 * offers, the minimal referral slip for actors. The token travels only in this URL and on paper.
 */
export function referralSlipPath(lang: string, municipalitySlug: string, row: { id: string; serviceId: string | null }, token: string): string {
	const ref = encodeURIComponent(token);
	return row.serviceId
		? `/${lang}/m/${municipalitySlug}/o/${row.serviceId}/slip?ref=${ref}`
		: `/${lang}/staff/referrals/${row.id}/slip?ref=${ref}`;
}

/** What a receiving partner may see of the person, decrypted; only the consented keys. */
export interface PartnerShared {
	displayName?: string;
	language?: string;
	needsSummary?: string;
}

const SHARED_CATEGORY: Record<keyof PartnerShared, string> = {
	displayName: 'display_name',
	language: 'language',
	needsSummary: 'needs_summary'
};

/**
 * The state of a partner link:
 * - `malformed` — not 43 base64url characters (HTTP 400);
 * - `unknown` — no referral has this token: tampered, never issued, or erased by the Löschplan
 *   (only the token's hash is stored, so an erased token cannot be told from a forged one; 404);
 * - `expired` — `expiresAt` passed, or the consent of the referral's case was withdrawn (410);
 * - `completed` — the partner already reported a final status (410);
 * - `valid` — with the referral and what the consent lets the partner see.
 */
export type PartnerLinkState =
	| { status: 'malformed' | 'unknown' | 'expired' | 'completed' }
	| { status: 'valid'; referral: typeof referral.$inferSelect; shared: PartnerShared };

/** Resolves a partner token at `now` (see `PartnerLinkState`). Reads only; nothing is audited. */
export async function resolvePartnerLink(db: DbOrTx, token: string, now: Date = new Date()): Promise<PartnerLinkState> {
	if (!TOKEN.test(token)) return { status: 'malformed' };
	const row = await findReferralByToken(db, token);
	if (!row) return { status: 'unknown' };
	return linkState(db, row, now);
}

/** The state of a found referral's partner link at `now` (see `PartnerLinkState`). */
async function linkState(db: DbOrTx, row: typeof referral.$inferSelect, now: Date): Promise<PartnerLinkState> {
	if (!row.tokenHash) return { status: 'unknown' };
	if (FINAL_REFERRAL_STATUSES.includes(row.status as ReferralStatus)) return { status: 'completed' };
	if (row.expiresAt <= now) return { status: 'expired' };
	let allowed: string[] = [];
	if (row.caseId) {
		const [consent] = await db.select().from(caseConsent).where(eq(caseConsent.caseId, row.caseId));
		if (!consent || consent.withdrawnAt) return { status: 'expired' };
		allowed = consent.partnerCategories;
	}
	const shared: PartnerShared = {};
	if (row.sharedEnc && allowed.length) {
		const stored = JSON.parse(decryptText(row.sharedEnc)) as Record<string, unknown>;
		for (const key of Object.keys(SHARED_CATEGORY) as (keyof PartnerShared)[]) {
			const value = stored[key];
			// The consent may have been narrowed since issue: show only what it covers today.
			if (typeof value === 'string' && value && allowed.includes(SHARED_CATEGORY[key])) shared[key] = value;
		}
	}
	return { status: 'valid', referral: row, shared };
}

/** What a partner-link mail says about its referral, for the texts in each language. */
export interface PartnerMailFacts {
	/** The partner link (in the mail's first language). */
	link: string;
	referenceCode: string;
	/** Sub-topic or theme-field key. */
	topic: string;
	/** The referring Welcome Point. */
	instance: string;
	/** When the link stops working. */
	expires: Date;
}

/** The partner-link mail in one language. */
export type PartnerMailTexts = (locale: string, facts: PartnerMailFacts) => { subject: string; body: string };

/** Where the partner of a referral reads mail, and the language its entry was written in. */
async function partnerAddress(db: DbOrTx, row: typeof referral.$inferSelect): Promise<{ email: string; lang: string | null } | null> {
	const all = [...VISIBILITIES];
	if (row.serviceId) {
		const offer = await getService(db, row.serviceId, all);
		if (offer) {
			const email = offer.email || offer.organization.email;
			return email ? { email, lang: originalLanguage(offer.name) ?? null } : null;
		}
	}
	if (!row.organizationId) return null;
	const org = await getOrganization(db, row.organizationId, all);
	return org?.email ? { email: org.email, lang: originalLanguage(org.description) ?? null } : null;
}

/**
 * Mails the partner link of a referral to the receiving partner (issue 12 §7): to the offer's
 * address, else its actor's, in the partner's language — the one its entry was written in,
 * where the platform has it — with German beside it. The mail holds a new token (only its
 * SHA-256 is stored) that works as long as the referral's own link; the slip's link stays as
 * it is. Nothing about the person referred is in the mail: the partner sees behind the link what
 * the consent lets them see. Written, audited (`send_partner_link`, without the address) and
 * sent in one transaction, so a mail that fails leaves no trace; sending again is the same call.
 * @param options.linkFor the absolute partner link for a token, e.g. `https://…/tr/r/<token>`.
 * @returns the address and the languages of the mail.
 * @throws NotFoundError (unknown or malformed referral id); AccessDeniedError as
 *   `markFollowUpDone`; ValidationError `referral` `link_unusable` (completed, expired, erased,
 *   consent withdrawn) | `no_partner_email` (no address in the partner's entry).
 */
export async function mailPartnerLink(
	db: Db,
	principal: Principal | null | undefined,
	referralId: string,
	options: { linkFor: (token: string, locale: string) => string; texts: PartnerMailTexts; now?: Date }
): Promise<{ email: string; languages: string[] }> {
	if (!principal) throw new AccessDeniedError();
	if (!isUuid(referralId)) throw new NotFoundError(`referral ${referralId}`);
	const now = options.now ?? new Date();
	const [row] = await db.select().from(referral).where(eq(referral.id, referralId));
	if (!row) throw new NotFoundError(`referral ${referralId}`);
	if (!can(principal, 'contacts:record', { municipalityId: row.municipalityId, instanceId: row.instanceId })) {
		if (!row.caseId) throw new AccessDeniedError();
		await requireCase(db, principal, row.caseId, 'read');
	}
	if ((await linkState(db, row, now)).status !== 'valid') throw new ValidationError([{ field: 'referral', code: 'link_unusable' }]);
	const partner = await partnerAddress(db, row);
	if (!partner) throw new ValidationError([{ field: 'referral', code: 'no_partner_email' }]);
	const languages = mailLanguages([partner.lang], locales, true);
	const inst = await caseworkInstance(db, row.instanceId);
	const token = randomBytes(32).toString('base64url');
	const facts: PartnerMailFacts = { link: options.linkFor(token, languages[0]), referenceCode: row.referenceCode ?? '', topic: row.topic, instance: inst?.name ?? '', expires: row.expiresAt };
	await db.transaction(async (tx) => {
		await tx.insert(referralMail).values({ referralId: row.id, tokenHash: hashReferralToken(token), languages: languages.join(', '), sentBy: principal.kind === 'user' ? principal.userId : null, sentAt: now });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: row.municipalityId,
			action: 'send_partner_link',
			entityType: 'referral',
			entityId: row.id,
			changes: { sentAt: [null, now.toISOString()], languages: [null, languages.join(', ')] }
		});
		await sendMail(
			composeMail(
				partner.email,
				languages.map((lang) => {
					const t = options.texts(lang, facts);
					return { lang, subject: t.subject, text: t.body };
				})
			)
		);
	});
	return { email: partner.email, languages };
}

/** A partner link that cannot be used; `status` says why (routes answer 400, 404 or 410). */
export class PartnerLinkError extends Error {
	constructor(public readonly status: 'malformed' | 'unknown' | 'expired' | 'completed') {
		super(`referral link ${status}`);
		this.name = 'PartnerLinkError';
	}
}

/** Order of the statuses along the loop; a partner may only move forward (final = 3). */
const STATUS_RANK: Record<ReferralStatus, number> = { issued: 0, received: 1, appointment: 2, helped: 3, not_possible: 3 };

/** The statuses a partner may set next from `current` (forward only; "appointment" may be skipped). */
export function nextPartnerStatuses(current: ReferralStatus): ReferralStatus[] {
	return REFERRAL_STATUSES.filter((s) => s !== 'issued' && STATUS_RANK[s] > STATUS_RANK[current]);
}

/** What a partner reports through the link. */
export interface PartnerUpdate {
	status: string;
	/** Only with `appointment`, optional; ignored with other statuses. */
	appointmentAt?: Date | null;
	/** A key of `REFERRAL_FAILURE_REASONS`; required with `not_possible`, ignored otherwise. */
	failureReason?: string | null;
}

/** Actor label of the receiving partner in referral events and the audit log. */
const PARTNER_LINK_ACTOR = 'partner-link';

/** Who acts through a partner link once its token is checked: the system, named `partner-link`. */
const PARTNER_LINK = systemPrincipal(PARTNER_LINK_ACTOR);

/**
 * The receiving partner sets the referral's next status through the link (issue 4 §3). Writes
 * the referral, a `referral_event` and an audit row (actor `partner-link`) in one transaction;
 * a new status also puts the staff follow-up back to "not done". Final statuses use up the link.
 * The token is the authorisation: once it resolves, the write is the system's (`partner-link`).
 * @throws PartnerLinkError (malformed, unknown, expired, completed: nothing changed);
 *   ValidationError — `status` `invalid_transition` (going back, repeating, unknown),
 *   `failureReason` `required` | `unknown_value`, `appointmentAt` `invalid_datetime`
 *   (nothing changed, the link stays usable).
 */
export async function updateReferralByToken(db: Db, token: string, input: PartnerUpdate, now: Date = new Date()): Promise<typeof referral.$inferSelect> {
	return db.transaction(async (tx) => {
		const state = await resolvePartnerLink(tx, token, now);
		if (state.status !== 'valid') throw new PartnerLinkError(state.status);
		const current = state.referral;
		const issues: FieldIssue[] = [];
		const next = input.status as ReferralStatus;
		if (!nextPartnerStatuses(current.status as ReferralStatus).includes(next)) {
			issues.push({ field: 'status', code: 'invalid_transition' });
		}
		const failureReason = next === 'not_possible' ? (input.failureReason ?? '') : null;
		if (next === 'not_possible') {
			if (!failureReason) issues.push({ field: 'failureReason', code: 'required' });
			else if (!REFERRAL_FAILURE_REASONS.some((r) => r.key === failureReason)) issues.push({ field: 'failureReason', code: 'unknown_value' });
		}
		const appointmentAt = next === 'appointment' ? (input.appointmentAt ?? null) : current.appointmentAt;
		if (next === 'appointment' && appointmentAt && Number.isNaN(appointmentAt.getTime())) {
			issues.push({ field: 'appointmentAt', code: 'invalid_datetime' });
		}
		if (issues.length) throw new ValidationError(issues);
		const [row] = await tx
			.update(referral)
			.set({ status: next, failureReason, appointmentAt, statusChangedAt: now, followUpDone: false })
			// Guarded by the old status, so two partners submitting at once cannot both apply.
			.where(and(eq(referral.id, current.id), eq(referral.status, current.status)))
			.returning();
		if (!row) throw new PartnerLinkError('completed');
		await tx.insert(referralEvent).values({ referralId: row.id, status: next, failureReason, byLabel: PARTNER_LINK_ACTOR, at: now });
		const changes: NonNullable<AuditInput['changes']> = { status: [current.status, next] };
		if (failureReason) changes.failureReason = [current.failureReason, failureReason];
		// The appointment time concerns the person: recorded as changed, never its value.
		if (next === 'appointment' && appointmentAt) changes.appointmentAt = ['…', '…'];
		await recordAudit(tx, {
			...auditActor(PARTNER_LINK),
			municipalityId: row.municipalityId,
			action: 'update',
			entityType: 'referral',
			entityId: row.id,
			changes
		});
		return row;
	});
}

/** One status change in a referral's history, as staff see it. */
export interface ReferralHistoryEntry {
	status: string;
	failureReason: string | null;
	/** `partner` for the link, `staff` for a signed-in user. */
	by: 'partner' | 'staff';
	at: Date;
}

/** A referral as the referring staff follow it up. No case data beyond the case's id. */
export interface ReferralOverview {
	id: string;
	targetLabel: string;
	serviceId: string | null;
	organizationId: string | null;
	topic: string;
	referenceCode: string | null;
	status: ReferralStatus;
	failureReason: string | null;
	appointmentAt: Date | null;
	statusChangedAt: Date;
	createdAt: Date;
	expiresAt: Date;
	caseId: string | null;
	followUpDone: boolean;
	/** Not final, follow-up not done, and no status change for `referralFollowUpDays`. */
	overdue: boolean;
	history: ReferralHistoryEntry[];
	/** When the partner link was last mailed to the partner, or null. */
	mailedAt: Date | null;
}

/** Whether a referral is due for follow-up at `now` (see `ReferralOverview.overdue`). */
function isOverdue(
	row: { status: string; followUpDone: boolean; statusChangedAt: Date },
	followUpDays: number,
	now: Date
): boolean {
	return (
		!FINAL_REFERRAL_STATUSES.includes(row.status as ReferralStatus) &&
		!row.followUpDone &&
		row.statusChangedAt.getTime() + followUpDays * 86_400_000 <= now.getTime()
	);
}

async function withHistory(db: DbOrTx, rows: (typeof referral.$inferSelect)[], followUpDays: number, now: Date): Promise<ReferralOverview[]> {
	const events = rows.length
		? await db
				.select()
				.from(referralEvent)
				.where(inArray(referralEvent.referralId, rows.map((r) => r.id)))
				.orderBy(asc(referralEvent.at), asc(referralEvent.id))
		: [];
	const mails = rows.length
		? await db
				.select({ referralId: referralMail.referralId, at: sql<Date | string>`max(${referralMail.sentAt})` })
				.from(referralMail)
				.where(inArray(referralMail.referralId, rows.map((r) => r.id)))
				.groupBy(referralMail.referralId)
		: [];
	const mailedAt = new Map(mails.map((m) => [m.referralId, new Date(m.at)]));
	return rows.map((r) => ({
		id: r.id,
		targetLabel: r.targetLabel,
		serviceId: r.serviceId,
		organizationId: r.organizationId,
		topic: r.topic,
		referenceCode: r.referenceCode,
		status: r.status as ReferralStatus,
		failureReason: r.failureReason,
		appointmentAt: r.appointmentAt,
		statusChangedAt: r.statusChangedAt,
		createdAt: r.createdAt,
		expiresAt: r.expiresAt,
		caseId: r.caseId,
		followUpDone: r.followUpDone,
		overdue: isOverdue(r, followUpDays, now),
		history: events
			.filter((e) => e.referralId === r.id)
			.map((e) => ({ status: e.status, failureReason: e.failureReason, by: e.byLabel === PARTNER_LINK_ACTOR ? 'partner' : 'staff', at: e.at })),
		mailedAt: mailedAt.get(r.id) ?? null
	}));
}

/** Most referrals a list shows; overdue ones always come first, so they are never cut off. */
export const REFERRAL_LIST_LIMIT = 300;

/**
 * The referrals of an instance for follow-up (issue 4 §3): overdue ones first (oldest status
 * first), then the others, newest first; at most `REFERRAL_LIST_LIMIT`.
 * @param options.overdueOnly only the referrals due for follow-up.
 * @throws NotFoundError (unknown instance), AccessDeniedError (not staff of the instance).
 */
export async function listReferrals(
	db: DbOrTx,
	principal: Principal | null | undefined,
	instanceId: string,
	options: { overdueOnly?: boolean } = {},
	now: Date = new Date()
): Promise<ReferralOverview[]> {
	const inst = await caseworkInstance(db, instanceId);
	if (!inst) throw new NotFoundError(`instance ${instanceId}`);
	authorize(principal, 'contacts:record', { municipalityId: inst.municipalityId, instanceId });
	const { referralFollowUpDays } = await getCaseworkSettings(db, inst.municipalityId);
	const cutoff = new Date(now.getTime() - referralFollowUpDays * 86_400_000);
	const overdueSql = and(
		notInArray(referral.status, [...FINAL_REFERRAL_STATUSES]),
		eq(referral.followUpDone, false),
		lte(referral.statusChangedAt, cutoff)
	)!;
	const rows = await db
		.select()
		.from(referral)
		.where(options.overdueOnly ? and(eq(referral.instanceId, instanceId), overdueSql) : eq(referral.instanceId, instanceId))
		.orderBy(
			desc(sql`case when ${overdueSql} then 1 else 0 end`),
			sql`case when ${overdueSql} then ${referral.statusChangedAt} end asc`,
			desc(referral.createdAt),
			asc(referral.id)
		)
		.limit(REFERRAL_LIST_LIMIT);
	return withHistory(db, rows, referralFollowUpDays, now);
}

/**
 * The referrals of one case, newest first, for everyone who may read the case (its instance's
 * staff and the colleagues it is shared with).
 * @throws NotFoundError, AccessDeniedError from `requireCase`.
 */
export async function listCaseReferrals(db: DbOrTx, principal: Principal | null | undefined, caseId: string, now: Date = new Date()): Promise<ReferralOverview[]> {
	const { caseRow } = await requireCase(db, principal, caseId, 'read');
	const { referralFollowUpDays } = await getCaseworkSettings(db, caseRow.municipalityId);
	const rows = await db.select().from(referral).where(eq(referral.caseId, caseId)).orderBy(desc(referral.createdAt), asc(referral.id));
	return withHistory(db, rows, referralFollowUpDays, now);
}

/**
 * Staff record that they followed up an overdue referral (e.g. phoned the partner): it leaves
 * the overdue list until the partner's next status change. Audited; repeating it changes
 * nothing. Allowed for staff of the instance and, for case referrals, colleagues the case is
 * shared with.
 * @throws NotFoundError (unknown referral), AccessDeniedError, ValidationError `referral`
 *   `already_final` (a final referral needs no follow-up).
 */
export async function markFollowUpDone(db: Db, principal: Principal | null | undefined, referralId: string): Promise<void> {
	if (!principal) throw new AccessDeniedError();
	if (!isUuid(referralId)) throw new NotFoundError(`referral ${referralId}`);
	await db.transaction(async (tx) => {
		const [row] = await tx.select().from(referral).where(eq(referral.id, referralId));
		if (!row) throw new NotFoundError(`referral ${referralId}`);
		if (!can(principal, 'contacts:record', { municipalityId: row.municipalityId, instanceId: row.instanceId })) {
			if (!row.caseId) throw new AccessDeniedError();
			await requireCase(tx, principal, row.caseId, 'read');
		}
		if (FINAL_REFERRAL_STATUSES.includes(row.status as ReferralStatus)) {
			throw new ValidationError([{ field: 'referral', code: 'already_final' }]);
		}
		if (row.followUpDone) return;
		await tx.update(referral).set({ followUpDone: true }).where(eq(referral.id, row.id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: row.municipalityId,
			action: 'follow_up',
			entityType: 'referral',
			entityId: row.id,
			changes: { followUpDone: [false, true] }
		});
	});
}

/**
 * The actors the instance referred to most recently (newest first, each once, at most `limit`,
 * default 10): the contact form offers them again.
 * @throws AccessDeniedError without `contacts:record` on the instance (also for an unknown one).
 */
export async function recentReferralTargets(db: DbOrTx, principal: Principal, instanceId: string, limit = 10): Promise<{ kind: 'service' | 'organization'; id: string; name: string }[]> {
	const inst = await recordingInstance(db, principal, instanceId);
	const rows = await db
		.select({ serviceId: referral.serviceId, organizationId: referral.organizationId, targetLabel: referral.targetLabel })
		.from(referral)
		.where(and(eq(referral.instanceId, inst.id), isNotNull(referral.organizationId)))
		.orderBy(desc(referral.createdAt))
		.limit(60);
	const out = new Map<string, { kind: 'service' | 'organization'; id: string; name: string }>();
	for (const r of rows) {
		const target = r.serviceId ? { kind: 'service' as const, id: r.serviceId } : { kind: 'organization' as const, id: r.organizationId! };
		const key = `${target.kind}:${target.id}`;
		if (!out.has(key) && out.size < limit) out.set(key, { ...target, name: r.targetLabel });
	}
	return [...out.values()];
}
