/**
 * What casework (Lotsen) needs of the audit log beyond `recordAudit`: entries of one action
 * (the read log of a case, issue 4 §5; the summaries of the deletion schedule's runs), and the
 * audit rows of a bulk deletion written in the same statement that selects what is deleted, so
 * the deletion schedule never holds the erased cases in memory (issue 4 §5, bench/retention.ts).
 */
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { auditLog } from './schema';
import type { AuditEntry } from './service';

/**
 * The newest audit entries of one action, optionally of one municipality and entity.
 * @param filter.limit at most this many (default 200).
 */
export function auditEntriesOf(
	db: DbOrTx,
	filter: { action: string; municipalityId?: string; entityType?: string; entityId?: string; limit?: number }
): Promise<AuditEntry[]> {
	return db
		.select()
		.from(auditLog)
		.where(
			and(
				eq(auditLog.action, filter.action),
				filter.municipalityId ? eq(auditLog.municipalityId, filter.municipalityId) : undefined,
				filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
				filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined
			)
		)
		.orderBy(desc(auditLog.id))
		.limit(filter.limit ?? 200);
}

/**
 * An `insert … returning changes` statement that appends the audit rows `rows` selects, for a
 * system actor: `rows` must select, in this order, `actor_label`, `municipality_id`, `action`,
 * `entity_type`, `entity_id` (text) and `changes` (jsonb). Use it as a common table expression
 * (`with logged as (…)`) inside the transaction of the writes it describes.
 */
export function auditInsertFrom(rows: SQL): SQL {
	return sql`insert into audit_log (actor_label, municipality_id, action, entity_type, entity_id, changes) ${rows} returning changes`;
}
