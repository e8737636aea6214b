/**
 * The PostgreSQL connection pool outlives a connection the server ends (restart, failover,
 * `pg_terminate_backend`): without an error listener on the pool, the idle client's error event
 * would end the process (and fail this test file as an unhandled error).
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DB_KIND, freshDatabase } from '../helpers/db';

describe.runIf(DB_KIND === 'postgres')('database pool on PostgreSQL', () => {
	it('keeps running when the server ends an idle connection, and answers the next query', async () => {
		const h = await freshDatabase();
		try {
			const [{ pid }] = (await h.db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows;
			const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
			await admin.connect();
			const [{ ended }] = (await admin.query<{ ended: boolean }>('select pg_terminate_backend($1) as ended', [pid])).rows;
			await admin.end();
			expect(ended).toBe(true);
			// The terminated client reports its error asynchronously; give it time to arrive.
			await new Promise((resolve) => setTimeout(resolve, 300));
			const [{ n }] = (await h.db.execute<{ n: number }>(sql`select 1 as n`)).rows;
			expect(n).toBe(1);
		} finally {
			await h.close();
		}
	});
});
