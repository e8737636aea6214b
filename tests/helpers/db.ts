/**
 * A fresh, migrated database per test file: in-memory PGlite, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL (dropped on close).
 *
 * Both start from a migrated template made once per set of migrations (the `drizzle/` folder's
 * hash) instead of running every migration again: on PGlite a dump in the temporary folder,
 * shared by the test processes (loading it takes about 0.4 s, creating and migrating a cluster
 * about 1.9 s); on PostgreSQL a template database, copied by `create database … template`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateDatabase, migrationsFolder, openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';

/** Which database the tests run on, for test names. */
export const DB_KIND = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

let key: string | undefined;

/** The migrations' identity, read once per process: a hash of every file in the migrations folder and of the PGlite version that reads them. */
function migrationsKey(): string {
	if (key) return key;
	const hash = createHash('sha256');
	const folder = migrationsFolder();
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else hash.update(path.relative(folder, full)).update(readFileSync(full));
		}
	};
	walk(folder);
	hash.update(JSON.parse(readFileSync(path.resolve('node_modules/@electric-sql/pglite/package.json'), 'utf8')).version);
	key = hash.digest('hex').slice(0, 16);
	return key;
}

const TEMPLATE_PREFIX = 'anl-test-template-';
let pgliteTemplate: Blob | undefined;

/** The migrated PGlite dump: read from the temporary folder, or made there (written whole, then renamed, so a reader never sees half of it). */
async function migratedPglite(): Promise<DatabaseHandle> {
	const file = path.join(os.tmpdir(), `${TEMPLATE_PREFIX}${migrationsKey()}.tar`);
	if (!pgliteTemplate && existsSync(file)) {
		try {
			pgliteTemplate = new Blob([readFileSync(file)]);
		} catch {
			// Removed by another checkout's run between the check and the read: made again below.
		}
	}
	if (pgliteTemplate) return openDatabase({ memory: true, loadDataDir: pgliteTemplate });
	const handle = await openDatabase({ memory: true });
	await migrateDatabase(handle);
	pgliteTemplate = await handle.pglite!.dumpDataDir('none');
	// Other migration states' dumps only: another worker's partial file of this state is in flight.
	for (const old of readdirSync(os.tmpdir()).filter((f) => f.startsWith(TEMPLATE_PREFIX) && !f.startsWith(path.basename(file)))) {
		rmSync(path.join(os.tmpdir(), old), { force: true });
	}
	const partial = `${file}.${process.pid}`;
	writeFileSync(partial, Buffer.from(await pgliteTemplate.arrayBuffer()));
	renameSync(partial, file);
	return handle;
}

/** The migrated template database on the server, made once under an advisory lock (test processes run side by side). */
async function migratedTemplate(admin: pg.Client, url: string): Promise<string> {
	const name = `anl_template_${migrationsKey()}`;
	await admin.query(`select pg_advisory_lock(hashtext('anlaufstelle test template'))`);
	try {
		const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
		if (!rowCount) {
			await admin.query(`create database ${name}`);
			const templateUrl = new URL(url);
			templateUrl.pathname = `/${name}`;
			const handle = await openDatabase({ url: templateUrl.toString() });
			try {
				await migrateDatabase(handle);
			} catch (e) {
				await handle.close();
				await admin.query(`drop database ${name} with (force)`);
				throw e;
			}
			await handle.close();
		}
	} finally {
		await admin.query(`select pg_advisory_unlock(hashtext('anlaufstelle test template'))`);
	}
	return name;
}

/** Opens a migrated, otherwise empty database. */
export async function freshDatabase(): Promise<DatabaseHandle> {
	const url = process.env.TEST_DATABASE_URL;
	if (!url) return migratedPglite();
	const name = `t_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	try {
		await admin.query(`create database ${name} template ${await migratedTemplate(admin, url)}`);
	} finally {
		await admin.end();
	}
	const dbUrl = new URL(url);
	dbUrl.pathname = `/${name}`;
	const handle = await openDatabase({ url: dbUrl.toString() });
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
