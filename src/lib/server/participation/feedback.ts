/**
 * Rückmeldungen (issue 16 §1): anonymous feedback on an offer — "Did you find it? Did you
 * understand it? Did it help?" and free text, or a report that the place is closed or has moved
 * — from the offer's public page or from a referral slip's token. No account and no IP address
 * is stored; everything waits in the moderation queue, and only approved feedback reaches the
 * provider, the freshness view and the counts.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { auditActor, authorize, systemPrincipal, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { findReferralByToken } from '../casework/referrals';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag, isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { getService } from '../directory/service';
import { ANSWERS, FEEDBACK_KINDS, LIMITS, looksPersonal, type Moderation } from './model';
import { participationFeedback } from './schema';

export type FeedbackRow = typeof participationFeedback.$inferSelect;

/** The anonymous form as sent. Answers are `yes` / `partly` / `no` or '' (not answered). */
export interface FeedbackInput {
	kind: string;
	found: string;
	understood: string;
	helped: string;
	comment: string;
	/** The page's language (BCP 47). */
	language: string;
	isDemo?: boolean;
}

/** The participant, as the audit log names every anonymous write. */
const PARTICIPANT = systemPrincipal('participant');

function checkFeedback(input: FeedbackInput): { issues: FieldIssue[]; comment: string; language: string } {
	const issues: FieldIssue[] = [];
	if (!(FEEDBACK_KINDS as readonly string[]).includes(input.kind)) issues.push({ field: 'kind', code: 'unknown_option' });
	for (const field of ['found', 'understood', 'helped'] as const) {
		if (input[field] && !(ANSWERS as readonly string[]).includes(input[field])) issues.push({ field, code: 'unknown_option' });
	}
	const comment = input.comment.trim();
	if (!isStorableText(comment)) issues.push({ field: 'comment', code: 'invalid' });
	else if (comment.length > LIMITS.feedbackComment) issues.push({ field: 'comment', code: 'too_long', params: { max: LIMITS.feedbackComment } });
	const nothing = input.kind === 'feedback' && !input.found && !input.understood && !input.helped && !comment;
	if (nothing) issues.push({ field: 'found', code: 'pa_feedback_empty' });
	return { issues, comment, language: canonicalLanguageTag(input.language) ?? 'de' };
}

/** The checked answers as columns; a comment that looks like personal data is flagged. */
function answers(input: FeedbackInput, comment: string, language: string) {
	return {
		kind: input.kind,
		found: input.found || null,
		understood: input.understood || null,
		helped: input.helped || null,
		comment,
		language,
		flagged: looksPersonal(comment),
		isDemo: input.isDemo ?? false
	};
}

async function insertFeedback(db: Db, row: typeof participationFeedback.$inferInsert): Promise<FeedbackRow> {
	return db.transaction(async (tx) => {
		const [saved] = await tx.insert(participationFeedback).values(row).returning();
		await recordAudit(tx, { ...auditActor(PARTICIPANT), municipalityId: row.municipalityId, action: 'create', entityType: 'participation_feedback', entityId: saved.id });
		return saved;
	});
}

/**
 * Stores anonymous feedback on a public offer from its page, for moderation. A comment that
 * looks like personal data is flagged.
 * @throws NotFoundError when the offer is missing or not public.
 * @throws ValidationError `kind` / `found` / `understood` / `helped` unknown_option, `comment`
 *   invalid | too_long, `found` pa_feedback_empty (nothing answered).
 */
export async function sendOfferFeedback(db: Db, serviceId: string, input: FeedbackInput): Promise<FeedbackRow> {
	const offer = isUuid(serviceId) ? await getService(db, serviceId, ['public']) : null;
	if (!offer) throw new NotFoundError('service');
	const { issues, comment, language } = checkFeedback(input);
	if (issues.length) throw new ValidationError(issues);
	return insertFeedback(db, { ...answers(input, comment, language), municipalityId: offer.municipalityId, serviceId: offer.id, via: 'page' });
}

