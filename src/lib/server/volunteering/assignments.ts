/**
 * Invitations, assignments and shifts (issue 13 §5–§6). Coordinators invite a matched volunteer
 * with one click; the invitation covers the need's upcoming shifts and is answered through the
 * emailed link (no sign-in: the link's token is the credential) or in the volunteer's area.
 * Volunteers sign up themselves where the need allows it. Every path checks, on the shift's
 * date, the requirements of the activity, the place and the need — someone lacking a check is
 * refused and the message names the check — and refuses a clash with another confirmed shift.
 * Status: invited → confirmed → done | no_show | cancelled; invited → declined.
 */
import { and, asc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, systemPrincipal, type Principal } from '../access';
import { accountContacts } from '../accounts/volunteering-reads';
import { newToken, sha256 } from '../accounts/sessions';
import { recordAudit } from '../audit/service';
import { assignVolunteer } from '../casework/accompaniment';
import { AccessDeniedError, ConflictError, NotFoundError, ValidationError } from '../core/errors';
import { errorFields, log } from '../core/log';
import { isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { requirementsMet } from './checks';
import { mailWhen, publicOrigin, sendVolunteerMails, type VolunteerMail } from './mail';
import { berlinDate, isPaused, type Requirement } from './model';
import { ACCOMPANIMENT_BRIDGE, cancelAssignments, needFor, needRequirements, type NeedRow } from './needs';
import { ownProfile, profileFor, touchProfile, type ProfileRow } from './profiles';
import { volunteerAssignment, volunteerInvitation, volunteerNeed, volunteerProfile, volunteerShift } from './schema';

/** The system principal acting for an answer through an emailed link (the audit log names it). */
const LINK = systemPrincipal('volunteer-invitation-link');

/** The message code of a missing requirement (`vo_missing_criminal_record`, `vo_missing_training_first_aid`, …). */
export function missingCode(r: Requirement): string {
	return `vo_missing_${r.replace(':', '_')}`;
}

/** Upcoming scheduled shifts of a need. */
function upcomingShifts(db: DbOrTx, needId: string, now: Date) {
	return db
		.select()
		.from(volunteerShift)
		.where(and(eq(volunteerShift.needId, needId), eq(volunteerShift.status, 'scheduled'), gte(volunteerShift.startsAt, now)))
		.orderBy(asc(volunteerShift.startsAt));
}

/**
 * Refuses a volunteer for shifts: a required check missing on any shift's date (one issue per
 * check, field `volunteer`), paused on a shift's date, or a confirmed shift overlapping one of them.
 * @throws ValidationError — `volunteer` vo_missing_<check> | vo_paused | vo_clash.
 */
async function requireEligible(db: DbOrTx, need: NeedRow, profile: ProfileRow, shifts: { id: string; startsAt: Date; endsAt: Date }[]): Promise<void> {
	const requirements = await needRequirements(db, need);
	const missing = new Set<Requirement>();
	for (const day of new Set(shifts.map((s) => berlinDate(s.startsAt)))) {
		const met = (await requirementsMet(db, [profile.id], day)).get(profile.id)!;
		for (const r of requirements) if (!met.has(r)) missing.add(r);
	}
	if (missing.size) throw new ValidationError([...missing].map((r) => ({ field: 'volunteer', code: missingCode(r) })));
	if (shifts.some((s) => isPaused(profile, berlinDate(s.startsAt)))) throw new ValidationError([{ field: 'volunteer', code: 'vo_paused' }]);
	for (const s of shifts) {
		const [clash] = await db
			.select({ id: volunteerAssignment.id })
			.from(volunteerAssignment)
			.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
			.where(and(eq(volunteerAssignment.profileId, profile.id), eq(volunteerAssignment.status, 'confirmed'), ne(volunteerShift.id, s.id), lt(volunteerShift.startsAt, s.endsAt), sql`${volunteerShift.endsAt} > ${s.startsAt.toISOString()}::timestamptz`))
			.limit(1);
		if (clash) throw new ValidationError([{ field: 'volunteer', code: 'vo_clash' }]);
	}
}

/** Where a need takes place, as a message says it. */
function placeOf(need: NeedRow): string {
	return need.placeText || need.title;
}

/**
 * Invites a volunteer to a need's upcoming shifts and mails the link in their language; audited.
 * @returns the invitation id.
 * @throws NotFoundError (need or volunteer); AccessDeniedError without `volunteers:coordinate`;
 *   ConflictError vo_need_not_open | vo_no_shifts | vo_already_invited; ValidationError as
 *   `requireEligible` (a missing check is named).
 */
export async function invite(db: Db, principal: Principal, needId: string, profileId: string, now: Date = new Date()): Promise<string> {
	const token = newToken();
	const { invitationId, mail } = await db.transaction(async (tx) => {
		const { need, coordinate } = await needFor(tx, principal, needId);
		if (!coordinate) throw new AccessDeniedError();
		const profile = await profileFor(tx, principal, profileId, { audit: false });
		if (profile.municipalityId !== need.municipalityId) throw new NotFoundError(`volunteer ${profileId}`);
		if (need.status !== 'open') throw new ConflictError('vo_need_not_open');
		const shifts = await upcomingShifts(tx, need.id, now);
		if (!shifts.length) throw new ConflictError('vo_no_shifts');
		const [already] = await tx.select().from(volunteerInvitation).where(and(eq(volunteerInvitation.needId, need.id), eq(volunteerInvitation.profileId, profile.id)));
		if (already && (already.status === 'invited' || already.status === 'accepted')) throw new ConflictError('vo_already_invited');
		await requireEligible(tx, need, profile, shifts);
		if (already) await tx.delete(volunteerInvitation).where(eq(volunteerInvitation.id, already.id));
		const [inv] = await tx
			.insert(volunteerInvitation)
			.values({ needId: need.id, profileId: profile.id, tokenHash: sha256(token), status: 'invited', invitedBy: actingUserId(principal), invitedAt: now })
			.returning();
		await tx
			.insert(volunteerAssignment)
			.values(shifts.map((s) => ({ shiftId: s.id, profileId: profile.id, invitationId: inv.id, status: 'invited', updatedAt: now })))
			.onConflictDoUpdate({ target: [volunteerAssignment.shiftId, volunteerAssignment.profileId], set: { invitationId: inv.id, status: 'invited', reminderSentAt: null, updatedAt: now } });
		await recordAudit(tx, { ...auditActor(principal), municipalityId: need.municipalityId, action: 'invite', entityType: 'volunteer_invitation', entityId: inv.id, changes: { needId: [null, need.id], profileId: [null, profile.id], shifts: [null, shifts.length] } });
		const contact = (await accountContacts(tx, [profile.userId])).get(profile.userId);
		const mail: VolunteerMail | null = contact?.active
			? { to: contact.email, locale: profile.messageLocale, kind: 'invitation', params: { title: need.title, when: mailWhen(shifts[0].startsAt, profile.messageLocale), shifts: shifts.length, place: placeOf(need), link: `${publicOrigin()}/${profile.messageLocale}/v/${token}` } }
			: null;
		return { invitationId: inv.id, mail };
	});
	if (mail) await sendVolunteerMails([mail]);
	return invitationId;
}

/** An invitation as its answer page shows it (no sign-in). */
export interface InvitationView {
	id: string;
	status: string;
	title: string;
	source: string;
	activity: string;
	placeText: string;
	language: string | null;
	shifts: { startsAt: Date; endsAt: Date; status: string }[];
}

/** The invitation behind an emailed link, or null for an unknown token. */
export async function invitationByToken(db: DbOrTx, token: string): Promise<InvitationView | null> {
	if (!token || token.length > 100) return null;
	const [row] = await db.select({ inv: volunteerInvitation, need: volunteerNeed }).from(volunteerInvitation).innerJoin(volunteerNeed, eq(volunteerNeed.id, volunteerInvitation.needId)).where(eq(volunteerInvitation.tokenHash, sha256(token)));
	if (!row) return null;
	const shifts = await db
		.select({ startsAt: volunteerShift.startsAt, endsAt: volunteerShift.endsAt, status: volunteerAssignment.status })
		.from(volunteerAssignment)
		.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
		.where(eq(volunteerAssignment.invitationId, row.inv.id))
		.orderBy(asc(volunteerShift.startsAt));
	return { id: row.inv.id, status: row.inv.status, title: row.need.title, source: row.need.source, activity: row.need.activity, placeText: row.need.placeText, language: row.need.language, shifts };
}

/**
 * Accepts or declines an invitation in the caller's transaction: accepting re-checks
 * eligibility, confirms the invited shifts that still have a free slot and marks the need
 * filled when every shift is; declining declines them. Audited.
 * @returns the accompaniment request to assign in casework, if the need came from one.
 */
async function answer(tx: DbOrTx, principal: Principal, inv: typeof volunteerInvitation.$inferSelect, choice: 'accept' | 'decline', now: Date): Promise<{ accompanimentId: string; userId: string } | null> {
	if (inv.status !== 'invited') throw new ConflictError('vo_invitation_answered');
	const [need] = await tx.select().from(volunteerNeed).where(eq(volunteerNeed.id, inv.needId));
	const [profile] = await tx.select().from(volunteerProfile).where(eq(volunteerProfile.id, inv.profileId));
	if (need.status !== 'open') throw new ConflictError('vo_need_not_open');
	const invited = await tx
		.select({ id: volunteerAssignment.id, shiftId: volunteerShift.id, startsAt: volunteerShift.startsAt, endsAt: volunteerShift.endsAt, slots: volunteerShift.slots })
		.from(volunteerAssignment)
		.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
		.where(and(eq(volunteerAssignment.invitationId, inv.id), eq(volunteerAssignment.status, 'invited'), eq(volunteerShift.status, 'scheduled'), gte(volunteerShift.startsAt, now)));
	if (choice === 'decline') {
		await tx.update(volunteerAssignment).set({ status: 'declined', updatedAt: now }).where(and(eq(volunteerAssignment.invitationId, inv.id), eq(volunteerAssignment.status, 'invited')));
		await tx.update(volunteerInvitation).set({ status: 'declined', respondedAt: now }).where(eq(volunteerInvitation.id, inv.id));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: need.municipalityId, action: 'decline', entityType: 'volunteer_invitation', entityId: inv.id, changes: { status: ['invited', 'declined'] } });
		return null;
	}
	if (!invited.length) throw new ConflictError('vo_no_shifts');
	await requireEligible(tx, need, profile, invited);
	const taken = await tx
		.select({ shiftId: volunteerAssignment.shiftId, n: sql<number>`count(*)::int` })
		.from(volunteerAssignment)
		.where(and(inArray(volunteerAssignment.shiftId, invited.map((i) => i.shiftId)), inArray(volunteerAssignment.status, ['confirmed', 'done'])))
		.groupBy(volunteerAssignment.shiftId);
	const full = new Set(taken.filter((t) => Number(t.n) >= (invited.find((i) => i.shiftId === t.shiftId)?.slots ?? 0)).map((t) => t.shiftId));
	const open = invited.filter((i) => !full.has(i.shiftId));
	if (!open.length) throw new ConflictError('vo_need_full');
	await tx.update(volunteerAssignment).set({ status: 'confirmed', updatedAt: now }).where(inArray(volunteerAssignment.id, open.map((o) => o.id)));
	const gone = invited.filter((i) => full.has(i.shiftId)).map((i) => i.id);
	if (gone.length) await tx.update(volunteerAssignment).set({ status: 'cancelled', updatedAt: now }).where(inArray(volunteerAssignment.id, gone));
	await tx.update(volunteerInvitation).set({ status: 'accepted', respondedAt: now }).where(eq(volunteerInvitation.id, inv.id));
	await touchProfile(tx, profile.id, now);
	await markFilled(tx, need, now);
	await recordAudit(tx, { ...auditActor(principal), municipalityId: need.municipalityId, action: 'accept', entityType: 'volunteer_invitation', entityId: inv.id, changes: { status: ['invited', 'accepted'], confirmedShifts: [null, open.length] } });
	return need.source === 'accompaniment' && need.sourceRef ? { accompanimentId: need.sourceRef, userId: profile.userId } : null;
}

