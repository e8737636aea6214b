/**
 * Database connection: embedded PGlite (Postgres compiled to WASM, data in a local folder) by
 * default, or a PostgreSQL 15+ server when a `postgres://` URL is given. Both run the same
 * Drizzle migrations from `./drizzle`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema';

/** The Drizzle database type used by every module (both drivers share the Postgres dialect). */
export type Db = NodePgDatabase<typeof schema>;
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
	/** The PGlite instance when embedded (used by backups); undefined on a server. */
	pglite?: PGlite;
	close(): Promise<void>;
}

/** PostgreSQL extensions the migrations use; on a server they ship with postgresql-contrib. */
export const extensions = { pg_trgm };

/** Where the SQL migrations live; overridable for packaged installs. */
export function migrationsFolder(): string {
	return path.resolve(process.env.MIGRATIONS_DIR || 'drizzle');
}

/**
 * Opens the database.
 * @param options.url `postgres://…` for a server; otherwise embedded.
 * @param options.dataDir folder for PGlite's files; `memory://` or undefined with `memory: true`
 *   keeps everything in memory (tests).
 * @throws when the server is unreachable or the data folder cannot be created.
 */
export async function openDatabase(options: {
	url?: string;
	dataDir?: string;
	memory?: boolean;
}): Promise<DatabaseHandle> {
	if (options.url) {
		const pool = new pg.Pool({ connectionString: options.url, max: 10 });
		// The pool drops an idle connection the server ends (restart, failover, a terminated
		// backend) and then emits 'error'; unhandled, that event would end the whole process.
		pool.on('error', (e) => console.error(`database: idle connection closed by the server (${(e as { code?: string }).code ?? e.message})`));
		await pool.query('select 1');
		return {
			db: drizzlePg(pool, { schema }),
			kind: 'postgres',
			url: options.url,
			close: () => pool.end()
		};
	}
	let client: PGlite;
	if (options.memory || !options.dataDir) {
		client = await PGlite.create({ extensions });
	} else {
		mkdirSync(options.dataDir, { recursive: true });
		client = await PGlite.create(path.join(options.dataDir, 'pgdata'), { extensions });
	}
	return {
		db: drizzlePglite(client, { schema }) as unknown as Db,
		kind: 'pglite',
		pglite: client,
		close: () => client.close()
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
