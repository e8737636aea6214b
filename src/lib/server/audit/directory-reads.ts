/**
 * Reads of the audit log the directory (Wegweiser) needs: an entry's history (its own changes
 * and those of its places), the change records its HSDS export publishes as metadata, and the
 * newest entry's id, by which the HSDS importer tells an updated record from an unchanged one.
 * Owned by the audit layer, written for the directory (issue 11 §4: a module reads another only
 * through its exported functions).
 */
import { and, asc, desc, inArray, max } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { auditLog } from './schema';
import type { AuditEntry } from './service';

/**
 * Audit entries about any of `entityIds` whose entity type is one of `entityTypes`, in the
 * order they were written (`asc`) or newest first (`desc`), at most `limit` (default all).
 */
export async function auditOfEntities(
	db: DbOrTx,
	filter: { entityTypes: readonly string[]; entityIds: readonly string[] },
	order: 'asc' | 'desc',
	limit?: number
): Promise<AuditEntry[]> {
	if (!filter.entityTypes.length || !filter.entityIds.length) return [];
	const query = db
		.select()
		.from(auditLog)
		.where(and(inArray(auditLog.entityType, [...filter.entityTypes]), inArray(auditLog.entityId, [...filter.entityIds])))
		.orderBy(order === 'asc' ? asc(auditLog.id) : desc(auditLog.id));
	return limit === undefined ? query : query.limit(limit);
}

/** The id of the newest audit entry (0 when the log is empty). Ids only grow. */
export async function latestAuditId(db: DbOrTx): Promise<number> {
	const [row] = await db.select({ id: max(auditLog.id) }).from(auditLog);
	return row?.id ?? 0;
}