/** Marks a need filled when every upcoming shift has as many confirmed volunteers as slots. */
async function markFilled(tx: DbOrTx, need: NeedRow, now: Date): Promise<void> {
	const [open] = await tx
		.select({ n: sql<number>`count(*)::int` })
		.from(volunteerShift)
		.where(
			and(
				eq(volunteerShift.needId, need.id),
				eq(volunteerShift.status, 'scheduled'),
				gte(volunteerShift.startsAt, now),
				sql`(select count(*) from volunteer_assignment a where a.shift_id = ${volunteerShift.id} and a.status in ('confirmed', 'done')) < ${volunteerShift.slots}`
			)
		);
	if (Number(open.n) === 0) await tx.update(volunteerNeed).set({ status: 'filled', filledAt: now }).where(and(eq(volunteerNeed.id, need.id), eq(volunteerNeed.status, 'open')));
}

/** Assigns the volunteer in casework when the need came from an accompaniment request (after commit). */
async function bridgeToCasework(db: Db, link: { accompanimentId: string; userId: string } | null): Promise<void> {
	if (!link) return;
	try {
		await assignVolunteer(db, ACCOMPANIMENT_BRIDGE, link.accompanimentId, link.userId);
	} catch (e) {
		// The case may have been closed or withdrawn meanwhile; the next sync closes the need.
		log.warn({ ...errorFields(e) }, 'volunteering: accompaniment not assigned in casework');
	}
}

