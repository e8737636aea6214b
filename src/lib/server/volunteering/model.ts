/**
 * Ehrenamt's rules as data (issue 13): the activity vocabulary, language levels, checks and
 * requirements, place kinds, consents with their purpose and retention, the settings a
 * municipality may change with their defaults and bounds, and the pure rules (Berlin dates,
 * availability, matching order, the Ehrenamtskarte NRW check). No database here.
 *
 * Law: § 72a Abs. 5 SGB VIII (what of an erweitertes Führungszeugnis may be stored, deleted at
 * once when no activity follows, at the latest 3 months after it ends); § 20 Abs. 8–9 IfSG
 * (Masernschutz in shared accommodation, Kitas and schools); Art. 5(1)(c), (e) GDPR.
 * Seeds: 000 and 003 (volunteers wear out: load caps, fairness, reactivation), 001 and 004
 * (Hauptamt/Ehrenamt task profiles, training, recognition), 001 (some do not want to be counted).
 */
import { berlinDate, berlinInstant as wallClockInstant, berlinTime } from '../casework/time';

/** Built-in activities (the municipality may add its own; `vo_activity_<key>` labels them). */
export const ACTIVITIES = [
	'accompaniment',
	'language_mediation',
	'homework_help',
	'language_cafe',
	'leisure_sports',
	'childcare',
	'driving',
	'crafts_repairs',
	'it_help',
	'office_help'
] as const;

/** Language levels, best first; the score a level gives in matching. */
export const LANGUAGE_LEVELS = ['native', 'fluent', 'basic'] as const;
export type LanguageLevel = (typeof LANGUAGE_LEVELS)[number];

