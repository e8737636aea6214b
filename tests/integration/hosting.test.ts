/**
 * Hosting (issue 15) on the world fixture: rooms, a partner's weekly request approved by staff
 * skipping a holiday, the slot in the HSDS API and its cancelled date gone from it, clashes,
 * a full course with its waiting list, cancellation and automatic promotion read from the
 * outbox, attendance, the iCalendar feeds read by ical.js, the public week, and the deletion of
 * participants' data with `ANLAUFSTELLE_NOW` past the period — with every bad-input path the
 * issue names. Runs on PGlite and PostgreSQL.
 */
import { eq } from 'drizzle-orm';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { AccessDeniedError, ConflictError } from '../../src/lib/server/core/errors';
import { readConfig } from '../../src/lib/server/core/config';
import { readOutbox } from '../../src/lib/server/core/mail';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { getServiceHsds, parseHsdsQuery } from '../../src/lib/server/directory/hsds/api';
import { location } from '../../src/lib/server/directory/schema';
import { saveOrganization, saveService } from '../../src/lib/server/directory/service';
import { bookRoom, cancelOccurrence, decideBooking, editSeries, findBooking, type BookingInput } from '../../src/lib/server/hosting/bookings';
import { calendarWeek, eventFeed, eventJsonLd, instanceFeed, roomFeed } from '../../src/lib/server/hosting/calendar';
import { attendanceOf, cancelByToken, createEvent, eventsHostedBy, findEvent, eraseParticipants, listRegistrations, placeCounts, recordAttendance, register, sendReminders, sessionDays, updateEvent, updateRegistration, type EventInput } from '../../src/lib/server/hosting/events';
import { cancelEvent } from '../../src/lib/server/hosting/offers';
import { newEventPage } from '../../src/lib/server/hosting/pages/manage';
import { eventDetailsFromForm, eventFormValues, eventSeriesFromForm, inReadersTerms, localizedIssue, roomFromForm, seriesEditFromForm } from '../../src/lib/server/hosting/forms';
import { insertVolunteerAccount } from '../../src/lib/server/accounts/volunteering-reads';
import { eligibleHosts } from '../../src/lib/server/volunteering/hosting-reads';
import { checkProfile, insertProfile, type ProfileInput } from '../../src/lib/server/volunteering/profiles';
import { saveRoom, type RoomInput } from '../../src/lib/server/hosting/rooms';
import { seriesDays, seriesDaysByLibrary } from '../../src/lib/server/hosting/model';
import { issuesOf } from '../helpers/errors';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { buildWorld, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-hosting-');

let h: DatabaseHandle;
let w: World;
let placeId: string;
let otherRoomId: string;
let jobcenterOffer: string;
let jobcenter: string;
/** Monday 2 March 2026, 10:00 Berlin. */
const NOW = new Date('2026-03-02T09:00:00Z');

const WEEKDAYS = [1, 2, 3, 4, 5].map((day) => ({ day, opens: '08:00', closes: '20:00' }));

function room(over: Partial<RoomInput> = {}): RoomInput {
	return {
		instanceId: w.ids.a,
		locationId: placeId,
		name: 'Gruppenraum 1',
		capacity: 20,
		accessibility: ['step_free', 'hearing_loop'],
		equipment: ['whiteboard'],
		bookableHours: WEEKDAYS,
		// Easter Monday 2026.
		closures: [{ from: '2026-04-06', to: '2026-04-06', note: 'Ostermontag' }],
		maxAdvanceDays: 365,
		listing: 'public',
		...over
	};
}

function request(roomId: string, over: Partial<BookingInput> = {}): BookingInput {
	return {
		roomId,
		title: 'Sprechstunde Jobcenter',
		purpose: 'external',
		providerOrganizationId: jobcenter,
		serviceId: jobcenterOffer,
		firstDay: '2026-03-09',
		lastDay: '2026-05-25',
		startTime: '10:00',
		endTime: '12:00',
		rrule: 'FREQ=WEEKLY;BYDAY=MO',
		contactEmail: 'jobcenter@example.org',
		contactLocale: 'ar',
		...over
	};
}

function course(roomId: string, over: Partial<EventInput> = {}): EventInput {
	return {
		roomId,
		kind: 'course',
		title: 'Deutschkurs A1',
		description: 'Zehn Termine, eine Anmeldung.',
		languages: ['de', 'ar'],
		targetGroups: ['newcomers'],
		themeFields: ['civil_society'],
		free: true,
		capacity: 2,
		attendanceByName: false,
		hostVolunteerIds: [],
		series: { firstDay: '2026-03-03', lastDay: '2026-05-05', startTime: '17:00', endTime: '18:30', rrule: 'FREQ=WEEKLY;BYDAY=TU', exdates: [], rdates: [] },
		...over
	};
}

/** The text of the last message to `to`, decoded. */
async function lastMailTo(to: string): Promise<{ subject: string; body: string } | null> {
	const { default: PostalMime } = await import('postal-mime');
	const raws = (await readOutbox()).filter((m) => m.raw.includes(`To: ${to}`));
	if (!raws.length) return null;
	const parsed = await PostalMime.parse(raws.at(-1)!.raw);
	return { subject: parsed.subject ?? '', body: parsed.text ?? '' };
}

/** Every HSDS schedule object anywhere in a service, by valid_from. */
function schedulesIn(json: unknown): { valid_from: string; valid_to: string; freq: string; byday: string }[] {
	const out: { valid_from: string; valid_to: string; freq: string; byday: string }[] = [];
	const walk = (v: unknown, key = '') => {
		if (Array.isArray(v)) for (const x of v) (key === 'schedules' ? out.push(x) : walk(x));
		else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
	};
	walk(json);
	return out.sort((a, b) => a.valid_from.localeCompare(b.valid_from));
}

const q = (params = '') => parseHsdsQuery(new URLSearchParams(params), null);

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	const wp = await saveOrganization(h.db, systemPrincipal('t'), w.ids.k, org({ name: 'Welcome Point Kalk', instanceId: w.ids.a, locations: [{ name: 'Welcome Point Kalk', street: 'Kalker Hauptstraße 2', postalCode: '51103', city: 'Köln', latitude: null, longitude: null, accessibility: [], accessibilityNote: {}, directions: {} }] }));
	[{ id: placeId }] = await h.db.select({ id: location.id }).from(location).where(eq(location.organizationId, wp.id));
	jobcenter = (await saveOrganization(h.db, systemPrincipal('t'), w.ids.k, org({ name: 'Jobcenter Köln' }))).id;
	jobcenterOffer = (await saveService(h.db, systemPrincipal('t'), w.ids.k, { ...offer(jobcenter), email: 'partner@example.org', locations: [], schedules: [] })).id;
	const other = await saveRoom(h.db, systemPrincipal('t'), { ...room(), instanceId: w.ids.c, locationId: null, name: 'Raum Beuel' });
	otherRoomId = other.id;
}, 120_000);

