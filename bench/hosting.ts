/**
 * Hosting benchmark (issue 15 "Performance"), on a generated municipality `bench-hosting`
 * (20 instances, 5 public rooms each) with `--series` own events (2,000 weekly series over the
 * whole year, each on one weekday: about 104,000 occurrences a year) and one room holding
 * `--bookings` approved bookings (500: weekly series and single dates over the year):
 * 1. the public weekly plan of the municipality (`calendarPage`, a week in June): server time
 *    p50/p95 over `--runs`, in-process, database round trips included;
 * 2. with `--http` (needs `npm run build`; embedded database only), the same page from the built
 *    server: round-trip p50/p95 over `--runs` and the page weight — HTML gzip and with its
 *    stylesheets (budget 30 KB, as the search page);
 * 3. the clash check of a weekly series over a year in the room with 500 bookings
 *    (`conflictsOf`): p50/p95 over `--runs`.
 * The data is written with set-based SQL (generate_series), so generating is not what is
 * measured; a second run on the same database reuses it.
 *
 * Usage: tsx bench/hosting.ts [--series 2000] [--bookings 500] [--runs 20] [--http] [--out r.json]
 * Reads DATABASE_URL or DATA_DIR like the server.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { systemPrincipal } from '../src/lib/server/access';
import { readConfig } from '../src/lib/server/core/config';
import { migrateDatabase, openDatabase, type Db } from '../src/lib/server/db/client';
import { createDistrict, createMunicipality, createSocialSpace, findMunicipality } from '../src/lib/server/geography/service';
import { conflictsOf } from '../src/lib/server/hosting/bookings';
import { calendarPage } from '../src/lib/server/hosting/pages/public';
import { findRoom, saveRoom } from '../src/lib/server/hosting/rooms';
import { createInstance } from '../src/lib/server/instances/service';
import { timeRuns } from './timing';

const { values: args } = parseArgs({
	options: {
		series: { type: 'string', default: '2000' },
		bookings: { type: 'string', default: '500' },
		runs: { type: 'string', default: '20' },
		http: { type: 'boolean', default: false },
		out: { type: 'string' }
	}
});
const SERIES = Number(args.series);
const BOOKINGS = Number(args.bookings);
const RUNS = Number(args.runs);
const SYS = systemPrincipal('bench');
const YEAR = 2027;
const WEEK = `${YEAR}-06-14`;

function rows<T>(r: unknown): T[] {
	return (r as { rows: T[] }).rows;
}

/** The municipality with its instances and rooms; the first room is the clash-check room. */
async function prepare(db: Db): Promise<{ municipalityId: string; clashRoom: string }> {
	const existing = await findMunicipality(db, 'bench-hosting');
	if (existing) {
		const [r] = rows<{ id: string }>(await db.execute(sql`select id from hosting_room where municipality_id = ${existing.id} and name = 'Bench 0-0'`));
		return { municipalityId: existing.id, clashRoom: r.id };
	}
	const m = await createMunicipality(db, SYS, { slug: 'bench-hosting', name: 'Bench Hosting' });
	const d = await createDistrict(db, SYS, { municipalityId: m.id, name: 'Mitte', code: '1' });
	const hours = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, opens: '07:00', closes: '22:00' }));
	let clashRoom = '';
	for (let i = 0; i < 20; i++) {
		const space = await createSocialSpace(db, SYS, { districtId: d.id, name: `Quartier ${i}` });
		const inst = await createInstance(db, SYS, {
			name: `Welcome Point ${i}`, slug: `wp-${i}`, municipalityId: m.id, hostOrganization: '', description: {}, street: '', postalCode: '', city: '', latitude: null, longitude: null,
			phone: '', email: '', website: '', openingHours: [], languages: [], socialSpaceIds: [space.id], profile: {}
		});
		for (let r = 0; r < 5; r++) {
			const room = await saveRoom(db, SYS, { instanceId: inst.id, locationId: null, name: `Bench ${i}-${r}`, capacity: 20, accessibility: ['step_free'], equipment: [], bookableHours: hours, closures: [], maxAdvanceDays: 1100, listing: 'public' });
			if (i === 0 && r === 0) clashRoom = room.id;
		}
	}
	const t0 = performance.now();
	// Own events: one booking and one event per series, spread over the 100 rooms, weekdays and hours.
	await db.execute(sql`
		with s as (
			select g, (select array_agg(id order by name) from hosting_room where municipality_id = ${m.id}) as rooms
			from generate_series(0, ${SERIES - 1}) g
		), b as (
			insert into hosting_booking (municipality_id, room_id, purpose, status, title, first_day, last_day, start_time, end_time, rrule)
			select ${m.id}::uuid, rooms[1 + g % 100], 'event', 'approved', 'Kurs ' || g,
				make_date(${YEAR}, 1, 1), make_date(${YEAR}, 12, 31),
				lpad((8 + g % 12)::text, 2, '0') || ':00', lpad((9 + g % 12)::text, 2, '0') || ':30',
				'FREQ=WEEKLY;BYDAY=' || (array['MO','TU','WE','TH','FR','SA','SU'])[1 + (g / 100) % 7]
			from s returning id, room_id, title
		)
		insert into hosting_event (municipality_id, instance_id, booking_id, kind, title, languages, target_groups, theme_fields, free, capacity)
		select ${m.id}::uuid, r.instance_id, b.id, (array['course','single','open_group'])[1 + abs(hashtext(b.title)) % 3], b.title,
			array[(array['de','ar','fa','uk','tr','ru','en'])[1 + abs(hashtext(b.title || 'l')) % 7]], array['newcomers'], array['language'],
			abs(hashtext(b.title || 'f')) % 5 <> 0, 20
		from b join hosting_room r on r.id = b.room_id`);
	// The clash-check room: weekly series and single dates, 08:00–20:00 in one-hour slots.
	await db.execute(sql`
		insert into hosting_booking (municipality_id, room_id, purpose, status, title, first_day, last_day, start_time, end_time, rrule)
		select ${m.id}::uuid, ${clashRoom}::uuid, 'internal', 'approved', 'Belegung ' || g,
			make_date(${YEAR}, 1, 1) + (g * 37 % 365), case when g % 4 = 0 then make_date(${YEAR}, 12, 31) else make_date(${YEAR}, 1, 1) + (g * 37 % 365) end,
			lpad((8 + g % 12)::text, 2, '0') || ':00', lpad((9 + g % 12)::text, 2, '0') || ':00',
			case when g % 4 = 0 then 'FREQ=WEEKLY' else null end
		from generate_series(0, ${BOOKINGS - 1}) g`);
	console.log(`generated ${SERIES} series and ${BOOKINGS} bookings in ${Math.round(performance.now() - t0)} ms`);
	return { municipalityId: m.id, clashRoom };
}

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const port = (s.address() as { port: number }).port;
			s.close(() => resolve(port));
		});
	});
}

