/**
 * Export of everything held about a case (issue 4 §5; Art. 15 right of access, Art. 20 data
 * portability GDPR): a JSON document (case, consent, steps, decrypted notes, referrals with their
 * status history, accompaniments, colleagues it is shared with, read log). It is a read of case
 * data, audited through `getCaseView`; `pages/case-pdf.ts` renders it for people.
 */
import type { UserPrincipal } from '../access';
import type { DbOrTx } from '../db/client';
import { getCaseView, type CaseView } from './cases';
import { listCaseReads, type CaseRead } from './read-audit';

/** The JSON export: format tag, time of export and the case as held. */
export interface CaseExport {
	format: 'anlaufstelle-case-export/1';
	exportedAt: string;
	case: CaseView['case'];
	consent: CaseView['consent'];
	steps: CaseView['steps'];
	notes: CaseView['notes'];
	referrals: CaseView['referrals'];
	accompaniments: CaseView['accompaniments'];
	sharedWith: CaseView['sharedWith'];
	readLog: CaseRead[];
}

/**
 * Collects the export of a case. Writes one read audit row (it is a read).
 * @throws NotFoundError, AccessDeniedError, PurposeRequiredError.
 */
export async function exportCase(db: DbOrTx, principal: UserPrincipal, caseId: string, sessionToken: string | undefined, now: Date = new Date()): Promise<CaseExport> {
	const view = await getCaseView(db, principal, caseId, sessionToken);
	return {
		format: 'anlaufstelle-case-export/1',
		exportedAt: now.toISOString(),
		case: view.case,
		consent: view.consent,
		steps: view.steps,
		notes: view.notes,
		referrals: view.referrals,
		accompaniments: view.accompaniments,
		sharedWith: view.sharedWith,
		readLog: await listCaseReads(db, principal, caseId)
	};
}
