/**
 * The hosting demo (issue 15 §5): Düsseldorf's two Welcome Points get marked demo rooms, a weekly
 * Jobcenter consultation hour hosted and published in the directory (HSDS), a full German course
 * with a waiting list and a language café; loading again adds nothing. The demo is loaded with
 * `ANLAUFSTELLE_NOW` on a fixed Wednesday, so what the week shows does not depend on the day the
 * tests run.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { loadDemo } from '../../src/lib/server/demo/load';
import { findMunicipality } from '../../src/lib/server/geography/service';
import { listBookings } from '../../src/lib/server/hosting/bookings';
import { listEvents, placeCounts } from '../../src/lib/server/hosting/events';
import { calendarWeek } from '../../src/lib/server/hosting/calendar';
import { calendarPage } from '../../src/lib/server/hosting/pages/public';
import { listRooms } from '../../src/lib/server/hosting/rooms';
import { hostNames } from '../../src/lib/server/volunteering/hosting-reads';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-hosting-demo-');

let h: DatabaseHandle;
const sys = systemPrincipal('test');
/** Wednesday 2 December 2026, 10:00 Berlin: the day the demo is loaded. */
const WEDNESDAY = '2026-12-02T09:00:00Z';

beforeAll(async () => {
	h = await freshDatabase();
	process.env.ANLAUFSTELLE_NOW = WEDNESDAY;
	await loadDemo(h.db);
}, 240_000);

afterAll(async () => {
	delete process.env.ANLAUFSTELLE_NOW;
	await h.close();
});

describe(`hosting demo on ${DB_KIND}`, () => {
	it('gives the Welcome Points rooms, a hosted Jobcenter hour, a full course with a waiting list and a language café, all marked demo', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const rooms = await listRooms(h.db, sys, d.id);
		expect(rooms.map((r) => [r.name, r.listing, r.isDemo])).toEqual([
			['Beratungsraum (Demo)', 'internal', true],
			['Beratungsraum (Demo)', 'internal', true],
			['Gruppenraum (Demo)', 'public', true],
			['Gruppenraum (Demo)', 'public', true]
		]);
		const hosted = (await listBookings(h.db, sys, d.id, { status: ['approved'] })).filter((b) => b.purpose === 'external');
		expect(hosted.map((b) => [b.title, b.rrule, b.isDemo, b.publishedScheduleIds.length > 0])).toEqual([['Sprechstunde Jobcenter (Demo)', 'FREQ=WEEKLY;BYDAY=TU', true, true]]);
		const events = await listEvents(h.db, d.id);
		expect(events.map((e) => [e.kind, e.isDemo]).sort()).toEqual([
			['course', true],
			['open_group', true],
			['open_group', true]
		]);
		const course = events.find((e) => e.kind === 'course')!;
		expect(await placeCounts(h.db, course.id)).toEqual({ confirmed: 12, waiting: 2 });
	});

	it('has a homework help hosted by the demo volunteer login whose past sessions count as group work', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const homework = (await listEvents(h.db, d.id)).find((e) => e.title === 'Hausaufgabenhilfe (Demo)')!;
		expect(homework.hostVolunteerIds).toHaveLength(1);
		// The demo volunteer login hosts it, so its own page lists the event.
		expect([...(await hostNames(h.db, homework.hostVolunteerIds)).values()].map((v) => v.name)).toEqual(['Demo Ehrenamtliche*r']);
		// Thursdays 8 October to 26 November 2026, before the demo's Wednesday.
		const sessions = await h.db.execute<{ session_day: string; participants: number }>(sql`select session_day::text, participants from group_work_session where event_id = ${homework.id} order by session_day`);
		expect(sessions.rows.map((r) => r.session_day)).toEqual(['2026-10-08', '2026-10-15', '2026-10-22', '2026-10-29', '2026-11-05', '2026-11-12', '2026-11-19', '2026-11-26']);
		expect(sessions.rows.reduce((sum, r) => sum + Number(r.participants), 0)).toBe(67);
	});

	it('shows the language café in this week\'s plan on the day the demo is loaded', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const week = await calendarWeek(h.db, { municipalityId: d.id }, '2026-11-30');
		expect(week.filter((e) => e.title.startsWith('Sprachcafé')).map((e) => e.day)).toEqual(['2026-12-02']);
	});

	it('shows next week\'s sessions on the public weekly plan', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const week = await calendarWeek(h.db, { municipalityId: d.id }, '2026-12-07');
		const days = (prefix: string) => week.filter((e) => e.title.startsWith(prefix)).map((e) => e.day);
		expect(days('Deutschkurs A1')).toEqual(['2026-12-07', '2026-12-09']);
		expect(days('Sprachcafé')).toEqual(['2026-12-09']);
		expect(days('Sprechstunde Jobcenter')).toEqual(['2026-12-08']);
	});

	it('heads the weekly plan with the week in the reader\'s language and the Gregorian calendar, in Farsi too', async () => {
		// ICU sets the dash between thin spaces.
		const label = async (locale: string) => (await calendarPage(h.db, 'duesseldorf', new URLSearchParams('week=2026-11-30'), locale, new Date('2026-11-30T09:00:00Z'))).weekLabel.replace(/\s/gu, ' ');
		expect(await label('de')).toBe('Montag, 30. November – Sonntag, 6. Dezember 2026');
		// Not "з понеділок … до неділя": the locale's own range needs no preposition.
		expect(await label('uk')).toBe('понеділок, 30 листопада – неділя, 6 грудня 2026 р.');
		// Not the Iranian solar calendar's ۹ آذر ۱۴۰۵.
		expect(await label('fa')).toBe('دوشنبه ۳۰ نوامبر تا یکشنبه ۶ دسامبر ۲۰۲۶');
	});

	it('adds nothing when loaded again', async () => {
		const before = await countRows(h, 'hosting_booking');
		await loadDemo(h.db);
		expect(await countRows(h, 'hosting_booking')).toBe(before);
	});
});
