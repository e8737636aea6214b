/**
 * Bedarfsmeldungen (issue 5 §1): an instance reports a need from its social spaces — theme field,
 * sub-topics, target groups, social spaces, urgency, evidence from the contact statistics
 * ("kein passendes Angebot" counts) or an attachment — and the municipality works it through
 * reported → under review → in planning → implemented, or declines it with a reason. Both sides
 * write responses; the history (`needs_report_event`) is visible to the reporter. Offers and
 * programmes that answer a report are linked to it.
 *
 * Who sees what (design, kept simple): municipality administrators (`needs:steer`) see and work
 * every report of their municipality; instance staff see (`needs:read`) and respond on the
 * reports of their own instances only (`needs:report` to make one). A report by the
 * municipality itself (no instance) is seen by administrators only. Partners and volunteers see
 * nothing. The system principal (demo loader, command line) may do everything.
 *
 * Other modules are read through their functions: casework's unmet-topic counts
 * (`casework/counts.ts`) for the evidence, the directory's offer names and name search
 * (`directory/steering-reads.ts`), geography's social spaces and districts, the instances of the
 * municipality and the accounts' names (`userNames`) for the history.
 *
 * Audit: every write records ids, statuses and field names; free texts (title, description,
 * responses, reasons) are recorded as `'…'` markers, never their content.
 */
