/**
 * Read audit of case data (issue 4 §5; Art. 5(2) GDPR accountability): on first access to a case
 * in a session the staff member chooses a purpose (`READ_PURPOSES`), kept in `case_read_purpose`
 * keyed by the session id (SHA-256 hex of the cookie token, as accounts/service.ts stores
 * sessions). Every read of case data — the case page, the exports, the consent form — then writes
 * an audit row: action `read`, entityType `case`, entityId the case id, changes
 * `{ purpose: [null, <key>] }`, with the actor. The case's staff see that log.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { UserPrincipal } from '../access';
import { userAccount } from '../accounts/schema';
import { recordAudit } from '../audit/service';
import { auditLog } from '../audit/schema';
import type { DbOrTx } from '../db/client';
import { AccessDeniedError, ValidationError } from '../core/errors';
import { requireCase } from './access';
import { READ_PURPOSES, type ReadPurpose } from './model';
import { caseReadPurpose } from './schema';

/** No read purpose was chosen for this case in this session yet: ask for one, then retry. */
export class PurposeRequiredError extends Error {
	constructor() {
		super('choose a read purpose for this case first');
		this.name = 'PurposeRequiredError';
	}
}

/** The session row id of a cookie token: SHA-256, hex. */
export function sessionIdOf(sessionToken: string): string {
	return createHash('sha256').update(sessionToken).digest('hex');
}

/** Whether `key` is one of `READ_PURPOSES`. */
export function isReadPurpose(key: string): key is ReadPurpose {
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
		.where(and(eq(caseReadPurpose.sessionId, sessionIdOf(sessionToken)), eq(caseReadPurpose.caseId, caseId)));
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
	const sessionId = sessionIdOf(sessionToken);
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
		actorUserId: principal.userId,
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
export async function listCaseReads(db: DbOrTx, principal: UserPrincipal, caseId: string, limit = 500): Promise<CaseRead[]> {
	await requireCase(db, principal, caseId, 'read');
	const rows = await db
		.select({ at: auditLog.at, actorUserId: auditLog.actorUserId, actor: userAccount.displayName, changes: auditLog.changes })
		.from(auditLog)
		.leftJoin(userAccount, eq(userAccount.id, auditLog.actorUserId))
		.where(and(eq(auditLog.entityType, 'case'), eq(auditLog.entityId, caseId), eq(auditLog.action, 'read')))
		.orderBy(desc(auditLog.id))
		.limit(limit);
	return rows.map((r) => ({ at: r.at, actorUserId: r.actorUserId, actor: r.actor, purpose: (r.changes.purpose?.[1] as string | undefined) ?? null }));
}
