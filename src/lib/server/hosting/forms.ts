/**
 * Hosting's staff forms read (issue 15 §1–§3): the room form (bookable hours as one row per
 * weekday, closures as rows of from / to / note, a single day when "to" is empty), the event
 * form (details, and for a new event its dates) and the series edit of a booking. Problems
 * found by the services are renamed to the form's fields, and their dates written in the
 * reader's language (Europe/Berlin), so an error names the field and the date as the reader
 * reads dates.
 */
import { formatDay } from '../../wegweiser';
import { ValidationError, type FieldIssue } from '../core/errors';
import { formList, formText } from '../core/form';
import { EDIT_SCOPES, weekdayOf, type EditScope, type EventKind, type Series } from './model';
import type { EventDetails } from './events';
import type { RoomInput } from './rooms';
import type { BookableSlot, Closure } from './schema';
import { listText } from '../../messages';

const BYDAY = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** The room form as drawn: every weekday's hours, the closure rows, the choices made. */
export interface RoomFormValues {
	instanceId: string;
	name: string;
	capacity: string;
	accessibility: string[];
	equipment: string[];
	/** Seven rows, Monday first. */
	hours: { day: number; opens: string; closes: string }[];
	closures: { from: string; to: string; note: string }[];
	maxAdvanceDays: string;
	listing: string;
}

/** Empty closure rows the form offers beyond the room's closures. */
const SPARE_CLOSURE_ROWS = 3;

/** The form values of a stored room (or of a new one: weekdays 08:00–18:00, a year ahead). */
export function roomToForm(room: { instanceId: string; name: string; capacity: number; accessibility: string[]; equipment: string[]; bookableHours: BookableSlot[]; closures: Closure[]; maxAdvanceDays: number; listing: string } | null, instanceId = ''): RoomFormValues {
	const hours = Array.from({ length: 7 }, (_, i) => {
		const slot = room ? room.bookableHours.find((h) => h.day === i + 1) : i < 5 ? { opens: '08:00', closes: '18:00' } : undefined;
		return { day: i + 1, opens: slot?.opens ?? '', closes: slot?.closes ?? '' };
	});
	return {
		instanceId: room?.instanceId ?? instanceId,
		name: room?.name ?? '',
		capacity: room ? String(room.capacity) : '',
		accessibility: room?.accessibility ?? [],
		equipment: room?.equipment ?? [],
		hours,
		closures: [...(room?.closures ?? []).map((c) => ({ from: c.from, to: c.to === c.from ? '' : c.to, note: c.note })), ...Array.from({ length: SPARE_CLOSURE_ROWS }, () => ({ from: '', to: '', note: '' }))],
		maxAdvanceDays: String(room?.maxAdvanceDays ?? 365),
		listing: room?.listing ?? 'public'
	};
}

/** The room form as sent (rows as typed), to draw again after a refusal. */
export function roomFormValues(form: FormData): RoomFormValues {
	const rows = Math.min(200, Number(formText(form, 'closureRows')) || 0);
	return {
		instanceId: formText(form, 'instanceId'),
		name: formText(form, 'name'),
		capacity: formText(form, 'capacity'),
		accessibility: formList(form, 'accessibility'),
		equipment: formList(form, 'equipment'),
		hours: Array.from({ length: 7 }, (_, i) => ({ day: i + 1, opens: formText(form, `hours.${i + 1}.opens`), closes: formText(form, `hours.${i + 1}.closes`) })),
		closures: Array.from({ length: rows }, (_, i) => ({ from: formText(form, `closures.${i}.from`), to: formText(form, `closures.${i}.to`), note: formText(form, `closures.${i}.note`) })),
		maxAdvanceDays: formText(form, 'maxAdvanceDays'),
		listing: formText(form, 'listing')
	};
}

