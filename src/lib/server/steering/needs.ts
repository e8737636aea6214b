/**
 * Bedarfsmeldungen (issue 5 §1): an instance reports a need from its social spaces — theme field,
 * sub-topics, target groups, social spaces, urgency, evidence from the contact statistics
 * ("kein passendes Angebot" counts) or an attachment — and the municipality works it through
 * reported → under review → in planning → implemented, or declines it with a reason. Both sides
 * write responses; the history (`needs_report_event`) is visible to the reporter. Offers and
 * programmes that answer a report are linked to it.
 *
 * Who sees what (design, kept simple): municipality administrators (`needs:steer`) see and work
 * every report of their municipality; instance staff (`needs:report`) see, and respond on, the
 * reports of their own instances only. A report by the municipality itself (no instance) is
 * seen by administrators only. Partners and volunteers see nothing.
 *
 * Reads of other modules: the casework tables `counselling_contact` and `contact_aggregate`
 * (read-only aggregate for the evidence count; casework has no function counting one topic over
 * a range of months), the directory's `service` and the accounts' `user_account` (names shown in
 * links and the history), the geography's `social_space`/`district`, the instances' `instance`.
 *
 * Audit: every write records ids, statuses and field names; free texts (title, description,
 * responses, reasons) are recorded as `'…'` markers, never their content.
 */