/** What the slip's feedback page shows before sending: the offer named by the token. */
export interface SlipTarget {
	serviceId: string;
	municipalityId: string;
}

/**
 * The offer a referral slip's token points to, for its feedback form.
 * @throws NotFoundError for an unknown or erased token, or a referral to an actor (no offer).
 * @throws ValidationError `token` pa_token_expired | pa_token_used.
 */
export async function slipTarget(db: DbOrTx, token: string, now: Date = new Date()): Promise<SlipTarget & { referralId: string }> {
	const ref = await findReferralByToken(db, token);
	if (!ref || !ref.serviceId) throw new NotFoundError('referral');
	if (ref.expiresAt <= now) throw new ValidationError([{ field: 'token', code: 'pa_token_expired' }]);
	const [used] = await db.select({ id: participationFeedback.id }).from(participationFeedback).where(eq(participationFeedback.referralId, ref.id));
	if (used) throw new ValidationError([{ field: 'token', code: 'pa_token_used' }]);
	return { serviceId: ref.serviceId, municipalityId: ref.municipalityId, referralId: ref.id };
}

/**
 * Stores anonymous feedback sent through a referral slip's token: one per token, while the
 * token is valid. Nothing of the referral but its id (to refuse a second use) is kept with it.
 * @throws NotFoundError, ValidationError as `slipTarget` and `sendOfferFeedback` (a token used
 *   at the same moment by another request also answers `token` pa_token_used).
 */
export async function sendSlipFeedback(db: Db, token: string, input: FeedbackInput, now: Date = new Date()): Promise<FeedbackRow> {
	const target = await slipTarget(db, token, now);
	const { issues, comment, language } = checkFeedback(input);
	if (issues.length) throw new ValidationError(issues);
	try {
		return await insertFeedback(db, { ...answers(input, comment, language), municipalityId: target.municipalityId, serviceId: target.serviceId, referralId: target.referralId, via: 'slip' });
	} catch (e) {
		// The unique referral id: a second request with the same token won the race.
		if (String((e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code) === '23505') {
			throw new ValidationError([{ field: 'token', code: 'pa_token_used' }]);
		}
		throw e;
	}
}

/**
 * The moderation queue of a municipality: pending feedback, oldest first (at most `limit`).
 * @throws AccessDeniedError without `participation:moderate`.
 */
export async function feedbackQueue(db: DbOrTx, principal: Principal, municipalityId: string, limit = 100): Promise<FeedbackRow[]> {
	authorize(principal, 'participation:moderate', { municipalityId });
	return db
		.select()
		.from(participationFeedback)
		.where(and(eq(participationFeedback.municipalityId, municipalityId), eq(participationFeedback.status, 'pending')))
		.orderBy(asc(participationFeedback.createdAt))
		.limit(limit);
}

/**
 * Approves or rejects one feedback, audited. Only pending feedback can be decided.
 * @throws NotFoundError for an unknown id; AccessDeniedError without `participation:moderate`
 *   on its municipality; ValidationError `decision` unknown_option, `id` pa_already_moderated.
 */
export async function moderateFeedback(db: Db, principal: Principal, id: string, decision: string, now: Date = new Date()): Promise<FeedbackRow> {
	const [row] = isUuid(id) ? await db.select().from(participationFeedback).where(eq(participationFeedback.id, id)) : [];
	if (!row) throw new NotFoundError('participation_feedback');
	authorize(principal, 'participation:moderate', { municipalityId: row.municipalityId });
	if (decision !== 'approved' && decision !== 'rejected') throw new ValidationError([{ field: 'decision', code: 'unknown_option' }]);
	if (row.status !== 'pending') throw new ValidationError([{ field: 'id', code: 'pa_already_moderated' }]);
	return db.transaction(async (tx) => {
		const [saved] = await tx
			.update(participationFeedback)
			.set({ status: decision as Moderation, moderatedAt: now })
			.where(eq(participationFeedback.id, id))
			.returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: row.municipalityId, action: decision === 'approved' ? 'approve' : 'reject', entityType: 'participation_feedback', entityId: id });
		return saved;
	});
}

