/**
 * Hosting's demo (issue 15 §5): Düsseldorf's two demo Welcome Points get rooms (a public group
 * room and an internal counselling room at each, with the fixed public holidays of NRW as
 * closures), a weekly Jobcenter consultation hour hosted at Welcome Point 5 (an invented demo
 * actor and offer, approved and published in the directory; the offer's contact is the demo
 * partner account, so that partner may request rooms for it), a German course with a full list
 * and a waiting list at Welcome Point 6, and a weekly language café (open group) at Welcome
 * Point 5. Everything is marked as demo (`is_demo`; names say "Demo"). Idempotent: once a demo
 * room exists in Düsseldorf, nothing is added. Dates start from the day the demo is loaded.
 */
import { systemPrincipal } from '../access';
import { berlinDate } from '../casework/time';
import type { Db } from '../db/client';
import { instancePlace } from '../directory/hosting-reads';
import { emptyServiceInput, saveOrganization, saveService } from '../directory/service';
import { originalText } from '../directory/texts';
import { findMunicipality } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';
import { bookRoom } from './bookings';
import { createEvent, findEvent, recordAttendance, register, sessionDays } from './events';
import { addDays, weekdayOf } from './model';
import { listRooms, saveRoom, type RoomInput } from './rooms';
import { eligibleHosts } from '../volunteering/hosting-reads';

const LOADER = systemPrincipal('demo-loader');
/** The demo partner account: the Jobcenter offer's contact, so it may request rooms for it. */
const PARTNER_EMAIL = 'partner.duesseldorf@example.org';

/** Fixed-date public holidays in North Rhine-Westphalia (month-day). */
const FIXED_HOLIDAYS = [
	['01-01', 'Neujahr'],
	['05-01', 'Tag der Arbeit'],
	['10-03', 'Tag der Deutschen Einheit'],
	['11-01', 'Allerheiligen'],
	['12-25', '1. Weihnachtstag'],
	['12-26', '2. Weihnachtstag']
] as const;

/** The next day on or after `day` that falls on ISO weekday `wd`. */
function nextWeekday(day: string, wd: number): string {
	return addDays(day, (wd - weekdayOf(day) + 7) % 7);
}

