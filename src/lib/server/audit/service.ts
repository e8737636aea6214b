/**
 * Audit log of writes: who (user or system label), when (UTC), what (entity), old → new per field.
 * Secrets (password hashes, TOTP secrets, tokens) are never recorded: pass `redact` fields.
 */
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { authorize, type Principal } from '../access';
import type { DbOrTx } from '../db/client';
import { auditLog, type ChangeSet } from './schema';

export type AuditEntry = typeof auditLog.$inferSelect;
/** Old → new value per field of an audit entry (the other modules' name for the log's shape). */
export type { ChangeSet };

/** An audit event to record; give `actorUserId` for people and `actorLabel` for the system. */
export interface AuditInput {
	actorUserId?: string | null;
	actorLabel?: string | null;
	municipalityId?: string | null;
	action: string;
	entityType: string;
	entityId?: string | null;
	changes?: ChangeSet;
}

/** Appends one entry; call inside the transaction of the write it describes. */
export async function recordAudit(db: DbOrTx, input: AuditInput): Promise<void> {
	await db.insert(auditLog).values({
		actorUserId: input.actorUserId ?? null,
		actorLabel: input.actorLabel ?? null,
		municipalityId: input.municipalityId ?? null,
		action: input.action,
		entityType: input.entityType,
		entityId: input.entityId ?? null,
		changes: input.changes ?? {}
	});
}

/** Appends many entries in one statement (bulk imports); call inside the transaction of the writes. */
export async function recordAudits(db: DbOrTx, inputs: AuditInput[]): Promise<void> {
	if (!inputs.length) return;
	await db.insert(auditLog).values(
		inputs.map((input) => ({
			actorUserId: input.actorUserId ?? null,
			actorLabel: input.actorLabel ?? null,
			municipalityId: input.municipalityId ?? null,
			action: input.action,
			entityType: input.entityType,
			entityId: input.entityId ?? null,
			changes: input.changes ?? {}
		}))
	);
}

/** JSON with object keys sorted, so values compare equal whatever order their keys came in
 * (PostgreSQL's jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value ?? null, (_key, v) =>
		v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
			? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
			: v
	);
}

/**
 * Field-level differences between two records: `{ field: [old, new] }` for each field in
 * `after` whose JSON value differs (object key order ignored). Fields in `redact` appear as
 * `['…', '…']` when changed.
 */
export function diffRecords(
	before: Record<string, unknown> | null,
	after: Record<string, unknown>,
	redact: string[] = []
): ChangeSet {
	const changes: ChangeSet = {};
	for (const [key, value] of Object.entries(after)) {
		const old = before ? before[key] : null;
		if (canonicalJson(old) !== canonicalJson(value)) {
			changes[key] = redact.includes(key) ? ['…', '…'] : [old ?? null, value ?? null];
		}
	}
	return changes;
}

/**
 * Newest audit entries, optionally of one municipality or entity. The log names who changed
 * what, so reading it needs `municipality:administer` on the municipality (the whole log, with
 * no municipality given: the system only).
 * @throws AccessDeniedError otherwise.
 */
export async function listAudit(
	db: DbOrTx,
	principal: Principal,
	filter: { municipalityId?: string; entityType?: string; entityId?: string; limit?: number }
): Promise<AuditEntry[]> {
	authorize(principal, 'municipality:administer', { municipalityId: filter.municipalityId });
	const conditions: SQL[] = [];
	if (filter.municipalityId) conditions.push(eq(auditLog.municipalityId, filter.municipalityId));
	if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
	if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
	return db
		.select()
		.from(auditLog)
		.where(conditions.length ? and(...conditions) : undefined)
		.orderBy(desc(auditLog.id))
		.limit(filter.limit ?? 200);
}
