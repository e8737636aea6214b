/**
 * The audit log as a municipality's administrators read it (issue 12 §5): filtered by person,
 * entity and time, newest first, a page at a time; and what its entries are about, by name.
 * Names come from the log itself — the newest recorded `name`, `displayName`, `caseNumber` or
 * `reference` of an entity — so the audit layer needs no module to say what an entry concerns,
 * and an entity deleted since keeps the name it had.
 */
import { and, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { authorize, type Principal } from '../access';
import type { DbOrTx } from '../db/client';
import { auditLog } from './schema';
import type { AuditEntry } from './service';

/** Which entries to read: one municipality's, optionally of one actor, entity and time span. */
export interface AuditFilter {
	municipalityId: string;
	/** A person's entries (`actorUserId`), or `system` for those of the system (imports, jobs, links). */
	actor?: { userId: string } | 'system';
	entityType?: string;
	entityId?: string;
	/** From this instant (inclusive). */
	from?: Date;
	/** Until this instant (exclusive). */
	until?: Date;
	/** Paging: entries older than this id. */
	before?: number;
	/** At most this many (the page size). */
	limit: number;
}

/**
 * The newest entries that match the filter, newest first.
 * @throws AccessDeniedError without `municipality:administer` on the municipality.
 */
export async function browseAudit(db: DbOrTx, principal: Principal, filter: AuditFilter): Promise<AuditEntry[]> {
	authorize(principal, 'municipality:administer', { municipalityId: filter.municipalityId });
	const conditions: (SQL | undefined)[] = [
		eq(auditLog.municipalityId, filter.municipalityId),
		filter.actor === 'system' ? isNull(auditLog.actorUserId) : filter.actor ? eq(auditLog.actorUserId, filter.actor.userId) : undefined,
		filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
		filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
		filter.from ? gte(auditLog.at, filter.from) : undefined,
		filter.until ? lt(auditLog.at, filter.until) : undefined,
		filter.before !== undefined ? lt(auditLog.id, filter.before) : undefined
	];
	return db
		.select()
		.from(auditLog)
		.where(and(...conditions))
		.orderBy(desc(auditLog.id))
		.limit(filter.limit);
}

/**
 * The kinds of entity the municipality's log mentions (for the page's entity filter), sorted.
 * @throws AccessDeniedError without `municipality:administer` on the municipality.
 */
export async function auditVocabulary(db: DbOrTx, principal: Principal, municipalityId: string): Promise<{ entityTypes: string[] }> {
	authorize(principal, 'municipality:administer', { municipalityId });
	const types = await db.selectDistinct({ v: auditLog.entityType }).from(auditLog).where(eq(auditLog.municipalityId, municipalityId));
	return { entityTypes: types.map((r) => r.v).sort() };
}

/** The fields whose recorded value names an entity, most telling first. */
const NAME_FIELDS = ['name', 'displayName', 'caseNumber', 'reference'] as const;

/** A recorded value that names something: not empty, not redacted (`…`). */
function isNameValue(v: unknown): boolean {
	return v !== null && v !== undefined && v !== '' && v !== '…';
}

/**
 * What the municipality's log last recorded as the name of each entity (`type:id` → the value:
 * text, or localized text as the directory stores it). Entities without one are left out.
 * @param refs the entities, as type and id.
 */
export async function auditEntityNames(db: DbOrTx, municipalityId: string, refs: readonly { type: string; id: string }[]): Promise<Map<string, unknown>> {
	const out = new Map<string, unknown>();
	const ids = [...new Set(refs.map((r) => r.id))];
	const types = [...new Set(refs.map((r) => r.type))];
	if (!ids.length) return out;
	const rows = await db
		.select({ type: auditLog.entityType, id: auditLog.entityId, changes: auditLog.changes })
		.from(auditLog)
		.where(
			and(
				eq(auditLog.municipalityId, municipalityId),
				inArray(auditLog.entityType, types),
				inArray(auditLog.entityId, ids),
				sql`${auditLog.changes} ?| array['name', 'displayName', 'caseNumber', 'reference']`
			)
		)
		.orderBy(desc(auditLog.id));
	for (const row of rows) {
		const key = `${row.type}:${row.id}`;
		if (out.has(key)) continue;
		for (const field of NAME_FIELDS) {
			const [before, after] = row.changes[field] ?? [];
			const value = isNameValue(after) ? after : isNameValue(before) ? before : undefined;
			if (value !== undefined) {
				out.set(key, value);
				break;
			}
		}
	}
	return out;
}
