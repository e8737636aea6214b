/**
 * The hours ledger (issue 13 §7): volunteers log their hours and coordinators confirm them, or
 * coordinators log them (confirmed at once). One ledger feeds the Ehrenamtsnachweis (the
 * certificate PDF), the Ehrenamtskarte NRW check and the statistics. Hours may not be negative,
 * a day holds at most 24 of them, and hours of a shift can be logged only once it has begun.
 */
import { and, asc, desc, eq, gte, inArray, lte, ne, sql } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, type Principal } from '../access';
import { accountContacts } from '../accounts/volunteering-reads';
import { recordAudit } from '../audit/service';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isIsoDate, isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { findInstanceById } from '../instances/service';
import { berlinDate, ehrenamtskarteCheck, LIMITS, type CardCheck } from './model';
import { ownProfile, profileFor, touchProfile, type ProfileRow } from './profiles';
import { volunteerAssignment, volunteerHours, volunteerNeed, volunteerProfile, volunteerShift } from './schema';
import { getSettings, isActivityOf } from './settings';

export type HoursRow = typeof volunteerHours.$inferSelect;

/** Hours as entered. */
export interface HoursInput {
	/** Coordinators: whose hours; volunteers log their own (ignored). */
	profileId?: string;
	/** The assignment the hours belong to, if any. */
	assignmentId?: string;
	workedOn: string;
	/** Hours as text (`2`, `1,5`, `0.75`). */
	hours: string;
	activity?: string;
	organisation?: string;
}

/** Minutes from hours written with a comma or a point; null when not a number. */
function minutesOf(text: string): number | null {
	const t = text.trim().replace(',', '.');
	if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
	return Math.round(Number(t) * 60);
}

/**
 * Logs hours: a volunteer's own (pending until confirmed) or, by a coordinator, anyone's
 * (confirmed). Counts as activity. Audited.
 * @throws NotFoundError (volunteer); AccessDeniedError; ValidationError — `hours` required |
 *   vo_hours_negative | vo_hours_over_day {hours}; `workedOn` required | vo_date_in_future;
 *   `assignmentId` unknown_option | vo_shift_not_happened; `activity` unknown_option;
 *   `organisation` required | too_long.
 */
export async function logHours(db: Db, principal: Principal, input: HoursInput, now: Date = new Date()): Promise<HoursRow> {
	let profile: ProfileRow;
	let staff = false;
	if (input.profileId) {
		profile = await profileFor(db, principal, input.profileId, { audit: false });
		staff = !(principal.kind === 'user' && principal.userId === profile.userId);
	} else profile = await ownProfile(db, principal);
	const issues: FieldIssue[] = [];
	const minutes = minutesOf(input.hours);
	if (minutes === null) issues.push({ field: 'hours', code: 'required' });
	else if (minutes <= 0) issues.push({ field: 'hours', code: 'vo_hours_negative' });
	const workedOn = input.workedOn.trim();
	const today = berlinDate(now);
	if (!isIsoDate(workedOn)) issues.push({ field: 'workedOn', code: 'required' });
	else if (workedOn > today) issues.push({ field: 'workedOn', code: 'vo_date_in_future' });
	let activity = input.activity?.trim() ?? '';
	let organisation = input.organisation?.trim() ?? '';
	let instanceId: string | null = null;
	let assignmentId: string | null = null;
	if (input.assignmentId) {
		const [row] = isUuid(input.assignmentId)
			? await db
					.select({ id: volunteerAssignment.id, startsAt: volunteerShift.startsAt, activity: volunteerNeed.activity, instanceId: volunteerNeed.instanceId, status: volunteerAssignment.status })
					.from(volunteerAssignment)
					.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
					.innerJoin(volunteerNeed, eq(volunteerNeed.id, volunteerShift.needId))
					.where(and(eq(volunteerAssignment.id, input.assignmentId), eq(volunteerAssignment.profileId, profile.id)))
			: [];
		if (!row || !['confirmed', 'done'].includes(row.status)) issues.push({ field: 'assignmentId', code: 'unknown_option' });
		else if (row.startsAt > now) issues.push({ field: 'assignmentId', code: 'vo_shift_not_happened' });
		else {
			assignmentId = row.id;
			activity ||= row.activity;
			instanceId = row.instanceId;
			if (!organisation && row.instanceId) organisation = (await findInstanceById(db, row.instanceId))?.name ?? '';
		}
	}
	// Hours for a shift take activity and organisation from it: when the shift is refused, that is the one error.
	if (!issues.some((i) => i.field === 'assignmentId')) {
		if (!activity || !(await isActivityOf(db, profile.municipalityId, activity))) issues.push({ field: 'activity', code: activity ? 'unknown_option' : 'required' });
		if (!organisation) issues.push({ field: 'organisation', code: 'required' });
		else if (organisation.length > LIMITS.organisation || !isStorableText(organisation)) issues.push({ field: 'organisation', code: 'too_long', params: { max: LIMITS.organisation } });
	}
	if (minutes !== null && minutes > 0 && isIsoDate(workedOn)) {
		const [day] = await db
			.select({ n: sql<number>`coalesce(sum(${volunteerHours.minutes}), 0)::int` })
			.from(volunteerHours)
			.where(and(eq(volunteerHours.profileId, profile.id), eq(volunteerHours.workedOn, workedOn), ne(volunteerHours.status, 'rejected')));
		if (Number(day.n) + minutes > 24 * 60) issues.push({ field: 'hours', code: 'vo_hours_over_day', params: { hours: Math.max(0, Math.floor((24 * 60 - Number(day.n)) / 6) / 10) } });
	}
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const status = staff ? 'confirmed' : 'pending';
		const [row] = await tx
			.insert(volunteerHours)
			.values({
				profileId: profile.id,
				municipalityId: profile.municipalityId,
				instanceId,
				assignmentId,
				workedOn,
				minutes: minutes!,
				activity,
				organisation,
				status,
				loggedBy: actingUserId(principal),
				confirmedBy: staff ? actingUserId(principal) : null,
				confirmedAt: staff ? now : null,
				createdAt: now
			})
			.returning();
		if (assignmentId) await tx.update(volunteerAssignment).set({ status: 'done', updatedAt: now }).where(and(eq(volunteerAssignment.id, assignmentId), eq(volunteerAssignment.status, 'confirmed')));
		await touchProfile(tx, profile.id, now);
		await recordAudit(tx, { ...auditActor(principal), municipalityId: profile.municipalityId, action: 'create', entityType: 'volunteer_hours', entityId: row.id, changes: { profileId: [null, profile.id], workedOn: [null, workedOn], minutes: [null, minutes], status: [null, status] } });
		return row;
	});
}

