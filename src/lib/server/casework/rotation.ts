/**
 * Key rotation for the encrypted case columns (issue 4 §2: "a command to rotate keys and
 * re-encrypt"; CLI `keys rotate`). Every value not yet under the current key is decrypted with
 * its old key and encrypted with the current one, in one transaction, in batches of `batchSize`
 * rows (keyset by id) so memory stays flat. Only after the commit are keys no value uses any more
 * removed from the key file.
 *
 * - File keyring (`CASE_KEY_FILE`): a fresh key is added and made current first (`addCurrentKey`);
 *   afterwards the old keys are dropped (`dropKeys`).
 * - `CASE_KEYS` environment keyring: the operator appends the new key there (last = current) and
 *   restarts; rotation re-encrypts to it and reports which old ids no value uses, so they can be
 *   removed from the variable.
 */
import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { addCurrentKey, decryptText, dropKeys, encryptText, loadKeyring, type Keyring } from './crypto';

/** Every encrypted column: table, column. */
const ENCRYPTED_COLUMNS = [
	{ table: 'case_file', column: 'display_name_enc' },
	{ table: 'case_note', column: 'body_enc' },
	{ table: 'case_step', column: 'note_enc' },
	{ table: 'referral', column: 'shared_enc' }
] as const;

/** Outcome of a rotation. */
export interface RotationReport {
	/** The key id every value is encrypted with now. */
	currentKey: string;
	/** Re-encrypted values per `table.column`. */
	reencrypted: Record<string, number>;
	/** Keys removed from the key file (file keyring only). */
	droppedKeys: string[];
	/** Old key ids no value uses any more (`CASE_KEYS`: remove them from the variable). */
	unusedKeys: string[];
}

type Row = { id: string; value: string };

async function rows(db: DbOrTx, query: ReturnType<typeof sql>): Promise<Row[]> {
	return ((await db.execute(query)) as unknown as { rows: Row[] }).rows;
}

/** Key ids used by at least one stored value. */
async function usedKeyIds(db: DbOrTx): Promise<Set<string>> {
	const used = new Set<string>();
	for (const { table, column } of ENCRYPTED_COLUMNS) {
		const found = await rows(
			db,
			sql`select distinct split_part(${sql.identifier(column)}, ':', 2) as value, '' as id from ${sql.identifier(table)} where ${sql.identifier(column)} is not null`
		);
		for (const r of found) used.add(r.value);
	}
	return used;
}

/**
 * Re-encrypts every value not under `ring.current`, in one transaction.
 * @returns counts per `table.column`.
 * @throws Error naming table, column and row id when a value cannot be decrypted (altered or
 *   its key missing); nothing is changed then.
 */
export async function reencryptAll(db: Db, ring: Keyring, batchSize = 500): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	const currentPrefix = `v1:${ring.current}:%`;
	await db.transaction(async (tx) => {
		for (const { table, column } of ENCRYPTED_COLUMNS) {
			const t = sql.identifier(table);
			const c = sql.identifier(column);
			let after = '00000000-0000-0000-0000-000000000000';
			let n = 0;
			for (;;) {
				const batch = await rows(
					tx,
					sql`select id::text as id, ${c} as value from ${t} where ${c} is not null and ${c} not like ${currentPrefix} and id > ${after}::uuid order by id limit ${batchSize}`
				);
				if (!batch.length) break;
				const values = batch.map((r) => {
					let plain: string;
					try {
						plain = decryptText(r.value, ring);
					} catch (e) {
						throw new Error(`${table}.${column} of row ${r.id} cannot be decrypted: ${(e as Error).message}`);
					}
					return sql`(${r.id}::uuid, ${encryptText(plain, ring)})`;
				});
				await tx.execute(sql`update ${t} set ${c} = v.value from (values ${sql.join(values, sql`, `)}) as v(id, value) where ${t}.id = v.id`);
				n += batch.length;
				after = batch[batch.length - 1].id;
			}
			counts[`${table}.${column}`] = n;
		}
	});
	return counts;
}

/**
 * Rotates the case keys and re-encrypts every encrypted column (see the module comment).
 * @throws Error from `reencryptAll` (nothing re-encrypted; for a file keyring the new key stays
 *   current and the old ones stay, so everything remains readable) or from the keyring.
 */
export async function rotateKeys(db: Db, options: { env?: NodeJS.ProcessEnv; batchSize?: number } = {}): Promise<RotationReport> {
	const env = options.env ?? process.env;
	const ring = env.CASE_KEYS ? loadKeyring(env) : addCurrentKey(env);
	const reencrypted = await reencryptAll(db, ring, options.batchSize);
	const used = await usedKeyIds(db);
	const unusedKeys = [...ring.keys.keys()].filter((id) => id !== ring.current && !used.has(id));
	if (ring.source === 'env') return { currentKey: ring.current, reencrypted, droppedKeys: [], unusedKeys };
	dropKeys(unusedKeys, env);
	return { currentKey: ring.current, reencrypted, droppedKeys: unusedKeys, unusedKeys: [] };
}
