/**
 * Ehrenamt benchmark (issue 13 "Performance"), on the demo (Düsseldorf, its Welcome Points and the
 * demo volunteer) plus generated data in Düsseldorf:
 * - matching one need against `--volunteers` (10,000) volunteers of the municipality
 *   (`matchNeed` as the municipality administrator): p50/p95 over `--iterations` runs, for a need
 *   with a language and the Führungszeugnis required and for one without — budget p95 ≤ 100 ms
 *   on PostgreSQL; measured again once the shifts below exist (clashes, hours ahead);
 * - the reminder job (`runVolunteeringMessages`) over `--shifts` (100,000) dated shifts with a
 *   confirmed volunteer each, spread over the next 200 days (so about 500 fall in the 24-hour
 *   window and get their mail written to the outbox): run time of the run that sends, and of a
 *   second run with nothing left to send;
 * - the certificate PDF (`ownCertificate`) of a volunteer with 500 confirmed entries over ten
 *   activities, in German and Arabic: time p50/p95 and size.
 * Generated rows are written with set-based SQL (generate_series), marked as demo and analysed
 * (planner statistics, as autovacuum keeps them on a running server); timed in-process,
 * database round trips included.
 *
 * Usage: tsx bench/volunteering.ts [--volunteers 10000] [--shifts 100000] [--iterations 20] [--out result.json]
 * Reads DATABASE_URL or DATA_DIR like the server.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { readConfig } from '../src/lib/server/core/config';
import { migrateDatabase, openDatabase, type Db } from '../src/lib/server/db/client';
import { loadDemo } from '../src/lib/server/demo/load';
import { runVolunteeringMessages } from '../src/lib/server/volunteering/jobs';
import { matchNeed } from '../src/lib/server/volunteering/matching';
import { berlinDate } from '../src/lib/server/volunteering/model';
import { postNeed } from '../src/lib/server/volunteering/needs';
import { ownCertificate } from '../src/lib/server/volunteering/pages/certificate';
import { principalOf, timeRuns } from './timing';

const ACTIVITIES = ['accompaniment', 'language_mediation', 'homework_help', 'language_cafe', 'leisure_sports', 'childcare', 'driving', 'crafts_repairs', 'it_help', 'office_help'];
const LANGUAGES = ['ar', 'de', 'fa', 'uk', 'tr', 'ru', 'en', 'ku', 'ti', 'so'];
/** The constant lists as SQL array literals (drizzle would expand a JS array into a row). */
const arrayLiteral = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(',')}]`);
const ACTIVITY_ARRAY = arrayLiteral(ACTIVITIES);
const LANGUAGE_ARRAY = arrayLiteral(LANGUAGES);

/** `n` volunteers of the municipality with accounts, 1–3 languages, 2 activities, 2 social spaces, weekly availability, a Führungszeugnis for a third, recent hours for half. */
async function generateVolunteers(db: Db, municipalityId: string, n: number, today: string): Promise<void> {
	const run = (q: ReturnType<typeof sql>) => db.execute(q);
	await run(sql`
		insert into user_account (email, display_name, password_hash, role, municipality_id)
		select 'bench-vol-' || g || '@example.org', 'Bench ' || g, '', 'volunteer', ${municipalityId}::uuid from generate_series(1, ${n}) g`);
	await run(sql`
		insert into volunteer_profile (municipality_id, user_id, activities, cap_hours_per_month, message_locale, count_in_statistics, last_activity_at, is_demo, created_at, updated_at)
		select ${municipalityId}::uuid, u.id,
			array[(${ACTIVITY_ARRAY})[1 + (substr(u.email, 11)::int % 10)], (${ACTIVITY_ARRAY})[1 + ((substr(u.email, 11)::int / 10) % 10)]],
			case when substr(u.email, 11)::int % 7 = 0 then 10 else null end,
			(array['de','ar','fa','uk','tr','ru','en'])[1 + substr(u.email, 11)::int % 7], substr(u.email, 11)::int % 20 <> 0, now(), true, now(), now()
		from (select id, split_part(email, '@', 1) as email from user_account where email like 'bench-vol-%') u`);
	await run(sql`
		insert into volunteer_language (profile_id, language, level)
		select p.id, (${LANGUAGE_ARRAY})[1 + (k + h) % 10], (array['native','fluent','basic'])[1 + k]
		from (select id, abs(hashtext(id::text)::bigint) as h from volunteer_profile where is_demo and user_id in (select id from user_account where email like 'bench-vol-%')) p,
		     generate_series(0, 2) k where k <= p.h % 3`);
	await run(sql`
		insert into volunteer_space (profile_id, social_space_id)
		select distinct p.id, s.id from (select id, abs(hashtext(id::text)::bigint) as h from volunteer_profile where user_id in (select id from user_account where email like 'bench-vol-%')) p
		join lateral (select id from social_space where municipality_id = ${municipalityId}::uuid order by id offset (p.h % 40) limit 2) s on true`);
	await run(sql`
		insert into volunteer_availability (profile_id, kind, rrule, weekdays, interval_weeks, starts_on, start_time, end_time)
		select id, 'weekly', 'FREQ=WEEKLY;BYDAY=MO,WE,FR', '{1,3,5}', 1, ${today}::date - 30, '09:00', '19:00'
		from volunteer_profile where user_id in (select id from user_account where email like 'bench-vol-%')`);
	await run(sql`
		insert into volunteer_check (profile_id, kind, inspected_on, issued_on, no_catalogue_offence, valid_until, recorded_at)
		select id, 'criminal_record', ${today}::date - 10, ${today}::date - 30, true, ${today}::date + 1800, now()
		from volunteer_profile where user_id in (select id from user_account where email like 'bench-vol-%') and abs(hashtext(id::text)::bigint) % 3 = 0`);
	await run(sql`
		insert into volunteer_hours (profile_id, municipality_id, worked_on, minutes, activity, organisation, status, created_at)
		select id, ${municipalityId}::uuid, ${today}::date - (abs(hashtext(id::text)::bigint) % 60)::int, 60 + abs(hashtext(id::text)::bigint) % 240, activities[1], 'Bench', 'confirmed', now()
		from volunteer_profile where user_id in (select id from user_account where email like 'bench-vol-%') and abs(hashtext(id::text)::bigint) % 2 = 0`);
}

/** `n` shifts over the next 200 days, 10 per need, each with a confirmed volunteer. */
async function generateShifts(db: Db, municipalityId: string, n: number, now: Date): Promise<void> {
	const needs = Math.ceil(n / 10);
	await db.execute(sql`
		insert into volunteer_need (municipality_id, activity, title, starts_at, duration_minutes, slots, status, created_at, is_demo)
		select ${municipalityId}::uuid, (${ACTIVITY_ARRAY})[1 + g % 10], 'Bench-Bedarf ' || g, ${now}::timestamptz, 120, 1, 'filled', ${now}::timestamptz, true
		from generate_series(1, ${needs}) g`);
	await db.execute(sql`
		insert into volunteer_shift (need_id, municipality_id, starts_at, ends_at, slots)
		select nd.id, ${municipalityId}::uuid, ${now}::timestamptz + g * (interval '200 days' / ${n}::int), ${now}::timestamptz + g * (interval '200 days' / ${n}::int) + interval '2 hours', 1
		from generate_series(0, ${n}::int - 1) g
		join (select id, row_number() over (order by id) - 1 as r from volunteer_need where title like 'Bench-Bedarf %') nd on nd.r = g / 10`);
	await db.execute(sql`
		insert into volunteer_assignment (shift_id, profile_id, status, updated_at)
		select s.id, p.id, 'confirmed', ${now}::timestamptz
		from (select id, row_number() over (order by id) as r from volunteer_shift where need_id in (select id from volunteer_need where title like 'Bench-Bedarf %')) s
		join (select id, row_number() over (order by id) - 1 as r from volunteer_profile where user_id in (select id from user_account where email like 'bench-vol-%')) p
		  on p.r = s.r % (select count(*) from volunteer_profile where user_id in (select id from user_account where email like 'bench-vol-%'))`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({
		options: {
			volunteers: { type: 'string', default: '10000' },
			shifts: { type: 'string', default: '100000' },
			iterations: { type: 'string', default: '20' },
			out: { type: 'string' }
		}
	});
	const config = readConfig();
	const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, command: 'bench volunteering' });
	await migrateDatabase(handle);
	await loadDemo(handle.db);
	const db = handle.db;
	const now = new Date();
	const today = berlinDate(now);
	const admin = await principalOf(db, 'admin.duesseldorf@example.org');
	const own = await principalOf(db, 'ehrenamt.duesseldorf@example.org');
	const result: Record<string, unknown> = { database: handle.kind };

	const already = Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from user_account where email like 'bench-vol-%'`)).rows[0].n);
	let t0 = performance.now();
	if (!already) await generateVolunteers(db, admin.municipalityId, Number(values.volunteers), today);
	// Planner statistics of the bulk-loaded rows, as autovacuum would gather them on a running server.
	await db.execute(sql`analyze`);
	result.generateVolunteersSeconds = Math.round((performance.now() - t0) / 100) / 10;
	const volunteers = Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from volunteer_profile where municipality_id = ${admin.municipalityId}`)).rows[0].n);

	// Matching: a need with language and Führungszeugnis, and one with neither.
	const [space] = (await db.execute<{ id: string }>(sql`select id from social_space where municipality_id = ${admin.municipalityId} order by id limit 1`)).rows;
	let d = new Date(now.getTime() + 2 * 86_400_000);
	while (d.getUTCDay() !== 3) d = new Date(d.getTime() + 86_400_000);
	const base = { municipalityId: admin.municipalityId, instanceId: '', placeId: '', description: '', rrule: '', untilDate: '', slots: 2, selfSignup: false, date: berlinDate(d), startTime: '10:00', endTime: '12:00', isDemo: true };
	const strict = await postNeed(db, admin, { ...base, activity: 'homework_help', socialSpaceId: space.id, language: 'ar', title: 'Bench: Hausaufgabenhilfe', requirements: ['criminal_record'] }, now);
	const open = await postNeed(db, admin, { ...base, activity: 'language_cafe', socialSpaceId: '', language: '', title: 'Bench: Sprachcafé', requirements: [] }, now);
	const iterations = Number(values.iterations);
	const match = { withLanguageAndCheck: await timeRuns(iterations, () => matchNeed(db, admin, strict.id, { now })), withoutFilters: await timeRuns(iterations, () => matchNeed(db, admin, open.id, { now })) };
	result.matching = { volunteers, ...match };

	// Reminder job over the shifts.
	const shiftsBefore = Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from volunteer_shift`)).rows[0].n);
	t0 = performance.now();
	if (shiftsBefore < Number(values.shifts)) await generateShifts(db, admin.municipalityId, Number(values.shifts), now);
	await db.execute(sql`analyze`);
	result.generateShiftsSeconds = Math.round((performance.now() - t0) / 100) / 10;
	const shifts = Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from volunteer_shift`)).rows[0].n);
	t0 = performance.now();
	const sent = await runVolunteeringMessages(db, now);
	const firstMs = performance.now() - t0;
	t0 = performance.now();
	await runVolunteeringMessages(db, now);
	const secondMs = performance.now() - t0;
	result.reminderJob = { shifts, reminders: sent.reminders, firstRunMs: Math.round(firstMs), idleRunMs: Math.round(secondMs) };
	// Matching again with the shifts in place: clashes and the hours ahead of capped volunteers now have rows to read.
	const matchWithShifts = { withLanguageAndCheck: await timeRuns(iterations, () => matchNeed(db, admin, strict.id, { now })), withoutFilters: await timeRuns(iterations, () => matchNeed(db, admin, open.id, { now })) };
	result.matchingWithShifts = { volunteers, shifts, ...matchWithShifts };

	// The certificate of the demo volunteer with 500 confirmed entries.
	const [profile] = (await db.execute<{ id: string; municipality_id: string }>(sql`select id, municipality_id from volunteer_profile where user_id = ${own.userId}`)).rows;
	await db.execute(sql`
		insert into volunteer_hours (profile_id, municipality_id, worked_on, minutes, activity, organisation, status, created_at)
		select ${profile.id}::uuid, ${profile.municipality_id}::uuid, ${today}::date - (g % 360), 30 + (g % 8) * 15, (${ACTIVITY_ARRAY})[1 + g % 10], 'Organisation ' || (g % 4), 'confirmed', now()
		from generate_series(1, 500) g`);
	const query = new URLSearchParams({ from: `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`, to: today });
	let bytes = 0;
	const cert = await timeRuns(iterations, async () => {
		bytes = (await (await ownCertificate(db, own, query, now)).arrayBuffer()).byteLength;
	});
	result.certificate = { ...cert, bytes, entries: 500, languages: 'de + ar' };

	console.log(`  volunteering ${handle.kind} (${volunteers} volunteers, ${shifts} shifts):`);
	console.log(`    match a need (language, Führungszeugnis): p50 ${match.withLanguageAndCheck.p50} ms, p95 ${match.withLanguageAndCheck.p95} ms (budget p95 ≤ 100 ms on PostgreSQL)`);
	console.log(`    match a need (no language, no check): p50 ${match.withoutFilters.p50} ms, p95 ${match.withoutFilters.p95} ms`);
	console.log(`    match a need with the shifts in place (language, Führungszeugnis): p50 ${matchWithShifts.withLanguageAndCheck.p50} ms, p95 ${matchWithShifts.withLanguageAndCheck.p95} ms`);
	console.log(`    match a need with the shifts in place (no language, no check): p50 ${matchWithShifts.withoutFilters.p50} ms, p95 ${matchWithShifts.withoutFilters.p95} ms`);
	console.log(`    reminder job: ${Math.round(firstMs)} ms sending ${sent.reminders} reminders; ${Math.round(secondMs)} ms with nothing due`);
	console.log(`    certificate PDF: p50 ${cert.p50} ms, p95 ${cert.p95} ms, ${Math.round(bytes / 1024)} KB`);
	if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
	await handle.close();
}