/** Kinds of check the law lets us record (never the document). */
export const CHECK_KINDS = ['criminal_record', 'measles', 'confidentiality', 'training'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** Trainings a municipality can require (`training:<key>`). */
export const TRAININGS = ['child_protection', 'first_aid', 'intercultural', 'trauma_awareness', 'data_protection'] as const;

/** Requirement keys: a check kind (training as `training:<key>`). */
export const REQUIREMENTS = ['criminal_record', 'measles', 'confidentiality', ...TRAININGS.map((t) => `training:${t}` as const)] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

/** Kinds of Einsatzort. Shared accommodation, Kita and school require Masernschutz (§ 20 Abs. 8 IfSG). */
export const PLACE_KINDS = ['shared_accommodation', 'kita', 'school', 'welcome_point', 'public_office', 'other'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];
const MEASLES_PLACES: readonly string[] = ['shared_accommodation', 'kita', 'school'];

/**
 * Consents, each with its purpose and how long data kept for it lives. `coordination` is
 * required to have a profile at all.
 */
export const CONSENT_PURPOSES = [
	{ key: 'coordination', required: true, retention: 'profile_retention' },
	{ key: 'care_messages', required: false, retention: 'until_withdrawn' }
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number]['key'];

/** Kinds of recognition record. */
export const RECOGNITION_KINDS = ['thank_you_event', 'certificate_handed', 'ehrenamtskarte', 'other'] as const;

/**
 * Settings of a municipality, with default and bounds. Führungszeugnis: age at inspection
 * (default 3 months, the common practice of the youth welfare offices), re-inspection after 5
 * years, reminder 60 days before; no activity within `fzNoActivityDays` of the inspection counts
 * as "no activity follows" (§ 72a Abs. 5: delete at once); after the last assignment the record
 * is kept `fzKeepMonths` (the law's maximum, 3). Ehrenamtskarte NRW: on average 5 hours a week
 * or 250 hours a year for at least two years (Land NRW's criteria, changeable).
 */
export const SETTINGS = {
	fzMaxAgeMonths: { default: 3, min: 1, max: 12 },
	fzReinspectYears: { default: 5, min: 1, max: 10 },
	fzReminderDays: { default: 60, min: 1, max: 365 },
	fzNoActivityDays: { default: 30, min: 0, max: 180 },
	fzKeepMonths: { default: 3, min: 0, max: 3 },
	dormantMonths: { default: 6, min: 1, max: 60 },
	profileRetentionMonths: { default: 24, min: 3, max: 120 },
	retentionNoticeDays: { default: 30, min: 7, max: 180 },
	followUpDays: { default: 60, min: 7, max: 365 },
	fairnessDays: { default: 90, min: 7, max: 365 },
	cardHoursPerYear: { default: 250, min: 1, max: 2000 },
	cardYears: { default: 2, min: 1, max: 10 }
} as const;
export type SettingKey = keyof typeof SETTINGS;
export type Settings = Record<SettingKey, number>;

/** The settings with defaults filled in for keys the municipality has not set. */
export function withDefaults(values: Record<string, number> | null | undefined): Settings {
	const out = {} as Settings;
	for (const [key, spec] of Object.entries(SETTINGS) as [SettingKey, (typeof SETTINGS)[SettingKey]][]) {
		const v = values?.[key];
		out[key] = typeof v === 'number' && Number.isInteger(v) && v >= spec.min && v <= spec.max ? v : spec.default;
	}
	return out;
}

/** Limits of text fields. */
export const LIMITS = { name: 120, title: 160, description: 2000, note: 500, organisation: 160, taskText: 4000, languages: 8, availability: 8, slots: 50, seriesShifts: 52 } as const;

/** How long a registration link is valid (hours). */
export const REGISTRATION_HOURS = 72;

/** Shifts of a series are created up to this many days ahead. */
export const SERIES_HORIZON_DAYS = 120;

/** Whether a key names a requirement. */
export function isRequirement(key: string): key is Requirement {
	return (REQUIREMENTS as readonly string[]).includes(key);
}

/** The requirements a place's kind implies (Masernschutz for shared accommodation, Kita, school). */
export function placeKindRequirements(kind: string): Requirement[] {
	return MEASLES_PLACES.includes(kind) ? ['measles'] : [];
}

/** Requirement keys, deduplicated in vocabulary order. */
export function sortedRequirements(keys: Iterable<string>): Requirement[] {
	const set = new Set(keys);
	return REQUIREMENTS.filter((r) => set.has(r));
}

// ---- Dates: stored in UTC, read and shown in Europe/Berlin ----

export { berlinDate, berlinTime };

/** ISO weekday (1 = Monday … 7 = Sunday) of a date `YYYY-MM-DD`. */
export function isoWeekday(day: string): number {
	const d = new Date(`${day}T12:00:00Z`).getUTCDay();
	return d === 0 ? 7 : d;
}

/**
 * The UTC instant of a Berlin wall-clock time `hhmm` on a date `YYYY-MM-DD`: casework's
 * `berlinInstant`, which settles the offset at the instant itself (right on the clock-change days).
 */
export function berlinInstant(day: string, hhmm: string): Date {
	const [y, mo, d] = day.split('-').map(Number);
	const [h, mi] = hhmm.split(':').map(Number);
	return wallClockInstant(y, mo, d, h, mi);
}

/** `day` plus `n` days (`YYYY-MM-DD`). */
export function addDays(day: string, n: number): string {
	const d = new Date(`${day}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

/** `day` plus `n` months, clamped to the month's last day (`2026-01-31` + 1 → `2026-02-28`). */
export function addMonths(day: string, n: number): string {
	const [y, m, d] = day.split('-').map(Number);
	const first = new Date(Date.UTC(y, m - 1 + n, 1));
	const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
	first.setUTCDate(Math.min(d, last));
	return first.toISOString().slice(0, 10);
}

/** `HH:MM` → minutes after midnight; null when not a clock time. */
export function clockMinutes(hhmm: string): number | null {
	const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm.trim());
	return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

// ---- Availability ----

/** A stored availability window: a weekly pattern (weekdays every `intervalWeeks` weeks from the Monday of `startsOn`) or a single date, with a Berlin time window. */
export interface AvailabilityWindow {
	kind: 'weekly' | 'date';
	weekdays: number[];
	intervalWeeks: number;
	startsOn: string;
	endsOn: string | null;
	startTime: string;
	endTime: string;
}

/** A shift in Berlin wall-clock terms, as matching compares availability windows with it. */
export interface ShiftSlot {
	day: string;
	weekday: number;
	/** Minutes after midnight. */
	from: number;
	/** Minutes after midnight (1440 for a shift ending at midnight); -1 when it ends on a later day. */
	to: number;
}

/** The Berlin day, weekday and minutes of a shift from `start` to `end`. */
export function shiftSlot(start: Date, end: Date): ShiftSlot {
	const day = berlinDate(start);
	const endDay = berlinDate(end);
	const toRaw = clockMinutes(berlinTime(end))!;
	const to = endDay === day ? toRaw : toRaw === 0 && endDay === addDays(day, 1) ? 1440 : -1;
	return { day, weekday: isoWeekday(day), from: clockMinutes(berlinTime(start))!, to };
}

/** Whether the person is paused on `day` (from `pausedFrom` up to and including `pausedUntil`). */
export function isPaused(p: { pausedFrom: string | null; pausedUntil: string | null }, day: string): boolean {
	if (!p.pausedFrom || day < p.pausedFrom) return false;
	return !p.pausedUntil || day <= p.pausedUntil;
}

// ---- Matching ----

/** One reason in a candidate's rank, as a message key suffix with parameters (`vo_reason_<code>`). */
export interface Reason {
	code: string;
	params?: Record<string, string | number>;
	/** `plus` helps the rank, `minus` lowers it, `block` prevents inviting. */
	effect: 'plus' | 'minus' | 'block';
}

/**
 * Points a candidate earns for a need: the fitting language by its level, the need's social
 * space (or else its district), availability for the shift and the activity; a clashing
 * confirmed shift costs. matching.ts sums the same points in SQL to order the candidates.
 */
export const MATCH_POINTS = {
	level: { native: 30, fluent: 25, basic: 10 } as Readonly<Record<string, number>>,
	sameSpace: 25,
	sameDistrict: 15,
	available: 25,
	activity: 10,
	clash: -40
} as const;

/**
 * What matching found of one candidate for a need (matching.ts reads it in SQL, for the top
 * candidates only).
 */
export interface MatchFacts {
	profileId: string;
	/** The language spoken that fits the need's: the same tag, else the same primary language at the best level; null when none fits or the need names none. */
	spoken: { language: string; level: string } | null;
	/** `space`: helps in the need's social space; `district`: in another of its district; null otherwise. */
	place: 'space' | 'district' | null;
	/** An availability window (`AvailabilityWindow`) covers the whole shift; the rule is in matching.ts's query. */
	available: boolean;
	/** Offers the need's activity. */
	activity: boolean;
	/** A confirmed assignment overlapping the shift. */
	clash: boolean;
	/** Hours (logged, not rejected) in the fairness period. */
	recentHours: number;
	/** Hours of the shift's month: logged plus confirmed shifts ahead. */
	monthHours: number;
	capHoursPerMonth: number | null;
	/** The need's requirements the person does not meet on the shift's date, in the need's order. */
	missing: Requirement[];
	/** Already invited or assigned to this need. */
	invited: boolean;
}

/** The need as matching sees it. */
export interface MatchNeed {
	language: string | null;
	socialSpaceId: string | null;
	/** The first open shift. */
	shift: { startsAt: Date; endsAt: Date };
}

/** A ranked candidate. */
export interface Ranked {
	profileId: string;
	score: number;
	/** 0: can be invited; 1: lacks a check; 2: over the load cap (warning). */
	tier: 0 | 1 | 2;
	reasons: Reason[];
	missing: Requirement[];
	invited: boolean;
	recentHours: number;
}

/**
 * A candidate's score, tier and reasons for a need: language and level, same social space (or
 * district), availability and activity score (`MATCH_POINTS`), a clash costs; those lacking a
 * required check are tier 1 (they cannot be invited), those whom the shift would take over
 * their load cap tier 2, with a warning. The order (tier, then score, then fewer recent hours —
 * fairness —, then profile id) is matching.ts's SQL.
 */
export function rankedOf(need: MatchNeed, f: MatchFacts): Ranked {
	const shiftHours = (need.shift.endsAt.getTime() - need.shift.startsAt.getTime()) / 3_600_000;
	const reasons: Reason[] = [];
	let score = 0;
	if (need.language) {
		if (f.spoken) {
			score += MATCH_POINTS.level[f.spoken.level] ?? 0;
			reasons.push({ code: 'language', params: { language: f.spoken.language, level: f.spoken.level }, effect: 'plus' });
		} else reasons.push({ code: 'no_language', params: { language: need.language }, effect: 'minus' });
	}
	if (need.socialSpaceId && f.place === 'space') {
		score += MATCH_POINTS.sameSpace;
		reasons.push({ code: 'same_space', effect: 'plus' });
	} else if (f.place === 'district') {
		score += MATCH_POINTS.sameDistrict;
		reasons.push({ code: 'same_district', effect: 'plus' });
	} else if (need.socialSpaceId) reasons.push({ code: 'other_space', effect: 'minus' });
	if (f.available) {
		score += MATCH_POINTS.available;
		reasons.push({ code: 'available', effect: 'plus' });
	} else reasons.push({ code: 'not_available', effect: 'minus' });
	if (f.activity) {
		score += MATCH_POINTS.activity;
		reasons.push({ code: 'activity', effect: 'plus' });
	}
	if (f.clash) {
		score += MATCH_POINTS.clash;
		reasons.push({ code: 'clash', effect: 'minus' });
	}
	reasons.push({ code: 'recent_hours', params: { hours: Math.round(f.recentHours) }, effect: 'plus' });
	for (const r of f.missing) reasons.push({ code: 'missing_check', params: { check: r }, effect: 'block' });
	const over = f.capHoursPerMonth !== null && f.monthHours + shiftHours > f.capHoursPerMonth;
	if (over) reasons.push({ code: 'over_cap', params: { hours: Math.round(f.monthHours), cap: f.capHoursPerMonth! }, effect: 'minus' });
	return { profileId: f.profileId, score, tier: over ? 2 : f.missing.length ? 1 : 0, reasons, missing: f.missing, invited: f.invited, recentHours: f.recentHours };
}

// ---- Ehrenamtskarte NRW ----

/** The check of the Ehrenamtskarte NRW: hours of each of the last `years` years against the threshold. */
export interface CardCheck {
	eligible: boolean;
	threshold: number;
	years: { from: string; to: string; hours: number; met: boolean }[];
}

/** Hours from minutes, to a tenth (what the ledger, the card check, the certificate and the statistics show). */
export function hoursOf(minutes: number): number {
	return Math.round(minutes / 6) / 10;
}

/**
 * Whether confirmed hours reach the threshold in each of the last `cardYears` twelve-month
 * periods ending on `today`, counted across organisations.
 * @param entries confirmed entries: date `YYYY-MM-DD` and minutes.
 */
export function ehrenamtskarteCheck(entries: { workedOn: string; minutes: number }[], settings: Pick<Settings, 'cardHoursPerYear' | 'cardYears'>, today: string): CardCheck {
	const years: CardCheck['years'] = [];
	let to = today;
	for (let i = 0; i < settings.cardYears; i++) {
		const from = addDays(addMonths(to, -12), 1);
		const minutes = entries.filter((e) => e.workedOn >= from && e.workedOn <= to).reduce((n, e) => n + e.minutes, 0);
		const hours = hoursOf(minutes);
		years.push({ from, to, hours, met: hours >= settings.cardHoursPerYear });
		to = addDays(from, -1);
	}
	return { eligible: years.every((y) => y.met), threshold: settings.cardHoursPerYear, years };
}

/** Statistics hide counts below this (as casework's reports do). */
export const SMALL_COUNT = 5;

/** A count as published: below `SMALL_COUNT` (but not zero) it is suppressed. */
export function suppressed(n: number): number | null {
	return n > 0 && n < SMALL_COUNT ? null : n;
}
