/**
 * Einsatzbedarfe (issue 13 §4): staff and partner editors post what volunteers are needed for —
 * activity, social space and place, language, a single date or a series (RRULE), how many, and
 * extra requirements; each date becomes a shift. Casework's accompaniment requests become needs
 * automatically (`syncAccompanimentNeeds`), with nothing of the case.
 */
import { and, asc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, can, systemPrincipal, type Principal } from '../access';
import { accountContacts } from '../accounts/volunteering-reads';
import { recordAudit } from '../audit/service';
import { accompanimentRequests } from '../casework/volunteering-reads';
import { AccessDeniedError, ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag, isIsoDate, isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { findSocialSpaceById } from '../geography/service';
import { findInstanceById } from '../instances/service';
import { mailWhen, sendVolunteerMails, type VolunteerMail } from './mail';
import { addDays, berlinDate, berlinInstant, clockMinutes, isRequirement, LIMITS, SERIES_HORIZON_DAYS, sortedRequirements, type Requirement } from './model';
import { expandSeries, isRrule } from './recurrence';
import { ownProfile } from './profiles';
import { volunteerAssignment, volunteerInvitation, volunteerLanguage, volunteerNeed, volunteerProfile, volunteerShift, volunteerSpace } from './schema';
import { activityRequirements, findPlace, isActivityOf, placeRequirements } from './settings';

export type NeedRow = typeof volunteerNeed.$inferSelect;
export type ShiftRow = typeof volunteerShift.$inferSelect;

/** A need as entered. */
export interface NeedInput {
	municipalityId: string;
	/** '' for a partner organisation's need. */
	instanceId: string;
	activity: string;
	socialSpaceId: string;
	placeId: string;
	language: string;
	title: string;
	description: string;
	/** First (or only) date `YYYY-MM-DD`, Berlin. */
	date: string;
	startTime: string;
	endTime: string;
	/** RFC 5545 RRULE of a series; '' for a single date. */
	rrule: string;
	/** Last date of a series (default: `SERIES_HORIZON_DAYS` ahead). */
	untilDate: string;
	slots: string | number;
	requirements: string[];
	selfSignup: boolean;
	isDemo?: boolean;
}

/**
 * Posts a need with its shifts, audited.
 * @throws AccessDeniedError without `volunteer_needs:post` on the municipality and instance;
 *   ValidationError — `instanceId` unknown_instance, `activity` unknown_option, `socialSpaceId`
 *   unknown_social_space, `placeId` unknown_option, `language` invalid_language, `title`
 *   required | too_long, `description` too_long, `date` required | vo_date_in_past, `startTime` /
 *   `endTime` invalid_time | vo_ends_before_start, `rrule` vo_invalid_rrule, `untilDate`
 *   vo_invalid_date | vo_ends_before_start, `slots` vo_out_of_range, `requirements` unknown_option.
 */
export async function postNeed(db: Db, principal: Principal, input: NeedInput, now: Date = new Date()): Promise<NeedRow> {
	const municipalityId = input.municipalityId;
	const issues: FieldIssue[] = [];
	let instanceId: string | null = null;
	if (input.instanceId) {
		const inst = await findInstanceById(db, input.instanceId);
		if (!inst || inst.municipalityId !== municipalityId) issues.push({ field: 'instanceId', code: 'unknown_instance' });
		else instanceId = inst.id;
	}
	if (!issues.length) authorize(principal, 'volunteer_needs:post', { municipalityId, instanceId });
	else if (!can(principal, 'volunteer_needs:enter', { municipalityId })) throw new AccessDeniedError();
	if (!(await isActivityOf(db, municipalityId, input.activity))) issues.push({ field: 'activity', code: 'unknown_option' });
	const place = input.placeId ? await findPlace(db, municipalityId, input.placeId) : null;
	if (input.placeId && !place) issues.push({ field: 'placeId', code: 'unknown_option' });
	let socialSpaceId: string | null = place?.socialSpaceId ?? null;
	if (input.socialSpaceId) {
		const space = await findSocialSpaceById(db, input.socialSpaceId);
		if (!space || space.municipalityId !== municipalityId) issues.push({ field: 'socialSpaceId', code: 'unknown_social_space' });
		else socialSpaceId = space.id;
	}
	let language: string | null = null;
	if (input.language.trim()) {
		language = canonicalLanguageTag(input.language);
		if (!language) issues.push({ field: 'language', code: 'invalid_language', params: { value: input.language.trim() } });
	}
	const title = input.title.trim();
	const description = input.description.trim();
	if (!title) issues.push({ field: 'title', code: 'required' });
	else if (title.length > LIMITS.title || !isStorableText(title)) issues.push({ field: 'title', code: 'too_long', params: { max: LIMITS.title } });
	if (description.length > LIMITS.description || !isStorableText(description)) issues.push({ field: 'description', code: 'too_long', params: { max: LIMITS.description } });
	const today = berlinDate(now);
	if (!isIsoDate(input.date)) issues.push({ field: 'date', code: 'required' });
	else if (input.date < today) issues.push({ field: 'date', code: 'vo_date_in_past' });
	const start = clockMinutes(input.startTime);
	const end = clockMinutes(input.endTime);
	if (start === null) issues.push({ field: 'startTime', code: 'invalid_time' });
	if (end === null) issues.push({ field: 'endTime', code: 'invalid_time' });
	else if (start !== null && end <= start) issues.push({ field: 'endTime', code: 'vo_ends_before_start' });
	const rrule = input.rrule.trim().replace(/^RRULE:/i, '');
	if (rrule && !isRrule(rrule)) issues.push({ field: 'rrule', code: 'vo_invalid_rrule' });
	let untilDate = input.untilDate.trim();
	if (untilDate && !isIsoDate(untilDate)) issues.push({ field: 'untilDate', code: 'vo_invalid_date' });
	else if (untilDate && isIsoDate(input.date) && untilDate < input.date) issues.push({ field: 'untilDate', code: 'vo_ends_before_start' });
	const slots = Number(String(input.slots).trim());
	if (!Number.isInteger(slots) || slots < 1 || slots > LIMITS.slots) issues.push({ field: 'slots', code: 'vo_out_of_range', params: { min: 1, max: LIMITS.slots } });
	if (input.requirements.some((r) => !isRequirement(r))) issues.push({ field: 'requirements', code: 'unknown_option' });
	if (issues.length) throw new ValidationError(issues);
	if (!untilDate) untilDate = addDays(input.date, SERIES_HORIZON_DAYS);
	const starts = rrule ? expandSeries(rrule, input.date, input.startTime, untilDate, LIMITS.seriesShifts) : [berlinInstant(input.date, input.startTime)];
	const durationMinutes = end! - start!;
	return db.transaction(async (tx) => {
		const [need] = await tx
			.insert(volunteerNeed)
			.values({
				municipalityId,
				instanceId,
				activity: input.activity,
				socialSpaceId,
				placeId: place?.id ?? null,
				language,
				title,
				description,
				startsAt: starts[0],
				durationMinutes,
				rrule: rrule || null,
				slots,
				requirements: sortedRequirements(input.requirements),
				selfSignup: input.selfSignup,
				status: 'open',
				createdBy: actingUserId(principal),
				createdAt: now,
				isDemo: input.isDemo ?? false
			})
			.returning();
		await tx.insert(volunteerShift).values(starts.map((s) => ({ needId: need.id, municipalityId, startsAt: s, endsAt: new Date(s.getTime() + durationMinutes * 60_000), slots })));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: 'create',
			entityType: 'volunteer_need',
			entityId: need.id,
			changes: { activity: [null, need.activity], instanceId: [null, instanceId], socialSpaceId: [null, socialSpaceId], language: [null, language], slots: [null, slots], shifts: [null, starts.length], rrule: [null, need.rrule] }
		});
		return need;
	});
}

