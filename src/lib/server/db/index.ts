/**
 * The server's single database connection: opened, migrated and (in demo mode) filled with the
 * demo municipalities once per process, on first use.
 */
import { purgeExpired } from '../accounts/service';
import { readConfig } from '../config';
import { loadDemo, type DemoLogin } from '../demo/load';
import { migrateDatabase, openDatabase, type DatabaseHandle, type Db } from './client';

let ready: Promise<{ handle: DatabaseHandle; demoLogins: DemoLogin[] }> | undefined;

/** Opens, migrates and seeds the configured database once. @returns handle and demo logins. */
export function startDatabase(): Promise<{ handle: DatabaseHandle; demoLogins: DemoLogin[] }> {
	ready ??= (async () => {
		const config = readConfig();
		const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
		await migrateDatabase(handle);
		const demoLogins = config.demo ? await loadDemo(handle.db) : [];
		await purgeExpired(handle.db);
		// Expired sessions and reset links are removed hourly; unref so it never keeps the process alive.
		setInterval(() => purgeExpired(handle.db).catch(() => undefined), 3600_000).unref();
		return { handle, demoLogins };
	})();
	return ready;
}

/** The ready database. */
export async function getDb(): Promise<Db> {
	return (await startDatabase()).handle.db;
}
