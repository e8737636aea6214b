/**
 * Begleitung (issue 4 §4): a case step asks for a volunteer to accompany the person to an
 * appointment (when, where, which language). Staff of the holding instance assign a named
 * volunteer account of the same municipality by hand; the volunteer sees only the appointment
 * details and whom to call at the instance — never the case (number, name, notes, topics).
 *
 * Lifecycle: requested → assigned (re-assignable) → done | cancelled.
 */
import { and, asc, eq, inArray, isNull, ne } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, can, type Principal } from '../access';
import { activeAccounts } from '../accounts/casework-reads';
import { userNames } from '../accounts/users';
import { recordAudit } from '../audit/service';
import { AccessDeniedError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { caseworkInstance, instancesByIds } from '../instances/casework-reads';
import { requireCase } from './access';
import { isLanguageCode, PLACE_MAX, type AccompanimentStatus } from './model';
import { accompaniment, caseConsent, caseFile, caseStep } from './schema';

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
	principal: Principal | null | undefined,
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
		const language = canonicalLanguageTag(input.language) ?? '';
		if (!isLanguageCode(language)) issues.push({ field: 'language', code: 'invalid_language', params: { value: input.language.trim() } });
		if (issues.length) throw new ValidationError(issues);
		const [step] = await tx
			.insert(caseStep)
			.values({ caseId: caseRow.id, kind: 'accompaniment', at, createdBy: actingUserId(principal), createdAt: now })
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
			...auditActor(principal!),
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

/**
 * An instance whose accompaniments the principal manages.
 * @throws NotFoundError (unknown instance), AccessDeniedError without `contacts:record` on it.
 */
async function staffInstance(db: DbOrTx, principal: Principal | null | undefined, instanceId: string) {
	const inst = await caseworkInstance(db, instanceId);
	if (!inst) throw new NotFoundError(`instance ${instanceId}`);
	authorize(principal, 'contacts:record', { municipalityId: inst.municipalityId, instanceId });
	return inst;
}

async function loadForStaff(db: DbOrTx, principal: Principal | null | undefined, accompanimentId: string) {
	if (!principal) throw new AccessDeniedError();
	if (!isUuid(accompanimentId)) throw new NotFoundError(`accompaniment ${accompanimentId}`);
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
	principal: Principal | null | undefined,
	accompanimentId: string,
	volunteerUserId: string
): Promise<typeof accompaniment.$inferSelect> {
	return db.transaction(async (tx) => {
		const row = await loadForStaff(tx, principal, accompanimentId);
		await requireCase(tx, principal, row.caseId, 'write');
		const issues: FieldIssue[] = [];
		if (row.status !== 'requested' && row.status !== 'assigned') issues.push({ field: 'status', code: 'not_open' });
		const [volunteer] = (await activeAccounts(tx, row.municipalityId, [volunteerUserId])).filter((u) => can(u, 'accompaniment:volunteer', { municipalityId: row.municipalityId }));
		if (!volunteer) issues.push({ field: 'volunteer', code: 'not_a_volunteer' });
		if (issues.length) throw new ValidationError(issues);
		const [updated] = await tx
			.update(accompaniment)
			.set({ volunteerId: volunteer.userId, status: 'assigned' })
			.where(eq(accompaniment.id, row.id))
			.returning();
		await recordAudit(tx, {
			...auditActor(principal!),
			municipalityId: row.municipalityId,
			action: 'assign',
			entityType: 'accompaniment',
			entityId: row.id,
			changes: { volunteerId: [row.volunteerId, volunteer.userId], status: [row.status, 'assigned'] }
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
	principal: Principal | null | undefined,
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
			...auditActor(principal!),
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
export async function listAccompaniments(db: DbOrTx, principal: Principal | null | undefined, instanceId: string): Promise<AccompanimentOverview[]> {
	await staffInstance(db, principal, instanceId);
	const rows = await db
		.select({
			id: accompaniment.id,
			caseId: accompaniment.caseId,
			appointmentAt: accompaniment.appointmentAt,
			place: accompaniment.place,
			language: accompaniment.language,
			status: accompaniment.status,
			volunteerId: accompaniment.volunteerId
		})
		.from(accompaniment)
		.where(and(eq(accompaniment.instanceId, instanceId), inArray(accompaniment.status, ['requested', 'assigned'])))
		.orderBy(asc(accompaniment.appointmentAt), asc(accompaniment.id));
	const names = await userNames(db, rows.flatMap((r) => (r.volunteerId ? [r.volunteerId] : [])));
	return rows.map((r) => ({ ...r, status: r.status as AccompanimentStatus, volunteerName: r.volunteerId ? (names.get(r.volunteerId)?.displayName ?? null) : null }));
}

/**
 * The active volunteer accounts of the municipality an instance belongs to, by name, for the
 * assignment select (staff of the instance only).
 * @throws NotFoundError, AccessDeniedError.
 */
export async function listVolunteers(db: DbOrTx, principal: Principal | null | undefined, instanceId: string): Promise<{ id: string; displayName: string }[]> {
	const inst = await staffInstance(db, principal, instanceId);
	return (await activeAccounts(db, inst.municipalityId))
		.filter((u) => can(u, 'accompaniment:volunteer', { municipalityId: inst.municipalityId }))
		.map((u) => ({ id: u.userId, displayName: u.displayName }));
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
export async function listForVolunteer(db: DbOrTx, principal: Principal | null | undefined): Promise<VolunteerAppointment[]> {
	if (principal?.kind !== 'user' || !can(principal, 'accompaniment:volunteer', { municipalityId: principal.municipalityId })) throw new AccessDeniedError();
	const rows = await db
		.select({
			appointmentAt: accompaniment.appointmentAt,
			place: accompaniment.place,
			language: accompaniment.language,
			status: accompaniment.status,
			instanceId: accompaniment.instanceId
		})
		.from(accompaniment)
		.innerJoin(caseFile, eq(caseFile.id, accompaniment.caseId))
		.innerJoin(caseConsent, eq(caseConsent.caseId, accompaniment.caseId))
		.where(
			and(
				eq(accompaniment.volunteerId, principal.userId),
				inArray(accompaniment.status, ['assigned', 'done']),
				ne(caseFile.status, 'withdrawn'),
				isNull(caseConsent.withdrawnAt)
			)
		)
		.orderBy(asc(accompaniment.appointmentAt));
	const instances = new Map((await instancesByIds(db, rows.map((r) => r.instanceId))).map((i) => [i.id, i]));
	return rows.map(({ instanceId, ...r }) => ({
		...r,
		status: r.status as AccompanimentStatus,
		instanceName: instances.get(instanceId)?.name ?? '',
		instancePhone: instances.get(instanceId)?.phone ?? ''
	}));
}
