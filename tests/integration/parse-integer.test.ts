/** `parseInteger` (core/validation.ts): whole numbers from form and query text, within the bounds asked each time. */
import { describe, expect, it } from 'vitest';
import { parseInteger } from '../../src/lib/server/core/validation';

describe('parseInteger', () => {
	it('reads whole numbers in decimal digits, trimmed, and refuses everything else (hexadecimal and exponents too)', () => {
		expect(parseInteger('12')).toBe(12);
		expect(parseInteger(' 3 ')).toBe(3);
		expect(parseInteger('-7')).toBe(-7);
		for (const bad of ['', '   ', '1.5', '1e3x', 'zwölf', '9007199254740993', '0x10', '1e3', '0b11', '0o7', 'Infinity', '1_000', '- 1']) expect(parseInteger(bad), bad).toBeNull();
	});

	it('applies the bounds of each call, also when other bounds were asked before', () => {
		expect(parseInteger('5', { min: 1, max: 5 })).toBe(5);
		expect(parseInteger('6', { min: 1, max: 5 })).toBeNull();
		expect(parseInteger('6', { min: 1, max: 10 })).toBe(6);
		expect(parseInteger('0', { min: 1, max: 10 })).toBeNull();
		expect(parseInteger('0', { min: 0 })).toBe(0);
		expect(parseInteger('6', { min: 1, max: 5 })).toBeNull();
		expect(parseInteger('2101', { min: 2000, max: 2100 })).toBeNull();
		expect(parseInteger('2100', { min: 2000, max: 2100 })).toBe(2100);
	});
});
