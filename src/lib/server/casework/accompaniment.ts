/**
 * Begleitung (issue 4 §4): a case step asks for a volunteer to accompany the person to an
 * appointment (when, where, which language). Staff of the holding instance assign a named
 * volunteer account of the same municipality by hand; the volunteer sees only the appointment
 * details and whom to call at the instance — never the case (number, name, notes, topics).
 *
 * Lifecycle: requested → assigned (re-assignable) → done | cancelled.
 */
import { and, asc, eq, inArray, isNull, ne } from 'drizzle-orm';
import { authorize, can } from '../access';
import { userAccount } from '../accounts/schema';
import type { UserPrincipal } from '../access';
import { recordAudit } from '../audit/service';
import type { Db, DbOrTx } from '../db/client';
import { AccessDeniedError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { instance } from '../instances/schema';
import { requireCase } from './access';
import type { AccompanimentStatus } from './model';
import { accompaniment, caseConsent, caseFile, caseStep } from './schema';

/** Longest meeting place accepted, in characters. */
export const PLACE_MAX = 200;
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const UUID = /^[0-9a-f-]{36}$/i;

/** The appointment a volunteer is asked to accompany. */
export interface AccompanimentRequest {
	/** UTC instant of the appointment. */
	appointmentAt: Date;
	/** Where to meet: an address or an offer's place; no personal data. */
	place: string;
	/** Language the volunteer needs, BCP 47. */
	language: string;
}

/**
 * Asks for an accompaniment: a `case_step` of kind `accompaniment` and the accompaniment row,
 * audited, in one transaction. The case must be writable (consent in force, not closed) and its
 * consent must cover the purpose `accompaniment`.
 * @throws NotFoundError, AccessDeniedError, CaseLockedError from `requireCase`; ValidationError —
 *   `case` `consent_missing_purpose`, `appointmentAt` `required` | `in_past`, `place` `required` |
 *   `too_long` {max}, `language` `invalid_language` {value}.
 */
export async function requestAccompaniment(
	db: Db,
	principal: UserPrincipal | null | undefined,
	caseId: string,
	input: AccompanimentRequest,
	now: Date = new Date()
): Promise<typeof accompaniment.$inferSelect> {
	return db.transaction(async (tx) => {
		const { caseRow, consent } = await requireCase(tx, principal, caseId, 'write');
		const issues: FieldIssue[] = [];
		if (!consent.purposes.includes('accompaniment')) issues.push({ field: 'case', code: 'consent_missing_purpose' });
		const at = input.appointmentAt;
		if (!(at instanceof Date) || Number.isNaN(at.getTime())) issues.push({ field: 'appointmentAt', code: 'required' });
		else if (at.getTime() < now.getTime()) issues.push({ field: 'appointmentAt', code: 'in_past' });
		const place = input.place.trim();
		if (!place) issues.push({ field: 'place', code: 'required' });
		else if (place.length > PLACE_MAX) issues.push({ field: 'place', code: 'too_long', params: { max: PLACE_MAX } });
		const language = input.language.trim();
		if (!LANGUAGE_TAG.test(language)) issues.push({ field: 'language', code: 'invalid_language', params: { value: language } });
		if (issues.length) throw new ValidationError(issues);
		const [step] = await tx
			.insert(caseStep)
			.values({ caseId: caseRow.id, kind: 'accompaniment', at, createdBy: principal!.userId, createdAt: now })
			.returning();
		const [row] = await tx
			.insert(accompaniment)
			.values({
				caseId: caseRow.id,
				stepId: step.id,
				municipalityId: caseRow.municipalityId,
				instanceId: caseRow.instanceId,
				appointmentAt: at,
				place,
				language,
				status: 'requested',
				createdAt: now
			})
			.returning();
		await recordAudit(tx, {
			actorUserId: principal!.userId,
			municipalityId: caseRow.municipalityId,
			action: 'create',
			entityType: 'accompaniment',
			entityId: row.id,
			// The place and time may hint at the person's situation: only markers, never values.
			changes: { caseId: [null, caseRow.id], status: [null, 'requested'], language: [null, language], appointmentAt: ['…', '…'], place: ['…', '…'] }
		});
		return row;
	});
}

async function loadForStaff(db: DbOrTx, principal: UserPrincipal | null | undefined, accompanimentId: string) {
	if (!UUID.test(accompanimentId)) throw new NotFoundError(`accompaniment ${accompanimentId}`);
	const [row] = await db.select().from(accompaniment).where(eq(accompaniment.id, accompanimentId));
	if (!row) throw new NotFoundError(`accompaniment ${accompanimentId}`);
	authorize(principal, 'contacts:record', { municipalityId: row.municipalityId, instanceId: row.instanceId });
	return row;
}

/**
 * Assigns (or re-assigns) a volunteer. Only staff of the holding instance; the case must still
 * be writable; the user must be an active `volunteer` of the same municipality.
 * @throws NotFoundError (unknown accompaniment), AccessDeniedError, CaseLockedError;
 *   ValidationError — `volunteer` `not_a_volunteer`, `status` `not_open` (done or cancelled).
 */
export async function assignVolunteer(
	db: Db,
	principal: UserPrincipal | null | undefined,
	accompanimentId: string,
	volunteerUserId: string
): Promise<typeof accompaniment.$inferSelect> {
	return db.transaction(async (tx) => {
		const row = await loadForStaff(tx, principal, accompanimentId);
		await requireCase(tx, principal, row.caseId, 'write');
		const issues: FieldIssue[] = [];
		if (row.status !== 'requested' && row.status !== 'assigned') issues.push({ field: 'status', code: 'not_open' });
		const [volunteer] = UUID.test(volunteerUserId)
			? await tx
					.select({ id: userAccount.id })
					.from(userAccount)
					.where(
						and(
							eq(userAccount.id, volunteerUserId),
							eq(userAccount.role, 'volunteer'),
							eq(userAccount.municipalityId, row.municipalityId),
							isNull(userAccount.disabledAt)
						)
					)
			: [];
		if (!volunteer) issues.push({ field: 'volunteer', code: 'not_a_volunteer' });
		if (issues.length) throw new ValidationError(issues);
		const [updated] = await tx
			.update(accompaniment)
			.set({ volunteerId: volunteer.id, status: 'assigned' })
			.where(eq(accompaniment.id, row.id))
			.returning();
		await recordAudit(tx, {
			actorUserId: principal!.userId,
			municipalityId: row.municipalityId,
			action: 'assign',
			entityType: 'accompaniment',
			entityId: row.id,
			changes: { volunteerId: [row.volunteerId, volunteer.id], status: [row.status, 'assigned'] }
		});
		return updated;
	});
}

/**
 * Closes an accompaniment as `done` or `cancelled` (staff of the holding instance). Done also
 * marks its case step done. Cancelling works even after consent was withdrawn (it stops
 * processing); marking done needs a writable case.
 * @throws NotFoundError, AccessDeniedError, CaseLockedError (done on a locked case);
 *   ValidationError — `status` `unknown_value` | `not_open`.
 */
export async function setAccompanimentStatus(
	db: Db,
	principal: UserPrincipal | null | undefined,
	accompanimentId: string,
	status: string,
	now: Date = new Date()
): Promise<typeof accompaniment.$inferSelect> {
	return db.transaction(async (tx) => {
		const row = await loadForStaff(tx, principal, accompanimentId);
		if (status !== 'done' && status !== 'cancelled') throw new ValidationError([{ field: 'status', code: 'unknown_value' }]);
		if (row.status !== 'requested' && row.status !== 'assigned') throw new ValidationError([{ field: 'status', code: 'not_open' }]);
		if (status === 'done') await requireCase(tx, principal, row.caseId, 'write');
		const [updated] = await tx.update(accompaniment).set({ status }).where(eq(accompaniment.id, row.id)).returning();
		if (status === 'done') await tx.update(caseStep).set({ doneAt: now }).where(eq(caseStep.id, row.stepId));
		await recordAudit(tx, {
			actorUserId: principal!.userId,
			municipalityId: row.municipalityId,
			action: 'update',
			entityType: 'accompaniment',
			entityId: row.id,
			changes: { status: [row.status, status] }
		});
		return updated;
	});
}

/** An open accompaniment as the instance's staff manage it (no case data beyond the case id). */
export interface AccompanimentOverview {
	id: string;
	caseId: string;
	appointmentAt: Date;
	place: string;
	language: string;
	status: AccompanimentStatus;
	volunteerId: string | null;
	volunteerName: string | null;
}

/**
 * The requested and assigned accompaniments of an instance, by appointment time.
 * @throws NotFoundError (unknown instance), AccessDeniedError (not staff of the instance).
 */
export async function listAccompaniments(db: DbOrTx, principal: UserPrincipal | null | undefined, instanceId: string): Promise<AccompanimentOverview[]> {
	if (!UUID.test(instanceId)) throw new NotFoundError(`instance ${instanceId}`);
	const [inst] = await db.select({ municipalityId: instance.municipalityId }).from(instance).where(eq(instance.id, instanceId));
	if (!inst) throw new NotFoundError(`instance ${instanceId}`);
	authorize(principal, 'contacts:record', { municipalityId: inst.municipalityId, instanceId });
	const rows = await db
		.select({
			id: accompaniment.id,
			caseId: accompaniment.caseId,
			appointmentAt: accompaniment.appointmentAt,
			place: accompaniment.place,
			language: accompaniment.language,
			status: accompaniment.status,
			volunteerId: accompaniment.volunteerId,
			volunteerName: userAccount.displayName
		})
		.from(accompaniment)
		.leftJoin(userAccount, eq(userAccount.id, accompaniment.volunteerId))
		.where(and(eq(accompaniment.instanceId, instanceId), inArray(accompaniment.status, ['requested', 'assigned'])))
		.orderBy(asc(accompaniment.appointmentAt), asc(accompaniment.id));
	return rows.map((r) => ({ ...r, status: r.status as AccompanimentStatus }));
}

/**
 * The active volunteer accounts of the municipality an instance belongs to, by name, for the
 * assignment select (staff of the instance only).
 * @throws NotFoundError, AccessDeniedError.
 */
export async function listVolunteers(db: DbOrTx, principal: UserPrincipal | null | undefined, instanceId: string): Promise<{ id: string; displayName: string }[]> {
	if (!UUID.test(instanceId)) throw new NotFoundError(`instance ${instanceId}`);
	const [inst] = await db.select({ municipalityId: instance.municipalityId }).from(instance).where(eq(instance.id, instanceId));
	if (!inst) throw new NotFoundError(`instance ${instanceId}`);
	authorize(principal, 'contacts:record', { municipalityId: inst.municipalityId, instanceId });
	return db
		.select({ id: userAccount.id, displayName: userAccount.displayName })
		.from(userAccount)
		.where(and(eq(userAccount.role, 'volunteer'), eq(userAccount.municipalityId, inst.municipalityId), isNull(userAccount.disabledAt)))
		.orderBy(asc(userAccount.displayName), asc(userAccount.id));
}

/** What a volunteer sees of an accompaniment assigned to them: the appointment, and whom to call. */
export interface VolunteerAppointment {
	appointmentAt: Date;
	place: string;
	language: string;
	status: AccompanimentStatus;
	instanceName: string;
	instancePhone: string;
}

/**
 * The accompaniments assigned to the signed-in volunteer (assigned and done), by appointment
 * time. Deliberately selects only the appointment's fields and the instance's name and phone:
 * no case number, name, notes or topics ever reach the volunteer. Accompaniments of cases whose
 * consent was withdrawn disappear.
 * @throws AccessDeniedError for anyone but a volunteer.
 */
export async function listForVolunteer(db: DbOrTx, principal: UserPrincipal | null | undefined): Promise<VolunteerAppointment[]> {
	if (!can(principal, 'accompaniment:volunteer')) throw new AccessDeniedError();
	const rows = await db
		.select({
			appointmentAt: accompaniment.appointmentAt,
			place: accompaniment.place,
			language: accompaniment.language,
			status: accompaniment.status,
			instanceName: instance.name,
			instancePhone: instance.phone
		})
		.from(accompaniment)
		.innerJoin(instance, eq(instance.id, accompaniment.instanceId))
		.innerJoin(caseFile, eq(caseFile.id, accompaniment.caseId))
		.innerJoin(caseConsent, eq(caseConsent.caseId, accompaniment.caseId))
		.where(
			and(
				eq(accompaniment.volunteerId, principal!.userId),
				inArray(accompaniment.status, ['assigned', 'done']),
				ne(caseFile.status, 'withdrawn'),
				isNull(caseConsent.withdrawnAt)
			)
		)
		.orderBy(asc(accompaniment.appointmentAt));
	return rows.map((r) => ({ ...r, status: r.status as AccompanimentStatus }));
}
