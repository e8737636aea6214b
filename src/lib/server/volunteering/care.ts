/**
 * Care and recognition (issue 13 §8; seeds 000, 003: volunteers wear out and withdraw, and
 * re-activating dormant ones, supervision and recognition keep them): recognition records
 * (thank-you events, certificates handed over), the volunteers over their load cap this month
 * (a warning to staff). The dormant list is `listVolunteerProfiles` with `dormantMonths`; the
 * care messages are sent by `jobs.ts`.
 */
import { and, desc, eq, gte, lt, ne, sql } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, type Principal } from '../access';
import { accountContacts } from '../accounts/volunteering-reads';
import { recordAudit } from '../audit/service';
import { ValidationError, type FieldIssue } from '../core/errors';
import { isIsoDate, isStorableText } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { addMonths, berlinDate, hoursOf, LIMITS, RECOGNITION_KINDS } from './model';
import { profileFor } from './profiles';
import { volunteerAssignment, volunteerHours, volunteerProfile, volunteerRecognition, volunteerShift } from './schema';

export type RecognitionRow = typeof volunteerRecognition.$inferSelect;

/**
 * Records a recognition, audited.
 * @throws NotFoundError, AccessDeniedError; ValidationError `kind` unknown_option, `on`
 *   required | vo_date_in_future, `note` too_long.
 */
export async function recordRecognition(db: Db, principal: Principal, profileId: string, input: { kind: string; on: string; note: string }, now: Date = new Date()): Promise<RecognitionRow> {
	const profile = await profileFor(db, principal, profileId, { audit: false });
	authorize(principal, 'volunteers:coordinate', { municipalityId: profile.municipalityId });
	const issues: FieldIssue[] = [];
	if (!(RECOGNITION_KINDS as readonly string[]).includes(input.kind)) issues.push({ field: 'kind', code: 'unknown_option' });
	if (!isIsoDate(input.on)) issues.push({ field: 'on', code: 'required' });
	else if (input.on > berlinDate(now)) issues.push({ field: 'on', code: 'vo_date_in_future' });
	const note = input.note.trim();
	if (note.length > LIMITS.note || !isStorableText(note)) issues.push({ field: 'note', code: 'too_long', params: { max: LIMITS.note } });
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [row] = await tx.insert(volunteerRecognition).values({ profileId: profile.id, kind: input.kind, on: input.on, note, recordedBy: actingUserId(principal), recordedAt: now }).returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: profile.municipalityId, action: 'create', entityType: 'volunteer_recognition', entityId: row.id, changes: { profileId: [null, profile.id], kind: [null, input.kind], on: [null, input.on] } });
		return row;
	});
}

/** A profile's recognition records, newest first (callers authorised the profile). */
export function recognitionOf(db: DbOrTx, profileId: string): Promise<RecognitionRow[]> {
	return db.select().from(volunteerRecognition).where(eq(volunteerRecognition.profileId, profileId)).orderBy(desc(volunteerRecognition.on));
}

/** A volunteer over their load cap this month. */
export interface OverCap {
	profileId: string;
	displayName: string;
	hours: number;
	cap: number;
}

/**
 * The volunteers of a municipality whose hours this (Berlin) month — logged and not rejected,
 * plus confirmed shifts still ahead — exceed their cap (coordinators).
 * @throws AccessDeniedError.
 */
export async function overCap(db: DbOrTx, principal: Principal, municipalityId: string, now: Date = new Date()): Promise<OverCap[]> {
	authorize(principal, 'volunteers:coordinate', { municipalityId });
	const monthFrom = `${berlinDate(now).slice(0, 7)}-01`;
	const monthTo = addMonths(monthFrom, 1);
	const [logged, ahead, caps] = await Promise.all([
		db
			.select({ profileId: volunteerHours.profileId, minutes: sql<number>`sum(${volunteerHours.minutes})::int` })
			.from(volunteerHours)
			.where(and(eq(volunteerHours.municipalityId, municipalityId), ne(volunteerHours.status, 'rejected'), gte(volunteerHours.workedOn, monthFrom), lt(volunteerHours.workedOn, monthTo)))
			.groupBy(volunteerHours.profileId),
		db
			.select({ profileId: volunteerAssignment.profileId, minutes: sql<number>`sum(extract(epoch from ${volunteerShift.endsAt} - ${volunteerShift.startsAt}) / 60)::int` })
			.from(volunteerAssignment)
			.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
			.where(and(eq(volunteerShift.municipalityId, municipalityId), eq(volunteerAssignment.status, 'confirmed'), gte(volunteerShift.startsAt, now), lt(volunteerShift.startsAt, new Date(`${monthTo}T00:00:00Z`))))
			.groupBy(volunteerAssignment.profileId),
		db
			.select({ id: volunteerProfile.id, userId: volunteerProfile.userId, cap: volunteerProfile.capHoursPerMonth })
			.from(volunteerProfile)
			.where(and(eq(volunteerProfile.municipalityId, municipalityId), sql`${volunteerProfile.capHoursPerMonth} is not null`))
	]);
	const minutes = new Map<string, number>();
	for (const r of [...logged, ...ahead]) minutes.set(r.profileId, (minutes.get(r.profileId) ?? 0) + Number(r.minutes));
	const over = caps.filter((c) => (minutes.get(c.id) ?? 0) / 60 > c.cap!);
	const names = await accountContacts(db, over.map((o) => o.userId));
	return over.map((o) => ({ profileId: o.id, displayName: names.get(o.userId)?.displayName ?? '', hours: hoursOf(minutes.get(o.id) ?? 0), cap: o.cap! }));
}