/**
 * A need for the principal: coordinators (`volunteers:coordinate`) see every need of their
 * municipality; whoever posted it (a partner editor) sees their own.
 * @throws NotFoundError (unknown, not a UUID), AccessDeniedError.
 */
export async function needFor(db: DbOrTx, principal: Principal, needId: string): Promise<{ need: NeedRow; coordinate: boolean }> {
	if (!isUuid(needId)) throw new NotFoundError(`need ${needId}`);
	const [need] = await db.select().from(volunteerNeed).where(eq(volunteerNeed.id, needId));
	if (!need) throw new NotFoundError(`need ${needId}`);
	const scope = { municipalityId: need.municipalityId, instanceId: need.instanceId };
	if (can(principal, 'volunteers:coordinate', scope)) return { need, coordinate: true };
	if (principal.kind === 'user' && need.createdBy === principal.userId && can(principal, 'volunteer_needs:post', scope)) return { need, coordinate: false };
	throw new AccessDeniedError();
}

/** Every requirement of a need: its activity's, its place's (Masernschutz by kind) and its own. */
export async function needRequirements(db: DbOrTx, need: Pick<NeedRow, 'municipalityId' | 'activity' | 'placeId' | 'requirements'>): Promise<Requirement[]> {
	// One after the other: `db` may be a transaction's client, which runs one query at a time.
	const activity = await activityRequirements(db, need.municipalityId, need.activity);
	const place = need.placeId ? await findPlace(db, need.municipalityId, need.placeId) : null;
	return sortedRequirements([...activity, ...(place ? placeRequirements(place) : []), ...need.requirements]);
}

