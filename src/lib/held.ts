/**
 * Values computed once per key and held for the process: `Intl` formatters, language names,
 * vocabulary matches — things every request needs and that never change for a key
 * (issue 17 §2). Bounded: when full, everything is dropped and computed again as asked (the keys
 * are few in practice; the bound only guards against callers passing arbitrary keys).
 */
export interface Held<T> {
	/**
	 * The value held for `key`, or `make()`'s, held from then on.
	 * @throws what `make` throws (nothing is held then).
	 */
	get(key: string, make: () => T): T;
}

/** A store of at most `maxEntries` values (see the module note). */
export function held<T>(maxEntries: number): Held<T> {
	const values = new Map<string, T>();
	return {
		get(key, make) {
			if (values.has(key)) return values.get(key) as T;
			const value = make();
			if (values.size >= maxEntries) values.clear();
			values.set(key, value);
			return value;
		}
	};
}
