/**
 * Per-process memo of values derived from the database, valid for one data version
 * (`audit/versions.ts`): the first caller of a version computes, concurrent callers share its
 * promise, a failure is forgotten so the next call tries again.
 */
export interface VersionedMemo<T> {
	/**
	 * The value for `key` at `version`, computed by `compute` when none is held for that version.
	 * @throws what `compute` throws.
	 */
	get(key: string, version: string, compute: () => Promise<T>): Promise<T>;
}

/**
 * A memo holding at most `maxEntries` keys; when full it is emptied (the keys are municipalities
 * or their reader levels, so this only happens to a process serving a whole Land).
 */
export function versionedMemo<T>(maxEntries: number): VersionedMemo<T> {
	const held = new Map<string, { version: string; value: Promise<T> }>();
	return {
		get(key, version, compute) {
			const entry = held.get(key);
			if (entry?.version === version) return entry.value;
			const value = compute();
			if (held.size >= maxEntries) held.clear();
			held.set(key, { version, value });
			value.catch(() => held.delete(key));
			return value;
		}
	};
}

/**
 * A value per database handle (the `db` object, or a transaction's), made by `make` on first use:
 * for caches keyed on what is only unique within one database (slugs, words, data versions), so a
 * process holding several handles — a read replica's, or test files sharing a worker — never
 * answers one database from another's. A handle no longer referenced takes its value with it.
 */
export function perDatabase<T>(make: () => T): (db: object) => T {
	const values = new WeakMap<object, T>();
	return (db) => {
		let value = values.get(db);
		if (value === undefined) {
			value = make();
			values.set(db, value);
		}
		return value;
	};
}
