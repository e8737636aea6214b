/**
 * The start lock (issue 17 §3): migrations and the demo loader run under one PostgreSQL advisory
 * lock, so processes started together on one database take turns — the first migrates and
 * loads, the others wait and then find nothing left to do — instead of racing to create the
 * same tables and rows. The embedded database is locked for one process by its folder already.
 */
import type { DatabaseHandle } from './client';

/** The advisory lock key of the start lock (a constant no other lock in the app uses). */
const START_LOCK_KEY = 7_170_417_001n;

/**
 * Runs `work` holding the start lock on a dedicated connection of the handle's pool (a session
 * lock: migrations run their own transactions), and releases it however `work` ends. On the
 * embedded database runs `work` as it is.
 * @returns what `work` returns. @throws what `work` or taking the lock throws.
 */
export async function underStartLock<T>(handle: DatabaseHandle, work: () => Promise<T>): Promise<T> {
	if (!handle.pool) return work();
	const client = await handle.pool.connect();
	let broken = false;
	try {
		await client.query('select pg_advisory_lock($1)', [START_LOCK_KEY.toString()]);
		try {
			return await work();
		} finally {
			await client.query('select pg_advisory_unlock($1)', [START_LOCK_KEY.toString()]).catch(() => (broken = true));
		}
	} catch (e) {
		broken = true;
		throw e;
	} finally {
		// A connection whose lock state is unknown is closed, which releases any lock it holds.
		client.release(broken);
	}
}
