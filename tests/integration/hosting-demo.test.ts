/**
 * The hosting demo (issue 15 §5): Düsseldorf's two Welcome Points get marked demo rooms, a weekly
 * Jobcenter consultation hour hosted and published in the directory (HSDS), a full German course
 * with a waiting list and a language café; loading again adds nothing.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { loadDemo } from '../../src/lib/server/demo/load';
import { findMunicipality } from '../../src/lib/server/geography/service';
import { listBookings } from '../../src/lib/server/hosting/bookings';
import { listEvents, placeCounts } from '../../src/lib/server/hosting/events';
import { calendarWeek } from '../../src/lib/server/hosting/calendar';
import { listRooms } from '../../src/lib/server/hosting/rooms';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';

process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'anl-hosting-demo-'));

let h: DatabaseHandle;
const sys = systemPrincipal('test');

beforeAll(async () => {
	h = await freshDatabase();
	await loadDemo(h.db);
}, 240_000);

afterAll(async () => h.close());

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
			['open_group', true]
		]);
		const course = events.find((e) => e.kind === 'course')!;
		expect(await placeCounts(h.db, course.id)).toEqual({ confirmed: 12, waiting: 2 });
	});

	it('shows the language café in this week\'s plan on the day the demo is loaded (weekdays)', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const today = new Date();
		const berlinWeekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'Europe/Berlin' }).format(today);
		if (berlinWeekday === 'Sat' || berlinWeekday === 'Sun') return;
		const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(today);
		const monday = new Date(Date.parse(`${day}T12:00:00Z`) - ((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
		const week = await calendarWeek(h.db, { municipalityId: d.id }, monday);
		expect(week.filter((e) => e.title.startsWith('Sprachcafé')).map((e) => e.day)).toEqual([day]);
	});

	it('shows next week\'s sessions on the public weekly plan', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const day = new Date(Date.now() + 7 * 86_400_000);
		const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
		const titles = (await calendarWeek(h.db, { municipalityId: d.id }, monday)).map((e) => e.title);
		expect(titles.some((t) => t.startsWith('Deutschkurs A1'))).toBe(true);
		expect(titles.some((t) => t.startsWith('Sprachcafé'))).toBe(true);
		expect(titles.some((t) => t.startsWith('Sprechstunde Jobcenter'))).toBe(true);
	});

	it('adds nothing when loaded again', async () => {
		const before = await countRows(h, 'hosting_booking');
		await loadDemo(h.db);
		expect(await countRows(h, 'hosting_booking')).toBe(before);
	});
});