/**
 * Answers an invitation through its emailed link.
 * @throws NotFoundError (unknown token); ConflictError vo_invitation_answered | vo_need_not_open |
 *   vo_no_shifts | vo_need_full; ValidationError as `requireEligible`.
 */
export async function answerByToken(db: Db, token: string, choice: 'accept' | 'decline', now: Date = new Date()): Promise<void> {
	const link = await db.transaction(async (tx) => {
		const [inv] = await tx.select().from(volunteerInvitation).where(eq(volunteerInvitation.tokenHash, sha256(token))).for('update');
		if (!inv) throw new NotFoundError('invitation');
		return answer(tx, LINK, inv, choice, now);
	});
	await bridgeToCasework(db, link);
}

/**
 * Answers one's own invitation in the volunteer area.
 * @throws NotFoundError (not the principal's); AccessDeniedError; as `answerByToken`.
 */
export async function answerInvitation(db: Db, principal: Principal, invitationId: string, choice: 'accept' | 'decline', now: Date = new Date()): Promise<void> {
	const profile = await ownProfile(db, principal);
	if (!isUuid(invitationId)) throw new NotFoundError('invitation');
	const link = await db.transaction(async (tx) => {
		const [inv] = await tx.select().from(volunteerInvitation).where(and(eq(volunteerInvitation.id, invitationId), eq(volunteerInvitation.profileId, profile.id))).for('update');
		if (!inv) throw new NotFoundError('invitation');
		return answer(tx, principal, inv, choice, now);
	});
	await bridgeToCasework(db, link);
}

