/**
 * Backups as plain SQL in pg_dump format: the embedded database is dumped with PGlite's WASM
 * build of pg_dump (@electric-sql/pglite-tools), a server with the system's `pg_dump`. Either
 * dump restores into PGlite (here) or into PostgreSQL with `psql -f`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import path from 'node:path';
import { openDatabase, type DatabaseHandle } from './client';

// INSERT statements instead of COPY … FROM stdin, so PGlite can replay the file without psql;
// no owners or privileges, so the dump restores under any role.
const DUMP_ARGS = ['--inserts', '--no-owner', '--no-privileges'];

/**
 * Writes a SQL dump of the whole database to `file`.
 * @throws when pg_dump fails (its stderr is in the message).
 */
export async function backupDatabase(handle: DatabaseHandle, file: string): Promise<void> {
	if (handle.kind === 'pglite') {
		const dump = await pgDump({ pg: handle.pglite!, args: DUMP_ARGS });
		await writeFile(file, await dump.text());
		return;
	}
	const result = spawnSync('pg_dump', [...DUMP_ARGS, '--file', file, handle.url!], { encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`pg_dump failed: ${result.stderr || result.error?.message}`);
}

/**
 * Restores a SQL dump into an empty embedded data folder (`<dataDir>/pgdata`), or into a
 * PostgreSQL server with `psql` (the database should be empty).
 * @throws when the embedded folder already holds a database, or when a statement fails.
 */
export async function restoreDatabase(options: { url?: string; dataDir: string; file: string }): Promise<void> {
	if (options.url) {
		const result = spawnSync('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '-f', options.file, options.url], { encoding: 'utf8' });
		if (result.status !== 0) throw new Error(`psql failed: ${result.stderr || result.error?.message}`);
		return;
	}
	const dir = path.join(options.dataDir, 'pgdata');
	if (existsSync(dir) && readdirSync(dir).length > 0) {
		throw new Error(`${dir} already holds a database; restore into an empty DATA_DIR`);
	}
	// psql meta-commands (\restrict, \unrestrict in recent pg_dump) are not SQL.
	const sql = (await readFile(options.file, 'utf8'))
		.split('\n')
		.filter((line) => !line.startsWith('\\'))
		.join('\n');
	const handle = await openDatabase({ dataDir: options.dataDir, command: 'cli restore' });
	try {
		await handle.pglite!.exec(sql);
	} finally {
		await handle.close();
	}
}
