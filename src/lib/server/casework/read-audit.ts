/**
 * Read audit of case data (issue 4 §5; Art. 5(2) GDPR accountability): on first access to a case
 * in a session the staff member chooses a purpose (`READ_PURPOSES`), kept in `case_read_purpose`
 * keyed by the session id (SHA-256 hex of the cookie token, as accounts/sessions.ts stores
 * sessions). Every read of case data — the case page, the exports, the consent form — then writes
 * an audit row: action `read`, entityType `case`, entityId the case id, changes
 * `{ purpose: [null, <key>] }`, with the actor. The case's staff see that log.
 */
import { and, eq } from 'drizzle-orm';
import { auditActor, type Principal, type UserPrincipal } from '../access';
import { sha256 } from '../accounts/sessions';
import { userNames } from '../accounts/users';
import { auditEntriesOf } from '../audit/casework-reads';
import { recordAudit } from '../audit/service';
import { AccessDeniedError, ConflictError, ValidationError } from '../core/errors';
import type { DbOrTx } from '../db/client';
import { requireCase } from './access';
import { READ_PURPOSES, type ReadPurpose } from './model';
import { caseReadPurpose } from './schema';

/**
 * No read purpose was chosen for this case in this session yet: ask for one, then retry. Case
 * routes send the person to the case page to choose; elsewhere a conflict (409).
 */
export class PurposeRequiredError extends ConflictError {
	constructor() {
		super('cs_purpose_required');
		this.name = 'PurposeRequiredError';
	}
}

/** Whether `key` is one of `READ_PURPOSES`. */
function isReadPurpose(key: string): key is ReadPurpose {
	return READ_PURPOSES.some((p) => p.key === key);
}

/**
 * The purpose chosen for a case in this session, or null.
 * @throws NotFoundError, AccessDeniedError from `requireCase`.
 */
export async function readPurposeOf(db: DbOrTx, principal: UserPrincipal, caseId: string, sessionToken: string | undefined): Promise<ReadPurpose | null> {
	await requireCase(db, principal, caseId, 'read');
	if (!sessionToken) return null;
	const [row] = await db
		.select({ purpose: caseReadPurpose.purpose })
		.from(caseReadPurpose)
		.where(and(eq(caseReadPurpose.sessionId, sha256(sessionToken)), eq(caseReadPurpose.caseId, caseId)));
	return row && isReadPurpose(row.purpose) ? row.purpose : null;
}

/**
 * Records the purpose for reading a case in this session (replacing an earlier choice).
 * @throws NotFoundError, AccessDeniedError (also without a session), ValidationError `purpose`
 *   required|unknown_value.
 */
export async function choosePurpose(db: DbOrTx, principal: UserPrincipal, caseId: string, sessionToken: string | undefined, purpose: string): Promise<void> {
	await requireCase(db, principal, caseId, 'read');
	if (!sessionToken) throw new AccessDeniedError();
	if (!purpose) throw new ValidationError([{ field: 'purpose', code: 'required' }]);
	if (!isReadPurpose(purpose)) throw new ValidationError([{ field: 'purpose', code: 'unknown_value' }]);
	const sessionId = sha256(sessionToken);
	await db
		.insert(caseReadPurpose)
		.values({ sessionId, caseId, purpose })
		.onConflictDoUpdate({ target: [caseReadPurpose.sessionId, caseReadPurpose.caseId], set: { purpose, chosenAt: new Date() } });
}

/**
 * Writes the audit row of one read of case data, with the session's purpose. Call before
 * showing or handing out any case data.
 * @returns the purpose.
 * @throws NotFoundError, AccessDeniedError, PurposeRequiredError.
 */
export async function recordCaseRead(db: DbOrTx, principal: UserPrincipal, caseId: string, sessionToken: string | undefined): Promise<ReadPurpose> {
	const purpose = await readPurposeOf(db, principal, caseId, sessionToken);
	if (!purpose) throw new PurposeRequiredError();
	const { caseRow } = await requireCase(db, principal, caseId, 'read');
	await recordAudit(db, {
		...auditActor(principal),
		municipalityId: caseRow.municipalityId,
		action: 'read',
		entityType: 'case',
		entityId: caseId,
		changes: { purpose: [null, purpose] }
	});
	return purpose;
}

/** One read of a case: when, by whom (display name), why. */
export interface CaseRead {
	at: Date;
	actorUserId: string | null;
	actor: string | null;
	purpose: string | null;
}

/**
 * The read log of a case, newest first (for its staff and the export).
 * @throws NotFoundError, AccessDeniedError.
 */
export async function listCaseReads(db: DbOrTx, principal: Principal, caseId: string, limit = 500): Promise<CaseRead[]> {
	await requireCase(db, principal, caseId, 'read');
	const rows = await auditEntriesOf(db, { action: 'read', entityType: 'case', entityId: caseId, limit });
	const names = await userNames(db, rows.flatMap((r) => (r.actorUserId ? [r.actorUserId] : [])));
	return rows.map((r) => ({
		at: r.at,
		actorUserId: r.actorUserId,
		actor: r.actorUserId ? (names.get(r.actorUserId)?.displayName ?? null) : null,
		purpose: (r.changes.purpose?.[1] as string | undefined) ?? null
	}));
}