/**
 * Approved feedback on one offer, newest first, as its provider sees it on the entry.
 * @throws AccessDeniedError without `participation:feedback_read` on the offer's municipality.
 */
export async function approvedFeedback(db: DbOrTx, principal: Principal, municipalityId: string, serviceId: string, limit = 50): Promise<FeedbackRow[]> {
	authorize(principal, 'participation:feedback_read', { municipalityId });
	if (!isUuid(serviceId)) return [];
	return db
		.select()
		.from(participationFeedback)
		.where(and(eq(participationFeedback.municipalityId, municipalityId), eq(participationFeedback.serviceId, serviceId), eq(participationFeedback.status, 'approved')))
		.orderBy(desc(participationFeedback.createdAt))
		.limit(limit);
}

/** Approved counts of one offer: feedback, answers "helped: yes", closed and moved reports. */
export interface FeedbackCounts {
	serviceId: string;
	feedback: number;
	helped: number;
	closed: number;
	moved: number;
}

/**
 * Approved feedback counted per offer (`serviceIds` null: every offer with feedback), for the
 * staff's offer lists, the coverage drill-down and the steering panel.
 * @throws AccessDeniedError without `participation:feedback_read`.
 */
export async function feedbackCounts(db: DbOrTx, principal: Principal, municipalityId: string, serviceIds: readonly string[] | null): Promise<FeedbackCounts[]> {
	authorize(principal, 'participation:feedback_read', { municipalityId });
	const ids = serviceIds?.filter(isUuid) ?? null;
	if (ids && !ids.length) return [];
	const f = participationFeedback;
	return db
		.select({
			serviceId: f.serviceId,
			feedback: sql<number>`count(*) filter (where ${f.kind} = 'feedback')::int`,
			helped: sql<number>`count(*) filter (where ${f.helped} = 'yes')::int`,
			closed: sql<number>`count(*) filter (where ${f.kind} = 'closed')::int`,
			moved: sql<number>`count(*) filter (where ${f.kind} = 'moved')::int`
		})
		.from(f)
		.where(and(eq(f.municipalityId, municipalityId), ids ? inArray(f.serviceId, ids) : undefined, eq(f.status, 'approved')))
		.groupBy(f.serviceId);
}

/** One offer's approved "closed" / "moved" reports, with the date of the latest. */
export interface FeedbackReport {
	serviceId: string;
	closed: number;
	moved: number;
	/** When the latest report was sent. */
	latest: Date;
}

/**
 * The offers with approved "closed" or "moved" reports, latest first (the directory's freshness
 * view).
 * @throws AccessDeniedError without `participation:feedback_read`.
 */
export async function feedbackReports(db: DbOrTx, principal: Principal, municipalityId: string, limit = 200): Promise<FeedbackReport[]> {
	authorize(principal, 'participation:feedback_read', { municipalityId });
	const f = participationFeedback;
	const latest = sql<Date>`max(${f.createdAt})`;
	const rows = await db
		.select({
			serviceId: f.serviceId,
			closed: sql<number>`count(*) filter (where ${f.kind} = 'closed')::int`,
			moved: sql<number>`count(*) filter (where ${f.kind} = 'moved')::int`,
			latest
		})
		.from(f)
		.where(and(eq(f.municipalityId, municipalityId), inArray(f.kind, ['closed', 'moved']), eq(f.status, 'approved')))
		.groupBy(f.serviceId)
		.orderBy(desc(latest))
		.limit(limit);
	return rows.map((r) => ({ ...r, latest: new Date(r.latest) }));
}
