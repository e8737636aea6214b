/**
 * Hosting and the directory (issue 15): schedule rows kept by id when an offer is saved or a
 * booking republished (no duplicated slots); a partner requests rooms only for their own offers;
 * own events listed as offers of the instance in the HSDS API, withdrawn when cancelled, the
 * participants told in their language; attendance counted as group work in the contact
 * statistics (page, CSV and XLSX), without personal data. Runs on PGlite and PostgreSQL.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { AccessDeniedError, ConflictError } from '../../src/lib/server/core/errors';
import { readOutbox } from '../../src/lib/server/core/mail';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { hostableOffers, ownEventOfferId } from '../../src/lib/server/directory/hosting-reads';
import { getServiceHsds, HsdsRequestError, listServices, parseHsdsQuery } from '../../src/lib/server/directory/hsds/api';
import { location, schedule } from '../../src/lib/server/directory/schema';
import { getService, saveOrganization, saveService, serviceToInput } from '../../src/lib/server/directory/service';
import { bookRoom, cancelOccurrence, editSeries, type BookingInput } from '../../src/lib/server/hosting/bookings';
import { calendarWeek } from '../../src/lib/server/hosting/calendar';
import { createEvent, findEvent, recordAttendance, register, updateEvent, type EventInput } from '../../src/lib/server/hosting/events';
import { buildReport, reportCsv, reportLines, reportXlsx } from '../../src/lib/server/casework/statistics';
import { cancelEvent } from '../../src/lib/server/hosting/offers';
import { saveRoom } from '../../src/lib/server/hosting/rooms';
import { issuesOf } from '../helpers/errors';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { offer, org } from '../helpers/directory';
import { buildWorld, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-hosting-directory-');

let h: DatabaseHandle;
let w: World;
let roomId: string;
let provider: string;
/** The partner's own offer (its contact email is the partner's sign-in email). */
let ownOffer: string;
/** Another provider's offer. */
let otherOffer: string;
/** Monday 2 March 2026, 10:00 Berlin. */
const NOW = new Date('2026-03-02T09:00:00Z');
const ALL = ['public', 'network', 'internal'] as const;
const q = (params = '') => parseHsdsQuery(new URLSearchParams(params), null);

function request(over: Partial<BookingInput> = {}): BookingInput {
	return {
		roomId,
		title: 'Sprechstunde',
		purpose: 'external',
		providerOrganizationId: provider,
		serviceId: ownOffer,
		firstDay: '2026-03-09',
		lastDay: '2026-04-27',
		startTime: '10:00',
		endTime: '12:00',
		rrule: 'FREQ=WEEKLY;BYDAY=MO',
		...over
	};
}

/** A weekly German course on Wednesdays in March and April 2026, one place, to be varied. */
function ownEvent(over: Partial<EventInput> = {}): EventInput {
	return {
		roomId,
		kind: 'course',
		title: 'Deutschkurs A2',
		description: 'Acht Termine.',
		languages: ['de', 'uk'],
		targetGroups: ['newcomers'],
		themeFields: ['education'],
		free: true,
		capacity: 1,
		attendanceByName: false,
		hostVolunteerIds: [],
		series: { firstDay: '2026-03-04', lastDay: '2026-04-22', startTime: '17:00', endTime: '18:30', rrule: 'FREQ=WEEKLY;BYDAY=WE', exdates: [], rdates: [] },
		...over
	};
}

/** The offer's schedule rows, by start of validity. */
async function rows(serviceId: string) {
	return (await h.db.select().from(schedule).where(eq(schedule.serviceId, serviceId))).sort((a, b) => (a.validFrom ?? '').localeCompare(b.validFrom ?? ''));
}

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	const wp = await saveOrganization(h.db, systemPrincipal('t'), w.ids.k, org({ name: 'Welcome Point Kalk', instanceId: w.ids.a, locations: [{ name: 'Welcome Point Kalk', street: 'Kalker Hauptstraße 2', postalCode: '51103', city: 'Köln', latitude: null, longitude: null, accessibility: [], accessibilityNote: {}, directions: {} }] }));
	const [{ id: placeId }] = await h.db.select({ id: location.id }).from(location).where(eq(location.organizationId, wp.id));
	provider = (await saveOrganization(h.db, systemPrincipal('t'), w.ids.k, org({ name: 'Jobcenter Köln' }))).id;
	ownOffer = (await saveService(h.db, systemPrincipal('t'), w.ids.k, { ...offer(provider), email: 'Partner@Example.org', locations: [], schedules: [] })).id;
	otherOffer = (await saveService(h.db, systemPrincipal('t'), w.ids.k, { ...offer(provider), locations: [], schedules: [] })).id;
	const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, opens: '08:00', closes: '20:00' }));
	roomId = (await saveRoom(h.db, w.who.staffA, { instanceId: w.ids.a, locationId: placeId, name: 'Gruppenraum', capacity: 20, accessibility: [], equipment: [], bookableHours: weekdays, closures: [], maxAdvanceDays: 365, listing: 'public' })).id;
}, 120_000);

