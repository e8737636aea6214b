/**
 * Escalation up and down (issue 14 §4; seed 002 "Melden von Bedarfen aus dem Sozialraum zur
 * bedarfsgerechten Planung", "Teilnahme an bestehenden Gremien"): an agenda item or decision of a
 * local network goes upward — as an agenda proposal to a city-wide body's next open meeting, or as
 * a needs report of steering made for the network's coordinating instance (or, for a network the
 * municipality coordinates, by the municipality). The needs report's description ends with a line
 * naming the network, meeting and item it came from (the link back); its status and the
 * municipality's answers, and the target body's treatment of a proposal, are read back for the
 * network (`escalationsOf`).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { actingUserId, auditActor, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { berlinDate } from '../casework/time';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { escalatedReports, type EscalatedReport } from '../steering/networks-reads';
import { createNeedsReport } from '../steering/needs';
import { coordinatedNetwork, loadNetwork } from './access';
import { openMeetingsOf, proposeFromNetwork } from './meetings';
import { agendaItem, decision, escalation, meeting, network } from './schema';

/** What is escalated: an agenda item, or a decision (which names its item). */
export type EscalationSource = { agendaItemId: string } | { decisionId: string };

/** Resolves the source to its item, decision, meeting and network; NotFoundError when unknown. */
async function resolveSource(db: DbOrTx, source: EscalationSource) {
	let decisionRow: typeof decision.$inferSelect | undefined;
	let itemId: string;
	if ('decisionId' in source) {
		[decisionRow] = isUuid(source.decisionId) ? await db.select().from(decision).where(eq(decision.id, source.decisionId)) : [];
		if (!decisionRow) throw new NotFoundError(`decision ${source.decisionId}`);
		itemId = decisionRow.agendaItemId;
	} else itemId = source.agendaItemId;
	const [item] = isUuid(itemId) ? await db.select().from(agendaItem).where(eq(agendaItem.id, itemId)) : [];
	if (!item) throw new NotFoundError(`agenda item ${itemId}`);
	const [m] = await db.select().from(meeting).where(eq(meeting.id, item.meetingId));
	return { item, decision: decisionRow ?? null, meeting: m };
}

/** What a needs report made from a network's item carries (steering's vocabulary). */
export interface EscalationReportInput {
	title: string;
	description: string;
	themeField: string;
	subtopics?: string[];
	targetGroups?: string[];
	socialSpaceIds: string[];
	urgency: string;
}

/**
 * Raises a needs report (steering) from a network's agenda item or decision, for the network's
 * coordinating instance, with a line at the end of the description naming where it came from
 * (`origin`, the link back, written by the page in the reader's language). Report and escalation
 * are written in one transaction.
 * @returns the escalation's id and the report's id and reference.
 * @throws NotFoundError (unknown source, network not visible), AccessDeniedError (not
 *   coordinating the network, or no right to report for its instance), ValidationError from
 *   `createNeedsReport` (fields of the report: `title`, `description`, `themeField`,
 *   `socialSpaceIds`, `urgency`, …).
 */
