/**
 * Meetings of a network (issue 14 §3): series and single meetings at a place whose accessibility
 * is shown (seed 002: "Regelmäßige Netzwerktreffen an einem allen zugänglichen Begegnungsort"),
 * agenda items proposed by members before a deadline and ordered by the coordinator, each public
 * or internal; attendance by organisation (persons only with consent); minutes per item;
 * decisions with result and votes; action items with owner and due date that carry over to the
 * next meetings of the series until done (4Minitz). Minutes go draft → circulated → approved and
 * are then frozen as a numbered version; an edit of approved minutes is a conflict (409) until a
 * new version is opened (`reopenMinutes`).
 *
 * Times are entered as Europe/Berlin wall-clock `YYYY-MM-DDTHH:MM` and stored as UTC instants.
 * Audit: ids, states and keys; titles, minutes and decision texts are recorded as `'…'`.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, isUser, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { berlinDate, berlinInstant, berlinTime } from '../casework/time';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isIsoDate, isStorableText, isUuid, parseInteger } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { meetingPlacesById, networkActors, type MeetingPlace } from '../directory/networks-reads';
import { coordinatedNetwork, coordinates, coordinationScope, loadNetwork, visibleNetwork, type NetworkRow } from './access';
import {
	AGENDA_STATES,
	DECISION_RESULTS,
	DEFAULT_PROPOSAL_LEAD_HOURS,
	MEETING_MAX_HOURS,
	MINUTES_TRANSITIONS,
	NETWORK_LIMITS,
	carriesOverTo,
	isOverdue,
	type MinutesState
} from './model';
import { membershipsOf, type MembershipView } from './networks';
import { actionItem, agendaItem, attendance, decision, meeting, meetingSeries, minutesVersion, type MinutesSnapshot } from './schema';

export type MeetingRow = typeof meeting.$inferSelect;
type ItemRow = typeof agendaItem.$inferSelect;

/** A Berlin wall-clock `YYYY-MM-DDTHH:MM` as an instant, or null when it is not one. */
export function parseBerlinDateTime(value: string): Date | null {
	const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})$/.exec(value.trim());
	if (!m || !isIsoDate(m[1]) || Number(m[2]) > 23 || Number(m[3]) > 59) return null;
	const [y, mo, d] = m[1].split('-').map(Number);
	return berlinInstant(y, mo, d, Number(m[2]), Number(m[3]));
}

/** An instant as the Berlin wall-clock `YYYY-MM-DDTHH:MM` forms show. */
export function berlinDateTime(at: Date): string {
	return `${berlinDate(at)}T${berlinTime(at)}`;
}

/** What a meeting is made with. Times: Berlin `YYYY-MM-DDTHH:MM`. */
export interface MeetingInput {
	name: string;
	startsAt: string;
	endsAt: string;
	/** A place of the directory, or none with `placeText`. */
	locationId?: string | null;
	placeText?: string;
	/** Proposals are taken until then; empty = `DEFAULT_PROPOSAL_LEAD_HOURS` before the start. */
	proposalDeadline?: string;
	/** An existing series of the network, or a new series by name, or neither (a single meeting). */
	seriesId?: string | null;
	newSeriesName?: string;
}

function textIssue(field: string, value: string, max: number, required: boolean): FieldIssue | null {
	if (required && !value.trim()) return { field, code: 'required' };
	if (value.length > max) return { field, code: 'too_long', params: { max } };
	if (!isStorableText(value)) return { field, code: 'invalid' };
	return null;
}

/**
 * Plans a meeting of a network the principal coordinates.
 * @returns the meeting's id and, when its place has no step-free access, `stepFreeWarning`.
 * @throws NotFoundError, AccessDeniedError, ValidationError: `name` `required` | `too_long`;
 *   `startsAt` / `endsAt` / `proposalDeadline` `nw_invalid_datetime`; `endsAt`
 *   `nw_ends_before_start` | `nw_meeting_too_long`; `proposalDeadline` `nw_deadline_after_start`;
 *   `locationId` `nw_unknown_place`; `placeText` `nw_place_required` | `too_long`; `seriesId`
 *   `nw_unknown_series`; `newSeriesName` `too_long`.
 */
