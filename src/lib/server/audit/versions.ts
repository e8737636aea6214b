/**
 * Reading and raising the data version (Datenstand, `data_version`): the counter every audited
 * write raises for the municipality it names (`*` for none) through the trigger on `audit_log`.
 * Caches of derived data key their entries on it; see `http/page-cache.ts`. Source: issue 17 §1.
 */
import type { PGlite } from '@electric-sql/pglite';
import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
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
	const rows = await db
		.select({ scope: dataVersion.scope, version: dataVersion.version })
		.from(dataVersion)
		.where(inArray(dataVersion.scope, [GLOBAL_SCOPE, municipalityId]));
	const of = (scope: string) => rows.find((r) => r.scope === scope)?.version ?? 0;
	return `${of(GLOBAL_SCOPE)}.${of(municipalityId)}`;
}

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
const watchers = new Set<() => void>();
let watched = false;

/** Calls `onChange` whenever a data version rises, once `watchDataVersions` listens. */
export function onDataVersionChange(onChange: () => void): void {
	watchers.add(onChange);
}

/**
 * Listens for raised data versions on the embedded database, which holds them for one process:
 * PGlite delivers the notice before the committing statement returns, so a cache that forgets
 * its versions on it never serves a page older than a write that finished.
 */
export async function watchDataVersions(pglite: PGlite): Promise<void> {
	await pglite.listen(CHANNEL, () => {
		for (const w of watchers) w();
	});
	watched = true;
}

/** Whether `watchDataVersions` listens in this process (embedded database). */
export function dataVersionsWatched(): boolean {
	return watched;
}
