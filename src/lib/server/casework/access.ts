/**
 * The one gate to case data (issue 4 §6): every read or write of a case goes through
 * `requireCase`, which decides by the holding instance and the named shares, and refuses writes
 * to cases whose consent was withdrawn or that are closed. Routes map the errors: NotFoundError
 * → 404, AccessDeniedError → 403, CaseLockedError → 409 with its message.
 */
import { eq } from 'drizzle-orm';
import { can } from '../access';
import type { UserPrincipal } from '../access';
import type { DbOrTx } from '../db/client';
import { AccessDeniedError, NotFoundError } from '../core/errors';
import { caseConsent, caseFile, caseShare } from './schema';

/** A case row and the consent it rests on. */
export interface CaseAccess {
	caseRow: typeof caseFile.$inferSelect;
	consent: typeof caseConsent.$inferSelect;
	sharedWith: string[];
}

/**
 * A write to a case that may not be written any more: consent withdrawn (Art. 7(3) GDPR: no
 * further processing) or the case closed. `reason` is a message key suffix for the UI.
 */
export class CaseLockedError extends Error {
	constructor(public readonly reason: 'consent_withdrawn' | 'case_closed') {
		super(reason === 'consent_withdrawn' ? 'consent was withdrawn: the case takes no further writes' : 'the case is closed');
		this.name = 'CaseLockedError';
	}
}

/**
 * Loads a case for the principal. Unknown id and no right both end the request, but with
 * different errors: a principal without the right learns nothing about the case's content.
 * @param mode `write` additionally requires an open case with consent in force.
 * @throws NotFoundError, AccessDeniedError, CaseLockedError
 */
export async function requireCase(
	db: DbOrTx,
	principal: UserPrincipal | null | undefined,
	caseId: string,
	mode: 'read' | 'write'
): Promise<CaseAccess> {
	if (!principal) throw new AccessDeniedError();
	if (!/^[0-9a-f-]{36}$/i.test(caseId)) throw new NotFoundError(`case ${caseId}`);
	const [caseRow] = await db.select().from(caseFile).where(eq(caseFile.id, caseId));
	if (!caseRow) throw new NotFoundError(`case ${caseId}`);
	const sharedWith = (await db.select({ userId: caseShare.userId }).from(caseShare).where(eq(caseShare.caseId, caseId))).map((r) => r.userId);
	if (!can(principal, 'cases:work', { municipalityId: caseRow.municipalityId, instanceId: caseRow.instanceId, caseSharedWith: sharedWith })) {
		throw new AccessDeniedError();
	}
	const [consent] = await db.select().from(caseConsent).where(eq(caseConsent.caseId, caseId));
	if (!consent) throw new Error(`case ${caseId} has no consent row`);
	if (mode === 'write') {
		if (consent.withdrawnAt || caseRow.status === 'withdrawn') throw new CaseLockedError('consent_withdrawn');
		if (caseRow.status === 'closed') throw new CaseLockedError('case_closed');
	}
	return { caseRow, consent, sharedWith };
}
