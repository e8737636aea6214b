/**
 * Hosting's operator commands (`npm run cli -- hosting …`) on the demo in an embedded data
 * folder, loaded with `ANLAUFSTELLE_NOW` on a fixed Wednesday: rooms and bookings listed, the
 * Welcome Point's iCalendar feed read by an independent parser, and `hosting run` with
 * `ANLAUFSTELLE_NOW` — a reminder the day before a session in the participant's language, never
 * twice, and the participants' data erased after the period. PGlite only (the folder is the
 * command line's); the services below are tested on both databases in hosting.test.ts.
 */
import { spawnSync } from 'node:child_process';
import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { openDatabase } from '../../src/lib/server/db/client';
import { findMunicipality } from '../../src/lib/server/geography/service';
import { listEvents, register, updateRegistration } from '../../src/lib/server/hosting/events';
import { tempDir } from '../helpers/tmp';

const dataDir = tempDir('anl-hosting-cli-');
/** Wednesday 2 December 2026, 10:00 Berlin. */
const WEDNESDAY = '2026-12-02T09:00:00Z';

/** Runs the command line on the data folder, with `ANLAUFSTELLE_NOW` when given. */
function cli(args: string[], now?: string) {
	return spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], {
		env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ...(now ? { ANLAUFSTELLE_NOW: now } : {}) },
		encoding: 'utf8'
	});
}

beforeAll(() => {
	const r = cli(['demo'], WEDNESDAY);
	expect(r.stderr).toBe('');
}, 400_000);

describe('hosting on the command line', () => {
	it('lists the rooms and bookings of a municipality, and refuses an unknown status', () => {
		const rooms = cli(['hosting', 'rooms', '--municipality', 'duesseldorf']);
		expect(rooms.status).toBe(0);
		const lines = rooms.stdout.trim().split('\n').map((l) => l.split('\t'));
		expect(lines.map((l) => [l[2], l[4], l[7]]).sort()).toEqual([
			['Beratungsraum (Demo)', 'internal', 'demo'],
			['Beratungsraum (Demo)', 'internal', 'demo'],
			['Gruppenraum (Demo)', 'public', 'demo'],
			['Gruppenraum (Demo)', 'public', 'demo']
		]);
		const bookings = cli(['hosting', 'bookings', '--municipality', 'duesseldorf', '--status', 'approved']);
		expect(bookings.status).toBe(0);
		const jobcenter = bookings.stdout.split('\n').find((l) => l.includes('Sprechstunde Jobcenter (Demo)'))!.split('\t');
		expect([jobcenter[1], jobcenter[2], jobcenter[5], jobcenter[6], jobcenter[7]]).toEqual(['approved', 'external', '2026-12-08..2027-06-08', '10:00-12:00', 'FREQ=WEEKLY;BYDAY=TU']);
		const bad = cli(['hosting', 'bookings', '--municipality', 'duesseldorf', '--status', 'done']);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toContain('--status: unknown status "done"');
		const unknown = cli(['hosting', 'rooms', '--municipality', 'atlantis']);
		expect(unknown.status).toBe(1);
	}, 60_000);

	it('writes a Welcome Point\'s iCalendar feed to stdout', () => {
		const r = cli(['hosting', 'feed', '--municipality', 'duesseldorf', '--instance', 'welcome-point-5', '--now', WEDNESDAY]);
		expect(r.status).toBe(0);
		const cal = new ICAL.Component(ICAL.parse(r.stdout));
		const titles = new Set(cal.getAllSubcomponents('vevent').map((e) => e.getFirstPropertyValue('summary')));
		expect([...titles].sort()).toEqual(['Hausaufgabenhilfe (Demo)', 'Sprachcafé (Demo)', 'Sprechstunde Jobcenter (Demo)']);
		const missing = cli(['hosting', 'feed', '--municipality', 'duesseldorf', '--instance', 'welcome-point-99']);
		expect(missing.status).toBe(1);
		expect(missing.stderr).toContain('welcome-point-99');
	}, 60_000);

	it('runs the jobs at ANLAUFSTELLE_NOW: one reminder the day before, never twice, then the erasure', async () => {
		const h = await openDatabase({ dataDir });
		try {
			const d = (await findMunicipality(h.db, 'duesseldorf'))!;
			const course = (await listEvents(h.db, d.id)).find((e) => e.kind === 'course')!;
			await updateRegistration(h.db, systemPrincipal('test'), course.id, { capacity: 20, registrationOpen: true });
			expect((await register(h.db, course.id, { name: 'Amal', language: 'ar', email: 'amal@example.org', phone: '' }, new Date(WEDNESDAY))).status).toBe('confirmed');
		} finally {
			await h.close();
		}
		// Sunday 6 December, 19:00 Berlin: the course meets on Monday at 17:00.
		const sunday = '2026-12-06T18:00:00Z';
		const first = cli(['hosting', 'run'], sunday);
		expect(first.stdout).toContain('reminders sent: 1');
		expect(cli(['hosting', 'run'], sunday).stdout).toContain('reminders sent: 0');
		const outbox = cli(['outbox']);
		expect(outbox.stdout).toContain('amal@example.org');
		const later = cli(['hosting', 'run'], '2027-06-01T12:00:00Z');
		expect(later.stdout).toContain('registrations erased: 15');
	}, 120_000);
});