/** The shifts of a need, by start. */
export function shiftsOf(db: DbOrTx, needId: string): Promise<ShiftRow[]> {
	return db.select().from(volunteerShift).where(eq(volunteerShift.needId, needId)).orderBy(asc(volunteerShift.startsAt));
}

/** A need in a list, with its filled slots. */
export interface NeedListItem extends NeedRow {
	nextShift: Date | null;
	confirmed: number;
	shifts: number;
}

/**
 * Needs of a municipality: every need for coordinators, their own for partner editors; open
 * first, then by next shift.
 * @throws AccessDeniedError without `volunteer_needs:enter`.
 */
export async function listNeeds(db: DbOrTx, principal: Principal, municipalityId: string, filter: { status?: string } = {}, now: Date = new Date()): Promise<NeedListItem[]> {
	authorize(principal, 'volunteer_needs:enter', { municipalityId });
	const coordinate = can(principal, 'volunteers:coordinate', { municipalityId });
	const own = !coordinate && principal.kind === 'user' ? principal.userId : null;
	const rows = await db
		// Drizzle writes the only table's columns unqualified ("id"), which the subqueries would
		// read as their own: the need's id is named with its table.
		.select({
			need: volunteerNeed,
			nextShift: sql<string | null>`(select min(s.starts_at)::text from volunteer_shift s where s.need_id = volunteer_need.id and s.status = 'scheduled' and s.starts_at >= ${now.toISOString()}::timestamptz)`,
			shifts: sql<number>`(select count(*)::int from volunteer_shift s where s.need_id = volunteer_need.id)`,
			confirmed: sql<number>`(select count(distinct a.profile_id)::int from volunteer_assignment a join volunteer_shift s on s.id = a.shift_id where s.need_id = volunteer_need.id and a.status in ('confirmed', 'done'))`
		})
		.from(volunteerNeed)
		.where(and(eq(volunteerNeed.municipalityId, municipalityId), filter.status ? eq(volunteerNeed.status, filter.status) : undefined, own ? eq(volunteerNeed.createdBy, own) : undefined))
		.orderBy(sql`${volunteerNeed.status} = 'open' desc`, asc(volunteerNeed.startsAt))
		.limit(300);
	return rows.map((r) => ({ ...r.need, nextShift: r.nextShift ? new Date(r.nextShift) : null, shifts: Number(r.shifts), confirmed: Number(r.confirmed) }));
}

/** Cancels the given assignments and mails each volunteer once per need, in their language (after commit). */
export async function cancelAssignments(tx: DbOrTx, assignmentIds: string[], now: Date): Promise<VolunteerMail[]> {
	if (!assignmentIds.length) return [];
	const rows = await tx
		.update(volunteerAssignment)
		.set({ status: 'cancelled', updatedAt: now })
		.where(and(inArray(volunteerAssignment.id, assignmentIds), inArray(volunteerAssignment.status, ['invited', 'confirmed'])))
		.returning({ profileId: volunteerAssignment.profileId, shiftId: volunteerAssignment.shiftId, status: volunteerAssignment.status });
	if (!rows.length) return [];
	// One after the other: a transaction's client runs one query at a time.
	const shifts = await tx.select({ id: volunteerShift.id, startsAt: volunteerShift.startsAt, title: volunteerNeed.title }).from(volunteerShift).innerJoin(volunteerNeed, eq(volunteerNeed.id, volunteerShift.needId)).where(inArray(volunteerShift.id, rows.map((r) => r.shiftId)));
	const profiles = await tx.select({ id: volunteerProfile.id, userId: volunteerProfile.userId, locale: volunteerProfile.messageLocale }).from(volunteerProfile).where(inArray(volunteerProfile.id, rows.map((r) => r.profileId)));
	const contacts = await accountContacts(tx, profiles.map((p) => p.userId));
	const mails: VolunteerMail[] = [];
	for (const r of rows) {
		const shift = shifts.find((x) => x.id === r.shiftId);
		const profile = profiles.find((x) => x.id === r.profileId);
		const to = profile && contacts.get(profile.userId);
		if (!shift || !profile || !to?.active) continue;
		mails.push({ to: to.email, locale: profile.locale, kind: 'cancelled', params: { title: shift.title, when: mailWhen(shift.startsAt, profile.locale) } });
	}
	return mails;
}

