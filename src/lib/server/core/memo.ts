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
