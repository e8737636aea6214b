/**
 * A fresh, migrated database per test file: in-memory PGlite, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL (dropped on close).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';

/** Which database the tests run on, for test names. */
export const DB_KIND = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** Opens and migrates an empty database. */
export async function freshDatabase(): Promise<DatabaseHandle> {
	const url = process.env.TEST_DATABASE_URL;
	if (!url) {
		const handle = await openDatabase({ memory: true });
		await migrateDatabase(handle);
		return handle;
	}
	const name = `t_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	const dbUrl = new URL(url);
	dbUrl.pathname = `/${name}`;
	const handle = await openDatabase({ url: dbUrl.toString() });
	await migrateDatabase(handle);
	return {
		...handle,
		async close() {
			await handle.close();
			const a = new pg.Client({ connectionString: url });
			await a.connect();
			await a.query(`drop database ${name} with (force)`);
			await a.end();
		}
	};
}

/** Row count of a table (for "nothing was written" assertions). */
export async function countRows(handle: DatabaseHandle, table: string): Promise<number> {
	const { sql } = await import('drizzle-orm');
	const result = await handle.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
	const rows = (result as unknown as { rows: { n: number }[] }).rows;
	return rows[0].n;
}
