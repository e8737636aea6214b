/**
 * The embedded database reads arrays as arrays with a small parser table (it is copied for every
 * result). The PostgreSQL connection pool outlives a connection the server ends (restart, failover,
 * `pg_terminate_backend`): without an error listener on the pool, the idle client's error event
 * would end the process (and fail this test file as an unhandled error).
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { tempDir } from '../helpers/tmp';

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

describe.runIf(DB_KIND === 'pglite')('embedded database result parsing', () => {
	/** What every page reads as arrays: base types, as `db.execute` returns them. */
	async function readArrays(h: DatabaseHandle) {
		const [row] = (
			await h.db.execute<Record<string, unknown>>(sql`
				select array['a', 'b']::text[] as texts, array['0b9d3d5e-5a4e-4a57-9f55-2f1f7f3e2b11']::uuid[] as ids,
					array[1, 2]::int4[] as ints, array[1.5]::float8[] as floats, array[true, false] as flags,
					array['{"a": 1}']::jsonb[] as docs, array[]::text[] as empty`)
		).rows;
		return row;
	}
	const expected = { texts: ['a', 'b'], ids: ['0b9d3d5e-5a4e-4a57-9f55-2f1f7f3e2b11'], ints: [1, 2], floats: [1.5], flags: [true, false], docs: [{ a: 1 }], empty: [] };

	it('reads arrays of base types as arrays, without a parser for every table row type (copied for each result)', async () => {
		const h = await freshDatabase();
		try {
			expect(await readArrays(h)).toEqual(expected);
			// 424 entries with the row types' arrays on a migrated database; a copy of each per result.
			expect(Object.keys(h.pglite!.parsers).length).toBeLessThan(150);
		} finally {
			await h.close();
		}
	});

	it('does the same for a database in a data folder, as the server opens it', async () => {
		const dir = tempDir('db-client-');
		const first = await openDatabase({ dataDir: dir, durable: false });
		await migrateDatabase(first);
		await first.close();
		const h = await openDatabase({ dataDir: dir, durable: false });
		try {
			expect(await readArrays(h)).toEqual(expected);
			expect(Object.keys(h.pglite!.parsers).length).toBeLessThan(150);
		} finally {
			await h.close();
		}
	});
});
