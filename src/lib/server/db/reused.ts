/**
 * Statements the embedded database runs again and again with other values, prepared once.
 *
 * PGlite sends every query as an unnamed statement, so PostgreSQL parses, analyses and plans it
 * anew each time. For the search's ranking statement (a few kilobytes of SQL, 25 parameters, eight
 * shapes in 200 different searches) that was 1.3 of its 3.1 ms (issue 17 §2: uncached searches). A
 * statement named with SQL `PREPARE` is parsed once, and after five runs PostgreSQL keeps a
 * generic plan where that costs no more than planning each time (`plan_cache_mode = auto`).
 *
 * PostgreSQL servers are left to the driver: with several app processes and a pool, a prepared
 * statement lives on one connection, and their data is large enough for a custom plan to matter.
 */
import { PGlite, types } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client';

const dialect = new PgDialect();

/** Prepared statements kept per embedded database; the least recently used is dropped beyond. */
const MAX_PREPARED = 64;

/** Per PGlite: statement text → its name, once `PREPARE` has run (a promise, so concurrent first runs prepare once). */
const preparedOf = new WeakMap<PGlite, Map<string, Promise<string | null>>>();
let counter = 0;

// As drizzle reads rows of `db.execute` on PGlite (drizzle-orm/pglite/session.js): dates and
// times as PostgreSQL writes them, not as JavaScript dates.
const keepText = (value: string) => value;
const parsers = Object.fromEntries([types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((oid) => [oid, keepText]));

/**
 * A parameter as an SQL literal for `EXECUTE`, or null for a value this does not write (then the
 * statement runs unprepared). Numbers are written as text too: an untyped literal takes the type
 * PostgreSQL inferred for the parameter, as the untyped text PGlite sends for `db.execute` does.
 * Quotes are doubled: PostgreSQL reads backslashes literally (`standard_conforming_strings`, on
 * since 9.1 and never changed here).
 */
function literal(value: unknown): string | null {
	if (typeof value === 'number') return Number.isFinite(value) ? `'${value}'` : null;
	if (typeof value !== 'string' || value.includes('\0')) return null;
	return `'${value.replaceAll("'", "''")}'`;
}

/** PostgreSQL's codes for a prepared statement that is gone or whose plan no longer fits. */
const STALE = new Set(['26000', '0A000']);

type Row = Record<string, unknown>;

/**
 * Runs `query` as `db.execute` does, on the embedded database as a prepared statement (one per
 * statement text). Transactions, PostgreSQL servers and parameters other than strings and finite
 * numbers take `db.execute`.
 * @returns the rows as objects, as `db.execute` gives them.
 * @throws DrizzleQueryError, as `db.execute` does, with PostgreSQL's error as its cause.
 */
export async function executeReused(db: DbOrTx, query: SQL): Promise<{ rows: Row[] }> {
	const client = (db as { $client?: unknown }).$client;
	if (!(client instanceof PGlite)) return db.execute<Row>(query);
	const { sql: text, params } = dialect.sqlToQuery(query);
	const values = params.map(literal);
	if (values.some((v) => v === null)) return db.execute<Row>(query);

	let prepared = preparedOf.get(client);
	if (!prepared) {
		prepared = new Map();
		preparedOf.set(client, prepared);
	}
	let name = prepared.get(text);
	if (name) {
		// Most recently used last.
		prepared.delete(text);
		prepared.set(text, name);
	} else {
		if (prepared.size >= MAX_PREPARED) {
			const [oldest, oldName] = prepared.entries().next().value!;
			prepared.delete(oldest);
			const gone = await oldName;
			if (gone) await client.exec(`deallocate ${gone}`).catch(() => undefined);
		}
		const fresh = `reused_${++counter}`;
		// A statement PostgreSQL does not prepare (anything but a query or a data change) runs unprepared.
		name = client.exec(`prepare ${fresh} as ${text}`).then(
			() => fresh,
			() => null
		);
		prepared.set(text, name);
	}
	const statement = await name;
	if (!statement) return db.execute<Row>(query);
	try {
		return await client.query<Row>(`execute ${statement}${values.length ? `(${values.join(', ')})` : ''}`, [], { rowMode: 'object', parsers });
	} catch (e) {
		// As db.execute throws it: the statement and values, PostgreSQL's error as the cause.
		if (!STALE.has((e as { code?: string }).code ?? '')) throw new DrizzleQueryError(text, params, e as Error);
		// Dropped by a concurrent eviction, or a migration changed a table under it: prepare anew next time.
		if (prepared.get(text) === name) prepared.delete(text);
		return db.execute<Row>(query);
	}
}