/**
 * Confirms or rejects a pending entry (coordinators), audited.
 * @throws NotFoundError; AccessDeniedError; ValidationError `status` unknown_option;
 *   ConflictError vo_hours_not_pending.
 */
export async function reviewHours(db: Db, principal: Principal, hoursId: string, status: string, now: Date = new Date()): Promise<HoursRow> {
	if (!isUuid(hoursId)) throw new NotFoundError('hours');
	if (status !== 'confirmed' && status !== 'rejected') throw new ValidationError([{ field: 'status', code: 'unknown_option' }]);
	return db.transaction(async (tx) => {
		const [row] = await tx.select().from(volunteerHours).where(eq(volunteerHours.id, hoursId)).for('update');
		if (!row) throw new NotFoundError('hours');
		authorize(principal, 'volunteers:coordinate', { municipalityId: row.municipalityId });
		if (row.status !== 'pending') throw new ConflictError('vo_hours_not_pending');
		const [updated] = await tx
			.update(volunteerHours)
			.set({ status, confirmedBy: actingUserId(principal), confirmedAt: now })
			.where(eq(volunteerHours.id, row.id))
			.returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: row.municipalityId, action: 'review', entityType: 'volunteer_hours', entityId: row.id, changes: { status: ['pending', status] } });
		return updated;
	});
}

/** A pending entry with the volunteer's name. */
export interface PendingHours extends HoursRow {
	displayName: string;
}

/**
 * Pending entries of a municipality, oldest first (coordinators).
 * @throws AccessDeniedError.
 */
export async function pendingHours(db: DbOrTx, principal: Principal, municipalityId: string): Promise<PendingHours[]> {
	authorize(principal, 'volunteers:coordinate', { municipalityId });
	const rows = await db
		.select({ h: volunteerHours, userId: volunteerProfile.userId })
		.from(volunteerHours)
		.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerHours.profileId))
		.where(and(eq(volunteerHours.municipalityId, municipalityId), eq(volunteerHours.status, 'pending')))
		.orderBy(asc(volunteerHours.workedOn))
		.limit(200);
	const names = await accountContacts(db, rows.map((r) => r.userId));
	return rows.map((r) => ({ ...r.h, displayName: names.get(r.userId)?.displayName ?? '' }));
}

/**
 * How many hours entries of the municipality wait for confirmation (all of them; `pendingHours`
 * lists the first 200).
 * @throws AccessDeniedError without `volunteers:coordinate` there.
 */
export async function countPendingHours(db: DbOrTx, principal: Principal, municipalityId: string): Promise<number> {
	authorize(principal, 'volunteers:coordinate', { municipalityId });
	return db.$count(volunteerHours, and(eq(volunteerHours.municipalityId, municipalityId), eq(volunteerHours.status, 'pending')));
}

/** The ledger of a profile between two dates (inclusive), newest first; callers authorised the profile. */
export function ledgerOf(db: DbOrTx, profileId: string, range: { from?: string; to?: string; status?: string[] } = {}): Promise<HoursRow[]> {
	return db
		.select()
		.from(volunteerHours)
		.where(
			and(
				eq(volunteerHours.profileId, profileId),
				range.from ? gte(volunteerHours.workedOn, range.from) : undefined,
				range.to ? lte(volunteerHours.workedOn, range.to) : undefined,
				range.status ? inArray(volunteerHours.status, range.status) : undefined
			)
		)
		.orderBy(desc(volunteerHours.workedOn), desc(volunteerHours.createdAt));
}

/** The Ehrenamtskarte NRW check of a profile on `now`'s Berlin date, from confirmed hours. */
export async function cardCheckOf(db: DbOrTx, profile: ProfileRow, now: Date = new Date()): Promise<CardCheck> {
	const settings = await getSettings(db, profile.municipalityId);
	const entries = await ledgerOf(db, profile.id, { status: ['confirmed'] });
	return ehrenamtskarteCheck(entries, settings, berlinDate(now));
}
