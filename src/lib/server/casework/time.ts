/**
 * Europe/Berlin calendar arithmetic for the Lotsen work (issue 4): contact days, report months
 * and years are Berlin calendar units, stored instants are UTC. Independent of the server's
 * time zone and of the database's time-zone data.
 */
import { isIsoDate } from '../core/validation';

const ZONE = 'Europe/Berlin';

const PARTS = new Intl.DateTimeFormat('en-GB', {
	timeZone: ZONE,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23'
});

function parts(at: Date): Record<string, number> {
	return Object.fromEntries(PARTS.formatToParts(at).filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}

/** Offset of Berlin wall-clock time from UTC at the instant, in milliseconds (+1 h or +2 h). */
function offsetMs(at: Date): number {
	const p = parts(at);
	return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at.getTime() / 1000) * 1000;
}

/** The Berlin calendar date of an instant, `YYYY-MM-DD`. */
export function berlinDate(at: Date): string {
	const p = parts(at);
	return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The Berlin wall-clock time of an instant, `HH:MM`. */
export function berlinTime(at: Date): string {
	const p = parts(at);
	return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/**
 * The UTC instant of a Berlin wall-clock time. Month and day may overflow like `Date.UTC`
 * (month 13 = January of the next year). Times inside the spring-forward gap resolve to the
 * instant one hour later, as clocks show it.
 */
export function berlinInstant(year: number, month: number, day = 1, hour = 0, minute = 0): Date {
	const wall = Date.UTC(year, month - 1, day, hour, minute);
	const first = new Date(wall - offsetMs(new Date(wall)));
	return new Date(wall - offsetMs(first));
}

/** Start of the Berlin calendar day of `at`. */
export function berlinDayStart(at: Date): Date {
	const p = parts(at);
	return berlinInstant(p.year, p.month, p.day);
}

/** `YYYY-MM-01` of the Berlin month an instant lies in (the `contact_aggregate.month` value). */
export function monthKey(at: Date): string {
	return `${berlinDate(at).slice(0, 7)}-01`;
}

/**
 * A date `YYYY-MM-DD` and an optional time `HH:MM` in Berlin as an instant, or null when
 * malformed (e.g. `2026-02-30`, `25:00`).
 */
export function parseBerlinDateTime(date: string, time: string): Date | null {
	const day = date.trim();
	const t = time.trim() ? /^(\d{2}):(\d{2})$/.exec(time.trim()) : ['', '12', '00'];
	if (!isIsoDate(day) || !t) return null;
	const [y, mo, d] = day.split('-').map(Number);
	const [h, mi] = [Number(t[1]), Number(t[2])];
	if (h > 23 || mi > 59) return null;
	const at = berlinInstant(y, mo, d, h, mi);
	return berlinDate(at) === day ? at : null;
}

/**
 * A `YYYY-MM-DDTHH:MM` Berlin wall-clock time, as `<input type="datetime-local">` sends it, as an
 * instant; null when the text is no such time.
 */
export function parseBerlinLocal(value: string): Date | null {
	const [date, time, ...rest] = value.trim().split('T');
	return time && !rest.length ? parseBerlinDateTime(date, time) : null;
}
