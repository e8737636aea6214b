/**
 * Ehrenamt's demo (issue 13 §11): Düsseldorf's Stadtbezirk 5 and 6 get invented volunteers, needs
 * with dated shifts and confirmed hours, all marked as demo (`is_demo`), and the demo volunteer
 * login (`ehrenamt.duesseldorf@example.org`, made by accounts' demo) gets a profile whose messages
 * are in Arabic, an invitation to answer and hours in the ledger. Runs after the accounts demo;
 * idempotent: once the demo login has a profile, nothing is added.
 */
import { eq } from 'drizzle-orm';
import { systemPrincipal } from '../access';
import { findAccountIdByEmail, insertVolunteerAccount } from '../accounts/volunteering-reads';
import type { Db } from '../db/client';
import { findMunicipality, listDistricts, listSocialSpaces } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';
import { invite } from './assignments';
import { recordCheck } from './checks';
import { logHours } from './hours';
import { addDays, berlinDate } from './model';
import { postNeed } from './needs';
import { checkProfile, insertProfile, type ProfileInput } from './profiles';
import { volunteerProfile } from './schema';

const LOADER = systemPrincipal('demo-loader');

/** The login of the demo volunteer (accounts' demo creates the account). */
const DEMO_VOLUNTEER = 'ehrenamt.duesseldorf@example.org';

/** Invented volunteers: name, languages, activities, Stadtbezirk (5 or 6), hours cap, counted. */
const PEOPLE: { name: string; languages: [string, string][]; activities: string[]; district: '5' | '6'; cap?: number; counted?: boolean; fz?: boolean }[] = [
	{ name: 'Demo Mariam', languages: [['ar', 'native'], ['de', 'fluent']], activities: ['accompaniment', 'language_mediation'], district: '5', fz: true },
	{ name: 'Demo Jonas', languages: [['de', 'native'], ['en', 'fluent']], activities: ['homework_help', 'it_help'], district: '5', cap: 8, fz: true },
	{ name: 'Demo Olena', languages: [['uk', 'native'], ['ru', 'native'], ['de', 'basic']], activities: ['language_mediation', 'childcare'], district: '6', fz: true },
	{ name: 'Demo Ahmad', languages: [['fa', 'native'], ['de', 'fluent']], activities: ['accompaniment', 'driving'], district: '6' },
	{ name: 'Demo Elif', languages: [['tr', 'native'], ['de', 'native']], activities: ['language_cafe', 'leisure_sports'], district: '5' },
	{ name: 'Demo Hannelore', languages: [['de', 'native']], activities: ['language_cafe', 'office_help', 'crafts_repairs'], district: '6', cap: 12 },
	{ name: 'Demo Samir', languages: [['ar', 'native'], ['fr', 'fluent'], ['de', 'basic']], activities: ['leisure_sports', 'childcare'], district: '5', counted: false },
	{ name: 'Demo Petra', languages: [['de', 'native'], ['en', 'basic']], activities: ['homework_help', 'accompaniment'], district: '6', fz: true },
	{ name: 'Demo Yusuf', languages: [['ku', 'native'], ['tr', 'fluent'], ['de', 'fluent']], activities: ['language_mediation'], district: '5' },
	{ name: 'Demo Katarzyna', languages: [['pl', 'native'], ['de', 'fluent']], activities: ['it_help', 'office_help'], district: '6' }
];

function profileInput(p: (typeof PEOPLE)[number], spaces: string[], today: string): ProfileInput {
	return {
		displayName: p.name,
		languages: p.languages.map(([language, level]) => ({ language, level })),
		activities: p.activities,
		socialSpaceIds: spaces,
		availability: [{ kind: 'weekly', weekdays: [1, 2, 3, 4, 5], startsOn: addDays(today, -60), startTime: '09:00', endTime: '19:00' }],
		capHoursPerMonth: p.cap ?? '',
		messageLocale: p.languages[0][0] === 'de' || !['ar', 'fa', 'uk', 'tr', 'ru', 'en'].includes(p.languages[0][0]) ? 'de' : p.languages[0][0],
		countInStatistics: p.counted ?? true,
		consents: ['coordination', 'care_messages']
	};
}

/** Creates a demo profile (and its account when `userId` is not given). @returns the profile id. */
async function demoProfile(db: Db, municipalityId: string, instanceId: string, input: ProfileInput, now: Date, account: { userId?: string; email: string }): Promise<string> {
	const { clean, issues } = await checkProfile(db, municipalityId, input);
	if (issues.length) throw new Error(`demo volunteer ${input.displayName}: ${issues.map((i) => `${i.field} ${i.code}`).join(', ')}`);
	return db.transaction(async (tx) => {
		// Demo accounts of invented volunteers get a random password: nobody signs in with them.
		const userId = account.userId ?? (await insertVolunteerAccount(tx, { email: account.email, displayName: clean.displayName, municipalityId, password: crypto.randomUUID(), locale: clean.messageLocale }));
		return (await insertProfile(tx, LOADER, { municipalityId, instanceId, userId, clean, now, isDemo: true })).id;
	});
}