afterAll(async () => {
	await h?.close();
});

describe(`hosting (${DB_KIND})`, () => {
	let roomId: string;
	let bookingId: string;

	it('keeps rooms, and names each bad field', async () => {
		const issues = await issuesOf(saveRoom(h.db, w.who.staffA, room({ name: ' ', capacity: 0, accessibility: ['lift'], bookableHours: [{ day: 8, opens: '10:00', closes: '09:00' }], closures: [{ from: '2026-05-02', to: '2026-05-01', note: '' }] })));
		expect(issues.map((i) => i.field)).toEqual(['name', 'capacity', 'accessibility', 'bookableHours.0', 'closures.0']);
		await expect(saveRoom(h.db, w.who.staffB, room())).rejects.toBeInstanceOf(AccessDeniedError);
		roomId = (await saveRoom(h.db, w.who.staffA, room())).id;
		expect(await countRows(h, 'hosting_room')).toBe(2);
	});

	it('asks staff of an instance without a room for one before a new event, and refuses readers who manage no instance', async () => {
		expect((await newEventPage(h.db, w.who.staffB, 'de')).rooms).toEqual([]);
		expect((await newEventPage(h.db, w.who.staffA, 'de')).rooms.map((r) => r.value)).toContain(roomId);
		await expect(newEventPage(h.db, w.who.partner, 'de')).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(newEventPage(h.db, w.who.volunteer, 'de')).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('refuses a partner request for a room of another municipality', async () => {
		const issues = await issuesOf(bookRoom(h.db, w.who.partner, request(otherRoomId), NOW));
		expect(issues).toEqual([{ field: 'roomId', code: 'ho_other_municipality' }]);
	});

	it('refuses dates outside the bookable hours, naming the date', async () => {
		const issues = await issuesOf(bookRoom(h.db, w.who.partner, request(roomId, { rrule: 'FREQ=WEEKLY;BYDAY=MO,SA' }), NOW));
		expect(issues).toEqual([{ field: 'startTime', code: 'ho_outside_hours', params: { date: '2026-03-14', start: '10:00', end: '12:00' } }]);
		const late = await issuesOf(bookRoom(h.db, w.who.partner, request(roomId, { startTime: '19:00', endTime: '21:00' }), NOW));
		expect(late[0]).toMatchObject({ field: 'startTime', code: 'ho_outside_hours', params: { date: '2026-03-09' } });
	});

	it('a partner requests a weekly slot; staff approve it skipping the holiday, and the provider hears in Arabic', async () => {
		const requested = await bookRoom(h.db, w.who.partner, request(roomId), NOW);
		bookingId = requested.id;
		expect(requested.status).toBe('requested');
		expect(requested.requestedBy).toBe(w.who.partner.userId);
		expect(requested.providerOrganizationId).toBe(jobcenter);
		await expect(decideBooking(h.db, w.who.staffB, bookingId, { approve: true })).rejects.toBeInstanceOf(AccessDeniedError);
		const closed = await issuesOf(decideBooking(h.db, w.who.staffA, bookingId, { approve: true }, NOW));
		expect(closed).toEqual([{ field: 'firstDay', code: 'ho_closed', params: { date: '2026-04-06', note: 'Ostermontag', count: 1 } }]);
		const approved = await decideBooking(h.db, w.who.staffA, bookingId, { approve: true, skipConflicts: true }, NOW);
		expect(approved.status).toBe('approved');
		expect(approved.skippedDates).toEqual(['2026-04-06']);
		await expect(decideBooking(h.db, w.who.staffA, bookingId, { approve: false, reason: 'x' })).rejects.toBeInstanceOf(ConflictError);
		const mail = await lastMailTo('jobcenter@example.org');
		expect(mail?.subject).toContain('تم تأكيد حجز القاعة');
		expect(mail?.body).toContain(new Intl.DateTimeFormat('ar', { dateStyle: 'medium', timeZone: 'Europe/Berlin' }).format(new Date('2026-04-06T12:00:00Z')));
	});

	it('publishes the approved slot in the directory: the HSDS API shows it, without the holiday or a cancelled date', async () => {
		const slots = async () => schedulesIn(await getServiceHsds(h.db, jobcenterOffer, q()));
		const before = await slots();
		expect(before[0]).toMatchObject({ freq: 'WEEKLY', byday: 'MO' });
		expect(before.map((s) => [s.valid_from, s.valid_to])).toEqual([
			['2026-03-09', '2026-03-30'],
			['2026-04-13', '2026-05-25']
		]);
		const service = (await getServiceHsds(h.db, jobcenterOffer, q())) as { service_at_locations: { location: { id: string } }[] };
		expect(service.service_at_locations.map((s) => s.location.id)).toContain(placeId);
		await cancelOccurrence(h.db, w.who.staffA, bookingId, '2026-04-20');
		expect((await slots()).map((s) => [s.valid_from, s.valid_to])).toEqual([
			['2026-03-09', '2026-03-30'],
			['2026-04-13', '2026-04-13'],
			['2026-04-27', '2026-05-25']
		]);
		expect(await issuesOf(cancelOccurrence(h.db, w.who.staffA, bookingId, '2026-04-21'))).toEqual([{ field: 'day', code: 'ho_not_in_series', params: { date: '2026-04-21' } }]);
	});

	it('detects clashes: refused with the dates, or skipped and listed by staff', async () => {
		const clash = request(roomId, { title: 'Beratung', providerOrganizationId: null, serviceId: null, purpose: 'internal', firstDay: '2026-03-16', lastDay: '2026-03-30', startTime: '11:00', endTime: '13:00' });
		expect(await issuesOf(bookRoom(h.db, w.who.staffA, clash, NOW))).toEqual([{ field: 'firstDay', code: 'ho_clash', params: { date: '2026-03-16', dates: '2026-03-16, 2026-03-23, 2026-03-30', count: 3 } }]);
		const all = await issuesOf(bookRoom(h.db, w.who.staffA, { ...clash, skipConflicts: true }, NOW));
		expect(all).toEqual([{ field: 'rrule', code: 'ho_no_dates' }]);
		const partly = await bookRoom(h.db, w.who.staffA, { ...clash, lastDay: '2026-04-20', skipConflicts: true }, NOW);
		expect(partly.status).toBe('approved');
		expect(partly.skippedDates).toEqual(['2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06', '2026-04-13']);
	});

	it('edits this date, this and later ones, or all', async () => {
		const own = await bookRoom(h.db, w.who.staffA, request(roomId, { title: 'Teamsitzung', purpose: 'internal', providerOrganizationId: null, serviceId: null, rrule: 'FREQ=WEEKLY;BYDAY=WE', firstDay: '2026-03-04', lastDay: '2026-04-29', startTime: '14:00', endTime: '15:00' }), NOW);
		expect(await issuesOf(editSeries(h.db, w.who.staffA, own.id, { scope: 'next' as 'this', day: '2026-03-11', startTime: '15:00', endTime: '16:00' }, NOW))).toEqual([{ field: 'scope', code: 'ho_unknown_value' }]);
		expect(await issuesOf(editSeries(h.db, w.who.staffA, own.id, { scope: 'this', day: '2026-03-11', startTime: '21:00', endTime: '22:00' }, NOW))).toEqual([{ field: 'startTime', code: 'ho_outside_hours', params: { date: '2026-03-11', start: '21:00', end: '22:00' } }]);
		const one = await editSeries(h.db, w.who.staffA, own.id, { scope: 'this', day: '2026-03-11', startTime: '15:00', endTime: '16:00' }, NOW);
		expect([one.firstDay, one.lastDay, one.startTime, one.rrule]).toEqual(['2026-03-11', '2026-03-11', '15:00', null]);
		const later = await editSeries(h.db, w.who.staffA, own.id, { scope: 'future', day: '2026-04-01', startTime: '16:00', endTime: '17:00' }, NOW);
		expect([later.firstDay, later.lastDay, later.startTime]).toEqual(['2026-04-01', '2026-04-29', '16:00']);
		const all = await editSeries(h.db, w.who.staffA, own.id, { scope: 'all', day: '2026-03-04', startTime: '13:00', endTime: '14:00' }, NOW);
		expect([all.firstDay, all.lastDay, all.startTime, all.exdates]).toEqual(['2026-03-04', '2026-03-31', '13:00', ['2026-03-11']]);
	});

	it('moves the last day of a weekly series for all its dates: later weeks are checked like a new booking, past weeks stay', async () => {
		const weekly = await bookRoom(h.db, w.who.staffA, request(roomId, { title: 'Elterncafé', purpose: 'internal', providerOrganizationId: null, serviceId: null, rrule: 'FREQ=WEEKLY;BYDAY=WE', firstDay: '2026-03-04', lastDay: '2026-03-25', startTime: '10:00', endTime: '11:00' }), NOW);
		const edit = { scope: 'all' as const, day: '2026-03-04', startTime: '10:00', endTime: '11:00' };
		const longer = await editSeries(h.db, w.who.staffA, weekly.id, { ...edit, lastDay: '2026-04-15' }, NOW);
		expect([longer.id, longer.lastDay]).toEqual([weekly.id, '2026-04-15']);
		expect(sessionDays(longer).slice(-3)).toEqual(['2026-04-01', '2026-04-08', '2026-04-15']);
		// A booking in a new week is a clash, named by its date; nothing changes.
		await bookRoom(h.db, w.who.staffA, request(roomId, { title: 'Einzeltermin', purpose: 'internal', providerOrganizationId: null, serviceId: null, rrule: null, firstDay: '2026-04-22', lastDay: '2026-04-22', startTime: '10:30', endTime: '11:30' }), NOW);
		expect(await issuesOf(editSeries(h.db, w.who.staffA, weekly.id, { ...edit, lastDay: '2026-04-29' }, NOW))).toEqual([{ field: 'firstDay', code: 'ho_clash', params: { date: '2026-04-22', dates: '2026-04-22', count: 1 } }]);
		expect((await findBooking(h.db, weekly.id))!.lastDay).toBe('2026-04-15');
		// Ending earlier takes only dates from today on; an earlier end before today is refused.
		const april = new Date('2026-04-02T09:00:00Z');
		expect(await issuesOf(editSeries(h.db, w.who.staffA, weekly.id, { ...edit, lastDay: '2026-03-25' }, april))).toEqual([{ field: 'lastDay', code: 'ho_in_past', params: { date: '2026-03-25' } }]);
		expect((await editSeries(h.db, w.who.staffA, weekly.id, { ...edit, lastDay: '2026-04-08' }, april)).lastDay).toBe('2026-04-08');
		expect(await issuesOf(editSeries(h.db, w.who.staffA, weekly.id, { ...edit, lastDay: '2026-02-30' }, NOW))).toContainEqual({ field: 'lastDay', code: 'invalid_date' });
		expect(await issuesOf(editSeries(h.db, w.who.staffA, weekly.id, { ...edit, lastDay: '2026-03-01' }, NOW))).toEqual([{ field: 'lastDay', code: 'ho_before_first', params: { date: '2026-03-01' } }]);
		expect(await issuesOf(editSeries(h.db, w.who.staffA, weekly.id, { ...edit, scope: 'future', day: '2026-03-11', lastDay: '2026-04-29' }, NOW))).toEqual([{ field: 'lastDay', code: 'ho_last_day_all' }]);
		const single = await bookRoom(h.db, w.who.staffA, request(roomId, { title: 'Einmalig', purpose: 'internal', providerOrganizationId: null, serviceId: null, rrule: null, firstDay: '2026-03-05', lastDay: '2026-03-05', startTime: '10:00', endTime: '11:00' }), NOW);
		expect(await issuesOf(editSeries(h.db, w.who.staffA, single.id, { ...edit, day: '2026-03-05', lastDay: '2026-03-12' }, NOW))).toEqual([{ field: 'lastDay', code: 'ho_last_day_single' }]);
		// Added weeks never lie in the past, and the room's horizon counts from today (the test room: 365 days).
		const may = new Date('2026-05-20T09:00:00Z');
		expect(await issuesOf(editSeries(h.db, w.who.staffA, weekly.id, { ...edit, lastDay: '2026-05-27' }, may))).toEqual([{ field: 'lastDay', code: 'ho_in_past', params: { date: '2026-04-15' } }]);
		// The same last day, or none, leaves it as it is.
		expect((await editSeries(h.db, w.who.staffA, weekly.id, { ...edit, lastDay: '' }, NOW)).lastDay).toBe('2026-04-08');
	});

	let eventId: string;
	let firstToken: string;

	it('refuses a course session outside its series, naming the date', async () => {
		const issues = await issuesOf(createEvent(h.db, w.who.staffA, course(roomId, { series: { ...course(roomId).series, rdates: ['2026-06-02'] } }), NOW));
		expect(issues).toEqual([{ field: 'rdates', code: 'ho_outside_series', params: { date: '2026-06-02', first: '2026-03-03', last: '2026-05-05' } }]);
		expect(await countRows(h, 'hosting_event')).toBe(0);
	});

	it('registers without an account; the next registration of a full course goes to the waiting list', async () => {
		eventId = (await createEvent(h.db, w.who.staffA, course(roomId), NOW)).id;
		const bad = await issuesOf(register(h.db, eventId, { name: ' ', language: 'x y', email: 'nope', phone: 'abc' }, NOW));
		expect(bad.map((i) => `${i.field}:${i.code}`)).toEqual(['name:required', 'language:invalid_language', 'email:invalid_email', 'phone:ho_invalid_phone']);
		const first = await register(h.db, eventId, { name: 'Amal', language: 'ar', email: 'amal@example.org', phone: '' }, NOW);
		firstToken = first.token;
		expect(first.status).toBe('confirmed');
		expect((await register(h.db, eventId, { name: 'Olena', language: 'uk', email: '', phone: '+49 170 1234567' }, NOW)).status).toBe('confirmed');
		const third = await register(h.db, eventId, { name: 'Reza', language: 'fa', email: 'reza@example.org', phone: '' }, NOW);
		expect([third.status, third.position]).toEqual(['waiting', 1]);
		expect(await placeCounts(h.db, eventId)).toEqual({ confirmed: 2, waiting: 1 });
		const confirmation = await lastMailTo('amal@example.org');
		expect(confirmation?.body).toContain(`/ar/hosting/cancel/${firstToken}`);
		expect((await lastMailTo('reza@example.org'))?.subject).toContain('فهرست انتظار');
	});

	it('refuses a capacity below the number registered', async () => {
		expect(await issuesOf(updateRegistration(h.db, w.who.staffA, eventId, { capacity: 1, registrationOpen: true }))).toEqual([{ field: 'capacity', code: 'ho_below_registered', params: { count: 2, capacity: 1 } }]);
	});

	it('the first participant cancels; the next moves up and is told by email; the link used twice says so', async () => {
		expect((await cancelByToken(h.db, firstToken, NOW)).outcome).toBe('cancelled');
		expect(await placeCounts(h.db, eventId)).toEqual({ confirmed: 2, waiting: 0 });
		const promoted = await lastMailTo('reza@example.org');
		expect(promoted?.subject).toContain('جا برای شما باز شد');
		expect((await cancelByToken(h.db, firstToken, NOW)).outcome).toBe('already_cancelled');
	});

	it('reminds each confirmed participant with an email once before a session, in their language', async () => {
		const outboxBefore = (await readOutbox()).length;
		// Monday 9 March, 19:00 Berlin: the session of Tuesday 10 March, 17:00, is within 24 hours.
		expect(await sendReminders(h.db, new Date('2026-03-09T18:00:00Z'))).toEqual({ reminders: 1 });
		const reminder = await lastMailTo('reza@example.org');
		expect(reminder?.subject).toContain('Deutschkurs A1');
		// 17:00 Berlin, in Persian digits.
		expect(reminder?.body).toContain('۱۷:۰۰');
		// A second run for the same session sends nothing; Amal cancelled, Olena gave no email.
		expect(await sendReminders(h.db, new Date('2026-03-09T20:00:00Z'))).toEqual({ reminders: 0 });
		expect((await readOutbox()).length).toBe(outboxBefore + 1);
		expect((await readOutbox()).slice(outboxBefore).some((m) => m.raw.includes('amal@example.org'))).toBe(false);
		// Two days ahead of a session is too early; the next week's session reminds again.
		expect(await sendReminders(h.db, new Date('2026-03-15T12:00:00Z'))).toEqual({ reminders: 0 });
		expect(await sendReminders(h.db, new Date('2026-03-16T18:00:00Z'))).toEqual({ reminders: 1 });
	});

	it('closes registration', async () => {
		await updateRegistration(h.db, w.who.staffA, eventId, { capacity: 2, registrationOpen: false });
		await expect(register(h.db, eventId, { name: 'Late', language: 'de', email: '', phone: '' }, NOW)).rejects.toBeInstanceOf(ConflictError);
	});

	it('takes attendance per session', async () => {
		expect(await recordAttendance(h.db, w.who.staffA, eventId, { day: '2026-03-03', count: 2, registrationIds: [] })).toEqual({ count: 2 });
		expect(await recordAttendance(h.db, w.who.staffA, eventId, { day: '2026-03-10', count: 1, registrationIds: [] })).toEqual({ count: 1 });
		expect(await issuesOf(recordAttendance(h.db, w.who.staffA, eventId, { day: '2026-03-04', count: 1, registrationIds: [] }))).toEqual([{ field: 'day', code: 'ho_not_in_series', params: { date: '2026-03-04' } }]);
		expect(await issuesOf(recordAttendance(h.db, w.who.staffA, eventId, { day: '2026-03-17', count: -1, registrationIds: [] }))).toEqual([{ field: 'count', code: 'out_of_range', params: { min: 0, max: 10_000 } }]);
		await expect(recordAttendance(h.db, w.who.staffB, eventId, { day: '2026-03-17', count: 1, registrationIds: [] })).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('shows the public week with filters, and the hosted slot beside own events', async () => {
		const week = await calendarWeek(h.db, { municipalityId: w.ids.k }, '2026-03-09');
		expect(week.map((e) => [e.day, e.title, e.source])).toEqual([
			['2026-03-09', 'Sprechstunde Jobcenter', 'hosted'],
			['2026-03-10', 'Deutschkurs A1', 'event']
		]);
		// The hosted offer is filtered by its directory entry (Arabic and German, for newcomers, free).
		expect((await calendarWeek(h.db, { municipalityId: w.ids.k }, '2026-03-09', { language: 'ar' })).map((e) => e.title)).toEqual(['Sprechstunde Jobcenter', 'Deutschkurs A1']);
		expect((await calendarWeek(h.db, { municipalityId: w.ids.k }, '2026-03-09', { targetGroup: 'newcomers', freeOnly: true })).map((e) => e.title)).toEqual(['Sprechstunde Jobcenter', 'Deutschkurs A1']);
		expect((await calendarWeek(h.db, { municipalityId: w.ids.k }, '2026-03-09', { themeField: 'civil_society' })).map((e) => e.title)).toEqual(['Deutschkurs A1']);
		expect(await calendarWeek(h.db, { municipalityId: w.ids.k }, '2026-03-09', { language: 'tr' })).toEqual([]);
		expect(await calendarWeek(h.db, { municipalityId: w.ids.k, socialSpaceId: w.ids.s2a }, '2026-03-09')).toEqual([]);
		// 10:00 Berlin stays 10:00 across the change to summer time on 29 March 2026.
		const spring = await calendarWeek(h.db, { municipalityId: w.ids.k, instanceId: w.ids.a }, '2026-03-30');
		expect(spring[0].start.toISOString()).toBe('2026-03-30T08:00:00.000Z');
	});

	it('writes iCalendar feeds that an independent parser reads', async () => {
		const events = (text: string) => new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
		const course = events((await eventFeed(h.db, eventId, NOW))!);
		expect(course).toHaveLength(10);
		expect(course[0].summary).toBe('Deutschkurs A1');
		expect(course[0].startDate.toJSDate().toISOString()).toBe('2026-03-03T16:00:00.000Z');
		expect(course[4].startDate.toJSDate().toISOString()).toBe('2026-03-31T15:00:00.000Z');
		const inst = events(await instanceFeed(h.db, w.ids.k, w.ids.a, 'WP Kalk', NOW));
		expect(inst.filter((e) => e.summary === 'Sprechstunde Jobcenter').map((e) => e.startDate.toJSDate().toISOString().slice(0, 10))).not.toContain('2026-04-20');
		expect(inst.some((e) => e.summary === 'Teamsitzung')).toBe(false);
		await expect(roomFeed(h.db, w.who.partner, roomId, NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		expect(events((await roomFeed(h.db, w.who.staffA, roomId, NOW))!).some((e) => e.summary === 'Teamsitzung')).toBe(true);
	});

	it('describes the course as schema.org Event JSON-LD that a JSON Schema validator accepts', async () => {
		const ajv = new Ajv({ strict: false });
		addFormats(ajv);
		const event = { type: 'object', required: ['@type', 'name', 'startDate', 'endDate'], properties: { '@type': { const: 'Event' }, name: { type: 'string', minLength: 1 }, startDate: { type: 'string', format: 'date-time' }, endDate: { type: 'string', format: 'date-time' } } };
		const schema = {
			...event,
			required: [...event.required, '@context', 'location', 'eventStatus', 'eventAttendanceMode', 'subEvent'],
			properties: {
				...event.properties,
				'@context': { const: 'https://schema.org' },
				eventStatus: { enum: ['https://schema.org/EventScheduled', 'https://schema.org/EventCancelled'] },
				eventAttendanceMode: { const: 'https://schema.org/OfflineEventAttendanceMode' },
				location: { type: 'object', required: ['@type', 'name'], properties: { '@type': { const: 'Place' } } },
				inLanguage: { type: 'array', items: { type: 'string' } },
				isAccessibleForFree: { type: 'boolean' },
				maximumAttendeeCapacity: { type: 'integer', minimum: 1 },
				remainingAttendeeCapacity: { type: 'integer', minimum: 0 },
				subEvent: { type: 'array', minItems: 1, items: event }
			}
		};
		const found = (await findEvent(h.db, eventId))!;
		const ld = JSON.parse(JSON.stringify(eventJsonLd({ event: found.event, booking: found.booking, roomName: 'Gruppenraum 1', confirmed: 2, url: 'https://example.org/e', organizer: 'Köln' })));
		expect(ajv.validate(schema, ld), JSON.stringify(ajv.errors)).toBe(true);
		expect(ld.subEvent).toHaveLength(10);
		expect(ld.remainingAttendeeCapacity).toBe(0);
	});

	it('with ANLAUFSTELLE_NOW past the period, participants’ data is gone and the counts remain', async () => {
		expect(await eraseParticipants(h.db, new Date('2026-05-20T12:00:00Z'))).toEqual({ events: 0, registrations: 0 });
		process.env.ANLAUFSTELLE_NOW = '2026-06-05T12:00:00Z';
		try {
			expect(await eraseParticipants(h.db, readConfig().retentionNow!)).toEqual({ events: 1, registrations: 3 });
		} finally {
			delete process.env.ANLAUFSTELLE_NOW;
		}
		const regs = await listRegistrations(h.db, w.who.staffA, eventId);
		expect(regs.map((r) => [r.name, r.email, r.phone, r.tokenHash, r.status])).toEqual([
			['', null, null, null, 'cancelled'],
			['', null, null, null, 'confirmed'],
			['', null, null, null, 'confirmed']
		]);
		expect((await attendanceOf(h.db, eventId)).map((a) => a.count)).toEqual([2, 1]);
		await expect(cancelByToken(h.db, firstToken)).rejects.toThrow();
	});
});

describe(`hosting staff screens (${DB_KIND})`, () => {
	let roomId: string;
	let eventId: string;
	let hostHere: string;
	let hostElsewhere: string;
	let paused: string;

	/** A volunteer profile of the world's municipality, with its own account. */
	async function volunteerProfile(name: string, instanceId: string | null, over: Partial<ProfileInput> = {}): Promise<string> {
		const { clean, issues } = await checkProfile(h.db, w.ids.k, { displayName: name, languages: [{ language: 'de', level: 'native' }], activities: [], socialSpaceIds: [], availability: [], capHoursPerMonth: '', messageLocale: 'de', countInStatistics: true, consents: ['coordination'], ...over } as ProfileInput);
		expect(issues).toEqual([]);
		return h.db.transaction(async (tx) => {
			const userId = await insertVolunteerAccount(tx, { email: `${name.split(' ')[0].toLowerCase()}@example.org`, displayName: name, municipalityId: w.ids.k, password: 'x'.repeat(16), locale: 'de' });
			return (await insertProfile(tx, systemPrincipal('t'), { municipalityId: w.ids.k, instanceId, userId, clean, now: NOW })).id;
		});
	}

	beforeAll(async () => {
		roomId = (await saveRoom(h.db, w.who.staffA, room({ name: 'Gruppenraum 2', locationId: null }))).id;
		hostHere = await volunteerProfile('Hannelore Beispiel', w.ids.a);
		hostElsewhere = await volunteerProfile('Jonas Anderswo', w.ids.b);
		paused = await volunteerProfile('Petra Pause', null, { pausedFrom: '2026-02-01', pausedUntil: '2026-04-30' });
	});

	it('the room form names each row it refuses, by weekday and closure row, with dates in the reader\'s language', async () => {
		const values = { instanceId: w.ids.a, name: 'Werkraum', capacity: 'zwölf', accessibility: ['step_free'], equipment: ['kitchen'], hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, opens: day === 3 ? '18:00' : day <= 5 ? '09:00' : '', closes: day <= 5 ? '17:00' : '' })), closures: [{ from: '', to: '', note: '' }, { from: '2026-12-24', to: '2026-12-20', note: 'Weihnachten' }], maxAdvanceDays: '90', listing: 'internal' };
		const { input, fields } = roomFromForm(values, null);
		const issues = await issuesOf(inReadersTerms('de', () => saveRoom(h.db, w.who.staffA, input), fields));
		expect(issues.map((i) => i.field)).toEqual(['capacity', 'hours.3.opens', 'closures.1.from']);
		expect(issues[2].params).toMatchObject({ from: '24.12.2026', to: '20.12.2026' });
		const saved = await saveRoom(h.db, w.who.staffA, roomFromForm({ ...values, capacity: '12', hours: values.hours.map((x) => ({ ...x, opens: x.opens && '09:00' })), closures: [{ from: '2026-12-24', to: '', note: 'Heiligabend' }] }, null).input);
		expect([saved.capacity, saved.closures, saved.bookableHours.length, saved.listing]).toEqual([12, [{ from: '2026-12-24', to: '2026-12-24', note: 'Heiligabend' }], 5, 'internal']);
	});

	it('writes the dates of a clash in the reader\'s language', () => {
		const issue = localizedIssue({ field: 'firstDay', code: 'ho_clash', params: { date: '2026-03-16', dates: '2026-03-16, 2026-03-23', count: 2 } }, 'de');
		expect(issue.params).toEqual({ date: '16.03.2026', dates: '16.03.2026, 23.03.2026', count: 2 });
	});

	it('creates an event with a host; only active volunteers of its Welcome Point may host', async () => {
		const withHost = (ids: string[]) => course(roomId, { title: 'Sprachcafé', kind: 'course', capacity: 2, hostVolunteerIds: ids, series: { firstDay: '2026-03-05', lastDay: '2026-04-30', startTime: '15:00', endTime: '16:30', rrule: 'FREQ=WEEKLY;BYDAY=TH', exdates: [], rdates: [] } });
		expect(await issuesOf(createEvent(h.db, w.who.staffA, withHost([hostElsewhere]), NOW))).toEqual([{ field: 'hostVolunteerIds', code: 'ho_not_eligible_host' }]);
		expect(await issuesOf(createEvent(h.db, w.who.staffA, withHost([paused]), NOW))).toEqual([{ field: 'hostVolunteerIds', code: 'ho_not_eligible_host' }]);
		expect((await eligibleHosts(h.db, w.ids.k, w.ids.a, '2026-05-02')).map((v) => v.firstName)).toEqual(['Hannelore', 'Petra']);
		eventId = (await createEvent(h.db, w.who.staffA, withHost([hostHere]), NOW)).id;
		expect((await eventsHostedBy(h.db, hostHere, '2026-03-02')).map((r) => r.event.title)).toEqual(['Sprachcafé']);
		expect(await eventsHostedBy(h.db, hostHere, '2026-05-01')).toEqual([]);
	});

	it('edits an event: refuses places below those registered, unknown theme fields, and an open group once people registered', async () => {
		await register(h.db, eventId, { name: 'Amal', language: 'ar', email: 'amal.cafe@example.org', phone: '' }, NOW);
		await register(h.db, eventId, { name: 'Olena', language: 'uk', email: 'olena.cafe@example.org', phone: '' }, NOW);
		await register(h.db, eventId, { name: 'Reza', language: 'fa', email: '', phone: '' }, NOW);
		const found = (await findEvent(h.db, eventId))!.event;
		const details = { kind: found.kind as 'course', title: found.title, description: found.description, languages: found.languages, targetGroups: found.targetGroups, themeFields: found.themeFields, free: found.free, capacity: found.capacity, attendanceByName: false, hostVolunteerIds: found.hostVolunteerIds, registrationOpen: true };
		expect(await issuesOf(updateEvent(h.db, w.who.staffA, eventId, { ...details, capacity: 1 }, NOW))).toEqual([{ field: 'capacity', code: 'ho_below_registered', params: { count: 2, capacity: 1 } }]);
		expect(await issuesOf(updateEvent(h.db, w.who.staffA, eventId, { ...details, themeFields: ['cooking'], targetGroups: ['aliens'] }, NOW))).toEqual([
			{ field: 'targetGroups', code: 'ho_unknown_value', params: { value: 'aliens' } },
			{ field: 'themeFields', code: 'ho_unknown_value', params: { value: 'cooking' } }
		]);
		expect(await issuesOf(updateEvent(h.db, w.who.staffA, eventId, { ...details, kind: 'open_group', capacity: null }, NOW))).toEqual([{ field: 'kind', code: 'ho_kind_locked', params: { count: 3 } }]);
		await expect(updateEvent(h.db, w.who.staffB, eventId, details, NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		const updated = await updateEvent(h.db, w.who.staffA, eventId, { ...details, title: 'Sprachcafé am Donnerstag', capacity: 3, themeFields: ['housing'], languages: ['de', 'ti'] }, NOW);
		expect([updated.title, updated.capacity, updated.themeFields, updated.languages]).toEqual(['Sprachcafé am Donnerstag', 3, ['housing'], ['de', 'ti']]);
		// The third place moved Reza up from the waiting list.
		expect(await placeCounts(h.db, eventId)).toEqual({ confirmed: 3, waiting: 0 });
		expect((await calendarWeek(h.db, { municipalityId: w.ids.k }, '2026-03-09', { themeField: 'housing' })).map((e) => e.title)).toEqual(['Sprachcafé am Donnerstag']);
	});

	it('reads the new-event and series-edit forms: a session outside the series and an unknown scope are named', async () => {
		const form = new FormData();
		for (const [k, v] of Object.entries({ roomId, kind: 'course', title: 'Hausaufgabenhilfe', firstDay: '2026-03-10', startTime: '14:00', endTime: '15:00', sessions: '2026-03-17, 2026-03-24', capacity: '8', open: '1' })) form.set(k, v);
		const values = eventFormValues(form);
		const issues = await issuesOf(inReadersTerms('de', () => createEvent(h.db, w.who.staffA, { ...eventDetailsFromForm(values), roomId, series: eventSeriesFromForm(values) }, NOW)));
		expect(issues).toEqual(['17.03.2026', '24.03.2026'].map((date) => ({ field: 'rdates', code: 'ho_outside_series', params: { date, first: '10.03.2026', last: '10.03.2026' } })));
		form.set('lastDay', '2026-03-24');
		const made = await createEvent(h.db, w.who.staffA, { ...eventDetailsFromForm(eventFormValues(form)), roomId, series: eventSeriesFromForm(eventFormValues(form)) }, NOW);
		expect(sessionDays((await findEvent(h.db, made.id))!.booking)).toEqual(['2026-03-10', '2026-03-17', '2026-03-24']);
		const edit = new FormData();
		for (const [k, v] of Object.entries({ scope: 'everything', day: '2026-03-17', startTime: '14:00', endTime: '15:00' })) edit.set(k, v);
		expect(await issuesOf(editSeries(h.db, w.who.staffA, made.bookingId, seriesEditFromForm(edit), NOW))).toEqual([{ field: 'scope', code: 'ho_unknown_value' }]);
		// The form's last day is read: sessions given one by one are no weekly series to lengthen.
		edit.set('scope', 'all');
		edit.set('lastDay', '2026-03-31');
		expect(await issuesOf(editSeries(h.db, w.who.staffA, made.bookingId, seriesEditFromForm(edit), NOW))).toEqual([{ field: 'lastDay', code: 'ho_last_day_single' }]);
	});

	it('an own event\'s dates change only all together: this and this-and-later are refused, naming the date', async () => {
		const bookingId = (await findEvent(h.db, eventId))!.booking.id;
		for (const scope of ['this', 'future'] as const) {
			expect(await issuesOf(editSeries(h.db, w.who.staffA, bookingId, { scope, day: '2026-03-12', startTime: '15:30', endTime: '17:00' }, NOW))).toEqual([{ field: 'scope', code: 'ho_event_scope_all', params: { date: '2026-03-12' } }]);
		}
		const all = await editSeries(h.db, w.who.staffA, bookingId, { scope: 'all', day: '2026-03-12', startTime: '15:30', endTime: '17:00' }, NOW);
		expect([all.id, all.startTime]).toEqual([bookingId, '15:30']);
		expect((await findEvent(h.db, eventId))!.booking.startTime).toBe('15:30');
	});

	it('cancels the whole event: it leaves the calendar, and everyone with an email hears in their language', async () => {
		await expect(cancelEvent(h.db, w.who.staffB, eventId, NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		expect(await cancelEvent(h.db, w.who.staffA, eventId, NOW)).toMatchObject({ mailed: 2 });
		expect((await lastMailTo('amal.cafe@example.org'))?.subject).toContain('أُلغيت');
		expect((await lastMailTo('olena.cafe@example.org'))?.subject).toContain('Скасовано');
		expect((await calendarWeek(h.db, { municipalityId: w.ids.k }, '2026-03-09')).map((e) => e.title)).not.toContain('Sprachcafé am Donnerstag');
		expect(await eventFeed(h.db, eventId, NOW)).toContain('STATUS:CANCELLED');
		await expect(cancelEvent(h.db, w.who.staffA, eventId, NOW)).rejects.toBeInstanceOf(ConflictError);
		await expect(register(h.db, eventId, { name: 'Spät', language: 'de', email: '', phone: '' }, NOW)).rejects.toBeInstanceOf(ConflictError);
	});
});

describe('series days', () => {
	it.each([
		['FREQ=WEEKLY', '2026-03-04', '2026-12-31'],
		['FREQ=WEEKLY;BYDAY=MO,TH', '2026-03-04', '2027-02-28'],
		['FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU', '2026-03-05', '2026-11-30'],
		['FREQ=WEEKLY;INTERVAL=3', '2026-01-01', '2026-12-31'],
		['FREQ=MONTHLY;BYDAY=1MO', '2026-01-01', '2026-12-31']
	])('%s from %s to %s: the fast weekly path gives the rrule library\'s days, in any window', (rrule, firstDay, lastDay) => {
		const s = { firstDay, lastDay, startTime: '10:00', endTime: '11:00', rrule, exdates: ['2026-06-01'], rdates: [] };
		expect(seriesDays(s)).toEqual(seriesDaysByLibrary(s));
		expect(seriesDays(s, '2026-06-10', '2026-07-20')).toEqual(seriesDaysByLibrary(s).filter((d) => d >= '2026-06-10' && d <= '2026-07-20'));
	});
});
