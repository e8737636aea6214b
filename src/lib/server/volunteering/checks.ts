/**
 * Checks by law, never the document (issue 13 §2). Coordinators record what they inspected:
 * - erweitertes Führungszeugnis (§ 72a Abs. 5 SGB VIII): that it was inspected, by whom and
 *   when, its issue date, and whether a catalogue offence was listed. The issue date may not be
 *   in the future nor older than `fzMaxAgeMonths` at inspection; it must be renewed after
 *   `fzReinspectYears` (`validUntil`). Deletion: `jobs.ts`.
 * - Masernschutz (§ 20 IfSG): "proof shown on <date>" only.
 * - the data-protection pledge (Verpflichtung auf Vertraulichkeit) with its date; trainings with
 *   date and validity.
 * Requirements of activities and places gate assignments through `requirementsMet`.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { ValidationError, type FieldIssue } from '../core/errors';
import { isIsoDate } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { addMonths, berlinDate, CHECK_KINDS, TRAININGS, type CheckKind } from './model';
import { profileFor } from './profiles';
import { volunteerCheck } from './schema';
import { getSettings } from './settings';

/** A check as entered. */
export interface CheckInput {
	kind: string;
	training?: string;
	/** Inspected on / shown on / signed on / attended on, `YYYY-MM-DD`. */
	inspectedOn: string;
	/** Führungszeugnis: its issue date. */
	issuedOn?: string;
	/** Führungszeugnis: `yes` when no catalogue offence (§ 72a Abs. 1) was listed, `no` when one was. */
	noCatalogueOffence?: string;
	/** Training: valid until (optional). */
	validUntil?: string;
}

export type CheckRow = typeof volunteerCheck.$inferSelect;

/**
 * Records a check of a volunteer (replacing the previous one of the same kind), audited with
 * the dates only.
 * @throws NotFoundError, AccessDeniedError (`volunteers:coordinate`); ValidationError —
 *   `kind` unknown_option; `training` unknown_option; `inspectedOn` required | vo_date_in_future;
 *   `issuedOn` required | vo_date_in_future | vo_fz_too_old {months} | vo_fz_after_inspection;
 *   `noCatalogueOffence` required; `validUntil` vo_invalid_date | vo_ends_before_start.
 */
export async function recordCheck(db: Db, principal: Principal, profileId: string, input: CheckInput, now: Date = new Date()): Promise<CheckRow> {
	const profile = await profileFor(db, principal, profileId, { audit: false });
	// Volunteers read their own profile, but a check is recorded by the coordination only.
	authorize(principal, 'volunteers:coordinate', { municipalityId: profile.municipalityId });
	const settings = await getSettings(db, profile.municipalityId);
	const today = berlinDate(now);
	const issues: FieldIssue[] = [];
	const kind = input.kind as CheckKind;
	if (!(CHECK_KINDS as readonly string[]).includes(kind)) throw new ValidationError([{ field: 'kind', code: 'unknown_option' }]);
	const training = kind === 'training' ? (input.training ?? '').trim() : '';
	if (kind === 'training' && !(TRAININGS as readonly string[]).includes(training)) issues.push({ field: 'training', code: 'unknown_option' });
	const inspectedOn = input.inspectedOn.trim();
	if (!isIsoDate(inspectedOn)) issues.push({ field: 'inspectedOn', code: 'required' });
	else if (inspectedOn > today) issues.push({ field: 'inspectedOn', code: 'vo_date_in_future' });
	let issuedOn: string | null = null;
	let noCatalogueOffence: boolean | null = null;
	let validUntil: string | null = null;
	if (kind === 'criminal_record') {
		issuedOn = (input.issuedOn ?? '').trim();
		if (!isIsoDate(issuedOn)) issues.push({ field: 'issuedOn', code: 'required' });
		else if (issuedOn > today) issues.push({ field: 'issuedOn', code: 'vo_date_in_future' });
		else if (isIsoDate(inspectedOn) && issuedOn > inspectedOn) issues.push({ field: 'issuedOn', code: 'vo_fz_after_inspection' });
		else if (isIsoDate(inspectedOn) && issuedOn < addMonths(inspectedOn, -settings.fzMaxAgeMonths)) issues.push({ field: 'issuedOn', code: 'vo_fz_too_old', params: { months: settings.fzMaxAgeMonths } });
		if (input.noCatalogueOffence === 'yes') noCatalogueOffence = true;
		else if (input.noCatalogueOffence === 'no') noCatalogueOffence = false;
		else issues.push({ field: 'noCatalogueOffence', code: 'required' });
		if (isIsoDate(issuedOn)) validUntil = addMonths(issuedOn, settings.fzReinspectYears * 12);
	} else if (kind === 'training' && input.validUntil?.trim()) {
		validUntil = input.validUntil.trim();
		if (!isIsoDate(validUntil)) issues.push({ field: 'validUntil', code: 'vo_invalid_date' });
		else if (isIsoDate(inspectedOn) && validUntil < inspectedOn) issues.push({ field: 'validUntil', code: 'vo_ends_before_start' });
	}
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const values = { inspectedOn, issuedOn, noCatalogueOffence, validUntil, lapseReminderAt: null, recordedBy: actingUserId(principal), recordedAt: now };
		const [row] = await tx
			.insert(volunteerCheck)
			.values({ profileId: profile.id, kind, training, ...values })
			.onConflictDoUpdate({ target: [volunteerCheck.profileId, volunteerCheck.kind, volunteerCheck.training], set: values })
			.returning();
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: profile.municipalityId,
			action: 'record',
			entityType: 'volunteer_check',
			entityId: row.id,
			changes: { profileId: [null, profile.id], kind: [null, kind], training: [null, training || null], inspectedOn: [null, inspectedOn], issuedOn: [null, issuedOn], noCatalogueOffence: [null, noCatalogueOffence], validUntil: [null, validUntil] }
		});
		return row;
	});
}

