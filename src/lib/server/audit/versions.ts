/**
 * Reading and raising the data version (Datenstand, `data_version`): the counter every audited
 * write raises for the municipality it names (`*` for none) through the trigger on `audit_log`.
 * Caches of derived data key their entries on it; see `http/page-cache.ts`. Source: issue 17 §1.
 */
import type { PGlite } from '@electric-sql/pglite';
import { inArray, is, sql, type Placeholder } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../db/client';
import { dataVersion } from './schema';

/** The scope of writes that name no municipality. */
export const GLOBAL_SCOPE = '*';

/**
 * The data version of what a page of one municipality shows: the municipality's counter and the
 * global one, as `global.municipality` (a string that changes whenever either counter rises).
 * Without a municipality: the sum of every counter, which rises with any write anywhere.
 * One indexed read (by primary key, or of a table with one row per municipality).
 */
export async function readDataVersion(db: DbOrTx, municipalityId: string | null): Promise<string> {
	if (municipalityId === null) {
		const [row] = await db.select({ total: sql<string>`coalesce(sum(${dataVersion.version}), 0)::text` }).from(dataVersion);
		return `all.${row?.total ?? '0'}`;
	}
	let rows: { scope: string; version: number }[];
	if (is(db, PgTransaction)) rows = await scopedVersions(db, municipalityId);
	else {
		// On a PostgreSQL server a named statement, prepared once per pooled connection: every cached
		// public page asks it (issue 17 §1), so PostgreSQL no longer parses and plans it for each.
		let read = scopedReads.get(db);
		if (!read) {
			read = scopedVersions(db, sql.placeholder('municipality')).prepare('data_version_scoped');
			scopedReads.set(db, read);
		}
		rows = await read.execute({ municipality: municipalityId });
	}
	const of = (scope: string) => rows.find((r) => r.scope === scope)?.version ?? 0;
	return `${of(GLOBAL_SCOPE)}.${of(municipalityId)}`;
}

/** The global counter and one municipality's (an id, or a placeholder for it). */
function scopedVersions(db: DbOrTx, municipality: string | Placeholder) {
	return db
		.select({ scope: dataVersion.scope, version: dataVersion.version })
		.from(dataVersion)
		.where(inArray(dataVersion.scope, [GLOBAL_SCOPE, municipality]));
}

const scopedReads = new WeakMap<Db, ReturnType<ReturnType<typeof scopedVersions>['prepare']>>();

/**
 * Raises the global data version: for writes that bypass the audit log (migrations, the demo
 * loader's direct inserts), so every cache of every process renders afresh.
 */
export async function raiseGlobalDataVersion(db: DbOrTx): Promise<void> {
	await db
		.insert(dataVersion)
		.values({ scope: GLOBAL_SCOPE, version: 1 })
		.onConflictDoUpdate({ target: dataVersion.scope, set: { version: sql`${dataVersion.version} + 1` } });
	await db.execute(sql`select pg_notify(${CHANNEL}, '')`);
}

/** The channel the trigger notifies on every raise (migration `scale`). */
const CHANNEL = 'data_version';

/**
 * Per watched database handle (`watchDataVersions`) and municipality id (`''`: everything): the
 * versions held, forgotten on every raise that handle's database notifies.
 */
const heldVersions = new WeakMap<object, Map<string, Promise<string>>>();

/**
 * Listens for raised data versions on the embedded database, which holds them for one process:
 * PGlite delivers the notice before the committing statement returns, so a cache that forgets
 * its versions on it never serves a page older than a write that finished. From then on
 * `currentDataVersion` holds the versions it reads through `db`, the handle on `pglite`.
 */
export async function watchDataVersions(db: Db, pglite: PGlite): Promise<void> {
	await pglite.listen(CHANNEL, () => {
		heldVersions.set(db, new Map());
	});
	heldVersions.set(db, new Map());
}

/** Per database handle and municipality id: the version read running and the one queued behind it. */
const versionReads = new WeakMap<object, Map<string, { running: Promise<string> | null; queued: Promise<string> | null }>>();

/**
 * The data version as `readDataVersion` gives it, for caches of derived data read once per data
 * version (the page cache, the search's analysed words and filter choices). Source: issue 17 §2.
 * - Inside a transaction: read directly (a held version would not see the transaction's writes).
 * - On the embedded database (once `watchDataVersions` listens): read once and held until a raise is
 *   notified, which PGlite delivers before the raising write returns — no statement per call.
 * - Otherwise (PostgreSQL, several processes): from a read that started after the call, so a
 *   write committed before it is always seen, shared by the calls that arrived meanwhile — under
 *   load one read runs per key and one waits, instead of one per call.
 * @throws what the read throws (a failed read is not held).
 */
export function currentDataVersion(db: DbOrTx, municipalityId: string | null): Promise<string> {
	if (is(db, PgTransaction)) return readDataVersion(db, municipalityId);
	const key = municipalityId ?? '';
	const holding = heldVersions.get(db);
	if (holding) {
		let held = holding.get(key);
		if (!held) {
			if (holding.size > 10_000) holding.clear();
			held = readDataVersion(db, municipalityId);
			holding.set(key, held);
			held.catch(() => holding.delete(key));
		}
		return held;
	}
	let perDb = versionReads.get(db);
	if (!perDb) {
		perDb = new Map();
		versionReads.set(db, perDb);
	}
	let state = perDb.get(key);
	if (!state) {
		if (perDb.size > 10_000) perDb.clear();
		state = { running: null, queued: null };
		perDb.set(key, state);
	}
	const reads = state;
	if (reads.queued) return reads.queued;
	const start = () => {
		const read = readDataVersion(db, municipalityId);
		reads.running = read;
		const done = () => {
			if (reads.running === read) reads.running = null;
		};
		read.then(done, done);
		return read;
	};
	if (!reads.running) return start();
	// A read already running may have started before this call: wait for it, then read again.
	const queued = reads.running
		.then(
			() => undefined,
			() => undefined
		)
		.then(() => {
			reads.queued = null;
			return start();
		});
	reads.queued = queued;
	return queued;
}