/** A whole number as typed, or NaN (which the services refuse as out of range). */
function wholeNumber(text: string): number {
	return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * The room the form describes, and how to name the services' problems by the form's rows: a
 * weekday with no hours is left out, a closure without "to" is that single day, empty rows are
 * skipped.
 */
export function roomFromForm(v: RoomFormValues, locationId: string | null): { input: RoomInput; fields: (issue: FieldIssue) => FieldIssue } {
	const hourRows = v.hours.filter((h) => h.opens || h.closes);
	const closureRows = v.closures.map((c, row) => ({ ...c, row })).filter((c) => c.from || c.to || c.note);
	const input: RoomInput = {
		instanceId: v.instanceId,
		locationId,
		name: v.name,
		capacity: wholeNumber(v.capacity),
		accessibility: v.accessibility,
		equipment: v.equipment,
		bookableHours: hourRows.map((h) => ({ day: h.day, opens: h.opens, closes: h.closes })),
		closures: closureRows.map((c) => ({ from: c.from, to: c.to || c.from, note: c.note })),
		maxAdvanceDays: wholeNumber(v.maxAdvanceDays),
		listing: v.listing as RoomInput['listing']
	};
	const fields = (issue: FieldIssue): FieldIssue => {
		const m = /^(bookableHours|closures)\.(\d+)$/.exec(issue.field);
		if (!m) return issue;
		const i = Number(m[2]);
		return m[1] === 'bookableHours' ? { ...issue, field: `hours.${hourRows[i]?.day ?? 1}.opens` } : { ...issue, field: `closures.${closureRows[i]?.row ?? 0}.from` };
	};
	return { input, fields };
}

/** The event form as drawn. */
export interface EventFormValues {
	roomId: string;
	kind: string;
	title: string;
	description: string;
	languages: string[];
	otherLanguages: string;
	targetGroups: string[];
	themeFields: string[];
	free: boolean;
	capacity: string;
	open: boolean;
	byName: boolean;
	hosts: string[];
	retentionDays: string;
	firstDay: string;
	lastDay: string;
	startTime: string;
	endTime: string;
	weekly: boolean;
	sessions: string;
}

/** The form values of a stored event (or a new one: a course, registration open, free). */
export function eventToForm(event: { kind: string; title: string; description: string; languages: string[]; targetGroups: string[]; themeFields: string[]; free: boolean; capacity: number | null; registrationOpen: boolean; attendanceByName: boolean; hostVolunteerIds: string[]; retentionDays: number } | null, uiLocales: readonly string[]): EventFormValues {
	return {
		roomId: '',
		kind: event?.kind ?? 'course',
		title: event?.title ?? '',
		description: event?.description ?? '',
		languages: (event?.languages ?? []).filter((l) => uiLocales.includes(l)),
		otherLanguages: (event?.languages ?? []).filter((l) => !uiLocales.includes(l)).join(', '),
		targetGroups: event?.targetGroups ?? [],
		themeFields: event?.themeFields ?? [],
		free: event?.free ?? true,
		capacity: event?.capacity === null || event?.capacity === undefined ? '' : String(event.capacity),
		open: event?.registrationOpen ?? true,
		byName: event?.attendanceByName ?? false,
		hosts: event?.hostVolunteerIds ?? [],
		retentionDays: String(event?.retentionDays ?? 30),
		firstDay: '',
		lastDay: '',
		startTime: '',
		endTime: '',
		weekly: false,
		sessions: ''
	};
}

/** The event form as sent. */
export function eventFormValues(form: FormData): EventFormValues {
	return {
		roomId: formText(form, 'roomId'),
		kind: formText(form, 'kind'),
		title: formText(form, 'title'),
		description: formText(form, 'description'),
		languages: formList(form, 'languages'),
		otherLanguages: formText(form, 'otherLanguages'),
		targetGroups: formList(form, 'targetGroups'),
		themeFields: formList(form, 'themeFields'),
		free: formText(form, 'free') === '1',
		capacity: formText(form, 'capacity'),
		open: formText(form, 'open') === '1',
		byName: formText(form, 'byName') === '1',
		hosts: formList(form, 'hostVolunteerIds'),
		retentionDays: formText(form, 'retentionDays'),
		firstDay: formText(form, 'firstDay'),
		lastDay: formText(form, 'lastDay'),
		startTime: formText(form, 'startTime'),
		endTime: formText(form, 'endTime'),
		weekly: formText(form, 'weekly') === '1',
		sessions: formText(form, 'sessions')
	};
}

/** An event's details from the form (a blank capacity is "no limit"). */
export function eventDetailsFromForm(v: EventFormValues): EventDetails {
	return {
		kind: v.kind as EventKind,
		title: v.title,
		description: v.description,
		languages: [...v.languages, ...v.otherLanguages.split(/[,\s]+/).filter(Boolean)],
		targetGroups: v.targetGroups,
		themeFields: v.themeFields,
		free: v.free,
		capacity: v.capacity === '' ? null : wholeNumber(v.capacity),
		registrationOpen: v.open,
		attendanceByName: v.byName,
		hostVolunteerIds: v.hosts,
		retentionDays: v.retentionDays === '' ? undefined : wholeNumber(v.retentionDays)
	};
}

/**
 * A new event's dates from the form: one date, or weekly on the first day's weekday up to the
 * last day; further session dates (a course's extra sessions, RDATEs) separated by commas or
 * spaces, each inside first to last day (else the service names it: `ho_outside_series`).
 */
export function eventSeriesFromForm(v: EventFormValues): Series {
	const weekly = v.weekly && /^\d{4}-\d{2}-\d{2}$/.test(v.firstDay);
	return {
		firstDay: v.firstDay,
		lastDay: v.lastDay || v.firstDay,
		startTime: v.startTime,
		endTime: v.endTime,
		rrule: weekly ? `FREQ=WEEKLY;BYDAY=${BYDAY[weekdayOf(v.firstDay) - 1]}` : null,
		exdates: [],
		rdates: v.sessions.split(/[,\s]+/).filter(Boolean)
	};
}

/** A series edit as sent from a booking's page. */
export function seriesEditFromForm(form: FormData): { scope: EditScope; day: string; startTime: string; endTime: string; lastDay: string; skipConflicts: boolean } {
	const scope = formText(form, 'scope');
	return { scope: ((EDIT_SCOPES as readonly string[]).includes(scope) ? scope : 'invalid') as EditScope, day: formText(form, 'day'), startTime: formText(form, 'startTime'), endTime: formText(form, 'endTime'), lastDay: formText(form, 'lastDay'), skipConflicts: formText(form, 'skip') === '1' };
}

/** Parameters of hosting's problems that hold dates (`dates` a comma-separated list). */
const DATE_PARAMS = ['date', 'first', 'last', 'from', 'to'];

/** An issue with its dates written in `locale` (Europe/Berlin), e.g. `2026-04-06` → `06.04.2026`. */
export function localizedIssue(issue: FieldIssue, locale: string): FieldIssue {
	if (!issue.params) return issue;
	const params = { ...issue.params };
	for (const key of DATE_PARAMS) if (typeof params[key] === 'string') params[key] = formatDay(params[key] as string, locale);
	if (typeof params.dates === 'string') params.dates = listText(params.dates.split(', ').map((d) => formatDay(d, locale)), locale);
	return { ...issue, params };
}

/**
 * Runs a service call and rethrows its ValidationError with the form's field names (`fields`)
 * and dates in the reader's language.
 */
export async function inReadersTerms<T>(locale: string, work: () => Promise<T>, fields: (issue: FieldIssue) => FieldIssue = (i) => i): Promise<T> {
	try {
		return await work();
	} catch (e) {
		if (e instanceof ValidationError) throw new ValidationError(e.issues.map((i) => localizedIssue(fields(i), locale)));
		throw e;
	}
}