export async function createMeeting(
	db: Db,
	principal: Principal,
	networkId: string,
	input: MeetingInput,
	options: { now?: Date; isDemo?: boolean } = {}
): Promise<{ id: string; stepFreeWarning: boolean }> {
	const now = options.now ?? new Date();
	const net = await coordinatedNetwork(db, principal, networkId, berlinDate(now));
	const issues: FieldIssue[] = [];
	const push = (i: FieldIssue | null) => i && issues.push(i);
	push(textIssue('name', input.name, NETWORK_LIMITS.name, true));
	push(textIssue('newSeriesName', input.newSeriesName ?? '', NETWORK_LIMITS.name, false));
	const startsAt = parseBerlinDateTime(input.startsAt);
	const endsAt = parseBerlinDateTime(input.endsAt);
	if (!startsAt) issues.push({ field: 'startsAt', code: 'nw_invalid_datetime' });
	if (!endsAt) issues.push({ field: 'endsAt', code: 'nw_invalid_datetime' });
	if (startsAt && endsAt) {
		if (endsAt <= startsAt) issues.push({ field: 'endsAt', code: 'nw_ends_before_start' });
		else if (endsAt.getTime() - startsAt.getTime() > MEETING_MAX_HOURS * 3_600_000) issues.push({ field: 'endsAt', code: 'nw_meeting_too_long', params: { max: MEETING_MAX_HOURS } });
	}
	let deadline = startsAt ? new Date(startsAt.getTime() - DEFAULT_PROPOSAL_LEAD_HOURS * 3_600_000) : null;
	if (input.proposalDeadline?.trim()) {
		deadline = parseBerlinDateTime(input.proposalDeadline);
		if (!deadline) issues.push({ field: 'proposalDeadline', code: 'nw_invalid_datetime' });
		else if (startsAt && deadline > startsAt) issues.push({ field: 'proposalDeadline', code: 'nw_deadline_after_start' });
	}
	let place: MeetingPlace | undefined;
	if (input.locationId) {
		[place] = (await meetingPlacesById(db, [input.locationId])).filter((p) => p.municipalityId === net.municipalityId);
		if (!place) issues.push({ field: 'locationId', code: 'nw_unknown_place' });
	} else if (!(input.placeText ?? '').trim()) issues.push({ field: 'placeText', code: 'nw_place_required' });
	push(textIssue('placeText', input.placeText ?? '', NETWORK_LIMITS.shortText, false));
	if (input.seriesId) {
		const [series] = isUuid(input.seriesId)
			? await db.select().from(meetingSeries).where(and(eq(meetingSeries.id, input.seriesId), eq(meetingSeries.networkId, net.id)))
			: [];
		if (!series) issues.push({ field: 'seriesId', code: 'nw_unknown_series' });
	}
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		let seriesId = input.seriesId || null;
		if (!seriesId && input.newSeriesName?.trim()) {
			[{ id: seriesId }] = await tx.insert(meetingSeries).values({ networkId: net.id, name: input.newSeriesName.trim(), createdAt: now }).returning({ id: meetingSeries.id });
		}
		const [row] = await tx
			.insert(meeting)
			.values({
				networkId: net.id,
				seriesId,
				name: input.name.trim(),
				startsAt: startsAt!,
				endsAt: endsAt!,
				locationId: place?.id ?? null,
				placeText: (input.placeText ?? '').trim(),
				proposalDeadline: deadline!,
				isDemo: options.isDemo ?? false,
				createdAt: now,
				updatedAt: now
			})
			.returning({ id: meeting.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: net.municipalityId,
			action: 'create',
			entityType: 'meeting',
			entityId: row.id,
			changes: { networkId: [null, net.id], seriesId: [null, seriesId], startsAt: [null, startsAt!.toISOString()], locationId: [null, place?.id ?? null] }
		});
		return { id: row.id, stepFreeWarning: !!place && !place.accessibility.includes('step_free') };
	});
}

/** A meeting with its network, for those who may see the network. @throws NotFoundError. */
async function visibleMeeting(db: DbOrTx, principal: Principal | null, id: string, today: string): Promise<{ row: MeetingRow; net: NetworkRow }> {
	const [row] = isUuid(id) ? await db.select().from(meeting).where(eq(meeting.id, id)) : [];
	if (!row) throw new NotFoundError(`meeting ${id}`);
	return { row, net: await visibleNetwork(db, principal, row.networkId, today) };
}

/** A meeting of a network the principal coordinates, locked for the transaction. */
async function coordinatedMeeting(tx: DbOrTx, principal: Principal, id: string, today: string): Promise<{ row: MeetingRow; net: NetworkRow }> {
	if (!isUuid(id)) throw new NotFoundError(`meeting ${id}`);
	const [row] = await tx.select().from(meeting).where(eq(meeting.id, id)).for('update');
	if (!row) throw new NotFoundError(`meeting ${id}`);
	return { row, net: await coordinatedNetwork(tx, principal, row.networkId, today) };
}

/** Approved minutes are frozen: @throws ConflictError `nw_minutes_approved` (409; open a new version first). */
function assertMinutesOpen(row: MeetingRow): void {
	if (row.minutesState === 'approved') throw new ConflictError('nw_minutes_approved');
}

/** An agenda item with its meeting, locked; NotFoundError for unknown ids. */
async function lockItem(tx: DbOrTx, principal: Principal, itemId: string, today: string): Promise<{ item: ItemRow; row: MeetingRow; net: NetworkRow }> {
	if (!isUuid(itemId)) throw new NotFoundError(`agenda item ${itemId}`);
	const [item] = await tx.select().from(agendaItem).where(eq(agendaItem.id, itemId));
	if (!item) throw new NotFoundError(`agenda item ${itemId}`);
	const { row, net } = await coordinatedMeeting(tx, principal, item.meetingId, today);
	return { item, row, net };
}

async function nextPosition(tx: DbOrTx, meetingId: string): Promise<number> {
	const [{ last }] = await tx.select({ last: sql<number | null>`max(${agendaItem.position})` }).from(agendaItem).where(eq(agendaItem.meetingId, meetingId));
	return (Number(last) || 0) + 1;
}

/** What an agenda item is proposed or set with. */
export interface AgendaItemInput {
	title: string;
	description?: string;
	isPublic?: boolean;
}