export async function escalateToNeedsReport(
	db: Db,
	principal: Principal,
	source: EscalationSource,
	input: EscalationReportInput,
	origin: string,
	options: { now?: Date; isDemo?: boolean } = {}
): Promise<{ id: string; needsReportId: string; reference: string }> {
	const now = options.now ?? new Date();
	const src = await resolveSource(db, source);
	const net = await coordinatedNetwork(db, principal, src.meeting.networkId, berlinDate(now));
	const description = [input.description.trim(), origin.trim()].filter(Boolean).join('\n\n');
	return db.transaction(async (tx) => {
		// Steering's service runs in a savepoint of this transaction: report and escalation together.
		const report = await createNeedsReport(
			tx as unknown as Db,
			principal,
			{
				municipalityId: net.municipalityId,
				instanceId: net.coordinatingInstanceId,
				title: input.title,
				description: input.description.trim() ? description : '',
				themeField: input.themeField,
				subtopics: input.subtopics ?? [],
				targetGroups: input.targetGroups ?? [],
				socialSpaceIds: input.socialSpaceIds,
				urgency: input.urgency
			},
			{ now, isDemo: options.isDemo }
		);
		const [row] = await tx
			.insert(escalation)
			.values({
				networkId: net.id,
				agendaItemId: src.item.id,
				decisionId: src.decision?.id ?? null,
				kind: 'needs_report',
				needsReportId: report.id,
				createdBy: actingUserId(principal),
				createdAt: now
			})
			.returning({ id: escalation.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: net.municipalityId,
			action: 'escalate',
			entityType: 'escalation',
			entityId: row.id,
			changes: { kind: [null, 'needs_report'], agendaItemId: [null, src.item.id], decisionId: [null, src.decision?.id ?? null], needsReportId: [null, report.id] }
		});
		return { id: row.id, needsReportId: report.id, reference: report.reference };
	});
}

/**
 * Proposes a local network's item or decision on the agenda of a city-wide (or higher) body's
 * next meeting that still takes proposals (or the meeting named by `targetMeetingId`).
 * @returns the escalation's id and the new agenda item's id.
 * @throws NotFoundError, AccessDeniedError (not coordinating the source network),
 *   ValidationError `targetNetworkId` `required` | `nw_unknown_target` | `nw_target_not_higher`
 *   | `nw_no_open_meeting`; `targetMeetingId` `nw_unknown_meeting` | `nw_deadline_passed`.
 */
export async function escalateToAgenda(
	db: Db,
	principal: Principal,
	source: EscalationSource,
	target: { targetNetworkId: string; targetMeetingId?: string | null },
	options: { now?: Date } = {}
): Promise<{ id: string; agendaItemId: string }> {
	const now = options.now ?? new Date();
	const src = await resolveSource(db, source);
	const net = await coordinatedNetwork(db, principal, src.meeting.networkId, berlinDate(now));
	const issues: FieldIssue[] = [];
	if (!target.targetNetworkId) throw new ValidationError([{ field: 'targetNetworkId', code: 'required' }]);
	const targetNet = isUuid(target.targetNetworkId) ? await loadNetwork(db, target.targetNetworkId).catch(() => null) : null;
	if (!targetNet || targetNet.municipalityId !== net.municipalityId || targetNet.id === net.id) issues.push({ field: 'targetNetworkId', code: 'nw_unknown_target' });
	else if (targetNet.level === 'local') issues.push({ field: 'targetNetworkId', code: 'nw_target_not_higher' });
	if (issues.length) throw new ValidationError(issues);
	const open = await openMeetingsOf(db, targetNet!.id, now);
	let targetMeeting = open[0];
	if (target.targetMeetingId) {
		const [named] = isUuid(target.targetMeetingId) ? await db.select().from(meeting).where(and(eq(meeting.id, target.targetMeetingId), eq(meeting.networkId, targetNet!.id))) : [];
		if (!named) throw new ValidationError([{ field: 'targetMeetingId', code: 'nw_unknown_meeting' }]);
		targetMeeting = named;
	}
	if (!targetMeeting) throw new ValidationError([{ field: 'targetNetworkId', code: 'nw_no_open_meeting' }]);
	const title = `${net.name}: ${src.item.title}`;
	const text = [src.item.description, src.decision?.text].filter(Boolean).join('\n\n');
	return db.transaction(async (tx) => {
		const item = await proposeFromNetwork(tx as unknown as Db, principal, targetMeeting, { title: title.slice(0, 300), description: text, isPublic: src.item.isPublic }, net.id, now);
		const [row] = await tx
			.insert(escalation)
			.values({
				networkId: net.id,
				agendaItemId: src.item.id,
				decisionId: src.decision?.id ?? null,
				kind: 'agenda_proposal',
				targetNetworkId: targetNet!.id,
				targetAgendaItemId: item.id,
				createdBy: actingUserId(principal),
				createdAt: now
			})
			.returning({ id: escalation.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: net.municipalityId,
			action: 'escalate',
			entityType: 'escalation',
			entityId: row.id,
			changes: { kind: [null, 'agenda_proposal'], agendaItemId: [null, src.item.id], targetNetworkId: [null, targetNet!.id], targetAgendaItemId: [null, item.id] }
		});
		return { id: row.id, agendaItemId: item.id };
	});
}