/** Loads the demo unless a demo room exists in Düsseldorf already. */
export async function loadHostingDemo(db: Db, now: Date = new Date()): Promise<void> {
	const m = await findMunicipality(db, 'duesseldorf');
	if (!m) return;
	if ((await listRooms(db, LOADER, m.id)).some((r) => r.isDemo)) return;
	const [wp5, wp6] = await Promise.all([findInstanceBySlug(db, m.id, 'welcome-point-5'), findInstanceBySlug(db, m.id, 'welcome-point-6')]);
	if (!wp5 || !wp6) return;
	const today = berlinDate(now);
	const year = Number(today.slice(0, 4));
	const closures = [year, year + 1].flatMap((y) => FIXED_HOLIDAYS.map(([md, note]) => ({ from: `${y}-${md}`, to: `${y}-${md}`, note })));
	const hours = [1, 2, 3, 4, 5].map((day) => ({ day, opens: '09:00', closes: '19:00' }));
	const rooms: Record<string, string> = {};
	for (const wp of [wp5, wp6]) {
		const locationId = await instancePlace(db, wp.id);
		const base: RoomInput = { instanceId: wp.id, locationId, name: '', capacity: 20, accessibility: ['step_free'], equipment: ['whiteboard', 'wifi'], bookableHours: hours, closures, maxAdvanceDays: 365, listing: 'public' };
		rooms[`${wp.slug}:group`] = (await saveRoom(db, LOADER, { ...base, name: 'Gruppenraum (Demo)', accessibility: wp === wp6 ? ['step_free', 'accessible_toilet', 'hearing_loop'] : ['step_free'] }, undefined, { isDemo: true })).id;
		rooms[`${wp.slug}:counselling`] = (await saveRoom(db, LOADER, { ...base, name: 'Beratungsraum (Demo)', capacity: 4, equipment: [], listing: 'internal' }, undefined, { isDemo: true })).id;
	}

	// The Jobcenter's weekly consultation hour at Welcome Point 5, published in the directory.
	const jobcenter = await saveOrganization(
		db,
		LOADER,
		m.id,
		{ name: 'Jobcenter Düsseldorf (Demo)', alternateNames: [], description: originalText('de', 'Demo-Inhalt: erfundener Eintrag für die Raumvergabe.'), actorType: 'public_authority', email: 'jobcenter-demo@example.org', phone: '', website: '', visibility: 'public', instanceId: null, socialSpaceIds: [], locations: [] },
		{ source: 'demo', sourceId: 'hosting-jobcenter', isDemo: true, verifiedBy: 'Demo' }
	);
	const consultation = await saveService(
		db,
		LOADER,
		m.id,
		{ ...emptyServiceInput(jobcenter.id), name: originalText('de', 'Sprechstunde Jobcenter im Welcome Point 5 (Demo)'), description: originalText('de', 'Demo-Inhalt: Fragen zu Bürgergeld und Arbeitssuche, ohne Termin.'), subtopics: [], targetGroups: ['newcomers'], languages: ['de', 'ar', 'uk'], lowThreshold: true, email: PARTNER_EMAIL },
		{ source: 'demo', sourceId: 'hosting-jobcenter-consultation', isDemo: true, verifiedBy: 'Demo' }
	);
	const tuesday = nextWeekday(addDays(today, 1), 2);
	await bookRoom(
		db,
		LOADER,
		{ roomId: rooms['welcome-point-5:group'], title: 'Sprechstunde Jobcenter (Demo)', purpose: 'external', providerOrganizationId: jobcenter.id, serviceId: consultation.id, firstDay: tuesday, lastDay: addDays(tuesday, 26 * 7), startTime: '10:00', endTime: '12:00', rrule: 'FREQ=WEEKLY;BYDAY=TU', contactEmail: 'jobcenter-demo@example.org', contactLocale: 'de', skipConflicts: true },
		now,
		{ isDemo: true }
	);

	// A German course with one registration for all twenty sessions: full, two people waiting.
	const monday = nextWeekday(addDays(today, 1), 1);
	const course = await createEvent(
		db,
		LOADER,
		{
			roomId: rooms['welcome-point-6:group'],
			kind: 'course',
			title: 'Deutschkurs A1 für Einsteigerinnen und Einsteiger (Demo)',
			description: 'Demo-Inhalt: zehn Wochen, montags und mittwochs, Kinderbetreuung im Nebenraum.',
			languages: ['de', 'ar', 'fa', 'uk'],
			targetGroups: ['newcomers'],
			themeFields: ['education'],
			free: true,
			capacity: 12,
			attendanceByName: false,
			hostVolunteerIds: [],
			series: { firstDay: monday, lastDay: addDays(monday, 10 * 7 - 1), startTime: '17:00', endTime: '18:30', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE', exdates: [], rdates: [] },
			skipConflicts: true
		},
		now,
		{ isDemo: true }
	);
	const names = ['Amina', 'Yusuf', 'Olena', 'Reza', 'Hawa', 'Dmytro', 'Sara', 'Omid', 'Layla', 'Taras', 'Nour', 'Farid', 'Iryna', 'Samir'];
	const languages = ['ar', 'tr', 'uk', 'fa', 'ar', 'uk', 'ar', 'fa', 'ar', 'uk', 'ar', 'fa', 'uk', 'ar'];
	for (const [i, name] of names.entries()) await register(db, course.id, { name: `Demo ${name}`, language: languages[i], email: '', phone: '' }, now);

	// A language café: an open group, no registration — weekly on the weekday the demo is loaded
	// (Monday when that is a weekend), from today, so the first look at this week's plan is not empty.
	const cafeDay = weekdayOf(today) <= 5 ? today : nextWeekday(today, 1);
	const cafeWeekday = ['MO', 'TU', 'WE', 'TH', 'FR'][weekdayOf(cafeDay) - 1];
	await createEvent(
		db,
		LOADER,
		{
			roomId: rooms['welcome-point-5:group'],
			kind: 'open_group',
			title: 'Sprachcafé (Demo)',
			description: 'Demo-Inhalt: Deutsch sprechen bei Tee und Kuchen, alle Niveaus willkommen.',
			languages: ['de', 'ar', 'tr', 'uk', 'ru', 'fa', 'en'],
			targetGroups: ['newcomers'],
			themeFields: ['education', 'civil_society'],
			free: true,
			capacity: null,
			attendanceByName: false,
			hostVolunteerIds: [],
			series: { firstDay: cafeDay, lastDay: addDays(cafeDay, 26 * 7), startTime: '15:00', endTime: '17:00', rrule: `FREQ=WEEKLY;BYDAY=${cafeWeekday}`, exdates: [], rdates: [] },
			skipConflicts: true
		},
		now,
		{ isDemo: true }
	);

	// Homework help at Welcome Point 5: an open group hosted by the demo volunteer login's profile
	// (Ehrenamt's demo names it so; issue 15 §3), so that login's page lists it. It began eight
	// weeks ago, with the attendance of its past sessions taken, so the contact statistics show
	// group work (Gruppenarbeit) from the first start. Made as of its first week, as staff would
	// have; after the language café's hours, so neither skips the other's dates.
	const began = new Date(now.getTime() - 8 * 7 * 86_400_000);
	const firstThursday = nextWeekday(berlinDate(began), 4);
	const eligible = await eligibleHosts(db, m.id, wp5.id, berlinDate(began));
	const hosts = (eligible.find((v) => v.name === 'Demo Ehrenamtliche*r') ?? eligible[0] ?? null)?.id;
	const homework = await createEvent(
		db,
		LOADER,
		{
			roomId: rooms['welcome-point-5:group'],
			kind: 'open_group',
			title: 'Hausaufgabenhilfe (Demo)',
			description: 'Demo-Inhalt: Ehrenamtliche helfen Schulkindern bei den Hausaufgaben, ohne Anmeldung.',
			languages: ['de', 'ar', 'uk'],
			targetGroups: ['newcomers'],
			themeFields: ['education'],
			free: true,
			capacity: null,
			attendanceByName: false,
			hostVolunteerIds: hosts ? [hosts] : [],
			series: { firstDay: firstThursday, lastDay: addDays(firstThursday, 30 * 7), startTime: '17:00', endTime: '18:30', rrule: 'FREQ=WEEKLY;BYDAY=TH', exdates: [], rdates: [] },
			skipConflicts: true
		},
		began,
		{ isDemo: true }
	);
	const counts = [6, 9, 7, 11, 8, 10, 7, 9];
	const past = sessionDays((await findEvent(db, homework.id))!.booking).filter((day) => day < today);
	for (const [i, day] of past.entries()) await recordAttendance(db, LOADER, homework.id, { day, count: counts[i % counts.length], registrationIds: [] });
}
