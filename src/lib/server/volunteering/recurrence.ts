/**
 * iCalendar recurrence (RFC 5545 §3.3.10 RRULE) through the `rrule` library: a volunteer's
 * weekly availability is stored as an RRULE, and a need's series (RRULE) is expanded to dated
 * shifts. Times are Berlin wall-clock times: the rule is expanded on "floating" dates and each
 * occurrence is placed in Europe/Berlin afterwards, so a 17:00 shift stays at 17:00 across the
 * change to and from daylight saving time.
 */
import * as rruleModule from 'rrule';
import { berlinInstant } from './model';

// rrule ships CommonJS for Node and ES modules for bundlers; take whichever this loader gave.
const { RRule } = ((rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule) as typeof rruleModule;

const BYDAY = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** A weekly pattern as stored: the RRULE text and what matching reads of it. */
export interface WeeklyRule {
	rrule: string;
	/** ISO weekdays 1–7. */
	weekdays: number[];
	intervalWeeks: number;
}

/** The RRULE of a weekly pattern, e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH`. */
export function weeklyRule(weekdays: number[], intervalWeeks: number): WeeklyRule {
	const days = [...new Set(weekdays)].filter((d) => d >= 1 && d <= 7).sort();
	const rule = new RRule({ freq: RRule.WEEKLY, interval: intervalWeeks, byweekday: days.map((d) => d - 1) });
	return { rrule: RRule.optionsToString(rule.origOptions).replace(/^RRULE:/, ''), weekdays: days, intervalWeeks };
}

/**
 * Reads an RRULE as a weekly pattern.
 * @returns null when the text is no RRULE, not weekly, or names no weekday.
 */
export function parseWeekly(text: string): WeeklyRule | null {
	let options: ReturnType<typeof RRule.parseString>;
	try {
		options = RRule.parseString(text.trim().replace(/^RRULE:/i, ''));
	} catch {
		return null;
	}
	if (options.freq !== RRule.WEEKLY) return null;
	const raw = options.byweekday;
	const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
	const days = list.map((d) => (typeof d === 'number' ? d : typeof d === 'string' ? BYDAY.indexOf(d as (typeof BYDAY)[number]) : d.weekday) + 1).filter((d) => d >= 1 && d <= 7);
	if (!days.length) return null;
	return weeklyRule(days, options.interval ?? 1);
}

/**
 * Whether `text` is an RRULE the library reads (any frequency), for a need's series.
 */
export function isRrule(text: string): boolean {
	try {
		const options = RRule.parseString(text.trim().replace(/^RRULE:/i, ''));
		return options.freq !== undefined;
	} catch {
		return false;
	}
}

/**
 * The dates of a series: from `firstDay` at Berlin time `hhmm`, by the RRULE, up to and
 * including `lastDay` and at most `max` of them (the first day counts even if the rule skips it).
 * @returns UTC instants of each occurrence's start.
 */
export function expandSeries(text: string, firstDay: string, hhmm: string, lastDay: string, max: number): Date[] {
	const options = RRule.parseString(text.trim().replace(/^RRULE:/i, ''));
	const [y, mo, d] = firstDay.split('-').map(Number);
	const [h, mi] = hhmm.split(':').map(Number);
	const [ly, lmo, ld] = lastDay.split('-').map(Number);
	const rule = new RRule({ ...options, dtstart: new Date(Date.UTC(y, mo - 1, d, h, mi)), until: options.until && options.until < new Date(Date.UTC(ly, lmo - 1, ld, 23, 59)) ? options.until : new Date(Date.UTC(ly, lmo - 1, ld, 23, 59)), count: options.count ? Math.min(options.count, max) : null });
	const floating = rule.all((_date, i) => i < max);
	const days = new Set([firstDay, ...floating.map((f) => f.toISOString().slice(0, 10))]);
	return [...days].sort().slice(0, max).map((day) => berlinInstant(day, hhmm));
}
