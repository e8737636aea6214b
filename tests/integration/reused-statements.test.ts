/**
 * `db/reused.ts`: statements run again and again are prepared once on the embedded database and
 * answer exactly as `db.execute` does (issue 17 §2). On PostgreSQL servers they run as before.
 */
import { sql } from 'drizzle-orm';
import { DrizzleQueryError, TransactionRollbackError } from 'drizzle-orm/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { executeReused } from '../../src/lib/server/db/reused';
import { DB_KIND, freshDatabase } from '../helpers/db';

let handle: DatabaseHandle;

beforeAll(async () => {
	handle = await freshDatabase();
	await handle.db.execute(sql`create table reuse_probe (id int primary key, label text, at timestamptz, day date)`);
	await handle.db.execute(sql`insert into reuse_probe values (1, 'O''Brien \\ Ärger', '2026-12-05T10:00:00Z', '2026-12-05'), (2, 'zwei', null, null)`);
});
afterAll(() => handle?.close());

const prepared = async () => (await handle.db.execute<{ name: string }>(sql`select name from pg_prepared_statements where name like 'reused_%'`)).rows.map((r) => r.name);
const probe = (label: string, id: number) => sql`select id, label, at, day, ${id}::int * 2 as twice from reuse_probe where label = ${label} or id = ${id} order by id`;

describe('reused statements', () => {
	it('answer as db.execute does, with quotes, backslashes, dates and numbers', async () => {
		for (const [label, id] of [
			[`O'Brien \\ Ärger`, 0],
			['zwei', -1],
			["'); drop table reuse_probe; --", 2]
		] as const) {
			const direct = (await handle.db.execute(probe(label, id))).rows;
			expect(direct.length).toBeGreaterThan(0);
			for (let run = 0; run < 7; run++) expect((await executeReused(handle.db, probe(label, id))).rows).toEqual(direct);
		}
		expect((await handle.db.execute(sql`select count(*)::int as n from reuse_probe`)).rows).toEqual([{ n: 2 }]);
		// Numbers where PostgreSQL infers their type: a limit, an offset, a sum with a float.
		for (const q of [sql`select id from reuse_probe order by id limit ${1} offset ${1}`, sql`select ${0.35}::float8 + ${-1} as x, ${'7'}::int + ${3} as y`]) {
			const direct = (await handle.db.execute(q)).rows;
			for (let run = 0; run < 7; run++) expect((await executeReused(handle.db, q)).rows).toEqual(direct);
		}
	});

	it.runIf(DB_KIND === 'pglite')('are prepared once per statement text on the embedded database', async () => {
		const before = (await prepared()).length;
		await executeReused(handle.db, sql`select ${'a'}::text as a, ${1}::int as b`);
		await executeReused(handle.db, sql`select ${'b'}::text as a, ${2}::int as b`);
		expect((await prepared()).length).toBe(before + 1);
		// Values it does not write as literals (here a boolean) run unprepared, with the same answer;
		// so does a statement PostgreSQL does not prepare.
		expect((await executeReused(handle.db, sql`select not ${true}::boolean as n`)).rows).toEqual([{ n: false }]);
		expect((await executeReused(handle.db, sql`show server_encoding`)).rows).toEqual([{ server_encoding: 'UTF8' }]);
		expect((await prepared()).length).toBe(before + 1);
		// Without parameters.
		for (let run = 0; run < 2; run++) expect((await executeReused(handle.db, sql`select 7 as seven`)).rows).toEqual([{ seven: 7 }]);
		expect((await prepared()).length).toBe(before + 2);
	});

	it.runIf(DB_KIND === 'pglite')('keep at most 64, dropping the least recently used', async () => {
		for (let i = 0; i < 80; i++) await executeReused(handle.db, sql.raw(`select ${i} as n`).append(sql` where ${'x'}::text = 'x'`));
		expect((await prepared()).length).toBe(64);
	});

	it.runIf(DB_KIND === 'pglite')('prepare anew when a table changes under them', async () => {
		const all = () => sql`select * from reuse_probe where id = ${1}`;
		expect(Object.keys((await executeReused(handle.db, all())).rows[0])).toEqual(['id', 'label', 'at', 'day']);
		await handle.db.execute(sql`alter table reuse_probe add column extra text default 'neu'`);
		expect((await executeReused(handle.db, all())).rows[0]).toMatchObject({ id: 1, extra: 'neu' });
		expect((await executeReused(handle.db, all())).rows[0]).toMatchObject({ id: 1, extra: 'neu' });
		await handle.db.execute(sql`alter table reuse_probe drop column extra`);
	});

	it('see a transaction’s own writes inside it', async () => {
		await handle.db
			.transaction(async (tx) => {
				await tx.execute(sql`insert into reuse_probe (id, label) values (3, 'drei')`);
				expect((await executeReused(tx, sql`select label from reuse_probe where id = ${3}`)).rows).toEqual([{ label: 'drei' }]);
				tx.rollback();
			})
			// Only the rollback: a failed expectation inside must fail the test.
			.catch((e: unknown) => {
				if (!(e instanceof TransactionRollbackError)) throw e;
			});
		expect((await executeReused(handle.db, sql`select label from reuse_probe where id = ${3}`)).rows).toEqual([]);
	});

	it('pass errors of the statement on', async () => {
		const failure = await executeReused(handle.db, sql`select ${'kein-int'}::int as n`).catch((e: Error) => e);
		expect(failure).toBeInstanceOf(DrizzleQueryError);
		expect((failure as DrizzleQueryError).cause).toMatchObject({ code: '22P02', message: expect.stringMatching(/invalid input syntax for type integer/) });
	});
});
