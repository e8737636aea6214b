/** `berlinClock` (directory/opening.ts): the Berlin weekday, minute and date of an instant, across daylight-saving changes and within one minute. */
import { describe, expect, it } from 'vitest';
import { berlinClock } from '../../src/lib/server/directory/opening';

describe('berlinClock', () => {
	it('tells the local weekday, minute and date on both sides of the changes of 2026', () => {
		const at = (iso: string) => berlinClock(new Date(iso));
		// Spring: 02:00 CET becomes 03:00 CEST on Sunday 29 March.
		expect(at('2026-03-29T00:59:30Z')).toEqual({ weekday: 7, minute: 1 * 60 + 59, date: '2026-03-29' });
		expect(at('2026-03-29T01:00:10Z')).toEqual({ weekday: 7, minute: 3 * 60, date: '2026-03-29' });
		// Autumn: 03:00 CEST becomes 02:00 CET on Sunday 25 October.
		expect(at('2026-10-25T00:59:59Z')).toEqual({ weekday: 7, minute: 2 * 60 + 59, date: '2026-10-25' });
		expect(at('2026-10-25T01:00:00Z')).toEqual({ weekday: 7, minute: 2 * 60, date: '2026-10-25' });
		// Midnight in Berlin is 23:00 UTC the day before in winter.
		expect(at('2026-12-06T22:59:59Z')).toEqual({ weekday: 7, minute: 23 * 60 + 59, date: '2026-12-06' });
		expect(at('2026-12-06T23:00:00Z')).toEqual({ weekday: 1, minute: 0, date: '2026-12-07' });
	});

	it('answers the same within a minute and afresh in the next, and its answers cannot be changed by a caller', () => {
		const first = berlinClock(new Date('2026-12-05T10:15:01Z'));
		first.minute = -1;
		expect(berlinClock(new Date('2026-12-05T10:15:59Z'))).toEqual({ weekday: 6, minute: 11 * 60 + 15, date: '2026-12-05' });
		expect(berlinClock(new Date('2026-12-05T10:16:00Z'))).toEqual({ weekday: 6, minute: 11 * 60 + 16, date: '2026-12-05' });
	});
});
