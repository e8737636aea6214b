/**
 * Database connection: embedded PGlite (Postgres compiled to WASM, data in a local folder) by
 * default, or a PostgreSQL 15+ server when a `postgres://` URL is given. Both run the same
 * Drizzle migrations from `./drizzle`.
 *
 * The embedded database runs with fsync on (PGlite starts Postgres with `-F`, its Node file
 * system has no fsync and its `fdatasync` does nothing; all three are undone here, issue 11 §7),
 * and its folder is locked for one process (`./data-folder`).
 */
import { fsyncSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { log } from '../core/log';
import { lockDataFolder, type DataFolderLock } from './data-folder';

/** The Drizzle database type used by every module (both drivers share the Postgres dialect). */
export type Db = NodePgDatabase;
/** A transaction handle; accepted wherever a `Db` is. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either a database or an open transaction. */
export type DbOrTx = Db | Tx;

/** An open database with its driver kind and a close function. */
export interface DatabaseHandle {
	db: Db;
	kind: 'pglite' | 'postgres';
	/** The server's connection URL; undefined when embedded. */
	url?: string;
	/** The connection pool on a server (the replica falls back to it); undefined when embedded. */
	pool?: pg.Pool;
	/** The PGlite instance when embedded (used by backups); undefined on a server. */
	pglite?: PGlite;
	/** The data folder's lock when embedded on disk; released by `close()`. */
	lock?: DataFolderLock;
	close(): Promise<void>;
}

/** PostgreSQL extensions the migrations use; on a server they ship with postgresql-contrib. */
const extensions = { pg_trgm };

/** Where the SQL migrations live (absolute path); overridable for packaged installs with MIGRATIONS_DIR. */
export function migrationsFolder(): string {
	return path.resolve(process.env.MIGRATIONS_DIR || 'drizzle');
}

/**
 * PGlite's Node file system with a real fsync: Emscripten's NODEFS has no `fsync` stream
 * operation, so Postgres' fsync calls returned at once and a power loss could lose commits
 * that were already acknowledged.
 */
class DurableNodeFS extends NodeFS {
	async init(pg: PGlite, options: Parameters<NodeFS['init']>[1]) {
		const result = await super.init(pg, options);
		const preRun = result.emscriptenOpts.preRun ?? [];
		return {
			emscriptenOpts: {
				...result.emscriptenOpts,
				preRun: [
					...preRun,
					(module: { FS: { filesystems: { NODEFS: { stream_ops: Record<string, unknown> } } } }) => {
						module.FS.filesystems.NODEFS.stream_ops.fsync = (stream: { nfd?: number }) => {
							if (stream.nfd !== undefined) fsyncSync(stream.nfd);
						};
					}
				]
			}
		};
	}
}

/**
 * Postgres' start parameters in PGlite without `-F` (fsync off), and with the WAL flushed by
 * `fsync`: Emscripten's `fdatasync` (Postgres' default `wal_sync_method` on Linux) returns
 * without syncing, so commits would still not reach the disk.
 */
function durableStartParams(): string[] {
	return [...PGlite.defaultStartParams.filter((p) => p !== '-F'), '-c', 'wal_sync_method=fsync'];
}

/**
 * Drops PGlite's parsers for arrays of row types. PGlite reads every array type at start and
 * copies its whole parser table into a new object for each result (0.5.8 `parseResults`:
 * `{ ...parsers, ...options.parsers }`); with one entry for the array of every table's and
 * catalog's row type (424 entries on a migrated database) that copy took 0.13 ms of every
 * statement, a fortieth of an uncached search page (issue 17 §2). No statement here reads an array of
 * rows, so 106 entries stay (base types and their arrays), and the copy takes 0.04 ms.
 */
async function trimArrayParsers(client: PGlite): Promise<void> {
	const { rows } = await client.query<{ oid: number }>(
		`select t.oid::int as oid from pg_type t join pg_type e on e.oid = t.typelem where t.typcategory = 'A' and e.typtype = 'c'`
	);
	for (const { oid } of rows) {
		delete client.parsers[oid];
		delete client.serializers[oid];
	}
}

/**
 * Opens the database.
 * @param options.url `postgres://…` for a server; otherwise embedded.
 * @param options.dataDir folder for PGlite's files (in `<dataDir>/pgdata`); undefined with
 *   `memory: true` keeps everything in memory (tests).
 * @param options.command what this process runs (`server`, `cli backup`, …), named to a second
 *   process that finds the embedded folder locked.
 * @param options.durable fsync on (default true); benchmarks measure the difference.
 * @param options.loadDataDir in memory only: start from a dump of another PGlite
 *   (`dumpDataDir('none')`, an uncompressed tar) instead of an empty cluster — the tests' migrated
 *   template, which loads in about a quarter of the time an empty cluster takes to create.
 * @throws DataFolderError when another process holds the folder or it is not writable; the
 *   driver's error when the server is unreachable; Error naming DATABASE_URL when the server's
 *   database is not encoded UTF8.
 */
export async function openDatabase(options: {
	url?: string;
	dataDir?: string;
	memory?: boolean;
	command?: string;
	durable?: boolean;
	loadDataDir?: Blob;
}): Promise<DatabaseHandle> {
	if (options.url) {
		const pool = new pg.Pool({ connectionString: options.url, max: 10 });
		// The pool drops an idle connection the server ends (restart, failover, a terminated
		// backend) and then emits 'error'; unhandled, that event would end the whole process.
		pool.on('error', (e) => log.warn({ code: (e as { code?: string }).code }, 'database: idle connection closed by the server'));
		// An SQL_ASCII database (initdb without a locale) takes Arabic or Cyrillic bytes but lower()
		// and the text search leave them alone, so search would quietly fail in those languages.
		const { rows } = await pool.query<{ server_encoding: string }>('show server_encoding');
		const encoding = rows[0]?.server_encoding;
		if (encoding !== 'UTF8') {
			await pool.end();
			throw new Error(`DATABASE_URL: the database is encoded ${encoding}; anlaufstelle needs UTF8 (createdb --encoding=UTF8 --template=template0 …)`);
		}
		return {
			db: drizzlePg(pool),
			kind: 'postgres',
			url: options.url,
			pool,
			close: () => pool.end()
		};
	}
	if (options.memory || !options.dataDir) {
		const client = await PGlite.create({ extensions, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
		await trimArrayParsers(client);
		return { db: drizzlePglite(client) as unknown as Db, kind: 'pglite', pglite: client, close: () => client.close() };
	}
	mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
	const lock = lockDataFolder(options.dataDir, options.command ?? 'anlaufstelle');
	let client: PGlite;
	try {
		const durable = options.durable ?? true;
		client = await PGlite.create({
			extensions,
			fs: durable ? new DurableNodeFS(path.join(options.dataDir, 'pgdata')) : new NodeFS(path.join(options.dataDir, 'pgdata')),
			...(durable ? { startParams: durableStartParams() } : {})
		});
		await trimArrayParsers(client);
	} catch (e) {
		lock.release();
		throw e;
	}
	return {
		db: drizzlePglite(client) as unknown as Db,
		kind: 'pglite',
		pglite: client,
		lock,
		async close() {
			try {
				await client.close();
			} finally {
				lock.release();
			}
		}
	};
}

/** Applies all pending migrations; safe to call on every start. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
	const config = { migrationsFolder: migrationsFolder() };
	if (handle.kind === 'pglite') {
		await migratePglite(handle.db as never, config);
	} else {
		await migratePg(handle.db, config);
	}
}