/**
 * A volunteer signs up for a need themself (where the need allows it): an accepted invitation
 * with the upcoming shifts confirmed, after the same checks as an invitation.
 * @throws NotFoundError; AccessDeniedError (not a volunteer of the municipality);
 *   ConflictError vo_no_self_signup | vo_need_not_open | vo_already_invited | vo_need_full;
 *   ValidationError as `requireEligible`.
 */
export async function signUp(db: Db, principal: Principal, needId: string, now: Date = new Date()): Promise<void> {
	const profile = await ownProfile(db, principal);
	if (!isUuid(needId)) throw new NotFoundError(`need ${needId}`);
	const link = await db.transaction(async (tx) => {
		const [need] = await tx.select().from(volunteerNeed).where(and(eq(volunteerNeed.id, needId), eq(volunteerNeed.municipalityId, profile.municipalityId)));
		if (!need) throw new NotFoundError(`need ${needId}`);
		if (!need.selfSignup) throw new ConflictError('vo_no_self_signup');
		if (need.status !== 'open') throw new ConflictError('vo_need_not_open');
		const [already] = await tx.select().from(volunteerInvitation).where(and(eq(volunteerInvitation.needId, need.id), eq(volunteerInvitation.profileId, profile.id)));
		if (already && (already.status === 'invited' || already.status === 'accepted')) throw new ConflictError('vo_already_invited');
		const shifts = await upcomingShifts(tx, need.id, now);
		if (!shifts.length) throw new ConflictError('vo_no_shifts');
		if (already) await tx.delete(volunteerInvitation).where(eq(volunteerInvitation.id, already.id));
		const [inv] = await tx.insert(volunteerInvitation).values({ needId: need.id, profileId: profile.id, tokenHash: sha256(newToken()), status: 'invited', selfSignup: true, invitedAt: now }).returning();
		await tx
			.insert(volunteerAssignment)
			.values(shifts.map((s) => ({ shiftId: s.id, profileId: profile.id, invitationId: inv.id, status: 'invited', updatedAt: now })))
			.onConflictDoUpdate({ target: [volunteerAssignment.shiftId, volunteerAssignment.profileId], set: { invitationId: inv.id, status: 'invited', reminderSentAt: null, updatedAt: now } });
		return answer(tx, principal, inv, 'accept', now);
	});
	await bridgeToCasework(db, link);
}

/**
 * Sets an assignment's outcome (coordinators): `done` or `no_show` once the shift has begun,
 * `cancelled` before (the volunteer gets a cancellation). A volunteer may cancel their own
 * confirmed assignment before it begins. Audited; a cancellation reopens a filled need.
 * @throws NotFoundError; AccessDeniedError; ValidationError `status` unknown_option |
 *   vo_shift_not_happened; ConflictError vo_assignment_closed.
 */
