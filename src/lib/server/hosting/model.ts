/**
 * Hosting's vocabularies, limits and the series arithmetic (issue 15): pure, no database.
 * A series is expanded by the `rrule` library (RFC 5545 RRULE) on "floating" calendar days, and
 * each day's Berlin wall-clock start and end are placed in Europe/Berlin afterwards, so a weekly
 * 10:00 stays at 10:00 across the change to and from daylight saving time.
 */
import * as rruleModule from 'rrule';
import { addDays, berlinInstant } from '../volunteering/model';

// rrule ships CommonJS for Node and ES modules for bundlers; take whichever this loader gave.
const { RRule } = ((rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule) as typeof rruleModule;

/** Room accessibility features (issue 15 §1). */
export const ROOM_ACCESSIBILITY = ['step_free', 'accessible_toilet', 'hearing_loop'] as const;
/** Room equipment. */
export const ROOM_EQUIPMENT = ['projector', 'whiteboard', 'wifi', 'kitchen', 'children_corner', 'computers'] as const;
/** Kinds of own offers: single events, courses (one registration for all sessions), open groups (drop-in). */
export const EVENT_KINDS = ['single', 'course', 'open_group'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
/** Which part of a series an edit applies to (LibreBooking's this / future / all). */
export const EDIT_SCOPES = ['this', 'future', 'all'] as const;
export type EditScope = (typeof EDIT_SCOPES)[number];

/** The longest series, in days, and the most occurrences one series may have. */
export const MAX_SERIES_DAYS = 3 * 366;
export const MAX_OCCURRENCES = 400;
/** Default days after the last session until participants' personal data is deleted (issue 15 §3). */
export const DEFAULT_RETENTION_DAYS = 30;
/** Longest name or pseudonym of a participant, and longest title. */
export const NAME_MAX = 120;
export const TITLE_MAX = 200;

/** A series as stored: Berlin calendar days and wall-clock times. */
export interface Series {
	firstDay: string;
	lastDay: string;
	startTime: string;
	endTime: string;
	rrule: string | null;
	exdates: readonly string[];
	rdates: readonly string[];
}

/** One dated occurrence: its Berlin day and its UTC start and end. */
export interface Occurrence {
	day: string;
	start: Date;
	end: Date;
}

/** Instants already placed, by day and time (the calendar places the same few thousand per week). */
const PLACED = new Map<string, Date>();

/** The UTC instant of a Berlin day and wall-clock time `HH:MM` (Ehrenamt's `berlinInstant`, remembered). */
export function berlinAt(day: string, hhmm: string): Date {
	const key = `${day}T${hhmm}`;
	let at = PLACED.get(key);
	if (!at) {
		if (PLACED.size > 50_000) PLACED.clear();
		at = berlinInstant(day, hhmm);
		PLACED.set(key, at);
	}
	return new Date(at);
}

export { addDays };

/** ISO weekday 1 (Monday) … 7 (Sunday) of a calendar day. */
export function weekdayOf(day: string): number {
	return ((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** Monday of the week `day` lies in. */
export function mondayOf(day: string): string {
	return addDays(day, 1 - weekdayOf(day));
}

/** Minutes since midnight of `HH:MM`; null when not a valid 24-hour time. */
export function minutesOf(hhmm: string): number | null {
	const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
	return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/**
 * Whether the text is an RRULE the library reads, without `DTSTART`/`UNTIL`/`COUNT` handling
 * of its own (the series' last day bounds it).
 */
export function isRrule(text: string): boolean {
	try {
		return RRule.parseString(ruleText(text)).freq !== undefined;
	} catch {
		return false;
	}
}

/** `RRULE` text without a leading `RRULE:`. */
function ruleText(rrule: string): string {
	return rrule.trim().replace(/^RRULE:/i, '');
}

const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/**
 * The days of a plain weekly rule (`FREQ=WEEKLY`, optionally `INTERVAL` and `BYDAY`, nothing
 * else) from `lo` to `hi`, computed directly: the public calendar expands thousands of such
 * series per request, and stepping by weeks is 100 times faster than building an RRule each
 * time. Weeks start on Monday (RFC 5545's default WKST). Null for any other rule.
 */
function plainWeeklyDays(rule: string, firstDay: string, lo: string, hi: string): string[] | null {
	const m = /^FREQ=WEEKLY(?:;INTERVAL=(\d+))?(?:;BYDAY=((?:MO|TU|WE|TH|FR|SA|SU)(?:,(?:MO|TU|WE|TH|FR|SA|SU))*))?$/.exec(rule.toUpperCase());
	if (!m) return null;
	const interval = Number(m[1] ?? 1);
	if (interval < 1) return null;
	const weekdays = m[2] ? [...new Set(m[2].split(',').map((c) => WEEKDAY_CODES.indexOf(c) + 1))] : [weekdayOf(firstDay)];
	const week0 = mondayOf(firstDay);
	const span = Math.floor((Date.parse(`${mondayOf(lo)}T12:00:00Z`) - Date.parse(`${week0}T12:00:00Z`)) / (7 * 86_400_000));
	let week = addDays(week0, Math.max(0, Math.ceil(span / interval)) * interval * 7);
	const out: string[] = [];
	for (; week <= hi; week = addDays(week, interval * 7)) {
		for (const wd of weekdays) {
			const day = addDays(week, wd - 1);
			if (day >= lo && day <= hi && day >= firstDay) out.push(day);
		}
	}
	return out;
}

/**
 * The calendar days of a series from `from` to `to` (inclusive), sorted: the RRULE's days from
 * `firstDay` to `lastDay` (or `firstDay` alone without a rule), plus RDATEs, minus EXDATEs.
 */
export function seriesDays(s: Series, from = s.firstDay, to = s.lastDay): string[] {
	const lo = from > s.firstDay ? from : s.firstDay;
	const hi = to < s.lastDay ? to : s.lastDay;
	const days = new Set<string>();
	if (s.rrule) {
		if (lo <= hi) {
			const plain = plainWeeklyDays(ruleText(s.rrule), s.firstDay, lo, hi);
			if (plain) for (const d of plain) days.add(d);
			else {
				const options = RRule.parseString(ruleText(s.rrule));
				const [y, mo, d] = s.firstDay.split('-').map(Number);
				const [ly, lmo, ld] = s.lastDay.split('-').map(Number);
				const rule = new RRule({ ...options, dtstart: new Date(Date.UTC(y, mo - 1, d, 12)), until: new Date(Date.UTC(ly, lmo - 1, ld, 12)) });
				const [fy, fmo, fd] = lo.split('-').map(Number);
				const [ty, tmo, td] = hi.split('-').map(Number);
				for (const f of rule.between(new Date(Date.UTC(fy, fmo - 1, fd)), new Date(Date.UTC(ty, tmo - 1, td, 23, 59)), true)) days.add(f.toISOString().slice(0, 10));
			}
		}
	} else if (s.firstDay >= lo && s.firstDay <= hi) days.add(s.firstDay);
	for (const r of s.rdates) if (r >= from && r <= to) days.add(r);
	for (const x of s.exdates) days.delete(x);
	return [...days].sort();
}

/**
 * The days of a series as the `rrule` library alone computes them (no fast path), for tests
 * that hold the fast path to the library.
 */
export function seriesDaysByLibrary(s: Series): string[] {
	return seriesDays({ ...s, rrule: s.rrule ? `${ruleText(s.rrule)};WKST=MO` : null });
}

/** The occurrences of a series between two days (inclusive), in Europe/Berlin. */
export function occurrences(s: Series, from?: string, to?: string): Occurrence[] {
	return seriesDays(s, from, to).map((day) => ({ day, start: berlinAt(day, s.startTime), end: berlinAt(day, s.endTime) }));
}

/** The closure covering `day`, if any. */
export function closureOn<T extends { from: string; to: string }>(closures: readonly T[], day: string): T | undefined {
	return closures.find((c) => c.from <= day && day <= c.to);
}

/** Whether `start`–`end` (`HH:MM`) on `day` lies inside one of the room's bookable slots. */
export function withinBookableHours(hours: readonly { day: number; opens: string; closes: string }[], day: string, start: string, end: string): boolean {
	const wd = weekdayOf(day);
	return hours.some((h) => h.day === wd && h.opens <= start && end <= h.closes);
}

/**
 * Occurrences of `candidate` that overlap one of `taken` (both sorted by start): a sweep over
 * the two sorted lists, O(n + m) after sorting.
 */
export function clashingDays(candidate: readonly Occurrence[], taken: readonly Occurrence[]): string[] {
	const out: string[] = [];
	let j = 0;
	for (const c of candidate) {
		while (j < taken.length && taken[j].end <= c.start) j++;
		for (let k = j; k < taken.length && taken[k].start < c.end; k++) {
			if (taken[k].end > c.start) {
				out.push(c.day);
				break;
			}
		}
	}
	return out;
}

/**
 * Runs of a weekly pattern as directory schedule slots: consecutive occurrences exactly 7 days
 * apart at the same weekday and times form one slot with its validity range, so a skipped or
 * cancelled date splits the slot and drops out of the HSDS schedule.
 */
export function weeklyRuns(days: readonly string[], startTime: string, endTime: string): { weekday: number; opensAt: string; closesAt: string; validFrom: string; validTo: string }[] {
	const byWeekday = new Map<number, string[]>();
	for (const d of [...days].sort()) byWeekday.set(weekdayOf(d), [...(byWeekday.get(weekdayOf(d)) ?? []), d]);
	const runs: { weekday: number; opensAt: string; closesAt: string; validFrom: string; validTo: string }[] = [];
	for (const [weekday, list] of byWeekday) {
		let from = list[0];
		for (let i = 1; i <= list.length; i++) {
			if (i === list.length || list[i] !== addDays(list[i - 1], 7)) {
				runs.push({ weekday, opensAt: startTime, closesAt: endTime, validFrom: from, validTo: list[i - 1] });
				from = list[i];
			}
		}
	}
	return runs.sort((a, b) => a.validFrom.localeCompare(b.validFrom));
}