afterAll(async () => {
	await h?.close();
});

describe(`hosting and the directory (${DB_KIND})`, () => {
	it('a partner may request a room only for their own offers; the form lists only those', async () => {
		expect((await hostableOffers(h.db, w.who.partner, w.ids.k)).map((o) => o.value)).toEqual([ownOffer]);
		expect((await hostableOffers(h.db, w.who.staffA, w.ids.k)).map((o) => o.value).sort()).toEqual([w.ids.offer, ownOffer, otherOffer].sort());
		expect(await issuesOf(bookRoom(h.db, w.who.partner, request({ serviceId: otherOffer }), NOW))).toEqual([{ field: 'serviceId', code: 'ho_not_own_offer' }]);
		expect((await bookRoom(h.db, w.who.partner, request({ title: 'Eigene Anfrage' }), NOW)).status).toBe('requested');
	});

	it('republishing a booking rewrites its slots in place, and saving the offer keeps their ids', async () => {
		const booking = await bookRoom(h.db, w.who.staffA, request({ serviceId: otherOffer, startTime: '14:00', endTime: '16:00' }), NOW);
		const published = await rows(otherOffer);
		expect(published.map((r) => [r.validFrom, r.validTo])).toEqual([['2026-03-09', '2026-04-27']]);
		expect(booking.publishedScheduleIds).toEqual([published[0].id]);

		// A form that does not carry schedule ids saves the offer again: the rows stay, same ids.
		const detail = (await getService(h.db, otherOffer, [...ALL]))!;
		const input = serviceToInput(detail);
		await saveService(h.db, w.who.staffA, w.ids.k, { ...input, schedules: input.schedules.map(({ id: _id, ...s }) => s) }, { id: otherOffer });
		expect((await rows(otherOffer)).map((r) => r.id)).toEqual([published[0].id]);

		// A cancelled date splits the run: the first row keeps its id, one row is added — no duplicates.
		const cancelled = await cancelOccurrence(h.db, w.who.staffA, booking.id, '2026-03-23');
		const split = await rows(otherOffer);
		expect(split.map((r) => [r.validFrom, r.validTo])).toEqual([
			['2026-03-09', '2026-03-16'],
			['2026-03-30', '2026-04-27']
		]);
		expect(split.map((r) => r.id)).toContain(published[0].id);
		expect([...cancelled.publishedScheduleIds].sort()).toEqual(split.map((r) => r.id).sort());

		// A slot edited in the offer keeps its id; a slot left out is deleted, only that one.
		const again = serviceToInput((await getService(h.db, otherOffer, [...ALL]))!);
		const [first, second] = again.schedules;
		await saveService(h.db, w.who.staffA, w.ids.k, { ...again, schedules: [{ ...first, closesAt: '15:30' }] }, { id: otherOffer });
		const edited = await rows(otherOffer);
		expect(edited.map((r) => [r.id, r.closesAt])).toEqual([[first.id, '15:30']]);
		expect(edited.map((r) => r.id)).not.toContain(second.id);

		// Republishing after that edit (all dates moved) rewrites the booking's rows, still no duplicates.
		await editSeries(h.db, w.who.staffA, booking.id, { scope: 'all', day: '2026-03-09', startTime: '13:00', endTime: '14:00' }, NOW);
		const moved = await rows(otherOffer);
		expect(moved.map((r) => [r.validFrom, r.validTo, r.opensAt])).toEqual([
			['2026-03-09', '2026-03-16', '13:00'],
			['2026-03-30', '2026-04-27', '13:00']
		]);
		expect(moved.map((r) => r.id)).toContain(first.id);
	});

	it('an own event is an offer of the instance in the HSDS API; cancelling withdraws it and tells the participants in their language', async () => {
		const event = await createEvent(h.db, w.who.staffA, ownEvent(), NOW);
		const offerId = (await ownEventOfferId(h.db, event.id))!;
		const hsds = (await getServiceHsds(h.db, offerId, q())) as { name: string; organization?: { name: string }; service_at_locations: { location: { name: string } }[] };
		expect(hsds.name).toBe('Deutschkurs A2');
		expect(hsds.service_at_locations.map((s) => s.location.name)).toEqual(['Welcome Point Kalk']);
		expect((await rows(offerId)).map((r) => [r.weekday, r.opensAt, r.validFrom, r.validTo])).toEqual([[3, '17:00', '2026-03-04', '2026-04-22']]);
		const listed = async () => (await listServices(h.db, q('per_page=100'))).contents.map((c) => (c as { id: string }).id);
		expect(await listed()).toContain(offerId);

		await register(h.db, event.id, { name: 'Olena', language: 'uk', email: 'olena@example.org', phone: '' }, NOW);
		await register(h.db, event.id, { name: 'Reza', language: 'fa', email: 'reza@example.org', phone: '' }, NOW);
		await register(h.db, event.id, { name: 'Ohne Mail', language: 'de', email: '', phone: '' }, NOW);
		await expect(cancelEvent(h.db, w.who.staffB, event.id, NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		expect(await cancelEvent(h.db, w.who.staffA, event.id, NOW)).toEqual({ registrations: 3, mailed: 2 });

		await expect(getServiceHsds(h.db, offerId, q())).rejects.toBeInstanceOf(HsdsRequestError);
		expect(await listed()).not.toContain(offerId);
		expect(await rows(offerId)).toEqual([]);
		expect((await calendarWeek(h.db, { municipalityId: w.ids.k }, '2026-03-09')).filter((e) => e.title === 'Deutschkurs A2')).toEqual([]);

		const { default: PostalMime } = await import('postal-mime');
		const mailTo = async (to: string) => PostalMime.parse((await readOutbox()).filter((m) => m.raw.includes(`To: ${to}`)).at(-1)!.raw);
		expect((await mailTo('olena@example.org')).subject).toBe('Скасовано: Deutschkurs A2');
		expect((await mailTo('reza@example.org')).subject).toBe('لغو شد: Deutschkurs A2');

		await expect(cancelEvent(h.db, w.who.staffA, event.id, NOW)).rejects.toThrow(ConflictError);
		await expect(cancelEvent(h.db, w.who.staffA, '00000000-0000-4000-8000-000000000000', NOW)).rejects.toThrow(/event/);
	});

	it('an edited own event follows in the directory: its title, a changed time and a cancelled date', async () => {
		const event = await createEvent(h.db, w.who.staffA, ownEvent({ title: 'Elterncafé', kind: 'open_group', capacity: null, languages: ['de'] }), NOW);
		const offerId = (await ownEventOfferId(h.db, event.id))!;
		const { description, languages, targetGroups, themeFields, free, capacity, attendanceByName, hostVolunteerIds } = event;
		await updateEvent(h.db, w.who.staffA, event.id, { kind: 'open_group', title: 'Elterncafé am Mittwoch', description, languages: [...languages, 'ar'], targetGroups, themeFields, free, capacity, attendanceByName, hostVolunteerIds }, NOW);
		const hsds = (await getServiceHsds(h.db, offerId, q())) as { name: string; languages: { code: string }[] };
		expect(hsds.name).toBe('Elterncafé am Mittwoch');
		const bookingId = (await findEvent(h.db, event.id))!.booking.id;
		await editSeries(h.db, w.who.staffA, bookingId, { scope: 'all', day: '2026-03-04', startTime: '16:00', endTime: '17:30' }, NOW);
		expect((await rows(offerId)).map((r) => [r.weekday, r.opensAt, r.validFrom, r.validTo])).toEqual([[3, '16:00', '2026-03-04', '2026-04-22']]);
		await cancelOccurrence(h.db, w.who.staffA, bookingId, '2026-03-18');
		expect((await rows(offerId)).map((r) => [r.opensAt, r.validFrom, r.validTo])).toEqual([
			['16:00', '2026-03-04', '2026-03-11'],
			['16:00', '2026-03-25', '2026-04-22']
		]);
	});

	it('counts attendance as group work in the contact statistics: method, kinds and themes, suppressed in downloads', async () => {
		const base = ownEvent({
			kind: 'open_group',
			title: 'Sprachcafé',
			languages: ['de', 'ar', 'tr'],
			themeFields: ['education'],
			capacity: null,
			series: { firstDay: '2026-03-05', lastDay: '2026-03-26', startTime: '15:00', endTime: '17:00', rrule: 'FREQ=WEEKLY;BYDAY=TH', exdates: [], rdates: [] }
		});
		const cafe = await createEvent(h.db, w.who.staffA, base, NOW);
		const single = await createEvent(h.db, w.who.staffA, { ...base, kind: 'single', title: 'Infoabend', capacity: 30, themeFields: ['labour'], series: { ...base.series, firstDay: '2026-03-10', lastDay: '2026-03-10', rrule: null, startTime: '18:00', endTime: '19:00' } }, NOW);
		await recordAttendance(h.db, w.who.staffA, cafe.id, { day: '2026-03-05', count: 3, registrationIds: [] });
		await recordAttendance(h.db, w.who.staffA, cafe.id, { day: '2026-03-12', count: 9, registrationIds: [] });
		// Taking a session's attendance again replaces it.
		await recordAttendance(h.db, w.who.staffA, cafe.id, { day: '2026-03-05', count: 8, registrationIds: [] });
		await recordAttendance(h.db, w.who.staffA, single.id, { day: '2026-03-10', count: 2, registrationIds: [] });
		const rows = await h.db.execute<Record<string, unknown>>(sql`select * from group_work_session order by session_day`);
		expect(rows.rows.map((r) => [r.event_kind, r.participants, r.languages, r.theme_fields])).toEqual([
			['open_group', 8, 3, ['education']],
			['single', 2, 3, ['labour']],
			['open_group', 9, 3, ['education']]
		]);
		expect(Object.keys(rows.rows[0]).sort()).toEqual(['district_id', 'event_id', 'event_kind', 'id', 'instance_id', 'languages', 'municipality_id', 'participants', 'recorded_at', 'session_day', 'theme_fields']);

		const exact = await buildReport(h.db, w.who.staffA, { level: 'instance', id: w.ids.a }, { year: 2026, month: 3 });
		const byKey = Object.fromEntries(exact.groupWorkTables.map((t) => [t.key, t.rows.map((r) => [r.key, r.count])]));
		expect(byKey).toEqual({
			method: [['group_work', 19]],
			group_work_sessions: [['open_group', 2], ['single', 1]],
			group_work_participants: [['open_group', 17], ['single', 2]],
			group_work_theme: [['education', 17], ['labour', 2]]
		});
		// The district of the instance counts the same sessions; another instance's report none.
		const district = await buildReport(h.db, w.who.admin, { level: 'district', id: w.ids.d1 }, { year: 2026, month: 3 });
		expect(district.groupWorkTables.find((t) => t.key === 'group_work_participants')!.total).toBe(19);
		const other = await buildReport(h.db, w.who.admin, { level: 'instance', id: w.ids.b }, { year: 2026, month: 3 });
		expect(other.groupWorkTables.every((t) => t.rows.length === 0)).toBe(true);
		// April has none.
		const april = await buildReport(h.db, w.who.staffA, { level: 'instance', id: w.ids.a }, { year: 2026, month: 4 });
		expect(april.groupWorkTables.every((t) => t.rows.length === 0)).toBe(true);

		// Downloads are suppressed: 2 participants of the single event become "<5", and so does the next smallest.
		const download = await buildReport(h.db, w.who.staffA, { level: 'instance', id: w.ids.a }, { year: 2026, month: 3 }, { download: true });
		const lines = reportLines(download, (_t, r) => r.key, { section: (k) => k, total: 'total', header: ['section', 'key', 'label', 'count'] });
		expect(lines.filter((l) => l[0] === 'group_work_participants')).toEqual([
			['group_work_participants', 'open_group', 'open_group', '<5'],
			['group_work_participants', 'single', 'single', '<5']
		]);
		expect(lines).toContainEqual(['method', 'group_work', 'group_work', '19']);
		const csv = reportCsv(lines);
		expect(csv).toContain('method,group_work,group_work,19');
		const xlsx = await reportXlsx(lines, 'Statistik');
		expect(xlsx.subarray(0, 2).toString()).toBe('PK');
	});
});