/**
 * Cancels a need: its shifts and every open assignment; the volunteers get a cancellation in
 * their language. Audited.
 * @throws NotFoundError, AccessDeniedError (coordinators, or whoever posted it);
 *   ConflictError `vo_need_not_open` when already cancelled or closed.
 */
export async function cancelNeed(db: Db, principal: Principal, needId: string, now: Date = new Date()): Promise<void> {
	const mails = await db.transaction(async (tx) => {
		const { need } = await needFor(tx, principal, needId);
		if (need.status === 'cancelled' || need.status === 'closed') throw new ConflictError('vo_need_not_open');
		return closeNeed(tx, principal, need, 'cancelled', now);
	});
	await sendVolunteerMails(mails);
}

/** Sets a need's final status, cancels its shifts and open assignments (in the caller's transaction). @returns the cancellation mails. */
async function closeNeed(tx: DbOrTx, principal: Principal, need: NeedRow, status: 'cancelled' | 'closed', now: Date): Promise<VolunteerMail[]> {
	await tx.update(volunteerNeed).set({ status }).where(eq(volunteerNeed.id, need.id));
	const open = await tx
		.select({ id: volunteerAssignment.id })
		.from(volunteerAssignment)
		.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
		.where(and(eq(volunteerShift.needId, need.id), gte(volunteerShift.startsAt, now), inArray(volunteerAssignment.status, ['invited', 'confirmed'])));
	const mails = await cancelAssignments(tx, open.map((o) => o.id), now);
	await tx.update(volunteerShift).set({ status: 'cancelled' }).where(and(eq(volunteerShift.needId, need.id), gte(volunteerShift.startsAt, now)));
	await tx.update(volunteerInvitation).set({ status: 'withdrawn' }).where(and(eq(volunteerInvitation.needId, need.id), eq(volunteerInvitation.status, 'invited')));
	await recordAudit(tx, { ...auditActor(principal), municipalityId: need.municipalityId, action: 'update', entityType: 'volunteer_need', entityId: need.id, changes: { status: [need.status, status], cancelledAssignments: [null, open.length] } });
	return mails;
}

/** The system principal of the accompaniment bridge (the audit log names it). */
export const ACCOMPANIMENT_BRIDGE = systemPrincipal('volunteering:accompaniment');

/** Minutes an accompaniment takes, for its shift (a typical appointment with the way there). */
const ACCOMPANIMENT_MINUTES = 120;

/**
 * The bridge from casework (issue 13 §4): every accompaniment request whose appointment is still
 * ahead becomes an open need of activity `accompaniment` (one slot, the request's language and
 * meeting point, the instance's first social space) — without any case detail; a request that
 * casework cancelled, closed, assigned by hand or whose consent was withdrawn closes its need
 * (volunteers already confirmed get a cancellation). Runs in the volunteering job and before the
 * coordinators' needs list is drawn.
 * @returns how many needs were created and closed.
 */
