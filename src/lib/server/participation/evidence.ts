/**
 * Participation results as evidence of a needs report (issue 16 §4): the municipality's
 * administrators (who steer needs reports) attach a campaign's published counts per social
 * space, or the approved feedback counts, to a report. What is attached is frozen, so the report
 * keeps the figures it was argued with; it holds only published aggregates (≥ k).
 */
import { and, asc, eq } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { NotFoundError, ValidationError } from '../core/errors';
import { isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { getSocialSpaces } from '../geography/service';
import { getNeedsReport } from '../steering/needs';
import { aggregateCampaign, findCampaign } from './campaigns';
import { feedbackCounts } from './feedback';
import { participationEvidence } from './schema';

/** A campaign's published counts per social space and category key (`n` null: below k). */
export interface CampaignSnapshot {
	kind: 'campaign';
	title: string;
	k: number;
	total: number;
	suppressed: number;
	rows: { space: string; category: string; n: number | null }[];
}

/** The municipality's approved feedback counts when attached. */
export interface FeedbackSnapshot {
	kind: 'feedback';
	feedback: number;
	helped: number;
	closed: number;
	moved: number;
	offers: number;
}

export type EvidenceSnapshot = CampaignSnapshot | FeedbackSnapshot;

/** One attached evidence. */
export interface EvidenceRow {
	id: string;
	campaignId: string | null;
	createdAt: Date;
	snapshot: EvidenceSnapshot;
}

/**
 * Attaches a campaign's result (`source` = campaign id) or the feedback counts (`source` =
 * 'feedback') to a needs report, audited.
 * @throws NotFoundError for an unknown report; AccessDeniedError without `needs:steer` or
 *   `participation:campaigns` on the report's municipality; ValidationError `source` required |
 *   unknown_option (no campaign of this municipality) | pa_evidence_twice (already attached).
 */
export async function attachEvidence(db: Db, principal: Principal, reportId: string, source: string): Promise<EvidenceRow> {
	const view = await getNeedsReport(db, principal, reportId);
	const municipalityId = view.report.municipalityId;
	authorize(principal, 'needs:steer', { municipalityId });
	authorize(principal, 'participation:campaigns', { municipalityId });
	if (!source) throw new ValidationError([{ field: 'source', code: 'required' }]);
	let snapshot: EvidenceSnapshot;
	let campaignId: string | null = null;
	if (source === 'feedback') {
		const counts = await feedbackCounts(db, principal, municipalityId, null);
		snapshot = counts.reduce<FeedbackSnapshot>(
			(t, c) => ({ ...t, feedback: t.feedback + c.feedback, helped: t.helped + c.helped, closed: t.closed + c.closed, moved: t.moved + c.moved }),
			{ kind: 'feedback', feedback: 0, helped: 0, closed: 0, moved: 0, offers: counts.length }
		);
	} else {
		const c = await findCampaign(db, source);
		if (!c || c.municipalityId !== municipalityId) throw new ValidationError([{ field: 'source', code: 'unknown_option' }]);
		const agg = await aggregateCampaign(db, c);
		const names = new Map((await getSocialSpaces(db, c.socialSpaceIds)).map((s) => [s.id, s.name]));
		snapshot = { kind: 'campaign', title: c.title, k: agg.k, total: agg.total, suppressed: agg.suppressed, rows: agg.spaces.map((s) => ({ space: names.get(s.socialSpaceId) ?? '', category: s.category, n: s.n })) };
		campaignId = c.id;
	}
	const e = participationEvidence;
	const [twice] = await db
		.select({ id: e.id })
		.from(e)
		.where(and(eq(e.needsReportId, view.report.id), eq(e.kind, snapshot.kind), campaignId ? eq(e.campaignId, campaignId) : undefined));
	if (twice) throw new ValidationError([{ field: 'source', code: 'pa_evidence_twice' }]);
	return db.transaction(async (tx) => {
		const [row] = await tx.insert(e).values({ needsReportId: view.report.id, municipalityId, kind: snapshot.kind, campaignId, snapshot }).returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId, action: 'create', entityType: 'participation_evidence', entityId: row.id });
		return { id: row.id, campaignId: row.campaignId, createdAt: row.createdAt, snapshot };
	});
}

/**
 * Removes one attached evidence from a report, audited.
 * @throws NotFoundError (unknown report or evidence), AccessDeniedError without `needs:steer`.
 */
export async function detachEvidence(db: Db, principal: Principal, reportId: string, evidenceId: string): Promise<void> {
	const view = await getNeedsReport(db, principal, reportId);
	authorize(principal, 'needs:steer', { municipalityId: view.report.municipalityId });
	if (!isUuid(evidenceId)) throw new NotFoundError('participation_evidence');
	await db.transaction(async (tx) => {
		const gone = await tx
			.delete(participationEvidence)
			.where(and(eq(participationEvidence.id, evidenceId), eq(participationEvidence.needsReportId, view.report.id)))
			.returning({ id: participationEvidence.id });
		if (!gone.length) throw new NotFoundError('participation_evidence');
		await recordAudit(tx, { ...auditActor(principal), municipalityId: view.report.municipalityId, action: 'delete', entityType: 'participation_evidence', entityId: evidenceId });
	});
}

/**
 * The evidence attached to a report, oldest first, for those who may read the report.
 * @throws NotFoundError, AccessDeniedError as `getNeedsReport`.
 */
export async function listEvidence(db: DbOrTx, principal: Principal, reportId: string): Promise<EvidenceRow[]> {
	const view = await getNeedsReport(db, principal, reportId);
	const rows = await db.select().from(participationEvidence).where(eq(participationEvidence.needsReportId, view.report.id)).orderBy(asc(participationEvidence.createdAt));
	return rows.map((r) => ({ id: r.id, campaignId: r.campaignId, createdAt: r.createdAt, snapshot: r.snapshot as EvidenceSnapshot }));
}
