/**
 * Opening hours in Europe/Berlin wall-clock time: whether a weekly slot list is open at an
 * instant, whatever the server's time zone and across daylight-saving changes.
 */
import { dateTimeFormat } from '../../intl';

/** The local Europe/Berlin weekday (ISO 1 = Monday … 7), minute of the day and date `YYYY-MM-DD`. */
export function berlinClock(at: Date): { weekday: number; minute: number; date: string } {
	// Berlin's offset is whole minutes, so one UTC minute is one local minute: the last one is held
	// (every search asks it; formatting to parts was about 0.6 % of an uncached search).
	const utcMinute = Math.floor(at.getTime() / 60_000);
	if (lastClock?.utcMinute === utcMinute) return { ...lastClock.clock };
	const parts = Object.fromEntries(
		dateTimeFormat('en-GB', {
			timeZone: 'Europe/Berlin',
			weekday: 'short',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		})
			.formatToParts(at)
			.map((p) => [p.type, p.value])
	);
	const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
	const clock = { weekday, minute: Number(parts.hour) * 60 + Number(parts.minute), date: `${parts.year}-${parts.month}-${parts.day}` };
	if (!Number.isNaN(utcMinute)) lastClock = { utcMinute, clock };
	return { ...clock };
}

let lastClock: { utcMinute: number; clock: { weekday: number; minute: number; date: string } } | null = null;

/** A weekly slot: ISO weekday, opening and closing minute of the day, optional validity dates. */
export interface WeeklySlot {
	weekday: number;
	opensMinute: number;
	closesMinute: number;
	validFrom: string | null;
	validTo: string | null;
}

/** Whether any slot is open at the instant (Europe/Berlin time, validity dates inclusive). */
export function isOpenAt(slots: WeeklySlot[], at: Date): boolean {
	return isOpenOn(slots, berlinClock(at));
}

/** Whether any slot is open at a Europe/Berlin wall-clock time (`berlinClock`), validity dates inclusive. */
export function isOpenOn(slots: WeeklySlot[], c: { weekday: number; minute: number; date: string }): boolean {
	return slots.some(
		(s) =>
			s.weekday === c.weekday &&
			s.opensMinute <= c.minute &&
			c.minute < s.closesMinute &&
			(!s.validFrom || s.validFrom <= c.date) &&
			(!s.validTo || c.date <= s.validTo)
	);
}
