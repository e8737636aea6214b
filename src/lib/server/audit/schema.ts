/** Audit log schema: one row per write (who, when, what, old → new). */
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Field-level change set: `{ field: [old, new] }`. */
export type ChangeSet = Record<string, [unknown, unknown]>;

/** An audited action. The actor is null for the system (imports, demo loading). */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		actorUserId: uuid('actor_user_id'),
		/** A free label for system actors, e.g. `cli`, `demo-loader`. */
		actorLabel: text('actor_label'),
		municipalityId: uuid('municipality_id'),
		/** e.g. `create`, `update`, `delete`, `import`, `login`, `password_reset`. */
		action: text('action').notNull(),
		entityType: text('entity_type').notNull(),
		entityId: text('entity_id'),
		changes: jsonb('changes').$type<ChangeSet>().notNull().default({})
	},
	(t) => [
		index('audit_log_entity_idx').on(t.entityType, t.entityId),
		index('audit_log_municipality_idx').on(t.municipalityId, t.at)
	]
);

/**
 * Data version (Datenstand) per municipality, `*` for writes that name none: a counter that a
 * trigger on `audit_log` raises in the transaction of every audited write (drizzle migration
 * `scale`), and start-up raises after migrating and loading the demo. Caches of derived data
 * (rendered public pages, search vocabularies) compare it per request, so a write through any
 * process shows on the next request everywhere. Source: issue 17 §1.
 */
export const dataVersion = pgTable('data_version', {
	/** A municipality id, or `*` for writes that name no municipality. */
	scope: text('scope').primaryKey(),
	version: bigint('version', { mode: 'number' }).notNull().default(0)
});