export async function setAssignmentStatus(db: Db, principal: Principal, assignmentId: string, status: string, now: Date = new Date()): Promise<void> {
	if (!isUuid(assignmentId)) throw new NotFoundError('assignment');
	const mails = await db.transaction(async (tx) => {
		const [row] = await tx
			.select({ a: volunteerAssignment, shift: volunteerShift, need: volunteerNeed, userId: volunteerProfile.userId })
			.from(volunteerAssignment)
			.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
			.innerJoin(volunteerNeed, eq(volunteerNeed.id, volunteerShift.needId))
			.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerAssignment.profileId))
			.where(eq(volunteerAssignment.id, assignmentId));
		if (!row) throw new NotFoundError('assignment');
		const self = principal.kind === 'user' && principal.userId === row.userId;
		if (!(self && status === 'cancelled')) authorize(principal, 'volunteers:coordinate', { municipalityId: row.need.municipalityId });
		if (!['done', 'no_show', 'cancelled'].includes(status)) throw new ValidationError([{ field: 'status', code: 'unknown_option' }]);
		const begun = row.shift.startsAt <= now;
		if ((status === 'done' || status === 'no_show') && !begun) throw new ValidationError([{ field: 'status', code: 'vo_shift_not_happened' }]);
		if (status === 'cancelled' && begun) throw new ConflictError('vo_assignment_closed');
		const from = status === 'cancelled' ? ['invited', 'confirmed'] : ['confirmed', 'done', 'no_show'];
		if (!from.includes(row.a.status)) throw new ConflictError('vo_assignment_closed');
		let mails: VolunteerMail[] = [];
		if (status === 'cancelled') {
			mails = self ? [] : await cancelAssignments(tx, [row.a.id], now);
			if (self) await tx.update(volunteerAssignment).set({ status, updatedAt: now }).where(eq(volunteerAssignment.id, row.a.id));
			await tx.update(volunteerNeed).set({ status: 'open', filledAt: null }).where(and(eq(volunteerNeed.id, row.need.id), eq(volunteerNeed.status, 'filled')));
		} else {
			await tx.update(volunteerAssignment).set({ status, updatedAt: now }).where(eq(volunteerAssignment.id, row.a.id));
			await touchProfile(tx, row.a.profileId, now);
		}
		await recordAudit(tx, { ...auditActor(principal), municipalityId: row.need.municipalityId, action: 'update', entityType: 'volunteer_assignment', entityId: row.a.id, changes: { status: [row.a.status, status] } });
		return mails;
	});
	await sendVolunteerMails(mails);
}

/** An assignment as lists show it (the volunteer's own, a need's roster, the calendar feed). */
export interface AssignmentView {
	id: string;
	invitationId: string | null;
	status: string;
	needId: string;
	title: string;
	source: string;
	activity: string;
	placeText: string;
	placeId: string | null;
	instanceId: string | null;
	startsAt: Date;
	endsAt: Date;
	shiftStatus: string;
	profileId: string;
}

const VIEW = {
	id: volunteerAssignment.id,
	invitationId: volunteerAssignment.invitationId,
	status: volunteerAssignment.status,
	needId: volunteerNeed.id,
	title: volunteerNeed.title,
	source: volunteerNeed.source,
	activity: volunteerNeed.activity,
	placeText: volunteerNeed.placeText,
	placeId: volunteerNeed.placeId,
	instanceId: volunteerNeed.instanceId,
	startsAt: volunteerShift.startsAt,
	endsAt: volunteerShift.endsAt,
	shiftStatus: volunteerShift.status,
	profileId: volunteerAssignment.profileId
};

/** A profile's assignments from `since` on (all statuses), by start. */
export function assignmentsOf(db: DbOrTx, profileId: string, since: Date): Promise<AssignmentView[]> {
	return db
		.select(VIEW)
		.from(volunteerAssignment)
		.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
		.innerJoin(volunteerNeed, eq(volunteerNeed.id, volunteerShift.needId))
		.where(and(eq(volunteerAssignment.profileId, profileId), gte(volunteerShift.startsAt, since)))
		.orderBy(asc(volunteerShift.startsAt));
}

/** The roster of a need: every assignment with the volunteer's name (callers authorised the need). */
export async function rosterOf(db: DbOrTx, needId: string): Promise<(AssignmentView & { displayName: string })[]> {
	const rows = await db
		.select({ ...VIEW, userId: volunteerProfile.userId })
		.from(volunteerAssignment)
		.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
		.innerJoin(volunteerNeed, eq(volunteerNeed.id, volunteerShift.needId))
		.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerAssignment.profileId))
		.where(eq(volunteerNeed.id, needId))
		.orderBy(asc(volunteerShift.startsAt));
	const names = await accountContacts(db, rows.map((r) => r.userId));
	return rows.map(({ userId, ...r }) => ({ ...r, displayName: names.get(userId)?.displayName ?? '' }));
}