export async function syncAccompanimentNeeds(db: Db, now: Date = new Date(), municipalityId?: string): Promise<{ created: number; closed: number }> {
	const requests = await accompanimentRequests(db, now, municipalityId);
	if (!requests.length) return { created: 0, closed: 0 };
	const existing = await db.select().from(volunteerNeed).where(and(isNotNull(volunteerNeed.sourceRef), inArray(volunteerNeed.sourceRef, requests.map((r) => r.id))));
	const bySource = new Map(existing.map((n) => [n.sourceRef!, n]));
	let created = 0;
	let closed = 0;
	const mails: VolunteerMail[] = [];
	for (const r of requests) {
		const need = bySource.get(r.id);
		if (!need && r.status === 'requested') {
			const inst = await findInstanceById(db, r.instanceId);
			await db.transaction(async (tx) => {
				const [row] = await tx
					.insert(volunteerNeed)
					.values({
						municipalityId: r.municipalityId,
						instanceId: r.instanceId,
						activity: 'accompaniment',
						socialSpaceId: inst?.socialSpaces[0]?.id ?? null,
						placeText: r.place,
						language: r.language,
						title: 'Begleitung zu einem Termin',
						startsAt: r.appointmentAt,
						durationMinutes: ACCOMPANIMENT_MINUTES,
						slots: 1,
						status: 'open',
						source: 'accompaniment',
						sourceRef: r.id,
						createdAt: now
					})
					.onConflictDoNothing()
					.returning();
				if (!row) return;
				await tx.insert(volunteerShift).values({ needId: row.id, municipalityId: r.municipalityId, startsAt: r.appointmentAt, endsAt: new Date(r.appointmentAt.getTime() + ACCOMPANIMENT_MINUTES * 60_000), slots: 1 });
				await recordAudit(tx, { ...auditActor(ACCOMPANIMENT_BRIDGE), municipalityId: r.municipalityId, action: 'create', entityType: 'volunteer_need', entityId: row.id, changes: { source: [null, 'accompaniment'], language: [null, r.language] } });
				created++;
			});
		} else if (need && need.status === 'open' && (r.status === 'cancelled' || r.status === 'done' || (r.status === 'assigned' && !(await hasConfirmed(db, need.id))))) {
			mails.push(...(await db.transaction((tx) => closeNeed(tx, ACCOMPANIMENT_BRIDGE, need, r.status === 'cancelled' ? 'cancelled' : 'closed', now))));
			closed++;
		}
	}
	await sendVolunteerMails(mails);
	return { created, closed };
}

/** Whether a need has a confirmed volunteer. */
async function hasConfirmed(db: DbOrTx, needId: string): Promise<boolean> {
	const [row] = await db
		.select({ id: volunteerAssignment.id })
		.from(volunteerAssignment)
		.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
		.where(and(eq(volunteerShift.needId, needId), inArray(volunteerAssignment.status, ['confirmed', 'done'])))
		.limit(1);
	return !!row;
}

/** An open need as a volunteer browses it. */
export interface OpenNeed {
	need: NeedRow;
	nextShift: ShiftRow;
	shifts: number;
	/** The volunteer was already invited or signed up. */
	taken: boolean;
}

/**
 * The open needs of the volunteer's municipality with a shift ahead that fit them: an activity
 * they offer (any, if they named none), a social space where they help (any, if they named
 * none), and a language they speak (or no language asked). Soonest first, at most 50.
 * @throws AccessDeniedError, NotFoundError (no profile).
 */
export async function openNeedsForVolunteer(db: DbOrTx, principal: Principal, now: Date = new Date()): Promise<OpenNeed[]> {
	const profile = await ownProfile(db, principal);
	const [languages, spaces] = await Promise.all([
		db.select({ language: volunteerLanguage.language }).from(volunteerLanguage).where(eq(volunteerLanguage.profileId, profile.id)),
		db.select({ id: volunteerSpace.socialSpaceId }).from(volunteerSpace).where(eq(volunteerSpace.profileId, profile.id))
	]);
	const spoken = new Set(languages.flatMap((l) => [l.language, l.language.split('-')[0]]));
	const spaceIds = new Set(spaces.map((s) => s.id));
	const rows = await db
		.select({ need: volunteerNeed, shift: volunteerShift, shifts: sql<number>`count(*) over (partition by ${volunteerNeed.id})::int`, taken: sql<boolean>`exists (select 1 from volunteer_invitation i where i.need_id = ${volunteerNeed.id} and i.profile_id = ${profile.id} and i.status in ('invited', 'accepted'))` })
		.from(volunteerNeed)
		.innerJoin(volunteerShift, eq(volunteerShift.needId, volunteerNeed.id))
		.where(and(eq(volunteerNeed.municipalityId, profile.municipalityId), eq(volunteerNeed.status, 'open'), eq(volunteerShift.status, 'scheduled'), gte(volunteerShift.startsAt, now)))
		.orderBy(asc(volunteerShift.startsAt));
	const out: OpenNeed[] = [];
	for (const r of rows) {
		if (out.some((o) => o.need.id === r.need.id)) continue;
		const n = r.need;
		if (profile.activities.length && !profile.activities.includes(n.activity)) continue;
		if (spaceIds.size && n.socialSpaceId && !spaceIds.has(n.socialSpaceId)) continue;
		if (n.language && !spoken.has(n.language) && !spoken.has(n.language.split('-')[0])) continue;
		out.push({ need: n, nextShift: r.shift, shifts: Number(r.shifts), taken: r.taken });
		if (out.length >= 50) break;
	}
	return out;
}
