/** Tables of the platform itself, not of a domain module. */
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The last run of each background job, shared by every app process: a process claims a run
 * only when the interval has passed since the last claim by any process (`core/jobs.ts`).
 */
export const jobRun = pgTable('job_run', {
	/** The job's name, e.g. `retention`. */
	name: text('name').primaryKey(),
	startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
	finishedAt: timestamp('finished_at', { withTimezone: true }),
	/** Process id of the claiming process (for operators; not a lock). */
	pid: integer('pid').notNull()
});