import { and, asc, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import type { UserPrincipal } from '../access';
import { can } from '../access';
import { userAccount } from '../accounts/schema';
import { recordAudit } from '../audit/service';
import { SMALL_COUNT_THRESHOLD } from '../casework/model';
import { berlinDate, berlinInstant } from '../casework/time';
import type { Db, DbOrTx } from '../db/client';
import { SUBTOPICS, SUBTOPIC_FIELD, TARGET_GROUPS, THEME_FIELDS } from '../directory/model';
import { service } from '../directory/schema';
import { pickText } from '../directory/texts';
import { AccessDeniedError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { district, socialSpace } from '../geography/schema';
import { instance } from '../instances/schema';
import { needsReport, needsReportEvent, needsReportLink, needsReportSpace, programme, type NeedsEvidence } from './schema';

/** Workflow statuses in order; the last two are final. */
export const NEEDS_STATUSES = ['reported', 'under_review', 'in_planning', 'implemented', 'declined'] as const;
export type NeedsStatus = (typeof NEEDS_STATUSES)[number];

/** A report is open in these statuses (design: "OPEN while reported, under_review or in_planning"). */
export const OPEN_NEEDS_STATUSES: readonly NeedsStatus[] = ['reported', 'under_review', 'in_planning'];

/** Urgency levels. */
export const NEEDS_URGENCIES = ['low', 'medium', 'high'] as const;

/**
 * Allowed status changes: one step forward, or `declined` from any open status. `implemented`
 * and `declined` are final.
 */
export const NEEDS_TRANSITIONS: Record<NeedsStatus, readonly NeedsStatus[]> = {
	reported: ['under_review', 'declined'],
	under_review: ['in_planning', 'declined'],
	in_planning: ['implemented', 'declined'],
	implemented: [],
	declined: []
};

/** Largest attachment, in bytes (5 MB). */
export const NEEDS_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;

/** Accepted attachment types with the leading bytes ("magic numbers") that identify them. */
export const NEEDS_ATTACHMENT_TYPES: Record<string, number[]> = {
	'application/pdf': [0x25, 0x50, 0x44, 0x46],
	'image/png': [0x89, 0x50, 0x4e, 0x47],
	'image/jpeg': [0xff, 0xd8, 0xff]
};

/** Longest evidence period in months. */
export const NEEDS_EVIDENCE_MAX_MONTHS = 24;

const TITLE_MAX = 200;
const TEXT_MAX = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** What a person asks for as evidence: an unmet topic over a range of months (`YYYY-MM`, inclusive). */
export interface NeedsEvidenceRequest {
	topic: string;
	fromMonth: string;
	toMonth: string;
}

/** An uploaded file. */
export interface NeedsAttachmentInput {
	name: string;
	type: string;
	data: Buffer;
}

/** Input of `createNeedsReport`. */
export interface NeedsReportInput {
	/** The reporting instance; null = a report by the municipality (administrators only). */
	instanceId: string | null;
	title: string;
	description: string;
	themeField: string;
	subtopics: string[];
	targetGroups: string[];
	socialSpaceIds: string[];
	urgency: string;
	evidenceNote?: string;
	evidence?: NeedsEvidenceRequest | null;
	attachment?: NeedsAttachmentInput | null;
}

type ReportRow = typeof needsReport.$inferSelect;

/** Every topic key that can be picked as evidence: theme fields and sub-topics. */
export function needsTopicKeys(): string[] {
	return [...THEME_FIELDS.map((t) => t.key), ...Object.keys(SUBTOPIC_FIELD)];
}

function monthIndex(value: string): number | null {
	const m = MONTH.exec(value);
	return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
}

function fileIssues(file: NeedsAttachmentInput): FieldIssue[] {
	if (file.data.length > NEEDS_ATTACHMENT_MAX_BYTES) return [{ field: 'attachment', code: 'nr_file_too_big', params: { max: 5 } }];
	const magic = NEEDS_ATTACHMENT_TYPES[file.type];
	if (!magic || !magic.every((b, i) => file.data[i] === b)) return [{ field: 'attachment', code: 'nr_file_type' }];
	return [];
}

/**
 * Checks a report's input against the vocabularies and the municipality's social spaces.
 * @returns the issues (empty: valid). Codes: `required`, `too_long`, `nr_unknown_theme_field`,
 *   `nr_unknown_subtopic`, `nr_unknown_target_group`, `nr_space_required`,
 *   `nr_space_other_municipality`, `nr_bad_urgency`, `nr_unknown_topic`, `nr_bad_month`,
 *   `nr_month_order`, `nr_month_future`, `nr_period_too_long`, `nr_file_too_big`, `nr_file_type`.
 */
export async function validateNeedsReport(db: DbOrTx, municipalityId: string, input: NeedsReportInput, now: Date = new Date()): Promise<FieldIssue[]> {
	const issues: FieldIssue[] = [];
	const title = input.title.trim();
	if (!title) issues.push({ field: 'title', code: 'required' });
	else if (title.length > TITLE_MAX) issues.push({ field: 'title', code: 'too_long', params: { max: TITLE_MAX } });
	if (!input.description.trim()) issues.push({ field: 'description', code: 'required' });
	else if (input.description.length > TEXT_MAX) issues.push({ field: 'description', code: 'too_long', params: { max: TEXT_MAX } });
	if ((input.evidenceNote ?? '').length > TEXT_MAX) issues.push({ field: 'evidenceNote', code: 'too_long', params: { max: TEXT_MAX } });
	const field = THEME_FIELDS.find((t) => t.key === input.themeField);
	if (!input.themeField) issues.push({ field: 'themeField', code: 'required' });
	else if (!field) issues.push({ field: 'themeField', code: 'nr_unknown_theme_field', params: { value: input.themeField } });
	else {
		const allowed = new Set(SUBTOPICS[field.key as keyof typeof SUBTOPICS].map((s) => s.key));
		const bad = input.subtopics.find((s) => !allowed.has(s));
		if (bad) issues.push({ field: 'subtopics', code: 'nr_unknown_subtopic', params: { value: bad } });
	}
	const groups = new Set(TARGET_GROUPS.map((t) => t.key));
	const badGroup = input.targetGroups.find((g) => !groups.has(g));
	if (badGroup) issues.push({ field: 'targetGroups', code: 'nr_unknown_target_group', params: { value: badGroup } });
	if (!(NEEDS_URGENCIES as readonly string[]).includes(input.urgency)) issues.push({ field: 'urgency', code: 'nr_bad_urgency' });
	const spaceIds = [...new Set(input.socialSpaceIds)];
	if (spaceIds.length === 0) issues.push({ field: 'socialSpaceIds', code: 'nr_space_required' });
	else {
		const valid = spaceIds.filter((id) => UUID.test(id));
		const own = valid.length
			? await db.select({ id: socialSpace.id }).from(socialSpace).where(and(inArray(socialSpace.id, valid), eq(socialSpace.municipalityId, municipalityId)))
			: [];
		if (own.length !== spaceIds.length) issues.push({ field: 'socialSpaceIds', code: 'nr_space_other_municipality' });
	}
	if (input.evidence) {
		const e = input.evidence;
		if (!needsTopicKeys().includes(e.topic)) issues.push({ field: 'evidenceTopic', code: 'nr_unknown_topic' });
		const from = monthIndex(e.fromMonth);
		const to = monthIndex(e.toMonth);
		const current = monthIndex(berlinDate(now).slice(0, 7))!;
		if (from === null) issues.push({ field: 'evidenceFrom', code: 'nr_bad_month' });
		if (to === null) issues.push({ field: 'evidenceTo', code: 'nr_bad_month' });
		if (from !== null && to !== null) {
			if (from > to) issues.push({ field: 'evidenceTo', code: 'nr_month_order' });
			else if (to > current) issues.push({ field: 'evidenceTo', code: 'nr_month_future' });
			else if (to - from + 1 > NEEDS_EVIDENCE_MAX_MONTHS) issues.push({ field: 'evidenceFrom', code: 'nr_period_too_long', params: { max: NEEDS_EVIDENCE_MAX_MONTHS } });
		}
	}
	if (input.attachment) issues.push(...fileIssues(input.attachment));
	return issues;
}

/**
 * How many contacts of an instance (or, with `instanceId` null, of the whole municipality) met
 * "no suitable offer" for `topic` in the months `fromMonth`…`toMonth` (inclusive, Europe/Berlin):
 * raw contacts whose `unmet_topics` hold the key, plus the folded `contact_aggregate` rows of
 * dimension `unmet_topic` (a month is in exactly one of them). The topic is matched exactly: a
 * theme-field key counts contacts recorded with that field as unmet, not those with one of its
 * sub-topics (aggregates cannot tell overlapping sub-topics apart).
 * @returns the exact count (not suppressed).
 */
export async function countUnmetTopic(
	db: DbOrTx,
	scope: { municipalityId: string; instanceId: string | null },
	evidence: NeedsEvidenceRequest
): Promise<number> {
	const [fy, fm] = evidence.fromMonth.split('-').map(Number);
	const [ty, tm] = evidence.toMonth.split('-').map(Number);
	const from = berlinInstant(fy, fm, 1);
	const to = berlinInstant(ty, tm + 1, 1);
	const monthFrom = `${evidence.fromMonth}-01`;
	const monthTo = berlinDate(to).slice(0, 7) + '-01';
	const column = sql.raw(scope.instanceId ? 'instance_id' : 'municipality_id');
	const id = scope.instanceId ?? scope.municipalityId;
	const result = await db.execute<{ n: string | number }>(sql`
		select
			(select count(*) from counselling_contact
				where ${column} = ${id} and contacted_at >= ${from.toISOString()}::timestamptz and contacted_at < ${to.toISOString()}::timestamptz
				and ${evidence.topic} = any(unmet_topics))
			+ (select coalesce(sum(count), 0) from contact_aggregate
				where ${column} = ${id} and dimension = 'unmet_topic' and value = ${evidence.topic}
				and month >= ${monthFrom}::date and month < ${monthTo}::date) as n`);
	return Number(result.rows[0].n);
}

/** The stored evidence snapshot: counts 1–4 suppressed (the report leaves the instance). */
function snapshot(request: NeedsEvidenceRequest, n: number): NeedsEvidence {
	const suppressed = n > 0 && n < SMALL_COUNT_THRESHOLD;
	return { topic: request.topic, fromMonth: request.fromMonth, toMonth: request.toMonth, count: suppressed ? null : n, suppressed };
}

function auditReport(db: DbOrTx, principal: UserPrincipal, report: Pick<ReportRow, 'id' | 'municipalityId'>, action: string, changes: Record<string, [unknown, unknown]>) {
	return recordAudit(db, { actorUserId: principal.userId, municipalityId: report.municipalityId, action, entityType: 'needs_report', entityId: report.id, changes });
}

/**
 * Creates a needs report with its spaces and the first history event, in one transaction. The
 * reference `B-<year>-NNNN` counts per municipality and Berlin calendar year; an advisory lock
 * per municipality inside the transaction keeps concurrent reports from drawing the same number.
 * @returns the new report's id and reference.
 * @throws AccessDeniedError (no `needs:report` for the instance; only administrators may report
 *   without an instance), NotFoundError (unknown instance), ValidationError (see
 *   `validateNeedsReport`).
 */
export async function createNeedsReport(
	db: Db,
	principal: UserPrincipal,
	input: NeedsReportInput,
	options: { now?: Date; isDemo?: boolean } = {}
): Promise<{ id: string; reference: string }> {
	const now = options.now ?? new Date();
	const municipalityId = principal.municipalityId;
	if (input.instanceId) {
		const [inst] = UUID.test(input.instanceId)
			? await db.select({ id: instance.id, municipalityId: instance.municipalityId }).from(instance).where(eq(instance.id, input.instanceId))
			: [];
		if (!inst) throw new NotFoundError(`instance ${input.instanceId}`);
		if (!can(principal, 'needs:report', { municipalityId: inst.municipalityId, instanceId: inst.id })) throw new AccessDeniedError();
	} else if (!can(principal, 'needs:steer', { municipalityId })) throw new AccessDeniedError();
	const issues = await validateNeedsReport(db, municipalityId, input, now);
	if (issues.length) throw new ValidationError(issues);
	const evidence = input.evidence ? [snapshot(input.evidence, await countUnmetTopic(db, { municipalityId, instanceId: input.instanceId }, input.evidence))] : [];
	const spaceIds = [...new Set(input.socialSpaceIds)];
	return db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'needs_reference:' + municipalityId}, 0))`);
		const prefix = `B-${berlinDate(now).slice(0, 4)}-`;
		const [{ last }] = await tx
			.select({ last: sql<number | null>`max(substring(${needsReport.reference} from '^B-[0-9]{4}-([0-9]+)$')::int)` })
			.from(needsReport)
			.where(and(eq(needsReport.municipalityId, municipalityId), sql`${needsReport.reference} like ${prefix + '%'}`));
		const reference = `${prefix}${String((Number(last) || 0) + 1).padStart(4, '0')}`;
		const [row] = await tx
			.insert(needsReport)
			.values({
				municipalityId,
				instanceId: input.instanceId,
				reportedBy: principal.userId,
				reference,
				title: input.title.trim(),
				description: input.description.trim(),
				themeField: input.themeField,
				subtopics: [...new Set(input.subtopics)],
				targetGroups: [...new Set(input.targetGroups)],
				urgency: input.urgency,
				evidence,
				evidenceNote: (input.evidenceNote ?? '').trim(),
				attachmentName: input.attachment?.name.slice(0, 200) ?? null,
				attachmentType: input.attachment?.type ?? null,
				attachment: input.attachment?.data ?? null,
				isDemo: options.isDemo ?? false,
				createdAt: now,
				updatedAt: now
			})
			.returning({ id: needsReport.id, municipalityId: needsReport.municipalityId });
		await tx.insert(needsReportSpace).values(spaceIds.map((socialSpaceId) => ({ reportId: row.id, socialSpaceId })));
		await tx.insert(needsReportEvent).values({ reportId: row.id, at: now, actorUserId: principal.userId, kind: 'reported', toStatus: 'reported' });
		await auditReport(tx, principal, row, 'create', {
			reference: [null, reference],
			instanceId: [null, input.instanceId],
			status: [null, 'reported'],
			themeField: [null, input.themeField],
			urgency: [null, input.urgency],
			socialSpaceIds: [null, spaceIds],
			title: [null, '…'],
			description: [null, '…'],
			...(evidence.length ? { evidence: [null, evidence] } : {}),
			...(input.attachment ? { attachment: [null, input.attachment.type] } : {})
		});
		return { id: row.id, reference };
	});
}

/** Loads a report row, or NotFoundError for an unknown or malformed id. */
async function loadReport(db: DbOrTx, id: string): Promise<ReportRow> {
	const [row] = UUID.test(id) ? await db.select().from(needsReport).where(eq(needsReport.id, id)) : [];
	if (!row) throw new NotFoundError(`needs report ${id}`);
	return row;
}

/** Whether the principal may see a report: administrators of its municipality, staff of its instance. */
export function canSeeNeedsReport(principal: UserPrincipal, report: Pick<ReportRow, 'municipalityId' | 'instanceId'>): boolean {
	return (
		can(principal, 'needs:steer', { municipalityId: report.municipalityId }) ||
		(!!report.instanceId && can(principal, 'needs:report', { municipalityId: report.municipalityId, instanceId: report.instanceId }))
	);
}

/** Locks and loads a report inside a transaction; checks access with `allowed`. */
async function lockReport(tx: DbOrTx, id: string, allowed: (r: ReportRow) => boolean): Promise<ReportRow> {
	if (!UUID.test(id)) throw new NotFoundError(`needs report ${id}`);
	const [row] = await tx.select().from(needsReport).where(eq(needsReport.id, id)).for('update');
	if (!row) throw new NotFoundError(`needs report ${id}`);
	if (!allowed(row)) throw new AccessDeniedError();
	return row;
}

/**
 * Moves a report through the workflow (`NEEDS_TRANSITIONS`). Declining needs a reason. Sets
 * `first_response_at` on the municipality's first status change or response and `closed_at`
 * when the status is final; writes a `status` event with the optional message.
 * @throws NotFoundError, AccessDeniedError (not `needs:steer`), ValidationError `status`
 *   `nr_unknown_status` | `transition` (params from, to), `reason` `required`, `body` `too_long`.
 */
export async function changeNeedsStatus(
	db: Db,
	principal: UserPrincipal,
	id: string,
	toStatus: string,
	options: { reason?: string; body?: string; now?: Date } = {}
): Promise<void> {
	const now = options.now ?? new Date();
	const reason = options.reason?.trim() ?? '';
	const body = options.body?.trim() ?? '';
	await db.transaction(async (tx) => {
		const row = await lockReport(tx, id, (r) => can(principal, 'needs:steer', { municipalityId: r.municipalityId }));
		if (!(NEEDS_STATUSES as readonly string[]).includes(toStatus)) throw new ValidationError([{ field: 'status', code: 'nr_unknown_status' }]);
		const from = row.status as NeedsStatus;
		if (!NEEDS_TRANSITIONS[from].includes(toStatus as NeedsStatus)) {
			throw new ValidationError([{ field: 'status', code: 'transition', params: { from, to: toStatus } }]);
		}
		const issues: FieldIssue[] = [];
		if (toStatus === 'declined' && !reason) issues.push({ field: 'reason', code: 'required' });
		if (reason.length > TEXT_MAX) issues.push({ field: 'reason', code: 'too_long', params: { max: TEXT_MAX } });
		if (body.length > TEXT_MAX) issues.push({ field: 'body', code: 'too_long', params: { max: TEXT_MAX } });
		if (issues.length) throw new ValidationError(issues);
		const final = NEEDS_TRANSITIONS[toStatus as NeedsStatus].length === 0;
		await tx
			.update(needsReport)
			.set({
				status: toStatus,
				declineReason: toStatus === 'declined' ? reason : row.declineReason,
				firstResponseAt: row.firstResponseAt ?? now,
				closedAt: final ? now : null,
				updatedAt: now
			})
			.where(eq(needsReport.id, row.id));
		await tx.insert(needsReportEvent).values({
			reportId: row.id,
			at: now,
			actorUserId: principal.userId,
			kind: 'status',
			fromStatus: from,
			toStatus,
			body: toStatus === 'declined' ? [reason, body].filter(Boolean).join('\n\n') : body
		});
		await auditReport(tx, principal, row, 'status', {
			status: [from, toStatus],
			...(row.firstResponseAt ? {} : { firstResponseAt: [null, now.toISOString()] }),
			...(final ? { closedAt: [null, now.toISOString()] } : {}),
			...(toStatus === 'declined' ? { declineReason: [null, '…'] } : {})
		});
	});
}

/**
 * Writes a response on a report: the reporting instance's staff and the administrators. A
 * response by an administrator counts as the municipality's first response.
 * @throws NotFoundError, AccessDeniedError, ValidationError `body` `required` | `too_long`.
 */
export async function respondToNeedsReport(db: Db, principal: UserPrincipal, id: string, body: string, now: Date = new Date()): Promise<void> {
	const text = body.trim();
	await db.transaction(async (tx) => {
		const row = await lockReport(tx, id, (r) => canSeeNeedsReport(principal, r));
		if (!text) throw new ValidationError([{ field: 'body', code: 'required' }]);
		if (text.length > TEXT_MAX) throw new ValidationError([{ field: 'body', code: 'too_long', params: { max: TEXT_MAX } }]);
		const byMunicipality = can(principal, 'needs:steer', { municipalityId: row.municipalityId });
		const first = byMunicipality && !row.firstResponseAt;
		await tx
			.update(needsReport)
			.set({ updatedAt: now, ...(first ? { firstResponseAt: now } : {}) })
			.where(eq(needsReport.id, row.id));
		await tx.insert(needsReportEvent).values({ reportId: row.id, at: now, actorUserId: principal.userId, kind: 'response', body: text });
		await auditReport(tx, principal, row, 'respond', { response: [null, '…'], ...(first ? { firstResponseAt: [null, now.toISOString()] } : {}) });
	});
}

/** What a link points at. */
export type NeedsLinkTarget = { kind: 'service'; id: string } | { kind: 'programme'; id: string };

/** Checks that the target exists in the municipality; ValidationError `target` otherwise. */
async function checkTarget(tx: DbOrTx, municipalityId: string, target: NeedsLinkTarget): Promise<void> {
	const table = target.kind === 'service' ? service : programme;
	const [row] = UUID.test(target.id)
		? await tx.select({ id: table.id }).from(table).where(and(eq(table.id, target.id), eq(table.municipalityId, municipalityId)))
		: [];
	if (!row) throw new ValidationError([{ field: target.kind === 'service' ? 'serviceId' : 'programmeId', code: 'nr_unknown_target' }]);
}

/**
 * Links an offer (`service`) or a programme of the report's municipality to a report; an
 * existing link is left as it is (no second event). Administrators only.
 * @returns whether a new link was made.
 * @throws NotFoundError, AccessDeniedError, ValidationError `serviceId`|`programmeId`
 *   `nr_unknown_target` (unknown id or another municipality's).
 */
export async function linkNeedsReport(db: Db, principal: UserPrincipal, id: string, target: NeedsLinkTarget, now: Date = new Date()): Promise<boolean> {
	return db.transaction(async (tx) => {
		const row = await lockReport(tx, id, (r) => can(principal, 'needs:steer', { municipalityId: r.municipalityId }));
		await checkTarget(tx, row.municipalityId, target);
		const inserted = await tx
			.insert(needsReportLink)
			.values({ reportId: row.id, serviceId: target.kind === 'service' ? target.id : null, programmeId: target.kind === 'programme' ? target.id : null, createdAt: now })
			.onConflictDoNothing()
			.returning({ id: needsReportLink.id });
		if (!inserted.length) return false;
		await tx.update(needsReport).set({ updatedAt: now }).where(eq(needsReport.id, row.id));
		await tx.insert(needsReportEvent).values({ reportId: row.id, at: now, actorUserId: principal.userId, kind: 'link', target: `${target.kind}:${target.id}` });
		await auditReport(tx, principal, row, 'link', { [target.kind]: [null, target.id] });
		return true;
	});
}

/**
 * Removes a link made by `linkNeedsReport`. Administrators only.
 * @throws NotFoundError (unknown report, or the target is not linked), AccessDeniedError.
 */
export async function unlinkNeedsReport(db: Db, principal: UserPrincipal, id: string, target: NeedsLinkTarget, now: Date = new Date()): Promise<void> {
	await db.transaction(async (tx) => {
		const row = await lockReport(tx, id, (r) => can(principal, 'needs:steer', { municipalityId: r.municipalityId }));
		const column = target.kind === 'service' ? needsReportLink.serviceId : needsReportLink.programmeId;
		const removed = UUID.test(target.id)
			? await tx.delete(needsReportLink).where(and(eq(needsReportLink.reportId, row.id), eq(column, target.id))).returning({ id: needsReportLink.id })
			: [];
		if (!removed.length) throw new NotFoundError(`link ${target.kind}:${target.id}`);
		await tx.update(needsReport).set({ updatedAt: now }).where(eq(needsReport.id, row.id));
		await tx.insert(needsReportEvent).values({ reportId: row.id, at: now, actorUserId: principal.userId, kind: 'unlink', target: `${target.kind}:${target.id}` });
		await auditReport(tx, principal, row, 'unlink', { [target.kind]: [target.id, null] });
	});
}

/** Filters of `listNeedsReports`; empty values mean "any". */
export interface NeedsFilters {
	/** A status, or `open` / `closed` for the group of statuses (the dashboard links use these). */
	status?: string;
	themeField?: string;
	socialSpaceId?: string;
	districtId?: string;
	instanceId?: string;
	urgency?: string;
	openOnly?: boolean;
}

/** One row of the report list. */
export interface NeedsListItem {
	id: string;
	reference: string;
	title: string;
	status: NeedsStatus;
	urgency: string;
	themeField: string;
	instanceId: string | null;
	instanceName: string | null;
	createdAt: Date;
	firstResponseAt: Date | null;
	linkCount: number;
	spaces: { id: string; name: string }[];
	isDemo: boolean;
}

/**
 * The reports the principal may see (administrators: the whole municipality; instance staff:
 * their instances'), newest first, filtered. Unknown filter values simply match nothing.
 * Partners and volunteers get an empty list.
 */
export async function listNeedsReports(db: DbOrTx, principal: UserPrincipal, filters: NeedsFilters = {}): Promise<NeedsListItem[]> {
	const municipalityId = principal.municipalityId;
	const where: SQL[] = [eq(needsReport.municipalityId, municipalityId)];
	if (!can(principal, 'needs:steer', { municipalityId })) {
		const own = principal.instanceIds.filter((i) => can(principal, 'needs:report', { municipalityId, instanceId: i }));
		if (!own.length) return [];
		where.push(inArray(needsReport.instanceId, own));
	}
	const uuidOrNone = (v: string) => (UUID.test(v) ? v : '00000000-0000-0000-0000-000000000000');
	if (filters.status === 'open') where.push(inArray(needsReport.status, [...OPEN_NEEDS_STATUSES]));
	else if (filters.status === 'closed') where.push(notInArray(needsReport.status, [...OPEN_NEEDS_STATUSES]));
	else if (filters.status) where.push(eq(needsReport.status, filters.status));
	if (filters.openOnly) where.push(inArray(needsReport.status, [...OPEN_NEEDS_STATUSES]));
	if (filters.themeField) where.push(eq(needsReport.themeField, filters.themeField));
	if (filters.urgency) where.push(eq(needsReport.urgency, filters.urgency));
	if (filters.instanceId) where.push(eq(needsReport.instanceId, uuidOrNone(filters.instanceId)));
	if (filters.socialSpaceId) {
		where.push(sql`exists (select 1 from needs_report_space s where s.report_id = ${needsReport.id} and s.social_space_id = ${uuidOrNone(filters.socialSpaceId)})`);
	}
	if (filters.districtId) {
		where.push(
			sql`exists (select 1 from needs_report_space s join social_space sp on sp.id = s.social_space_id where s.report_id = ${needsReport.id} and sp.district_id = ${uuidOrNone(filters.districtId)})`
		);
	}
	const rows = await db
		.select({
			id: needsReport.id,
			reference: needsReport.reference,
			title: needsReport.title,
			status: needsReport.status,
			urgency: needsReport.urgency,
			themeField: needsReport.themeField,
			instanceId: needsReport.instanceId,
			instanceName: instance.name,
			createdAt: needsReport.createdAt,
			firstResponseAt: needsReport.firstResponseAt,
			isDemo: needsReport.isDemo,
			linkCount: sql<number>`(select count(*)::int from needs_report_link l where l.report_id = ${needsReport.id})`
		})
		.from(needsReport)
		.leftJoin(instance, eq(instance.id, needsReport.instanceId))
		.where(and(...where))
		.orderBy(desc(needsReport.createdAt), desc(needsReport.reference));
	const spaces = rows.length
		? await db
				.select({ reportId: needsReportSpace.reportId, id: socialSpace.id, name: socialSpace.name })
				.from(needsReportSpace)
				.innerJoin(socialSpace, eq(socialSpace.id, needsReportSpace.socialSpaceId))
				.where(inArray(needsReportSpace.reportId, rows.map((r) => r.id)))
				.orderBy(asc(socialSpace.name))
		: [];
	return rows.map((r) => ({
		...r,
		status: r.status as NeedsStatus,
		linkCount: Number(r.linkCount),
		spaces: spaces.filter((s) => s.reportId === r.id).map((s) => ({ id: s.id, name: s.name }))
	}));
}

/** One history entry as shown. `byMunicipality`: the actor is an administrator. */
export interface NeedsEventView {
	at: Date;
	kind: string;
	fromStatus: string | null;
	toStatus: string | null;
	body: string;
	actorName: string | null;
	byMunicipality: boolean;
	/** For link events: the linked offer's or programme's name (null when since deleted). */
	targetKind: 'service' | 'programme' | null;
	targetName: string | null;
}

/** A report with everything its page shows. The attachment's bytes are left out (`getNeedsAttachment`). */
export interface NeedsReportView {
	report: Omit<ReportRow, 'attachment'> & { status: NeedsStatus; attachmentSize: number | null };
	instanceName: string | null;
	spaces: { id: string; name: string; districtName: string }[];
	events: NeedsEventView[];
	links: { kind: 'service' | 'programme'; id: string; name: string }[];
	/** Statuses the principal may move the report to now (empty for non-administrators). */
	nextStatuses: NeedsStatus[];
	canSteer: boolean;
}

/**
 * A report with spaces, history (oldest first) and links, for those who may see it.
 * @param lang language for offer names (`pickText`).
 * @throws NotFoundError, AccessDeniedError.
 */
export async function getNeedsReport(db: DbOrTx, principal: UserPrincipal, id: string, lang = 'de'): Promise<NeedsReportView> {
	const row = await loadReport(db, id);
	if (!canSeeNeedsReport(principal, row)) throw new AccessDeniedError();
	const [inst] = row.instanceId ? await db.select({ name: instance.name }).from(instance).where(eq(instance.id, row.instanceId)) : [];
	const [spaces, events, links] = await Promise.all([
		db
			.select({ id: socialSpace.id, name: socialSpace.name, districtName: district.name })
			.from(needsReportSpace)
			.innerJoin(socialSpace, eq(socialSpace.id, needsReportSpace.socialSpaceId))
			.innerJoin(district, eq(district.id, socialSpace.districtId))
			.where(eq(needsReportSpace.reportId, row.id))
			.orderBy(asc(socialSpace.name)),
		db
			.select({ e: needsReportEvent, actorName: userAccount.displayName, actorRole: userAccount.role })
			.from(needsReportEvent)
			.leftJoin(userAccount, eq(userAccount.id, needsReportEvent.actorUserId))
			.where(eq(needsReportEvent.reportId, row.id))
			.orderBy(asc(needsReportEvent.at), asc(needsReportEvent.id)),
		db
			.select({ serviceId: needsReportLink.serviceId, programmeId: needsReportLink.programmeId, serviceName: service.name, programmeName: programme.name })
			.from(needsReportLink)
			.leftJoin(service, eq(service.id, needsReportLink.serviceId))
			.leftJoin(programme, eq(programme.id, needsReportLink.programmeId))
			.where(eq(needsReportLink.reportId, row.id))
			.orderBy(asc(needsReportLink.createdAt))
	]);
	const targetIds = events.map((x) => x.e.target?.split(':')[1]).filter((t): t is string => !!t && UUID.test(t));
	const [serviceNames, programmeNames] = targetIds.length
		? await Promise.all([
				db.select({ id: service.id, name: service.name }).from(service).where(inArray(service.id, targetIds)),
				db.select({ id: programme.id, name: programme.name }).from(programme).where(inArray(programme.id, targetIds))
			])
		: [[], []];
	const names = new Map<string, string>([
		...serviceNames.map((s) => [s.id, pickText(s.name, lang)?.text ?? ''] as [string, string]),
		...programmeNames.map((p) => [p.id, p.name] as [string, string])
	]);
	const canSteer = can(principal, 'needs:steer', { municipalityId: row.municipalityId });
	const { attachment, ...rest } = row;
	return {
		report: { ...rest, status: row.status as NeedsStatus, attachmentSize: attachment ? attachment.length : null },
		instanceName: inst?.name ?? null,
		spaces,
		events: events.map(({ e, actorName, actorRole }) => {
			const [kind, targetId] = e.target?.split(':') ?? [null, null];
			return {
				at: e.at,
				kind: e.kind,
				fromStatus: e.fromStatus,
				toStatus: e.toStatus,
				body: e.body,
				actorName: actorName ?? null,
				byMunicipality: actorRole === 'municipality_admin',
				targetKind: kind === 'service' || kind === 'programme' ? kind : null,
				targetName: targetId ? (names.get(targetId) ?? null) : null
			};
		}),
		links: links.map((l) =>
			l.serviceId
				? { kind: 'service' as const, id: l.serviceId, name: l.serviceName ? (pickText(l.serviceName, lang)?.text ?? '') : '' }
				: { kind: 'programme' as const, id: l.programmeId!, name: l.programmeName ?? '' }
		),
		nextStatuses: canSteer ? [...NEEDS_TRANSITIONS[row.status as NeedsStatus]] : [],
		canSteer
	};
}

/**
 * The attachment of a report, for those who may see the report.
 * @throws NotFoundError (unknown report or none attached), AccessDeniedError.
 */
export async function getNeedsAttachment(db: DbOrTx, principal: UserPrincipal, id: string): Promise<{ name: string; type: string; data: Buffer }> {
	const row = await loadReport(db, id);
	if (!canSeeNeedsReport(principal, row)) throw new AccessDeniedError();
	if (!row.attachment || !row.attachmentType) throw new NotFoundError(`attachment of ${id}`);
	// PGlite returns bytea as a Uint8Array, node-postgres as a Buffer.
	return { name: row.attachmentName ?? 'attachment', type: row.attachmentType, data: Buffer.from(row.attachment) };
}

/**
 * Offers of the municipality whose name contains `query` (case-insensitive, any language
 * version), for the link form; at most `limit`, by name.
 * @returns id and the name in `lang`.
 */
export async function findOffersToLink(db: DbOrTx, municipalityId: string, query: string, lang = 'de', limit = 20): Promise<{ id: string; name: string }[]> {
	const q = query.trim();
	if (!q) return [];
	const pattern = `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
	const rows = await db
		.select({ id: service.id, name: service.name })
		.from(service)
		.where(and(eq(service.municipalityId, municipalityId), sql`exists (select 1 from jsonb_each(${service.name}) v where v.value->>'text' ilike ${pattern})`))
		.limit(limit);
	return rows.map((r) => ({ id: r.id, name: pickText(r.name, lang)?.text ?? '' })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Programmes of the municipality for the link form, by name. */
export function listProgrammesToLink(db: DbOrTx, municipalityId: string): Promise<{ id: string; name: string }[]> {
	return db.select({ id: programme.id, name: programme.name }).from(programme).where(eq(programme.municipalityId, municipalityId)).orderBy(asc(programme.name));
}

/** Needs-report counts of one social space and theme field (see `countNeedsBySpaceAndField`). */
export interface NeedsCell {
	socialSpaceId: string;
	themeField: string;
	/** Reports in an open status. */
	open: number;
	/** Open reports with no offer or programme linked. */
	unanswered: number;
	/** Reports implemented or declined. */
	closed: number;
}

/**
 * For coverage and dashboards: per (social space, theme field) of a municipality, the number
 * of open, unanswered and closed needs reports, following the shared definitions (OPEN:
 * reported/under_review/in_planning; CLOSED: implemented/declined; UNANSWERED: open with no
 * `needs_report_link`). A report of several spaces counts once in each. Only combinations with
 * at least one report are returned; demo reports are included (filter by `is_demo` is not
 * offered, as demo municipalities hold only demo reports).
 */
export async function countNeedsBySpaceAndField(db: DbOrTx, municipalityId: string): Promise<NeedsCell[]> {
	const result = await db.execute<{ social_space_id: string; theme_field: string; open: string | number; unanswered: string | number; closed: string | number }>(sql`
		select s.social_space_id, r.theme_field,
			count(*) filter (where r.status in ('reported', 'under_review', 'in_planning')) as open,
			count(*) filter (where r.status in ('reported', 'under_review', 'in_planning')
				and not exists (select 1 from needs_report_link l where l.report_id = r.id)) as unanswered,
			count(*) filter (where r.status in ('implemented', 'declined')) as closed
		from needs_report r
		join needs_report_space s on s.report_id = r.id
		where r.municipality_id = ${municipalityId}
		group by s.social_space_id, r.theme_field`);
	return result.rows.map((r) => ({
		socialSpaceId: r.social_space_id,
		themeField: r.theme_field,
		open: Number(r.open),
		unanswered: Number(r.unanswered),
		closed: Number(r.closed)
	}));
}
