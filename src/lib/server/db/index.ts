/**
 * The process's database, once `startup.ts` has opened and prepared it. Routes and page code
 * ask `getDb()`; they never open a database themselves.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseHandle, Db } from './client';

let resolveReady: (handle: DatabaseHandle) => void;
const ready = new Promise<DatabaseHandle>((resolve) => (resolveReady = resolve));
let current: DatabaseHandle | undefined;

/** Makes `handle` the process's database (called once by start-up). */
export function useDatabase(handle: DatabaseHandle): void {
	current = handle;
	resolveReady(handle);
}

/** The process's database handle, waiting for start-up to finish. */
function getDatabase(): Promise<DatabaseHandle> {
	return current ? Promise.resolve(current) : ready;
}

/** The process's database, waiting for start-up to finish. */
export async function getDb(): Promise<Db> {
	return (await getDatabase()).db;
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
