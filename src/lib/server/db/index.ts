/**
 * The process's database, once `startup.ts` has opened and prepared it. Routes and page code
 * ask `getDb()`; they never open a database themselves.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseHandle, Db } from './client';
import type { Replica } from './replica';

let resolveReady: (handle: DatabaseHandle) => void;
const ready = new Promise<DatabaseHandle>((resolve) => (resolveReady = resolve));
let current: DatabaseHandle | undefined;
let replica: Replica | undefined;

/** Makes `handle` the process's database (called once by start-up). */
export function useDatabase(handle: DatabaseHandle): void {
	current = handle;
	resolveReady(handle);
}

/** Sends public reads (`getReadDb`) to `r` from now on (called once by start-up with `DATABASE_REPLICA_URL`). */
export function useReplica(r: Replica): void {
	replica = r;
}

/** The process's database handle, waiting for start-up to finish. */
function getDatabase(): Promise<DatabaseHandle> {
	return current ? Promise.resolve(current) : ready;
}

/** The process's database, waiting for start-up to finish. */
export async function getDb(): Promise<Db> {
	return (await getDatabase()).db;
}

/**
 * The database for public reads: the replica (`DATABASE_REPLICA_URL`, `./replica`) where one is
 * configured — which falls back to the primary while it is down — else the process's database.
 * Only for reads whose staleness by the replica's lag is acceptable (the public pages and the
 * search); writes and anything read to decide a write use `getDb()`.
 */
export async function getReadDb(): Promise<Db> {
	const db = await getDb();
	return replica ? replica.db : db;
}

/** Whether the database answers a trivial query (readiness checks). Never throws. */
export async function databaseAnswers(): Promise<boolean> {
	if (!current) return false;
	try {
		await current.db.execute(sql`select 1`);
		return true;
	} catch {
		return false;
	}
}