/** An escalation with the answer that came back down. */
export interface EscalationView {
	id: string;
	kind: 'needs_report' | 'agenda_proposal';
	createdAt: Date;
	sourceItemTitle: string;
	sourceMeetingId: string | null;
	decisionId: string | null;
	/** For a needs report: its reference, status and the municipality's answers. */
	report: EscalatedReport | null;
	/** For an agenda proposal: the body, its meeting, the item's state and decisions taken on it. */
	proposal: { networkId: string; networkName: string; meetingId: string; meetingStartsAt: Date; state: string; decisions: { text: string; result: string }[] } | null;
}

/**
 * The escalations a network raised, newest first, each with what came back: the needs report's
 * status and answers, or the target body's acceptance and decisions. Callers have checked that
 * the reader may see the network; the answers are the network's own business.
 */
export async function escalationsOf(db: DbOrTx, networkId: string): Promise<EscalationView[]> {
	const rows = await db.select().from(escalation).where(eq(escalation.networkId, networkId)).orderBy(asc(escalation.createdAt));
	if (!rows.length) return [];
	const itemIds = [...new Set(rows.flatMap((r) => [r.agendaItemId, r.targetAgendaItemId]).filter((x): x is string => !!x))];
	const targetNetworkIds = rows.map((r) => r.targetNetworkId).filter((x): x is string => !!x);
	const targetItemIds = rows.map((r) => r.targetAgendaItemId).filter((x): x is string => !!x);
	const [items, reports, targets, targetDecisions] = await Promise.all([
		itemIds.length ? db.select().from(agendaItem).where(inArray(agendaItem.id, itemIds)) : [],
		escalatedReports(db, rows.map((r) => r.needsReportId).filter((x): x is string => !!x)),
		targetNetworkIds.length ? db.select({ id: network.id, name: network.name }).from(network).where(inArray(network.id, targetNetworkIds)) : [],
		targetItemIds.length ? db.select().from(decision).where(inArray(decision.agendaItemId, targetItemIds)).orderBy(asc(decision.createdAt)) : []
	]);
	const targetMeetingIds = items.filter((i) => targetItemIds.includes(i.id)).map((i) => i.meetingId);
	const targetMeetings = targetMeetingIds.length ? await db.select({ id: meeting.id, startsAt: meeting.startsAt }).from(meeting).where(inArray(meeting.id, targetMeetingIds)) : [];
	return rows
		.map((r) => {
			const source = items.find((i) => i.id === r.agendaItemId);
			const targetItem = r.targetAgendaItemId ? items.find((i) => i.id === r.targetAgendaItemId) : undefined;
			const tm = targetItem ? targetMeetings.find((m) => m.id === targetItem.meetingId) : undefined;
			return {
				id: r.id,
				kind: r.kind as EscalationView['kind'],
				createdAt: r.createdAt,
				sourceItemTitle: source?.title ?? '',
				sourceMeetingId: source?.meetingId ?? null,
				decisionId: r.decisionId,
				report: r.needsReportId ? (reports.find((x) => x.id === r.needsReportId) ?? null) : null,
				proposal:
					targetItem && tm && r.targetNetworkId
						? {
								networkId: r.targetNetworkId,
								networkName: targets.find((t) => t.id === r.targetNetworkId)?.name ?? '',
								meetingId: tm.id,
								meetingStartsAt: tm.startsAt,
								state: targetItem.state,
								decisions: targetDecisions.filter((d) => d.agendaItemId === targetItem.id).map((d) => ({ text: d.text, result: d.result }))
							}
						: null
			};
		})
		.reverse();
}