import { and, asc, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import { auditActor, authorize, can, isUser, type Principal } from '../access';
import { userNames } from '../accounts/users';
import { recordAudit } from '../audit/service';
import { countUnmetTopic, type ContactWindow } from '../casework/counts';
import { SMALL_COUNT_THRESHOLD } from '../casework/model';
import { berlinDate, berlinInstant } from '../casework/time';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isIsoDate, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { SUBTOPICS, TARGET_GROUPS, THEME_FIELDS } from '../directory/model';
import { findOffersByName, offerNames } from '../directory/steering-reads';
import { pickText } from '../directory/texts';
import { getSocialSpaces, listDistricts, listSocialSpaces } from '../geography/service';
import { listInstances } from '../instances/service';
import {
	NEEDS_ATTACHMENT_MAX_BYTES,
	NEEDS_ATTACHMENT_TYPES,
	NEEDS_EVIDENCE_MAX_MONTHS,
	NEEDS_STATUS_FILTERS,
	NEEDS_STATUSES,
	NEEDS_TEXT_MAX,
	NEEDS_TITLE_MAX,
	NEEDS_TRANSITIONS,
	NEEDS_URGENCIES,
	OPEN_NEEDS_STATUSES,
	needsTopicKeys,
	type NeedsStatus
} from './model';
import { speaksForMunicipality } from './permissions';
import { needsReport, needsReportEvent, needsReportLink, needsReportSpace, programme, type NeedsEvidence } from './schema';

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
	/** The municipality the report is made in. */
	municipalityId: string;
	/** The reporting instance (of that municipality); null = a report by the municipality (administrators only). */
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

/** `YYYY-MM` → a month number (year × 12 + month − 1), or null when it is not a month. */
function monthIndex(value: string): number | null {
	if (value.length !== 7 || !isIsoDate(`${value}-01`)) return null;
	const [y, m] = value.split('-').map(Number);
	return y * 12 + m - 1;
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
async function validateNeedsReport(db: DbOrTx, input: NeedsReportInput, now: Date): Promise<FieldIssue[]> {
	const issues: FieldIssue[] = [];
	const title = input.title.trim();
	if (!title) issues.push({ field: 'title', code: 'required' });
	else if (title.length > NEEDS_TITLE_MAX) issues.push({ field: 'title', code: 'too_long', params: { max: NEEDS_TITLE_MAX } });
	if (!input.description.trim()) issues.push({ field: 'description', code: 'required' });
	else if (input.description.length > NEEDS_TEXT_MAX) issues.push({ field: 'description', code: 'too_long', params: { max: NEEDS_TEXT_MAX } });
	if ((input.evidenceNote ?? '').length > NEEDS_TEXT_MAX) issues.push({ field: 'evidenceNote', code: 'too_long', params: { max: NEEDS_TEXT_MAX } });
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
		const own = (await getSocialSpaces(db, spaceIds.filter(isUuid))).filter((s) => s.municipalityId === input.municipalityId);
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

/** The months `fromMonth`…`toMonth` (inclusive, Europe/Berlin) as a contact window. */
function evidenceWindow(evidence: NeedsEvidenceRequest): ContactWindow {
	const [fy, fm] = evidence.fromMonth.split('-').map(Number);
	const [ty, tm] = evidence.toMonth.split('-').map(Number);
	const to = berlinInstant(ty, tm + 1, 1);
	return { from: berlinInstant(fy, fm, 1), to, monthFrom: `${evidence.fromMonth}-01`, monthTo: berlinDate(to).slice(0, 7) + '-01' };
}

/** The stored evidence snapshot: counts 1–4 suppressed (the report leaves the instance). */
function snapshot(request: NeedsEvidenceRequest, n: number): NeedsEvidence {
	const suppressed = n > 0 && n < SMALL_COUNT_THRESHOLD;
	return { topic: request.topic, fromMonth: request.fromMonth, toMonth: request.toMonth, count: suppressed ? null : n, suppressed };
}

/** The account a write is attributed to in the report's history: the user, or none for the system. */
function actorOf(principal: Principal): string | null {
	return isUser(principal) ? principal.userId : null;
}

function auditReport(db: DbOrTx, principal: Principal, report: Pick<ReportRow, 'id' | 'municipalityId'>, action: string, changes: Record<string, [unknown, unknown]>) {
	return recordAudit(db, { ...auditActor(principal), municipalityId: report.municipalityId, action, entityType: 'needs_report', entityId: report.id, changes });
}

/**
 * Creates a needs report with its spaces and the first history event, in one transaction. The
 * reference `B-<year>-NNNN` counts per municipality and Berlin calendar year; an advisory lock
 * per municipality inside the transaction keeps concurrent reports from drawing the same number.
 * The evidence count is taken from casework's unmet topics of the instance (or, without one, of
 * the municipality) and stored suppressed (1–4 → "<5").
 * @returns the new report's id and reference.
 * @throws NotFoundError (unknown municipality or instance, or an instance of another
 *   municipality), AccessDeniedError
 *   (no `needs:report` for the instance; without an instance `needs:steer`), ValidationError
 *   (see `validateNeedsReport`) — nothing is written then.
 */
export async function createNeedsReport(
	db: Db,
	principal: Principal,
	input: NeedsReportInput,
	options: { now?: Date; isDemo?: boolean } = {}
): Promise<{ id: string; reference: string }> {
	const now = options.now ?? new Date();
	const municipalityId = input.municipalityId;
	if (!isUuid(municipalityId)) throw new NotFoundError(`municipality ${municipalityId}`);
	if (input.instanceId) {
		const inst = (await listInstances(db, municipalityId)).find((i) => i.id === input.instanceId);
		if (!inst) throw new NotFoundError(`instance ${input.instanceId}`);
		authorize(principal, 'needs:report', { municipalityId, instanceId: inst.id });
	} else authorize(principal, 'needs:steer', { municipalityId });
	const issues = await validateNeedsReport(db, input, now);
	if (issues.length) throw new ValidationError(issues);
	const evidence = input.evidence
		? [snapshot(input.evidence, await countUnmetTopic(db, { municipalityId, instanceId: input.instanceId }, input.evidence.topic, evidenceWindow(input.evidence)))]
		: [];
	const spaceIds = [...new Set(input.socialSpaceIds)];
	const actor = actorOf(principal);
	return db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'needs_reference:' + municipalityId}, 0))`);
		const reference = await nextReference(tx, municipalityId, now);
		const [row] = await tx
			.insert(needsReport)
			.values({
				municipalityId,
				instanceId: input.instanceId,
				reportedBy: actor,
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
		await tx.insert(needsReportEvent).values({ reportId: row.id, at: now, actorUserId: actor, kind: 'reported', toStatus: 'reported' });
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

/**
 * The next free reference `B-<year>-NNNN` of the municipality for a report made at `at` (Berlin
 * calendar year). Call inside the transaction that inserts the report, under its advisory lock.
 */
export async function nextReference(tx: DbOrTx, municipalityId: string, at: Date): Promise<string> {
	const prefix = `B-${berlinDate(at).slice(0, 4)}-`;
	const [{ last }] = await tx
		.select({ last: sql<number | null>`max(substring(${needsReport.reference} from '^B-[0-9]{4}-([0-9]+)$')::int)` })
		.from(needsReport)
		.where(and(eq(needsReport.municipalityId, municipalityId), sql`${needsReport.reference} like ${prefix + '%'}`));
	return `${prefix}${String((Number(last) || 0) + 1).padStart(4, '0')}`;
}

/** Loads a report row, or NotFoundError for an unknown or malformed id. */
async function loadReport(db: DbOrTx, id: string): Promise<ReportRow> {
	const [row] = isUuid(id) ? await db.select().from(needsReport).where(eq(needsReport.id, id)) : [];
	if (!row) throw new NotFoundError(`needs report ${id}`);
	return row;
}

/** The scope of `needs:read` on a report: its municipality and reporting instance. */
function readScope(report: Pick<ReportRow, 'municipalityId' | 'instanceId'>) {
	return { municipalityId: report.municipalityId, instanceId: report.instanceId };
}

/** Locks and loads a report inside a transaction and authorises `permission` on it. */
async function lockReport(tx: DbOrTx, principal: Principal, id: string, permission: 'needs:steer' | 'needs:read'): Promise<ReportRow> {
	if (!isUuid(id)) throw new NotFoundError(`needs report ${id}`);
	const [row] = await tx.select().from(needsReport).where(eq(needsReport.id, id)).for('update');
	if (!row) throw new NotFoundError(`needs report ${id}`);
	authorize(principal, permission, readScope(row));
	return row;
}

/**
 * Moves a report through the workflow (`NEEDS_TRANSITIONS`). Declining needs a reason. Sets
 * `first_response_at` on the municipality's first status change or response and `closed_at`
 * when the status is final; writes a `status` event with the optional message.
 * @throws NotFoundError, AccessDeniedError (not `needs:steer`), ValidationError `status`
 *   `nr_unknown_status` | `transition` (params from, to), `reason` `required` | `too_long`,
 *   `body` `too_long`.
 */
export async function changeNeedsStatus(
	db: Db,
	principal: Principal,
	id: string,
	toStatus: string,
	options: { reason?: string; body?: string; now?: Date } = {}
): Promise<void> {
	const now = options.now ?? new Date();
	const reason = options.reason?.trim() ?? '';
	const body = options.body?.trim() ?? '';
	await db.transaction(async (tx) => {
		const row = await lockReport(tx, principal, id, 'needs:steer');
		if (!(NEEDS_STATUSES as readonly string[]).includes(toStatus)) throw new ValidationError([{ field: 'status', code: 'nr_unknown_status' }]);
		const from = row.status as NeedsStatus;
		if (!NEEDS_TRANSITIONS[from].includes(toStatus as NeedsStatus)) {
			throw new ValidationError([{ field: 'status', code: 'transition', params: { from, to: toStatus } }]);
		}
		const issues: FieldIssue[] = [];
		if (toStatus === 'declined' && !reason) issues.push({ field: 'reason', code: 'required' });
		if (reason.length > NEEDS_TEXT_MAX) issues.push({ field: 'reason', code: 'too_long', params: { max: NEEDS_TEXT_MAX } });
		if (body.length > NEEDS_TEXT_MAX) issues.push({ field: 'body', code: 'too_long', params: { max: NEEDS_TEXT_MAX } });
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
			actorUserId: actorOf(principal),
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
 * Writes a response on a report: the reporting instance's staff and the administrators
 * (`needs:read`). A response by an administrator counts as the municipality's first response.
 * @throws NotFoundError, AccessDeniedError, ValidationError `body` `required` | `too_long`.
 */
export async function respondToNeedsReport(db: Db, principal: Principal, id: string, body: string, now: Date = new Date()): Promise<void> {
	const text = body.trim();
	await db.transaction(async (tx) => {
		const row = await lockReport(tx, principal, id, 'needs:read');
		if (!text) throw new ValidationError([{ field: 'body', code: 'required' }]);
		if (text.length > NEEDS_TEXT_MAX) throw new ValidationError([{ field: 'body', code: 'too_long', params: { max: NEEDS_TEXT_MAX } }]);
		const byMunicipality = can(principal, 'needs:steer', { municipalityId: row.municipalityId });
		const first = byMunicipality && !row.firstResponseAt;
		await tx
			.update(needsReport)
			.set({ updatedAt: now, ...(first ? { firstResponseAt: now } : {}) })
			.where(eq(needsReport.id, row.id));
		await tx.insert(needsReportEvent).values({ reportId: row.id, at: now, actorUserId: actorOf(principal), kind: 'response', body: text });
		await auditReport(tx, principal, row, 'respond', { response: [null, '…'], ...(first ? { firstResponseAt: [null, now.toISOString()] } : {}) });
	});
}

/** What a link points at. */
export type NeedsLinkTarget = { kind: 'service'; id: string } | { kind: 'programme'; id: string };

/** Checks that the target exists in the municipality; ValidationError `serviceId`/`programmeId` otherwise. */
async function checkTarget(tx: DbOrTx, municipalityId: string, target: NeedsLinkTarget): Promise<void> {
	let found = false;
	if (isUuid(target.id)) {
		if (target.kind === 'service') found = (await offerNames(tx, [target.id])).some((s) => s.municipalityId === municipalityId);
		else found = (await tx.select({ id: programme.id }).from(programme).where(and(eq(programme.id, target.id), eq(programme.municipalityId, municipalityId)))).length > 0;
	}
	if (!found) throw new ValidationError([{ field: target.kind === 'service' ? 'serviceId' : 'programmeId', code: 'nr_unknown_target' }]);
}

/**
 * Links an offer (`service`) or a programme of the report's municipality to a report; an
 * existing link is left as it is (no second event). `needs:steer`.
 * @returns whether a new link was made.
 * @throws NotFoundError, AccessDeniedError, ValidationError `serviceId`|`programmeId`
 *   `nr_unknown_target` (unknown id or another municipality's).
 */
export async function linkNeedsReport(db: Db, principal: Principal, id: string, target: NeedsLinkTarget, now: Date = new Date()): Promise<boolean> {
	return db.transaction(async (tx) => {
		const row = await lockReport(tx, principal, id, 'needs:steer');
		await checkTarget(tx, row.municipalityId, target);
		const inserted = await tx
			.insert(needsReportLink)
			.values({ reportId: row.id, serviceId: target.kind === 'service' ? target.id : null, programmeId: target.kind === 'programme' ? target.id : null, createdAt: now })
			.onConflictDoNothing()
			.returning({ id: needsReportLink.id });
		if (!inserted.length) return false;
		await tx.update(needsReport).set({ updatedAt: now }).where(eq(needsReport.id, row.id));
		await tx.insert(needsReportEvent).values({ reportId: row.id, at: now, actorUserId: actorOf(principal), kind: 'link', target: `${target.kind}:${target.id}` });
		await auditReport(tx, principal, row, 'link', { [target.kind]: [null, target.id] });
		return true;
	});
}

/**
 * Removes a link made by `linkNeedsReport`. `needs:steer`.
 * @throws NotFoundError (unknown report, or the target is not linked), AccessDeniedError.
 */
export async function unlinkNeedsReport(db: Db, principal: Principal, id: string, target: NeedsLinkTarget, now: Date = new Date()): Promise<void> {
	await db.transaction(async (tx) => {
		const row = await lockReport(tx, principal, id, 'needs:steer');
		const column = target.kind === 'service' ? needsReportLink.serviceId : needsReportLink.programmeId;
		const removed = isUuid(target.id)
			? await tx.delete(needsReportLink).where(and(eq(needsReportLink.reportId, row.id), eq(column, target.id))).returning({ id: needsReportLink.id })
			: [];
		if (!removed.length) throw new NotFoundError(`link ${target.kind}:${target.id}`);
		await tx.update(needsReport).set({ updatedAt: now }).where(eq(needsReport.id, row.id));
		await tx.insert(needsReportEvent).values({ reportId: row.id, at: now, actorUserId: actorOf(principal), kind: 'unlink', target: `${target.kind}:${target.id}` });
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
	/**
	 * Only reports with a new answer: a written response or a status change since this instant by
	 * someone other than the principal (the staff start page's "new answers", issue 12 §10).
	 */
	answeredSince?: Date;
}

/** Days within which a response or status change counts as a new answer (`answeredSince`). */
export const NEW_ANSWER_DAYS = 14;

/** The start of the window of new answers before `now`: `NEW_ANSWER_DAYS` earlier. */
export function answeredSince(now: Date): Date {
	return new Date(now.getTime() - NEW_ANSWER_DAYS * 86_400_000);
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
 * Checks the filter values. @throws ValidationError naming each bad filter: `status`,
 * `themeField`, `urgency` `unknown_option` (param value); `socialSpaceId`, `districtId`,
 * `instanceId` `invalid_id`.
 */
function checkFilters(filters: NeedsFilters): void {
	const issues: FieldIssue[] = [];
	const option = (field: keyof NeedsFilters, value: string | undefined, allowed: readonly string[]) => {
		if (value && !allowed.includes(value)) issues.push({ field, code: 'unknown_option', params: { value } });
	};
	option('status', filters.status, NEEDS_STATUS_FILTERS);
	option('themeField', filters.themeField, THEME_FIELDS.map((t) => t.key));
	option('urgency', filters.urgency, NEEDS_URGENCIES);
	for (const field of ['socialSpaceId', 'districtId', 'instanceId'] as const) {
		const value = filters[field];
		if (value && !isUuid(value)) issues.push({ field, code: 'invalid_id' });
	}
	if (issues.length) throw new ValidationError(issues);
}

/**
 * The reports of the municipality the principal may see (administrators: all; instance staff:
 * their instances'), newest first, filtered. Ids of spaces, districts and instances that are
 * not the municipality's simply match nothing. Partners and volunteers get an empty list.
 * @throws ValidationError for a malformed filter (see `checkFilters`).
 */
export async function listNeedsReports(db: DbOrTx, principal: Principal, municipalityId: string, filters: NeedsFilters = {}): Promise<NeedsListItem[]> {
	checkFilters(filters);
	const where: SQL[] = [eq(needsReport.municipalityId, municipalityId)];
	if (!can(principal, 'needs:steer', { municipalityId })) {
		const own = isUser(principal) ? principal.instanceIds.filter((i) => can(principal, 'needs:report', { municipalityId, instanceId: i })) : [];
		if (!own.length) return [];
		where.push(inArray(needsReport.instanceId, own));
	}
	if (filters.status === 'open') where.push(inArray(needsReport.status, [...OPEN_NEEDS_STATUSES]));
	else if (filters.status === 'closed') where.push(notInArray(needsReport.status, [...OPEN_NEEDS_STATUSES]));
	else if (filters.status) where.push(eq(needsReport.status, filters.status));
	if (filters.openOnly) where.push(inArray(needsReport.status, [...OPEN_NEEDS_STATUSES]));
	if (filters.themeField) where.push(eq(needsReport.themeField, filters.themeField));
	if (filters.urgency) where.push(eq(needsReport.urgency, filters.urgency));
	if (filters.instanceId) where.push(eq(needsReport.instanceId, filters.instanceId));
	if (filters.answeredSince) {
		const self = isUser(principal) ? principal.userId : null;
		where.push(
			sql`exists (select 1 from needs_report_event e where e.report_id = ${needsReport.id} and e.kind in ('response', 'status') and e.at >= ${filters.answeredSince.toISOString()}::timestamptz and e.actor_user_id is distinct from ${self}::uuid)`
		);
	}
	if (filters.socialSpaceId) {
		where.push(sql`exists (select 1 from needs_report_space s where s.report_id = ${needsReport.id} and s.social_space_id = ${filters.socialSpaceId})`);
	}
	const [spaces, instances] = await Promise.all([listSocialSpaces(db, { municipalityId }), listInstances(db, municipalityId)]);
	if (filters.districtId) {
		const inDistrict = spaces.filter((s) => s.districtId === filters.districtId).map((s) => sql`${s.id}::uuid`);
		if (!inDistrict.length) return [];
		where.push(sql`exists (select 1 from needs_report_space s where s.report_id = ${needsReport.id} and s.social_space_id in (${sql.join(inDistrict, sql`, `)}))`);
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
			createdAt: needsReport.createdAt,
			firstResponseAt: needsReport.firstResponseAt,
			isDemo: needsReport.isDemo,
			linkCount: sql<number>`(select count(*)::int from needs_report_link l where l.report_id = ${needsReport.id})`
		})
		.from(needsReport)
		.where(and(...where))
		.orderBy(desc(needsReport.createdAt), desc(needsReport.reference));
	const links = rows.length
		? await db
				.select({ reportId: needsReportSpace.reportId, spaceId: needsReportSpace.socialSpaceId })
				.from(needsReportSpace)
				.where(inArray(needsReportSpace.reportId, rows.map((r) => r.id)))
		: [];
	const reportsOfSpace = new Map<string, string[]>();
	for (const l of links) reportsOfSpace.set(l.spaceId, [...(reportsOfSpace.get(l.spaceId) ?? []), l.reportId]);
	// Spaces come ordered by name, so each report's list is too.
	const spacesOf = new Map<string, { id: string; name: string }[]>();
	for (const s of spaces) for (const r of reportsOfSpace.get(s.id) ?? []) spacesOf.set(r, [...(spacesOf.get(r) ?? []), { id: s.id, name: s.name }]);
	const instanceName = new Map(instances.map((i) => [i.id, i.name]));
	return rows.map((r) => ({
		...r,
		status: r.status as NeedsStatus,
		instanceName: r.instanceId ? (instanceName.get(r.instanceId) ?? null) : null,
		linkCount: Number(r.linkCount),
		spaces: spacesOf.get(r.id) ?? []
	}));
}

/** One history entry as shown. `byMunicipality`: written for the municipality (an administrator). */
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
	/** Statuses the principal may move the report to now (empty without `needs:steer`). */
	nextStatuses: NeedsStatus[];
	canSteer: boolean;
}

/**
 * A report with spaces (by name), history (oldest first) and links, for those who may read it.
 * @param lang language for offer names (`pickText`).
 * @throws NotFoundError (unknown or malformed id), AccessDeniedError (no `needs:read`).
 */
export async function getNeedsReport(db: DbOrTx, principal: Principal, id: string, lang = 'de'): Promise<NeedsReportView> {
	const row = await loadReport(db, id);
	authorize(principal, 'needs:read', readScope(row));
	const [instances, spaces, districts, spaceLinks, events, links] = await Promise.all([
		listInstances(db, row.municipalityId),
		listSocialSpaces(db, { municipalityId: row.municipalityId }),
		listDistricts(db, row.municipalityId),
		db.select({ id: needsReportSpace.socialSpaceId }).from(needsReportSpace).where(eq(needsReportSpace.reportId, row.id)),
		db.select().from(needsReportEvent).where(eq(needsReportEvent.reportId, row.id)).orderBy(asc(needsReportEvent.at), asc(needsReportEvent.id)),
		db
			.select({ serviceId: needsReportLink.serviceId, programmeId: needsReportLink.programmeId, programmeName: programme.name })
			.from(needsReportLink)
			.leftJoin(programme, eq(programme.id, needsReportLink.programmeId))
			.where(eq(needsReportLink.reportId, row.id))
			.orderBy(asc(needsReportLink.createdAt))
	]);
	const targetIds = events.map((e) => e.target?.split(':')[1]).filter((t): t is string => !!t && isUuid(t));
	const serviceIds = [...new Set([...links.map((l) => l.serviceId).filter((s): s is string => !!s), ...targetIds])];
	const [actors, offers, programmeNames] = await Promise.all([
		userNames(db, events.map((e) => e.actorUserId).filter((u): u is string => !!u)),
		offerNames(db, serviceIds),
		targetIds.length ? db.select({ id: programme.id, name: programme.name }).from(programme).where(inArray(programme.id, targetIds)) : []
	]);
	const offerName = new Map(offers.map((s) => [s.id, pickText(s.name, lang)?.text ?? '']));
	const names = new Map<string, string>([...offerName, ...programmeNames.map((p) => [p.id, p.name] as [string, string])]);
	const districtName = new Map(districts.map((d) => [d.id, d.name]));
	const linked = new Set(spaceLinks.map((s) => s.id));
	const canSteer = can(principal, 'needs:steer', { municipalityId: row.municipalityId });
	const { attachment, ...rest } = row;
	return {
		report: { ...rest, status: row.status as NeedsStatus, attachmentSize: attachment ? attachment.length : null },
		instanceName: row.instanceId ? (instances.find((i) => i.id === row.instanceId)?.name ?? null) : null,
		spaces: spaces.filter((s) => linked.has(s.id)).map((s) => ({ id: s.id, name: s.name, districtName: districtName.get(s.districtId) ?? '' })),
		events: events.map((e) => {
			const [kind, targetId] = e.target?.split(':') ?? [null, null];
			const actor = e.actorUserId ? actors.get(e.actorUserId) : undefined;
			return {
				at: e.at,
				kind: e.kind,
				fromStatus: e.fromStatus,
				toStatus: e.toStatus,
				body: e.body,
				actorName: actor?.displayName ?? null,
				byMunicipality: speaksForMunicipality(actor?.role),
				targetKind: kind === 'service' || kind === 'programme' ? kind : null,
				targetName: targetId ? (names.get(targetId) ?? null) : null
			};
		}),
		links: links.map((l) =>
			l.serviceId ? { kind: 'service' as const, id: l.serviceId, name: offerName.get(l.serviceId) ?? '' } : { kind: 'programme' as const, id: l.programmeId!, name: l.programmeName ?? '' }
		),
		nextStatuses: canSteer ? [...NEEDS_TRANSITIONS[row.status as NeedsStatus]] : [],
		canSteer
	};
}

/**
 * The attachment of a report, for those who may read the report.
 * @throws NotFoundError (unknown report or none attached), AccessDeniedError.
 */
export async function getNeedsAttachment(db: DbOrTx, principal: Principal, id: string): Promise<{ name: string; type: string; data: Buffer }> {
	const row = await loadReport(db, id);
	authorize(principal, 'needs:read', readScope(row));
	if (!row.attachment || !row.attachmentType) throw new NotFoundError(`attachment of ${id}`);
	// PGlite returns bytea as a Uint8Array, node-postgres as a Buffer.
	return { name: row.attachmentName ?? 'attachment', type: row.attachmentType, data: Buffer.from(row.attachment) };
}

/**
 * Offers of the municipality whose name contains `query` (case-insensitive, any language
 * version), for the link form; at most `limit`, by name.
 * @returns id and the name in `lang`.
 * @throws AccessDeniedError without `needs:steer`.
 */
export async function findOffersToLink(db: DbOrTx, principal: Principal, municipalityId: string, query: string, lang = 'de', limit = 20): Promise<{ id: string; name: string }[]> {
	authorize(principal, 'needs:steer', { municipalityId });
	const rows = await findOffersByName(db, municipalityId, query, limit);
	return rows.map((r) => ({ id: r.id, name: pickText(r.name, lang)?.text ?? '' })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Programmes of the municipality for the link form, by name. @throws AccessDeniedError without `needs:steer`. */
export async function listProgrammesToLink(db: DbOrTx, principal: Principal, municipalityId: string): Promise<{ id: string; name: string }[]> {
	authorize(principal, 'needs:steer', { municipalityId });
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
 * at least one report are returned; demo reports are included (demo municipalities hold only
 * demo reports). Counts only, no report content.
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