/** Loads Ehrenamt's demo for Düsseldorf if the demo volunteer has no profile yet. */
export async function loadVolunteeringDemo(db: Db, now: Date = new Date()): Promise<void> {
	const m = await findMunicipality(db, 'duesseldorf');
	const userId = m ? await findAccountIdByEmail(db, DEMO_VOLUNTEER) : null;
	if (!m || !userId) return;
	if ((await db.select({ id: volunteerProfile.id }).from(volunteerProfile).where(eq(volunteerProfile.userId, userId))).length) return;
	const wp5 = (await findInstanceBySlug(db, m.id, 'welcome-point-5'))!;
	const wp6 = (await findInstanceBySlug(db, m.id, 'welcome-point-6'))!;
	const districts = await listDistricts(db, m.id);
	const spacesOf = async (code: string) => {
		const d = districts.find((x) => x.code === code);
		return d ? (await listSocialSpaces(db, { municipalityId: m.id, districtId: d.id })).map((s) => s.id) : [];
	};
	const spaces = { '5': await spacesOf('5'), '6': await spacesOf('6') };
	const today = berlinDate(now);
	const instanceOf = (district: '5' | '6') => (district === '5' ? wp5.id : wp6.id);

	// The demo login: Arabic messages, language mediation and accompaniment in Stadtbezirk 5.
	const own = await demoProfile(
		db,
		m.id,
		wp5.id,
		{ ...profileInput({ name: 'Demo Ehrenamtliche*r', languages: [['ar', 'native'], ['de', 'fluent'], ['en', 'basic']], activities: ['accompaniment', 'language_mediation', 'language_cafe'], district: '5' }, spaces['5'].slice(0, 3), today), messageLocale: 'ar' },
		now,
		{ userId, email: DEMO_VOLUNTEER }
	);
	const ids: string[] = [];
	for (const [i, p] of PEOPLE.entries()) {
		const id = await demoProfile(db, m.id, instanceOf(p.district), profileInput(p, spaces[p.district].slice(i % 2, (i % 2) + 3), today), now, { email: `ehrenamt.demo${i + 1}@example.org` });
		ids.push(id);
		if (p.fz) await recordCheck(db, LOADER, id, { kind: 'criminal_record', inspectedOn: addDays(today, -20), issuedOn: addDays(today, -40), noCatalogueOffence: 'yes' }, now);
		await recordCheck(db, LOADER, id, { kind: 'confidentiality', inspectedOn: addDays(today, -30) }, now);
	}
	await recordCheck(db, LOADER, own, { kind: 'confidentiality', inspectedOn: addDays(today, -30) }, now);

	// Needs of both Welcome Points: a weekly language café (volunteers may sign up), a homework
	// help series at a school that asks for the Führungszeugnis, and an accompaniment.
	const base = { municipalityId: m.id, placeId: '', description: '', untilDate: addDays(today, 56), requirements: [] as string[], isDemo: true };
	const cafe = await postNeed(db, LOADER, { ...base, instanceId: wp5.id, activity: 'language_cafe', socialSpaceId: spaces['5'][0] ?? '', language: 'ar', title: 'Demo: Sprachcafé im Welcome Point 5', date: addDays(today, 2), startTime: '16:00', endTime: '18:00', rrule: 'FREQ=WEEKLY', slots: 3, selfSignup: true }, now);
	await postNeed(db, LOADER, { ...base, instanceId: wp6.id, activity: 'homework_help', socialSpaceId: spaces['6'][0] ?? '', language: '', title: 'Demo: Hausaufgabenhilfe Grundschule', date: addDays(today, 3), startTime: '14:00', endTime: '15:30', rrule: 'FREQ=WEEKLY;BYDAY=TU,TH', slots: 2, requirements: ['criminal_record'], selfSignup: false }, now);
	const accompaniment = await postNeed(db, LOADER, { ...base, instanceId: wp5.id, activity: 'accompaniment', socialSpaceId: spaces['5'][1] ?? '', language: 'ar', title: 'Demo: Begleitung zum Jobcenter', date: addDays(today, 5), startTime: '09:30', endTime: '11:00', rrule: '', untilDate: '', slots: 1, selfSignup: false }, now);

	// The demo login has an invitation to answer and hours in the ledger; others have hours too.
	await invite(db, LOADER, accompaniment.id, own, now);
	await invite(db, LOADER, cafe.id, ids[0], now);
	await logHours(db, LOADER, { profileId: own, workedOn: addDays(today, -14), hours: '2', activity: 'language_cafe', organisation: 'Welcome Point 5 (Demo)' }, now);
	await logHours(db, LOADER, { profileId: own, workedOn: addDays(today, -7), hours: '1.5', activity: 'accompaniment', organisation: 'Welcome Point 5 (Demo)' }, now);
	for (const [i, id] of ids.entries()) {
		await logHours(db, LOADER, { profileId: id, workedOn: addDays(today, -3 - i), hours: String(1 + (i % 4)), activity: PEOPLE[i].activities[0], organisation: `Welcome Point ${PEOPLE[i].district} (Demo)` }, now);
	}
}
