/**
 * The gates of casework (issue 4 §1, §6): `recordingInstance` to an instance's contacts and
 * referrals, and the one gate to case data: every read or write of a case goes through
 * `requireCase`, which decides by the holding instance and the named shares (`cases:work`), and
 * refuses writes to cases whose consent was withdrawn or that are closed. Routes map the errors
 * through `httpError`: NotFoundError → 404, AccessDeniedError → 403, CaseLockedError → 409 with
 * the translated reason.
 */
import { eq } from 'drizzle-orm';
import { authorize, type Principal } from '../access';
import { AccessDeniedError, ConflictError, NotFoundError } from '../core/errors';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { caseworkInstance, type CaseworkInstance } from '../instances/casework-reads';
import { caseConsent, caseFile, caseShare } from './schema';

/** A case row and the consent it rests on. */
export interface CaseAccess {
	caseRow: typeof caseFile.$inferSelect;
	consent: typeof caseConsent.$inferSelect;
	sharedWith: string[];
}

/**
 * A write to a case that may not be written any more: consent withdrawn (Art. 7(3) GDPR: no
 * further processing) or the case closed. A conflict (409) whose code `cs_locked_<reason>` is
 * the message saying why.
 */
export class CaseLockedError extends ConflictError {
	constructor(public readonly reason: 'consent_withdrawn' | 'case_closed') {
		super(`cs_locked_${reason}`);
		this.name = 'CaseLockedError';
	}
}

/**
 * Loads a case for the principal. Unknown id and no right both end the request, but with
 * different errors: a principal without the right learns nothing about the case's content.
 * @param mode `write` additionally requires an open case with consent in force.
 * @throws NotFoundError (also for an id that is not a UUID), AccessDeniedError without
 *   `cases:work` on the case, CaseLockedError.
 */
export async function requireCase(db: DbOrTx, principal: Principal | null | undefined, caseId: string, mode: 'read' | 'write'): Promise<CaseAccess> {
	if (!principal) throw new AccessDeniedError();
	if (!isUuid(caseId)) throw new NotFoundError(`case ${caseId}`);
	const [caseRow] = await db.select().from(caseFile).where(eq(caseFile.id, caseId));
	if (!caseRow) throw new NotFoundError(`case ${caseId}`);
	const sharedWith = (await db.select({ userId: caseShare.userId }).from(caseShare).where(eq(caseShare.caseId, caseId))).map((r) => r.userId);
	authorize(principal, 'cases:work', { municipalityId: caseRow.municipalityId, instanceId: caseRow.instanceId, caseSharedWith: sharedWith });
	const [consent] = await db.select().from(caseConsent).where(eq(caseConsent.caseId, caseId));
	if (!consent) throw new Error(`case ${caseId} has no consent row`);
	if (mode === 'write') {
		if (consent.withdrawnAt || caseRow.status === 'withdrawn') throw new CaseLockedError('consent_withdrawn');
		if (caseRow.status === 'closed') throw new CaseLockedError('case_closed');
	}
	return { caseRow, consent, sharedWith };
}

/**
 * The instance, if the principal records contacts and referrals for it (`contacts:record`).
 * @throws AccessDeniedError without the permission; unknown and malformed ids answer the same,
 *   so the refusal tells nothing about existence.
 */
export async function recordingInstance(db: DbOrTx, principal: Principal | null | undefined, instanceId: string): Promise<CaseworkInstance> {
	if (!principal) throw new AccessDeniedError();
	const row = await caseworkInstance(db, instanceId);
	if (!row) throw new AccessDeniedError();
	authorize(principal, 'contacts:record', { municipalityId: row.municipalityId, instanceId: row.id });
	return row;
}