/**
 * A member proposes an agenda item before the meeting's deadline (the coordinator then accepts
 * or declines it). Coordinators may propose too; their items are accepted at once
 * (`addAgendaItem`). Members are the network's active personal members (accounts).
 * @returns the item's id.
 * @throws NotFoundError (unknown meeting, or a network the person may not see),
 *   ValidationError: `proposer` `nw_not_member`; `proposalDeadline` `nw_deadline_passed`
 *   (param `deadline`, Berlin `YYYY-MM-DD HH:MM`); `title` `required` | `too_long`;
 *   `description` `too_long`; `meeting` `nw_meeting_not_planned`.
 */
export async function proposeAgendaItem(db: Db, principal: Principal, meetingId: string, input: AgendaItemInput, now: Date = new Date()): Promise<{ id: string }> {
	const today = berlinDate(now);
	const { row, net } = await visibleMeeting(db, principal, meetingId, today);
	const members = await membershipsOf(db, [net.id], today);
	const member = isUser(principal) && members.some((m) => m.userId === principal.userId && m.active);
	const issues: FieldIssue[] = [];
	if (!member && !coordinates(principal, net)) issues.push({ field: 'proposer', code: 'nw_not_member' });
	else if (row.state !== 'planned') issues.push({ field: 'meeting', code: 'nw_meeting_not_planned' });
	else if (now > row.proposalDeadline) issues.push({ field: 'proposalDeadline', code: 'nw_deadline_passed', params: { deadline: berlinDateTime(row.proposalDeadline).replace('T', ' ') } });
	const title = textIssue('title', input.title, NETWORK_LIMITS.shortText, true);
	if (title) issues.push(title);
	const description = textIssue('description', input.description ?? '', NETWORK_LIMITS.text, false);
	if (description) issues.push(description);
	if (issues.length) throw new ValidationError(issues);
	return insertItem(db, principal, row, net, input, 'proposed', now);
}

/**
 * The coordinator sets an item on the agenda directly (accepted), while the minutes are open.
 * @throws NotFoundError, AccessDeniedError, ConflictError `nw_minutes_approved`,
 *   ValidationError `title` `required` | `too_long`, `description` `too_long`.
 */
export async function addAgendaItem(db: Db, principal: Principal, meetingId: string, input: AgendaItemInput, now: Date = new Date()): Promise<{ id: string }> {
	const { row, net } = await coordinatedMeeting(db, principal, meetingId, berlinDate(now));
	assertMinutesOpen(row);
	const issues = [textIssue('title', input.title, NETWORK_LIMITS.shortText, true), textIssue('description', input.description ?? '', NETWORK_LIMITS.text, false)].filter((i): i is FieldIssue => !!i);
	if (issues.length) throw new ValidationError(issues);
	return insertItem(db, principal, row, net, input, 'accepted', now);
}

