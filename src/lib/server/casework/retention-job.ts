/**
 * A run of the deletion schedule on demand (the administrators' "run now", issue 4 §5), never
 * two at once in this process; the database advisory lock of `runRetention` guards against
 * other processes. The scheduled runs are a server job (`startup.ts`, `core/jobs.ts`).
 */
import type { Principal } from '../access';
import type { Db } from '../db/client';
import { runRetention, type RetentionOptions, type RetentionReport } from './retention';

let running: Promise<RetentionReport> | null = null;

/**
 * Runs the retention job unless a run is already in progress in this process.
 * @returns the report, or null when another run was in progress (nothing was done).
 * @throws what `runRetention` throws.
 */
export async function runRetentionExclusive(db: Db, principal: Principal, options: RetentionOptions = {}): Promise<RetentionReport | null> {
	if (running) return null;
	running = runRetention(db, principal, options);
	try {
		return await running;
	} finally {
		running = null;
	}
}
