/** `held` ($lib/held.ts): values computed once per key, bounded, failures not held. */
import { describe, expect, it } from 'vitest';
import { held } from '../../src/lib/held';

describe('held', () => {
	it('computes a key once, holds falsy values too, and starts afresh when full', () => {
		const store = held<number | null>(2);
		let made = 0;
		const make = (v: number | null) => () => (made++, v);
		expect(store.get('a', make(0))).toBe(0);
		expect(store.get('a', make(9))).toBe(0);
		expect(store.get('b', make(null))).toBeNull();
		expect(store.get('b', make(9))).toBeNull();
		expect(made).toBe(2);
		// A third key empties the store: `a` is computed again.
		expect(store.get('c', make(3))).toBe(3);
		expect(store.get('a', make(1))).toBe(1);
		expect(made).toBe(4);
	});

	it('holds nothing when computing throws', () => {
		const store = held<string>(10);
		expect(() => store.get('x', () => { throw new RangeError('bad locale'); })).toThrow(RangeError);
		expect(store.get('x', () => 'ok')).toBe('ok');
	});
});