async function insertItem(db: Db, principal: Principal, row: MeetingRow, net: NetworkRow, input: AgendaItemInput, state: 'proposed' | 'accepted', now: Date, fromNetworkId: string | null = null): Promise<{ id: string }> {
	return db.transaction(async (tx) => {
		// One proposal at a time per meeting keeps positions unique under concurrent proposals.
		await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'agenda:' + row.id}, 0))`);
		const [item] = await tx
			.insert(agendaItem)
			.values({
				meetingId: row.id,
				position: await nextPosition(tx, row.id),
				title: input.title.trim(),
				description: (input.description ?? '').trim(),
				isPublic: !!input.isPublic,
				state,
				proposedByUserId: actingUserId(principal),
				proposedByNetworkId: fromNetworkId,
				createdAt: now,
				updatedAt: now
			})
			.returning({ id: agendaItem.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: net.municipalityId,
			action: state === 'proposed' ? 'propose' : 'create',
			entityType: 'agenda_item',
			entityId: item.id,
			changes: { meetingId: [null, row.id], state: [null, state], isPublic: [null, !!input.isPublic], title: [null, '…'] }
		});
		return item;
	});
}

/**
 * Places an escalated item on a city-wide body's meeting as a proposal (used by escalations.ts,
 * which authorises on the raising network). Deadline and minutes are checked as for members.
 * @throws ValidationError `targetNetworkId` `nw_deadline_passed` | `nw_meeting_not_planned`.
 */
export async function proposeFromNetwork(db: Db, principal: Principal, target: MeetingRow, input: AgendaItemInput, fromNetworkId: string, now: Date): Promise<{ id: string }> {
	if (target.state !== 'planned') throw new ValidationError([{ field: 'targetMeetingId', code: 'nw_meeting_not_planned' }]);
	if (now > target.proposalDeadline) throw new ValidationError([{ field: 'targetMeetingId', code: 'nw_deadline_passed', params: { deadline: berlinDateTime(target.proposalDeadline).replace('T', ' ') } }]);
	return insertItem(db, principal, target, await loadNetwork(db, target.networkId), input, 'proposed', now, fromNetworkId);
}

/** The next planned meetings of a network still open for proposals, soonest first. */
export async function openMeetingsOf(db: DbOrTx, networkId: string, now: Date): Promise<MeetingRow[]> {
	return db
		.select()
		.from(meeting)
		.where(and(eq(meeting.networkId, networkId), eq(meeting.state, 'planned'), gt(meeting.proposalDeadline, now)))
		.orderBy(asc(meeting.startsAt));
}

/** What a coordinator changes on an agenda item. */
export interface AgendaItemChange {
	state?: string;
	isPublic?: boolean;
	/** Move one place up or down in the order. */
	move?: 'up' | 'down';
}

/**
 * The coordinator accepts or declines a proposal, marks an item public or internal, or moves it
 * in the order. Marking an item public checks its minutes for names without consent.
 * @throws NotFoundError, AccessDeniedError, ConflictError `nw_minutes_approved`,
 *   ValidationError `state` `nw_unknown_state`, `minutes` `nw_name_without_consent` (param `name`).
 */
export async function changeAgendaItem(db: Db, principal: Principal, itemId: string, change: AgendaItemChange, now: Date = new Date()): Promise<void> {
	const today = berlinDate(now);
	await db.transaction(async (tx) => {
		const { item, row, net } = await lockItem(tx, principal, itemId, today);
		assertMinutesOpen(row);
		if (change.state !== undefined && !(AGENDA_STATES as readonly string[]).includes(change.state)) throw new ValidationError([{ field: 'state', code: 'nw_unknown_state' }]);
		if (change.isPublic && !item.isPublic) await checkNames(tx, net.id, item.minutes, true, today);
		const set: Partial<ItemRow> = { updatedAt: now };
		if (change.state !== undefined) set.state = change.state;
		if (change.isPublic !== undefined) set.isPublic = change.isPublic;
		if (change.move) {
			const items = await tx.select().from(agendaItem).where(eq(agendaItem.meetingId, row.id)).orderBy(asc(agendaItem.position), asc(agendaItem.createdAt));
			const at = items.findIndex((i) => i.id === item.id);
			const other = items[change.move === 'up' ? at - 1 : at + 1];
			if (other) {
				await tx.update(agendaItem).set({ position: item.position }).where(eq(agendaItem.id, other.id));
				set.position = other.position;
			}
		}
		await tx.update(agendaItem).set(set).where(eq(agendaItem.id, item.id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: net.municipalityId,
			action: 'update',
			entityType: 'agenda_item',
			entityId: item.id,
			changes: {
				...(set.state !== undefined ? { state: [item.state, set.state] } : {}),
				...(set.isPublic !== undefined ? { isPublic: [item.isPublic, set.isPublic] } : {}),
				...(set.position !== undefined ? { position: [item.position, set.position] } : {})
			}
		});
	});
}

/**
 * The person members of a network whose name appears in `text` (case-insensitive, as a whole
 * word sequence) without their consent to publication. Only members can be recognised; the form
 * asks the writer to leave out other people's names.
 */
function namesWithoutConsent(text: string, members: MembershipView[]): string[] {
	const folded = text.toLocaleLowerCase('de');
	return members
		.filter((m) => m.kind !== 'actor' && !m.publicationConsent && m.name.trim().length > 1)
		.map((m) => m.name.trim())
		.filter((name) => {
			const escaped = name.toLocaleLowerCase('de').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(folded);
		});
}

/** @throws ValidationError `minutes` `nw_name_without_consent` when a public text names a person member without consent. */
async function checkNames(db: DbOrTx, networkId: string, text: string, isPublic: boolean, today: string): Promise<void> {
	if (!isPublic || !text.trim()) return;
	const [name] = namesWithoutConsent(text, await membershipsOf(db, [networkId], today));
	if (name) throw new ValidationError([{ field: 'minutes', code: 'nw_name_without_consent', params: { name } }]);
}

/**
 * Writes the minutes of one agenda item. A public item's minutes may not name a person member
 * who has not consented to publication.
 * @throws NotFoundError, AccessDeniedError, ConflictError `nw_minutes_approved` (409),
 *   ValidationError `minutes` `too_long` | `invalid` | `nw_name_without_consent` (param `name`).
 */
export async function saveItemMinutes(db: Db, principal: Principal, itemId: string, minutes: string, now: Date = new Date()): Promise<void> {
	const today = berlinDate(now);
	await db.transaction(async (tx) => {
		const { item, row, net } = await lockItem(tx, principal, itemId, today);
		assertMinutesOpen(row);
		const issue = textIssue('minutes', minutes, NETWORK_LIMITS.minutes, false);
		if (issue) throw new ValidationError([issue]);
		await checkNames(tx, net.id, minutes, item.isPublic, today);
		await tx.update(agendaItem).set({ minutes: minutes.trim(), updatedAt: now }).where(eq(agendaItem.id, item.id));
		await tx.update(meeting).set({ updatedAt: now }).where(eq(meeting.id, row.id));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: net.municipalityId, action: 'minutes', entityType: 'agenda_item', entityId: item.id, changes: { minutes: [null, '…'] } });
	});
}

/** What a decision is recorded with: text, result, and the votes where taken (all three or none). */
export interface DecisionInput {
	text: string;
	result: string;
	votesFor?: string;
	votesAgainst?: string;
	votesAbstain?: string;
}

/**
 * Records a decision on an agenda item.
 * @returns the decision's id.
 * @throws NotFoundError, AccessDeniedError, ConflictError `nw_minutes_approved`,
 *   ValidationError `text` `required` | `too_long` | `nw_name_without_consent`; `result`
 *   `nw_unknown_result`; `votesFor` / `votesAgainst` / `votesAbstain` `nw_bad_votes`;
 *   `votes` `nw_votes_incomplete`.
 */
export async function addDecision(db: Db, principal: Principal, itemId: string, input: DecisionInput, now: Date = new Date()): Promise<{ id: string }> {
	const today = berlinDate(now);
	return db.transaction(async (tx) => {
		const { item, row, net } = await lockItem(tx, principal, itemId, today);
		assertMinutesOpen(row);
		const issues: FieldIssue[] = [];
		const text = textIssue('text', input.text, NETWORK_LIMITS.text, true);
		if (text) issues.push(text);
		if (!(DECISION_RESULTS as readonly string[]).includes(input.result)) issues.push({ field: 'result', code: 'nw_unknown_result' });
		const votes = (['votesFor', 'votesAgainst', 'votesAbstain'] as const).map((field) => {
			const raw = (input[field] ?? '').trim();
			if (!raw) return null;
			const n = parseInteger(raw, { min: 0, max: NETWORK_LIMITS.votes });
			if (n === null) issues.push({ field, code: 'nw_bad_votes', params: { max: NETWORK_LIMITS.votes } });
			return n;
		});
		const given = (['votesFor', 'votesAgainst', 'votesAbstain'] as const).filter((f) => (input[f] ?? '').trim()).length;
		if (given > 0 && given < 3) issues.push({ field: 'votes', code: 'nw_votes_incomplete' });
		if (issues.length) throw new ValidationError(issues);
		await checkNames(tx, net.id, input.text, item.isPublic, today).catch((e) => {
			throw e instanceof ValidationError ? new ValidationError(e.issues.map((i) => ({ ...i, field: 'text' }))) : e;
		});
		const [d] = await tx
			.insert(decision)
			.values({ agendaItemId: item.id, text: input.text.trim(), result: input.result, votesFor: votes[0], votesAgainst: votes[1], votesAbstain: votes[2], createdAt: now, updatedAt: now })
			.returning({ id: decision.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: net.municipalityId,
			action: 'create',
			entityType: 'decision',
			entityId: d.id,
			changes: { agendaItemId: [null, item.id], meetingId: [null, row.id], result: [null, input.result], text: [null, '…'] }
		});
		return d;
	});
}

/** What an action item is recorded with. */
export interface ActionItemInput {
	title: string;
	/** A membership of the network: who does it. Required. */
	ownerMembershipId: string;
	/** `YYYY-MM-DD`. */
	dueOn: string;
	agendaItemId?: string | null;
}

/**
 * Records an action item at a meeting; it carries over to the next meetings of the series until
 * it is done.
 * @returns the item's id.
 * @throws NotFoundError, AccessDeniedError, ConflictError `nw_minutes_approved`,
 *   ValidationError `title` `required` | `too_long`; `ownerMembershipId` `nw_owner_required` |
 *   `nw_unknown_owner`; `dueOn` `required` | `invalid_date`; `agendaItemId` `nw_unknown_item`.
 */
export async function addActionItem(db: Db, principal: Principal, meetingId: string, input: ActionItemInput, now: Date = new Date()): Promise<{ id: string }> {
	const today = berlinDate(now);
	return db.transaction(async (tx) => {
		const { row, net } = await coordinatedMeeting(tx, principal, meetingId, today);
		assertMinutesOpen(row);
		const issues: FieldIssue[] = [];
		const title = textIssue('title', input.title, NETWORK_LIMITS.shortText, true);
		if (title) issues.push(title);
		if (!input.ownerMembershipId) issues.push({ field: 'ownerMembershipId', code: 'nw_owner_required' });
		else if (!(await membershipsOf(tx, [net.id], today)).some((m) => m.id === input.ownerMembershipId && !m.endsOn)) issues.push({ field: 'ownerMembershipId', code: 'nw_unknown_owner' });
		if (!input.dueOn) issues.push({ field: 'dueOn', code: 'required' });
		else if (!isIsoDate(input.dueOn)) issues.push({ field: 'dueOn', code: 'invalid_date' });
		if (input.agendaItemId) {
			const [item] = isUuid(input.agendaItemId) ? await tx.select({ id: agendaItem.id }).from(agendaItem).where(and(eq(agendaItem.id, input.agendaItemId), eq(agendaItem.meetingId, row.id))) : [];
			if (!item) issues.push({ field: 'agendaItemId', code: 'nw_unknown_item' });
		}
		if (issues.length) throw new ValidationError(issues);
		const [a] = await tx
			.insert(actionItem)
			.values({ networkId: net.id, meetingId: row.id, agendaItemId: input.agendaItemId || null, title: input.title.trim(), ownerMembershipId: input.ownerMembershipId, dueOn: input.dueOn, createdAt: now, updatedAt: now })
			.returning({ id: actionItem.id });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: net.municipalityId,
			action: 'create',
			entityType: 'action_item',
			entityId: a.id,
			changes: { meetingId: [null, row.id], ownerMembershipId: [null, input.ownerMembershipId], dueOn: [null, input.dueOn], title: [null, '…'] }
		});
		return a;
	});
}

/**
 * Marks an action item done (or open again). The coordinator, or the owner (a personal member).
 * @throws NotFoundError, AccessDeniedError.
 */
export async function setActionItemDone(db: Db, principal: Principal, id: string, done: boolean, now: Date = new Date()): Promise<void> {
	const today = berlinDate(now);
	const [item] = isUuid(id) ? await db.select().from(actionItem).where(eq(actionItem.id, id)) : [];
	if (!item) throw new NotFoundError(`action item ${id}`);
	const net = await visibleNetwork(db, principal, item.networkId, today);
	const owner = isUser(principal) && (await membershipsOf(db, [net.id], today)).some((m) => m.id === item.ownerMembershipId && m.userId === principal.userId);
	if (!owner) authorize(principal, 'networks:coordinate', coordinationScope(net));
	await db.transaction(async (tx) => {
		const doneAt = done ? (item.doneAt ?? now) : null;
		await tx.update(actionItem).set({ doneAt, updatedAt: now }).where(eq(actionItem.id, item.id));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: net.municipalityId, action: 'update', entityType: 'action_item', entityId: item.id, changes: { doneAt: [item.doneAt?.toISOString() ?? null, doneAt?.toISOString() ?? null] } });
	});
}

/**
 * Records who attended: organisations of the actor registry (of the network's municipality) and
 * person members with their consent on file. Replaces the earlier record.
 * @throws NotFoundError, AccessDeniedError, ConflictError `nw_minutes_approved`,
 *   ValidationError `organizationIds` `nw_unknown_actor` | `nw_actor_other_municipality`;
 *   `membershipIds` `nw_unknown_member` | `nw_no_consent` (param `name`).
 */
export async function recordAttendance(db: Db, principal: Principal, meetingId: string, input: { organizationIds: string[]; membershipIds: string[] }, now: Date = new Date()): Promise<void> {
	const today = berlinDate(now);
	await db.transaction(async (tx) => {
		const { row, net } = await coordinatedMeeting(tx, principal, meetingId, today);
		assertMinutesOpen(row);
		const orgIds = [...new Set(input.organizationIds)];
		const memberIds = [...new Set(input.membershipIds)];
		const issues: FieldIssue[] = [];
		const actors = await networkActors(tx, { ids: orgIds });
		if (actors.length !== orgIds.length) issues.push({ field: 'organizationIds', code: 'nw_unknown_actor' });
		else if (actors.some((a) => a.municipalityId !== net.municipalityId)) issues.push({ field: 'organizationIds', code: 'nw_actor_other_municipality' });
		const members = await membershipsOf(tx, [net.id], today);
		for (const id of memberIds) {
			const m = members.find((x) => x.id === id && x.kind !== 'actor');
			if (!m) issues.push({ field: 'membershipIds', code: 'nw_unknown_member' });
			else if (!m.consented) issues.push({ field: 'membershipIds', code: 'nw_no_consent', params: { name: m.name } });
		}
		if (issues.length) throw new ValidationError(issues);
		await tx.delete(attendance).where(eq(attendance.meetingId, row.id));
		const values = [...orgIds.map((organizationId) => ({ meetingId: row.id, organizationId })), ...memberIds.map((membershipId) => ({ meetingId: row.id, membershipId }))];
		if (values.length) await tx.insert(attendance).values(values);
		await tx.update(meeting).set({ updatedAt: now }).where(eq(meeting.id, row.id));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: net.municipalityId, action: 'attendance', entityType: 'meeting', entityId: row.id, changes: { organizations: [null, orgIds.length], persons: [null, memberIds.length] } });
	});
}

/**
 * Sets a meeting's state: held (the minutes can then be approved) or cancelled.
 * @throws NotFoundError, AccessDeniedError, ValidationError `state` `nw_unknown_state`.
 */
export async function setMeetingState(db: Db, principal: Principal, meetingId: string, state: string, now: Date = new Date()): Promise<void> {
	await db.transaction(async (tx) => {
		const { row, net } = await coordinatedMeeting(tx, principal, meetingId, berlinDate(now));
		if (!['planned', 'held', 'cancelled'].includes(state)) throw new ValidationError([{ field: 'state', code: 'nw_unknown_state' }]);
		await tx.update(meeting).set({ state, updatedAt: now }).where(eq(meeting.id, row.id));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: net.municipalityId, action: 'update', entityType: 'meeting', entityId: row.id, changes: { state: [row.state, state] } });
	});
}

/** The minutes as they stand, frozen into a snapshot. */
async function snapshotOf(tx: DbOrTx, meetingId: string): Promise<MinutesSnapshot> {
	const items = await tx.select().from(agendaItem).where(and(eq(agendaItem.meetingId, meetingId), eq(agendaItem.state, 'accepted'))).orderBy(asc(agendaItem.position));
	const decisions = items.length ? await tx.select().from(decision).where(inArray(decision.agendaItemId, items.map((i) => i.id))).orderBy(asc(decision.createdAt)) : [];
	const present = await tx.select().from(attendance).where(eq(attendance.meetingId, meetingId));
	return {
		items: items.map((i) => ({
			id: i.id,
			position: i.position,
			title: i.title,
			isPublic: i.isPublic,
			minutes: i.minutes,
			decisions: decisions
				.filter((d) => d.agendaItemId === i.id)
				.map((d) => ({ id: d.id, text: d.text, result: d.result, votesFor: d.votesFor, votesAgainst: d.votesAgainst, votesAbstain: d.votesAbstain }))
		})),
		attendance: { organizationIds: present.map((p) => p.organizationId).filter((x): x is string => !!x), membershipIds: present.map((p) => p.membershipId).filter((x): x is string => !!x) }
	};
}

/**
 * Moves the minutes drafted → circulated → approved (or circulated back to draft). Approving
 * needs a held meeting, checks every public item's texts for names without consent again, and
 * freezes the minutes as version `minutesVersion`.
 * @throws NotFoundError, AccessDeniedError, ConflictError `nw_minutes_approved` (already
 *   approved), ValidationError `minutesState` `nw_unknown_state` | `nw_transition` (params from,
 *   to) | `nw_meeting_not_held`, `minutes` `nw_name_without_consent`.
 */
export async function changeMinutesState(db: Db, principal: Principal, meetingId: string, to: string, now: Date = new Date()): Promise<void> {
	const today = berlinDate(now);
	await db.transaction(async (tx) => {
		const { row, net } = await coordinatedMeeting(tx, principal, meetingId, today);
		assertMinutesOpen(row);
		if (!(Object.keys(MINUTES_TRANSITIONS) as string[]).includes(to)) throw new ValidationError([{ field: 'minutesState', code: 'nw_unknown_state' }]);
		const from = row.minutesState as MinutesState;
		if (!MINUTES_TRANSITIONS[from].includes(to as MinutesState)) throw new ValidationError([{ field: 'minutesState', code: 'nw_transition', params: { from, to } }]);
		if (to === 'approved') {
			if (row.state !== 'held') throw new ValidationError([{ field: 'minutesState', code: 'nw_meeting_not_held' }]);
			const snapshot = await snapshotOf(tx, row.id);
			for (const item of snapshot.items) {
				await checkNames(tx, net.id, [item.minutes, ...item.decisions.map((d) => d.text)].join('\n'), item.isPublic, today);
			}
			await tx.insert(minutesVersion).values({ meetingId: row.id, version: row.minutesVersion, snapshot, approvedAt: now, approvedBy: actingUserId(principal) });
		}
		await tx.update(meeting).set({ minutesState: to, updatedAt: now }).where(eq(meeting.id, row.id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: net.municipalityId,
			action: 'minutes_state',
			entityType: 'meeting',
			entityId: row.id,
			changes: { minutesState: [from, to], ...(to === 'approved' ? { minutesVersion: [null, row.minutesVersion] } : {}) }
		});
	});
}

/**
 * Opens a new draft version of approved minutes (the approved version stays frozen and
 * readable); the next approval freezes version + 1.
 * @throws NotFoundError, AccessDeniedError, ValidationError `minutesState` `nw_not_approved`.
 */
export async function reopenMinutes(db: Db, principal: Principal, meetingId: string, now: Date = new Date()): Promise<void> {
	await db.transaction(async (tx) => {
		const { row, net } = await coordinatedMeeting(tx, principal, meetingId, berlinDate(now));
		if (row.minutesState !== 'approved') throw new ValidationError([{ field: 'minutesState', code: 'nw_not_approved' }]);
		await tx.update(meeting).set({ minutesState: 'draft', minutesVersion: row.minutesVersion + 1, updatedAt: now }).where(eq(meeting.id, row.id));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: net.municipalityId, action: 'minutes_reopen', entityType: 'meeting', entityId: row.id, changes: { minutesVersion: [row.minutesVersion, row.minutesVersion + 1] } });
	});
}

/** An action item as a meeting shows it (its own and those carried over). */
export interface ActionItemView {
	id: string;
	title: string;
	ownerMembershipId: string;
	ownerName: string;
	dueOn: string;
	doneAt: Date | null;
	overdue: boolean;
	/** Made at an earlier meeting of the series. */
	carried: boolean;
	meetingId: string;
}

/**
 * The action items a meeting shows: those made at it, and the open ones of earlier meetings of
 * the same series (done ones until the meeting after they were done).
 */
export async function actionItemsAt(db: DbOrTx, row: MeetingRow, members: MembershipView[], today: string): Promise<ActionItemView[]> {
	const sameSeries = row.seriesId ? sql`${meeting.seriesId} = ${row.seriesId}` : sql`${meeting.id} = ${row.id}`;
	const rows = await db
		.select({ a: actionItem, originStartsAt: meeting.startsAt })
		.from(actionItem)
		.innerJoin(meeting, eq(meeting.id, actionItem.meetingId))
		.where(and(sameSeries, lte(meeting.startsAt, row.startsAt), or(isNull(actionItem.doneAt), gt(actionItem.doneAt, row.startsAt), eq(actionItem.meetingId, row.id))))
		.orderBy(asc(actionItem.dueOn), asc(actionItem.createdAt));
	return rows
		.filter((r) => r.a.meetingId === row.id || carriesOverTo({ originStartsAt: r.originStartsAt, doneAt: r.a.doneAt }, row))
		.map((r) => ({
			id: r.a.id,
			title: r.a.title,
			ownerMembershipId: r.a.ownerMembershipId,
			ownerName: members.find((m) => m.id === r.a.ownerMembershipId)?.name ?? '',
			dueOn: r.a.dueOn,
			doneAt: r.a.doneAt,
			overdue: isOverdue(r.a, today),
			carried: r.a.meetingId !== row.id,
			meetingId: r.a.meetingId
		}));
}

/** Everything the meeting page shows. */
export interface MeetingView {
	meeting: MeetingRow;
	network: NetworkRow;
	seriesName: string | null;
	place: MeetingPlace | null;
	/** The place has no step-free access (or its accessibility is unknown): the page warns. */
	stepFreeWarning: boolean;
	items: (ItemRow & { decisions: (typeof decision.$inferSelect)[] })[];
	actionItems: ActionItemView[];
	attendance: { organizationIds: string[]; membershipIds: string[] };
	members: MembershipView[];
	versions: { version: number; approvedAt: Date }[];
	/** The principal coordinates the network (may edit). */
	canCoordinate: boolean;
	/** The principal may propose agenda items now (member or coordinator, before the deadline). */
	canPropose: boolean;
	/** Meetings of the series, for the way back and forth. */
	seriesMeetings: { id: string; name: string; startsAt: Date }[];
}

/**
 * A meeting with agenda (accepted items; proposals and declined ones for its coordinators and
 * the proposers), decisions, action items (carried over ones too), attendance, members and the
 * approved versions, for those who may see the network.
 * @throws NotFoundError.
 */
export async function getMeeting(db: DbOrTx, principal: Principal | null, meetingId: string, now: Date = new Date()): Promise<MeetingView> {
	const today = berlinDate(now);
	const { row, net } = await visibleMeeting(db, principal, meetingId, today);
	const canCoordinate = coordinates(principal, net);
	const [members, itemRows, present, versions, places, series, seriesMeetings] = await Promise.all([
		membershipsOf(db, [net.id], today),
		db.select().from(agendaItem).where(eq(agendaItem.meetingId, row.id)).orderBy(asc(agendaItem.position), asc(agendaItem.createdAt)),
		db.select().from(attendance).where(eq(attendance.meetingId, row.id)),
		db.select({ version: minutesVersion.version, approvedAt: minutesVersion.approvedAt }).from(minutesVersion).where(eq(minutesVersion.meetingId, row.id)).orderBy(desc(minutesVersion.version)),
		row.locationId ? meetingPlacesById(db, [row.locationId]) : Promise.resolve([]),
		row.seriesId ? db.select().from(meetingSeries).where(eq(meetingSeries.id, row.seriesId)) : Promise.resolve([]),
		row.seriesId
			? db.select({ id: meeting.id, name: meeting.name, startsAt: meeting.startsAt }).from(meeting).where(eq(meeting.seriesId, row.seriesId)).orderBy(asc(meeting.startsAt))
			: Promise.resolve([])
	]);
	const own = (i: ItemRow) => isUser(principal) && i.proposedByUserId === principal.userId;
	const shown = itemRows.filter((i) => i.state === 'accepted' || canCoordinate || own(i));
	const decisions = shown.length ? await db.select().from(decision).where(inArray(decision.agendaItemId, shown.map((i) => i.id))).orderBy(asc(decision.createdAt)) : [];
	const member = isUser(principal) && members.some((m) => m.userId === principal.userId && m.active);
	const place = places[0] ?? null;
	return {
		meeting: row,
		network: net,
		seriesName: series[0]?.name ?? null,
		place,
		stepFreeWarning: !place || !place.accessibility.includes('step_free'),
		items: shown.map((i) => ({ ...i, decisions: decisions.filter((d) => d.agendaItemId === i.id) })),
		actionItems: await actionItemsAt(db, row, members, today),
		attendance: { organizationIds: present.map((p) => p.organizationId).filter((x): x is string => !!x), membershipIds: present.map((p) => p.membershipId).filter((x): x is string => !!x) },
		members,
		versions,
		canCoordinate,
		canPropose: (member || canCoordinate) && row.state === 'planned' && now <= row.proposalDeadline,
		seriesMeetings
	};
}

/** The meetings of a network, newest first. */
export function meetingsOf(db: DbOrTx, networkId: string): Promise<MeetingRow[]> {
	return db.select().from(meeting).where(eq(meeting.networkId, networkId)).orderBy(desc(meeting.startsAt));
}

/** The series of a network, by name. */
export function seriesOf(db: DbOrTx, networkId: string): Promise<{ id: string; name: string }[]> {
	return db.select({ id: meetingSeries.id, name: meetingSeries.name }).from(meetingSeries).where(eq(meetingSeries.networkId, networkId)).orderBy(asc(meetingSeries.name));
}

/** An approved version of a meeting's minutes. @throws NotFoundError (unknown, or the network not visible). */
export async function getMinutesVersion(db: DbOrTx, principal: Principal | null, meetingId: string, version: number, now: Date = new Date()): Promise<{ snapshot: MinutesSnapshot; approvedAt: Date; version: number }> {
	await visibleMeeting(db, principal, meetingId, berlinDate(now));
	const [row] = await db.select().from(minutesVersion).where(and(eq(minutesVersion.meetingId, meetingId), eq(minutesVersion.version, version)));
	if (!row) throw new NotFoundError(`minutes ${meetingId} v${version}`);
	return { snapshot: row.snapshot, approvedAt: row.approvedAt, version: row.version };
}