/**
 * Deletes a check record (e.g. the Führungszeugnis when the person does not take up the
 * activity: § 72a Abs. 5 asks deletion at once), audited.
 * @throws NotFoundError, AccessDeniedError.
 */
export async function deleteCheck(db: Db, principal: Principal, profileId: string, checkId: string, reason: string): Promise<void> {
	const profile = await profileFor(db, principal, profileId, { audit: false });
	authorize(principal, 'volunteers:coordinate', { municipalityId: profile.municipalityId });
	await db.transaction(async (tx) => {
		const [row] = await tx.delete(volunteerCheck).where(and(eq(volunteerCheck.id, checkId), eq(volunteerCheck.profileId, profile.id))).returning();
		if (!row) return;
		await recordAudit(tx, { ...auditActor(principal), municipalityId: profile.municipalityId, action: 'delete', entityType: 'volunteer_check', entityId: row.id, changes: { kind: [row.kind, null], reason: [null, reason] } });
	});
}

/** The checks of a profile (callers authorised the profile). */
export function checksOf(db: DbOrTx, profileId: string): Promise<CheckRow[]> {
	return db.select().from(volunteerCheck).where(eq(volunteerCheck.profileId, profileId));
}

/** Whether a check row satisfies its requirement on `day` (a Führungszeugnis: no catalogue offence and not due for renewal). */
export function satisfies(row: Pick<CheckRow, 'kind' | 'noCatalogueOffence' | 'validUntil'>, day: string): boolean {
	if (row.kind === 'criminal_record') return row.noCatalogueOffence === true && !!row.validUntil && row.validUntil >= day;
	return !row.validUntil || row.validUntil >= day;
}

/** The requirement key a check row stands for (`training:<key>` for trainings). */
export function requirementOf(row: Pick<CheckRow, 'kind' | 'training'>): string {
	return row.kind === 'training' ? `training:${row.training}` : row.kind;
}

/** Per profile, the requirements its checks meet on `day` (`YYYY-MM-DD`). */
export async function requirementsMet(db: DbOrTx, profileIds: readonly string[], day: string): Promise<Map<string, Set<string>>> {
	const out = new Map<string, Set<string>>(profileIds.map((id) => [id, new Set<string>()]));
	if (!profileIds.length) return out;
	const rows = await db
		.select({ profileId: volunteerCheck.profileId, kind: volunteerCheck.kind, training: volunteerCheck.training, noCatalogueOffence: volunteerCheck.noCatalogueOffence, validUntil: volunteerCheck.validUntil })
		.from(volunteerCheck)
		.where(inArray(volunteerCheck.profileId, [...profileIds]));
	for (const r of rows) if (satisfies(r, day)) out.get(r.profileId)?.add(requirementOf(r));
	return out;
}