/** The page from the built server: round trips and gzip weight with its stylesheets. */
async function overHttp(dataDir: string): Promise<Record<string, unknown>> {
	const port = await freePort();
	const child = spawn(process.execPath, ['build/index.js'], { env: { ...process.env, DATA_DIR: dataDir, DEMO: '0', PORT: String(port), HOST: '127.0.0.1', ORIGIN: `http://localhost:${port}` }, stdio: 'ignore' });
	const url = `http://127.0.0.1:${port}/de/m/bench-hosting/calendar?week=${WEEK}`;
	try {
		for (let i = 0; ; i++) {
			try {
				if ((await fetch(url)).ok) break;
			} catch {
				if (i > 600) throw new Error('server did not start');
			}
			await new Promise((r) => setTimeout(r, 100));
		}
		const times: number[] = [];
		let html = '';
		for (let i = 0; i < RUNS + 2; i++) {
			const t0 = performance.now();
			html = await (await fetch(url)).text();
			if (i >= 2) times.push(performance.now() - t0);
		}
		const css = [...html.matchAll(/<link[^>]+href="([^"]+\.css)"/g)].map((m) => m[1]);
		const cssBytes = await Promise.all(css.map(async (href) => gzipSync(Buffer.from(await (await fetch(new URL(href, url))).text())).length));
		const htmlGzip = gzipSync(Buffer.from(html)).length;
		const scripts = (html.match(/<script(?![^>]*application\/ld\+json)/g) ?? []).length;
		const sorted = [...times].sort((a, b) => a - b);
		const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
		return { roundTrip: { p50: at(50), p95: at(95), n: times.length }, htmlGzipBytes: htmlGzip, cssGzipBytes: cssBytes.reduce((a, b) => a + b, 0), totalGzipBytes: htmlGzip + cssBytes.reduce((a, b) => a + b, 0), scripts };
	} finally {
		child.kill();
	}
}

const config = readConfig();
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, command: 'bench hosting' });
await migrateDatabase(handle);
const db = handle.db;
const { municipalityId, clashRoom } = await prepare(db);
const [{ n: occurrencesPerYear }] = rows<{ n: number }>(await db.execute(sql`select count(*)::int * 52 as n from hosting_booking where municipality_id = ${municipalityId} and purpose = 'event'`));
let entries = 0;
const calendar = await timeRuns(RUNS, async () => {
	const page = await calendarPage(db, 'bench-hosting', new URLSearchParams({ week: WEEK }), 'de');
	entries = page.count;
});
const room = (await findRoom(db, clashRoom))!;
const candidate = { firstDay: `${YEAR}-01-04`, lastDay: `${YEAR}-12-27`, startTime: '10:30', endTime: '11:30', rrule: 'FREQ=WEEKLY;BYDAY=MO', exdates: [], rdates: [] };
let clashes = 0;
const clash = await timeRuns(RUNS, async () => {
	clashes = (await conflictsOf(db, room, candidate)).clashes.length;
});
await handle.close();
const http = args.http && !config.databaseUrl ? await overHttp(config.dataDir) : null;
const result = { database: handle.kind, series: SERIES, occurrencesPerYear, week: WEEK, entriesInWeek: entries, calendarPageMs: calendar, clashCheck: { bookings: BOOKINGS, clashingDates: clashes, ms: clash }, http };
console.log(JSON.stringify(result, null, 2));
if (args.out) writeFileSync(args.out, JSON.stringify(result, null, 2));
