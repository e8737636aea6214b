/**
 * Ehrenamt (issue 13) on the world fixture: registration and confirmation, checks by law,
 * needs and matching, invitations and shifts, hours, the certificate, the calendar feed, the
 * jobs (reminders, deletion of the Führungszeugnis record and of dormant profiles) and the
 * statistics — with every bad-input path the issue names. Runs on PGlite and PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal, type UserPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import { AccessDeniedError, ConflictError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import { readOutbox } from '../../src/lib/server/core/mail';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { answerByToken, invite, setAssignmentStatus, signUp } from '../../src/lib/server/volunteering/assignments';
import { calendarFeed, renewCalendarToken } from '../../src/lib/server/volunteering/calendar';
import { recordCheck } from '../../src/lib/server/volunteering/checks';
import { cardCheckOf, countPendingHours, logHours, pendingHours, reviewHours } from '../../src/lib/server/volunteering/hours';
import { runVolunteeringMessages, runVolunteeringRetention } from '../../src/lib/server/volunteering/jobs';
import { matchNeed } from '../../src/lib/server/volunteering/matching';
import { listNeeds, postNeed, type NeedInput } from '../../src/lib/server/volunteering/needs';
import { ownCertificate } from '../../src/lib/server/volunteering/pages/certificate';
import { eraseVolunteer, ownProfile, updateOwnProfile, profileDetail, profileFor, profileToInput, type ProfileInput } from '../../src/lib/server/volunteering/profiles';
import { confirmRegistration, register } from '../../src/lib/server/volunteering/registration';
import { volunteerCheck, volunteerNeed, volunteerProfile } from '../../src/lib/server/volunteering/schema';
import { saveActivity, savePlace, saveSettings } from '../../src/lib/server/volunteering/settings';
import { capacityBySocialSpace, volunteeringStatistics } from '../../src/lib/server/volunteering/steering-reads';
import { steeringPanel } from '../../src/lib/server/volunteering/pages/steering';
import { m } from '../../src/lib/paraglide/messages.js';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

process.env.DATA_DIR = tempDir('anl-volunteering-');

let h: DatabaseHandle;
let w: World;
const NOW = new Date('2026-03-02T09:00:00Z');
const PASSWORD = 'a long enough password';

function profile(over: Partial<ProfileInput> = {}): ProfileInput {
	return {
		displayName: 'Amal',
		languages: [{ language: 'ar', level: 'native' }, { language: 'de', level: 'fluent' }],
		activities: ['accompaniment', 'language_mediation'],
		socialSpaceIds: [w.ids.s1a],
		availability: [{ kind: 'weekly', weekdays: [1, 2, 3, 4, 5], startsOn: '2026-01-01', startTime: '08:00', endTime: '20:00' }],
		capHoursPerMonth: '',
		messageLocale: 'ar',
		countInStatistics: true,
		consents: ['coordination', 'care_messages'],
		...over
	};
}

/** The text of a single-part RFC 5322 message, undoing its transfer encoding (base64 for Arabic, quoted-printable otherwise). */
function bodyOf(raw: string): string {
	const split = raw.search(/\r?\n\r?\n/);
	const head = raw.slice(0, split);
	const body = raw.slice(split).trim();
	if (/Content-Transfer-Encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	if (/Content-Transfer-Encoding:\s*quoted-printable/i.test(head)) {
		const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
		return Buffer.from(bytes, 'latin1').toString('utf8');
	}
	return body;
}

/** The last link to `path` in a message to `to`. */
async function linkIn(to: string, pathPart: string): Promise<string> {
	const mails = (await readOutbox()).filter((m) => m.raw.includes(`To: ${to}`));
	const raw = bodyOf(mails.at(-1)?.raw ?? '');
	const m = new RegExp(`https?://[^\\s]*${pathPart}/([A-Za-z0-9_-]+)`).exec(raw);
	if (!m) throw new Error(`no ${pathPart} link in a mail to ${to}`);
	return m[1];
}

/** Registers and confirms a volunteer; returns them signed in. */
async function volunteer(key: string, over: Partial<ProfileInput> = {}): Promise<UserPrincipal & { profileId: string }> {
	const email = `${key}@example.org`;
	await register(h.db, { municipalitySlug: 'koeln', email, profile: profile({ displayName: key, ...over }), locale: 'de', ip: `10.0.0.${key.length}` }, NOW);
	const token = await linkIn(email, '/volunteer/confirm');
	const { userId, profileId } = await confirmRegistration(h.db, token, PASSWORD, NOW);
	return { kind: 'user', userId, email, displayName: key, role: 'volunteer', municipalityId: w.ids.k, municipalitySlug: 'koeln', instanceIds: [], totpEnabled: false, profileId };
}

function need(over: Partial<NeedInput> = {}): NeedInput {
	return {
		municipalityId: w.ids.k,
		instanceId: w.ids.a,
		activity: 'language_mediation',
		socialSpaceId: w.ids.s1a,
		placeId: '',
		language: 'ar',
		title: 'Sprachmittlung beim Elternabend',
		description: '',
		date: '2026-03-10',
		startTime: '17:00',
		endTime: '19:00',
		rrule: '',
		untilDate: '',
		slots: 1,
		requirements: [],
		selfSignup: false,
		...over
	};
}

async function issuesOf(p: Promise<unknown>): Promise<string[]> {
	try {
		await p;
	} catch (e) {
		if (e instanceof ValidationError) return e.issues.map((i) => `${i.field}:${i.code}`);
		throw e;
	}
	throw new Error('no ValidationError');
}

let amal: UserPrincipal & { profileId: string };

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	amal = await volunteer('amal');
});
afterAll(() => h?.close());

describe(`registration (${DB_KIND})`, () => {
	it('confirms by emailed link into a volunteer account with the profile; the link works once', async () => {
		const me = await ownProfile(h.db, amal);
		expect(me.messageLocale).toBe('ar');
		const detail = await profileDetail(h.db, me);
		expect(detail.languages).toEqual([{ language: 'ar', level: 'native' }, { language: 'de', level: 'fluent' }]);
		expect(detail.availability[0].rrule).toBe('FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR');
		expect(detail.consents.map((c) => c.purpose).sort()).toEqual(['care_messages', 'coordination']);
	});

	it('refuses a second registration from the same confirmation link, naming the link', async () => {
		await register(h.db, { municipalitySlug: 'koeln', email: 'twice@example.org', profile: profile(), locale: 'de', ip: '10.1.1.1' }, NOW);
		const token = await linkIn('twice@example.org', '/volunteer/confirm');
		await confirmRegistration(h.db, token, PASSWORD, NOW);
		const users = await countRows(h, 'user_account');
		expect(await issuesOf(confirmRegistration(h.db, token, PASSWORD, NOW))).toEqual(['token:vo_link_used']);
		expect(await countRows(h, 'user_account')).toBe(users);
	});

	it('answers an invalid email with a field error and stores nothing', async () => {
		const before = await countRows(h, 'volunteer_registration');
		expect(await issuesOf(register(h.db, { municipalitySlug: 'koeln', email: 'not-an-email', profile: profile(), locale: 'de', ip: '10.1.1.2' }, NOW))).toEqual(['email:invalid_email']);
		expect(await countRows(h, 'volunteer_registration')).toBe(before);
	});

	it('answers an already registered email like any other and mails the address instead, storing nothing', async () => {
		const before = await countRows(h, 'volunteer_registration');
		expect(await register(h.db, { municipalitySlug: 'koeln', email: 'AMAL@example.org', profile: profile(), locale: 'de', ip: '10.1.1.3' }, NOW)).toEqual({ status: 'sent' });
		expect(await countRows(h, 'volunteer_registration')).toBe(before);
		const last = bodyOf((await readOutbox()).filter((m) => m.raw.includes('To: amal@example.org')).at(-1)!.raw);
		expect(last).toContain('/login');
	});

	it('refuses availability that ends before it starts, a return date before the pause, and no consent', async () => {
		const issues = await issuesOf(
			register(h.db, {
				municipalitySlug: 'koeln',
				email: 'bad@example.org',
				profile: profile({ availability: [{ kind: 'weekly', weekdays: [1], startsOn: '2026-03-01', endsOn: '2026-02-01', startTime: '18:00', endTime: '09:00' }], pausedFrom: '2026-04-10', pausedUntil: '2026-04-01', consents: [] }),
				locale: 'de',
				ip: '10.1.1.4'
			}, NOW)
		);
		expect(issues).toEqual(expect.arrayContaining(['availability.0.endTime:vo_ends_before_start', 'availability.0.endsOn:vo_ends_before_start', 'pausedUntil:vo_ends_before_start', 'consents:vo_consent_required']));
	});

	it('refuses an RRULE that is not weekly and an unknown language tag', async () => {
		const issues = await issuesOf(
			register(h.db, { municipalitySlug: 'koeln', email: 'rr@example.org', profile: profile({ languages: [{ language: 'x!', level: 'native' }], availability: [{ kind: 'weekly', rrule: 'FREQ=DAILY', startsOn: '2026-03-01', startTime: '09:00', endTime: '12:00' }] }), locale: 'de', ip: '10.1.1.5' }, NOW)
		);
		expect(issues).toEqual(expect.arrayContaining(['languages.0.language:invalid_language', 'availability.0.weekdays:vo_invalid_rrule']));
	});
});

describe(`checks by law (${DB_KIND})`, () => {
	it('records an inspected Führungszeugnis: dates and the absence of a catalogue offence only', async () => {
		const row = await recordCheck(h.db, w.who.staffA, amal.profileId, { kind: 'criminal_record', inspectedOn: '2026-03-01', issuedOn: '2026-02-01', noCatalogueOffence: 'yes' }, NOW);
		expect(row).toMatchObject({ issuedOn: '2026-02-01', inspectedOn: '2026-03-01', noCatalogueOffence: true, validUntil: '2031-02-01', recordedBy: w.who.staffA.userId });
		const columns = Object.values(getTableColumns(volunteerCheck)).map((c) => c.name);
		expect(columns.filter((c) => /(^|_)(file|scan|upload|document|image|content)(_|$)/.test(c))).toEqual([]);
	});

	it('refuses a Führungszeugnis issued in the future or older than the setting allows', async () => {
		expect(await issuesOf(recordCheck(h.db, w.who.staffA, amal.profileId, { kind: 'criminal_record', inspectedOn: '2026-03-01', issuedOn: '2026-04-01', noCatalogueOffence: 'yes' }, NOW))).toEqual(['issuedOn:vo_date_in_future']);
		expect(await issuesOf(recordCheck(h.db, w.who.staffA, amal.profileId, { kind: 'criminal_record', inspectedOn: '2026-03-01', issuedOn: '2025-10-01', noCatalogueOffence: 'yes' }, NOW))).toEqual(['issuedOn:vo_fz_too_old']);
		expect(await issuesOf(recordCheck(h.db, w.who.staffA, amal.profileId, { kind: 'criminal_record', inspectedOn: '2026-03-01', issuedOn: '2026-02-01' }, NOW))).toEqual(['noCatalogueOffence:required']);
	});

	it('lets neither volunteers nor partners nor another municipality record checks', async () => {
		for (const p of [amal, w.who.partner, w.who.staffC, w.who.adminOther]) {
			await expect(recordCheck(h.db, p, amal.profileId, { kind: 'measles', inspectedOn: '2026-03-01' }, NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		}
	});
});

describe(`needs, matching and assignments (${DB_KIND})`, () => {
	it('refuses a need whose end is before its start, in the past, or with a broken RRULE', async () => {
		const before = await countRows(h, 'volunteer_need');
		expect(await issuesOf(postNeed(h.db, w.who.staffA, need({ startTime: '19:00', endTime: '17:00', date: '2026-02-01', rrule: 'NONSENSE' }), NOW))).toEqual(
			expect.arrayContaining(['endTime:vo_ends_before_start', 'date:vo_date_in_past', 'rrule:vo_invalid_rrule'])
		);
		expect(await countRows(h, 'volunteer_need')).toBe(before);
	});

	it('expands a series into dated shifts in Berlin time across the clock change', async () => {
		const n = await postNeed(h.db, w.who.staffA, need({ title: 'Sprachcafé', activity: 'language_cafe', rrule: 'FREQ=WEEKLY;BYDAY=TH', date: '2026-03-19', untilDate: '2026-04-02' }), NOW);
		const shifts = (await h.db.execute(sql`select starts_at from volunteer_shift where need_id = ${n.id} order by starts_at`)) as unknown as { rows: { starts_at: string | Date }[] };
		expect(shifts.rows.map((r) => new Date(r.starts_at).toISOString())).toEqual(['2026-03-19T16:00:00.000Z', '2026-03-26T16:00:00.000Z', '2026-04-02T15:00:00.000Z']);
	});

	it('ranks by language, space, availability and fairness, leaves paused people out, and puts the over-cap last with a warning', async () => {
		await volunteer('ben', { languages: [{ language: 'ar', level: 'basic' }], socialSpaceIds: [w.ids.s2a] });
		await volunteer('cara', { pausedFrom: '2026-03-01', pausedUntil: '2026-03-31' });
		await volunteer('dana', { capHoursPerMonth: '1' });
		const n = await postNeed(h.db, w.who.staffA, need(), NOW);
		const match = await matchNeed(h.db, w.who.staffA, n.id, { now: NOW });
		const order = match.ranked.map((r) => r.displayName);
		expect(order).not.toContain('cara');
		expect(order.indexOf('amal')).toBeLessThan(order.indexOf('ben'));
		expect(order.at(-1)).toBe('dana');
		const first = match.ranked.find((r) => r.displayName === 'amal')!;
		expect(first.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['language', 'same_space', 'available', 'activity', 'recent_hours']));
		expect(match.ranked.find((r) => r.displayName === 'dana')!.reasons.map((r) => r.code)).toContain('over_cap');
	});

	it('lists the needs with their next shift, shift count and confirmed volunteers', async () => {
		const list = await listNeeds(h.db, w.who.staffA, w.ids.k, {}, NOW);
		const series = list.find((n) => n.title === 'Sprachcafé')!;
		expect(series).toMatchObject({ shifts: 3, confirmed: 0 });
		expect(series.nextShift?.toISOString()).toBe('2026-03-19T16:00:00.000Z');
	});

	it('refuses to invite someone without a required check, naming the check, through any path', async () => {
		await saveActivity(h.db, w.who.admin, w.ids.k, { key: 'childcare', requirements: ['criminal_record'] });
		const place = await savePlace(h.db, w.who.admin, w.ids.k, { name: 'Kita Sonnenschein', address: '', kind: 'kita', socialSpaceId: w.ids.s1a, instanceId: '', requirements: [] });
		const n = await postNeed(h.db, w.who.staffA, need({ activity: 'childcare', placeId: place.id, title: 'Kinderbetreuung im Sprachkurs', selfSignup: true }), NOW);
		const eve = await volunteer('eve');
		const before = await countRows(h, 'volunteer_invitation');
		expect(await issuesOf(invite(h.db, w.who.staffA, n.id, eve.profileId, NOW))).toEqual(['volunteer:vo_missing_criminal_record', 'volunteer:vo_missing_measles']);
		expect(await issuesOf(signUp(h.db, eve, n.id, NOW))).toEqual(['volunteer:vo_missing_criminal_record', 'volunteer:vo_missing_measles']);
		expect(await countRows(h, 'volunteer_invitation')).toBe(before);
		// Amal has the Führungszeugnis; with Masernschutz shown she may be invited.
		expect(await issuesOf(invite(h.db, w.who.staffA, n.id, amal.profileId, NOW))).toEqual(['volunteer:vo_missing_measles']);
		await recordCheck(h.db, w.who.staffA, amal.profileId, { kind: 'measles', inspectedOn: '2026-03-01' }, NOW);
		await invite(h.db, w.who.staffA, n.id, amal.profileId, NOW);
		await expect(invite(h.db, w.who.staffA, n.id, amal.profileId, NOW)).rejects.toBeInstanceOf(ConflictError);
	});

	it('is accepted through the emailed link (in the volunteer’s language), confirms the shift and fills the need; a clash is refused', async () => {
		const n = await postNeed(h.db, w.who.staffA, need({ title: 'Elterngespräch', date: '2026-03-11' }), NOW);
		await invite(h.db, w.who.staffA, n.id, amal.profileId, NOW);
		const mail = (await readOutbox()).filter((m) => m.raw.includes('To: amal@example.org')).at(-1)!.raw;
		expect(mail).toMatch(/Subject: =\?UTF-8\?/); // Arabic subject, encoded
		const token = await linkIn('amal@example.org', '/ar/v');
		await answerByToken(h.db, token, 'accept', NOW);
		const [row] = await h.db.select().from(volunteerNeed).where(eq(volunteerNeed.id, n.id));
		expect(row.status).toBe('filled');
		await expect(answerByToken(h.db, token, 'accept', NOW)).rejects.toBeInstanceOf(ConflictError);
		await expect(answerByToken(h.db, 'not-a-token', 'accept', NOW)).rejects.toBeInstanceOf(NotFoundError);
		const overlapping = await postNeed(h.db, w.who.staffA, need({ title: 'Zur selben Zeit', date: '2026-03-11', startTime: '18:00', endTime: '20:00' }), NOW);
		expect(await issuesOf(invite(h.db, w.who.staffA, overlapping.id, amal.profileId, NOW))).toEqual(['volunteer:vo_clash']);
	});
});

describe(`hours, certificate and calendar (${DB_KIND})`, () => {
	it('refuses negative hours, more than 24 in a day, and hours of a shift that has not happened', async () => {
		const before = await countRows(h, 'volunteer_hours');
		expect(await issuesOf(logHours(h.db, amal, { workedOn: '2026-03-01', hours: '-2', activity: 'language_mediation', organisation: 'WP Kalk' }, NOW))).toEqual(['hours:vo_hours_negative']);
		await logHours(h.db, amal, { workedOn: '2026-03-01', hours: '20', activity: 'language_mediation', organisation: 'WP Kalk' }, NOW);
		expect(await issuesOf(logHours(h.db, amal, { workedOn: '2026-03-01', hours: '5', activity: 'language_mediation', organisation: 'WP Kalk' }, NOW))).toEqual(['hours:vo_hours_over_day']);
		const [future] = ((await h.db.execute(sql`select a.id from volunteer_assignment a join volunteer_shift s on s.id = a.shift_id where a.profile_id = ${amal.profileId} and a.status = 'confirmed' and s.starts_at > ${NOW.toISOString()}::timestamptz limit 1`)) as unknown as { rows: { id: string }[] }).rows;
		expect(await issuesOf(logHours(h.db, amal, { assignmentId: future.id, workedOn: '2026-03-01', hours: '2' }, NOW))).toEqual(['assignmentId:vo_shift_not_happened']);
		expect(await countRows(h, 'volunteer_hours')).toBe(before + 1);
	});

	it('counts volunteer-logged hours once staff confirm them, in the certificate PDF in German and Arabic', async () => {
		const [pending] = ((await h.db.execute(sql`select id from volunteer_hours where profile_id = ${amal.profileId} and status = 'pending'`)) as unknown as { rows: { id: string }[] }).rows;
		await expect(reviewHours(h.db, amal, pending.id, 'confirmed', NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		const waiting = await countPendingHours(h.db, w.who.staffA, w.ids.k);
		expect(waiting).toBe((await pendingHours(h.db, w.who.staffA, w.ids.k)).length);
		await expect(countPendingHours(h.db, amal, w.ids.k)).rejects.toBeInstanceOf(AccessDeniedError);
		await reviewHours(h.db, w.who.staffA, pending.id, 'confirmed', NOW);
		expect(await countPendingHours(h.db, w.who.staffA, w.ids.k)).toBe(waiting - 1);
		const res = await ownCertificate(h.db, amal, new URLSearchParams('from=2026-01-01&to=2026-03-02'), NOW);
		const file = path.join(process.env.DATA_DIR!, 'cert.pdf');
		writeFileSync(file, Buffer.from(await res.arrayBuffer()));
		const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
		expect(info).toMatch(/Tagged:\s+yes/);
		expect(info).toMatch(/Pages:\s+2/);
		const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
		expect(text).toContain('Ehrenamtsnachweis');
		expect(text).toContain('Insgesamt: 20 Stunden');
		// pdftotext reads right-to-left lines word by word in visual order: look for the words.
		for (const word of ['شهادة', 'العمل', 'التطوعي', 'ساعة']) expect(text).toContain(word);
		expect(execFileSync('pdfinfo', ['-struct', file], { encoding: 'utf8' })).toMatch(/H1[\s\S]*Table[\s\S]*TH[\s\S]*TD/);
	});

	it('refuses a certificate period that ends before it starts', async () => {
		await expect(ownCertificate(h.db, amal, new URLSearchParams('from=2026-03-01&to=2026-01-01'), NOW)).rejects.toBeInstanceOf(ValidationError);
	});

	it('serves a personal feed an independent parser reads as RFC 5545, only at the current secret address', async () => {
		const old = await renewCalendarToken(h.db, amal);
		const token = await renewCalendarToken(h.db, amal);
		expect(await calendarFeed(h.db, old, (a) => a.title, NOW)).toBeNull();
		const text = (await calendarFeed(h.db, token, (a) => a.title, NOW))!;
		const component = new ICAL.Component(ICAL.parse(text));
		const events = component.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
		expect(events.map((e) => e.summary)).toContain('Elterngespräch');
		const e = events.find((x) => x.summary === 'Elterngespräch')!;
		expect(e.startDate.toJSDate().toISOString()).toBe('2026-03-11T16:00:00.000Z');
		expect(component.getFirstPropertyValue('version')).toBe('2.0');
	});

	it('checks the Ehrenamtskarte NRW against the thresholds of the settings', async () => {
		const me = await ownProfile(h.db, amal);
		expect((await cardCheckOf(h.db, me, NOW)).eligible).toBe(false);
		await saveSettings(h.db, w.who.admin, w.ids.k, { cardHoursPerYear: 10, cardYears: 1 });
		expect((await cardCheckOf(h.db, me, NOW)).eligible).toBe(true);
		expect(await issuesOf(saveSettings(h.db, w.who.admin, w.ids.k, { fzKeepMonths: 4 }))).toEqual(['fzKeepMonths:vo_out_of_range']);
	});
});

describe(`jobs and statistics (${DB_KIND})`, () => {
	it('reminds 24 hours before a confirmed shift, once', async () => {
		const at = new Date('2026-03-10T17:00:00Z');
		const first = await runVolunteeringMessages(h.db, at);
		expect(first.reminders).toBeGreaterThanOrEqual(1);
		expect((await runVolunteeringMessages(h.db, at)).reminders).toBe(0);
	});

	it('leaves opted-out volunteers out of every statistic', async () => {
		const before = await volunteeringStatistics(h.db, w.ids.k, NOW);
		const frank = await volunteer('frank', { activities: ['it_help'], countInStatistics: false });
		const after = await volunteeringStatistics(h.db, w.ids.k, NOW);
		expect(after).toEqual(before);
		expect(after.byActivity.find((a) => a.key === 'it_help')).toBeUndefined();
		expect((await capacityBySocialSpace(h.db, w.ids.k, NOW)).every((c) => c.volunteers === null || c.volunteers >= 5)).toBe(true);
		const input = profileToInput(await profileDetail(h.db, await ownProfile(h.db, frank)));
		await updateOwnProfile(h.db, frank, { ...input, countInStatistics: true }, NOW);
		expect((await volunteeringStatistics(h.db, w.ids.k, NOW)).byActivity.find((a) => a.key === 'it_help')).toEqual({ key: 'it_help', count: null });
	});

	it('says the median time to fill a need in the reader\'s digits on the steering panel', async () => {
		const panel = await steeringPanel(h.db, w.who.admin, 'de', NOW);
		// One need filled on the day it was posted: a median of 0 days, given as a number the message formats.
		expect([panel.needsFilled, panel.medianDaysToFill]).toEqual([1, 0]);
		const say = (days: number, locale: 'de' | 'fa') => m.vo_panel_time_to_fill({ days }, { locale });
		expect(say(panel.medianDaysToFill!, 'fa')).toContain('۰');
		expect(say(12.5, 'de')).toContain('12,5');
		expect(say(12.5, 'fa')).toContain('۱۲٫۵');
	});

	it('deletes the Führungszeugnis record 3 months after the last assignment, and a dormant profile after its notice, in the audit log', async () => {
		const gina = await volunteer('gina');
		await recordCheck(h.db, w.who.staffA, gina.profileId, { kind: 'criminal_record', inspectedOn: '2026-03-01', issuedOn: '2026-02-15', noCatalogueOffence: 'yes' }, NOW);
		// No assignment follows: deleted after fzNoActivityDays (30).
		expect((await runVolunteeringRetention(h.db, new Date('2026-03-20T00:00:00Z'))).checksDeleted).toBe(0);
		const r1 = await runVolunteeringRetention(h.db, new Date('2026-04-05T00:00:00Z'));
		expect(r1.checksDeleted).toBeGreaterThanOrEqual(1);
		expect(await h.db.select().from(volunteerCheck).where(eq(volunteerCheck.profileId, gina.profileId))).toEqual([]);
		// Amal's last assignment ends 2026-03-11 (the series ahead is not hers): kept until 3 months after.
		const amalFz = async () => (await h.db.select().from(volunteerCheck).where(eq(volunteerCheck.profileId, amal.profileId))).filter((c) => c.kind === 'criminal_record');
		await runVolunteeringRetention(h.db, new Date('2026-06-01T00:00:00Z'));
		expect(await amalFz()).toHaveLength(1);
		await runVolunteeringRetention(h.db, new Date('2026-06-13T00:00:00Z'));
		expect(await amalFz()).toHaveLength(0);
		const audit = await listAudit(h.db, systemPrincipal('t'), { municipalityId: w.ids.k, entityType: 'volunteer_check' });
		expect(audit.filter((a) => a.action === 'delete' && a.actorLabel === 'retention').length).toBeGreaterThanOrEqual(2);
		// Dormant: notice first, erasure after the notice period.
		const later = new Date('2028-06-01T00:00:00Z');
		const notice = await runVolunteeringRetention(h.db, later);
		expect(notice.noticesSent).toBeGreaterThanOrEqual(1);
		expect(notice.profilesErased).toBe(0);
		// The notice names the day of erasure as the volunteer's language writes it (Arabic here), not as the job computed it.
		const noticeText = bodyOf((await readOutbox()).filter((m) => m.raw.includes('To: gina@example.org')).at(-1)!.raw);
		expect(noticeText).toContain(new Intl.DateTimeFormat('ar', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(2028, 6, 1)));
		expect(noticeText).not.toMatch(/\d{4}-\d{2}-\d{2}/);
		const erased = await runVolunteeringRetention(h.db, new Date('2028-07-15T00:00:00Z'));
		expect(erased.profilesErased).toBeGreaterThanOrEqual(1);
		expect(await h.db.select().from(volunteerProfile).where(eq(volunteerProfile.id, gina.profileId))).toEqual([]);
		const erasures = await listAudit(h.db, systemPrincipal('t'), { municipalityId: w.ids.k, entityType: 'volunteer_profile', entityId: gina.profileId });
		expect(erasures.some((a) => a.action === 'erase' && a.actorLabel === 'retention')).toBe(true);
	});

	it('erases on request with the account', async () => {
		const hana = await volunteer('hana');
		await expect(eraseVolunteer(h.db, w.who.staffC, hana.profileId, 'request')).rejects.toBeInstanceOf(AccessDeniedError);
		await eraseVolunteer(h.db, w.who.admin, hana.profileId, 'request');
		expect(((await h.db.execute(sql`select count(*)::int as n from user_account where email = 'hana@example.org'`)) as unknown as { rows: { n: number }[] }).rows[0].n).toBe(0);
	});

	it('answers an unknown assignment with not found', async () => {
		await expect(setAssignmentStatus(h.db, w.who.staffA, '00000000-0000-4000-8000-000000000000', 'done', NOW)).rejects.toBeInstanceOf(NotFoundError);
	});

	it('audits a coordinator’s read of a profile', async () => {
		const ivo = await volunteer('ivo');
		await profileFor(h.db, w.who.staffB, ivo.profileId);
		const reads = await listAudit(h.db, systemPrincipal('t'), { municipalityId: w.ids.k, entityType: 'volunteer_profile', entityId: ivo.profileId });
		expect(reads.some((a) => a.action === 'read' && a.actorUserId === w.who.staffB.userId)).toBe(true);
	});
});

describe(`matching order (${DB_KIND})`, () => {
	it('orders equal scores by fewer recent hours, then by profile id; a lower language level after; lacking a check before over the cap; the best level of a language variant counts', async () => {
		const ti = (level: string) => ({ languages: [{ language: 'ti', level }] });
		const halima = await volunteer('halima', ti('native'));
		const ibrahim = await volunteer('ibrahim', ti('native'));
		const giovanni = await volunteer('giovanni', ti('native'));
		const leonarda = await volunteer('leonarda', { languages: [{ language: 'ti-ER', level: 'basic' }, { language: 'ti-ET', level: 'fluent' }] });
		await volunteer('jonathan', ti('native'));
		const kimberly = await volunteer('kimberly', { ...ti('native'), capHoursPerMonth: '1' });
		for (const v of [halima, ibrahim, giovanni, leonarda, kimberly]) await recordCheck(h.db, w.who.staffA, v.profileId, { kind: 'confidentiality', inspectedOn: '2026-03-01' }, NOW);
		await logHours(h.db, w.who.staffA, { profileId: giovanni.profileId, workedOn: '2026-03-01', hours: '3', activity: 'language_mediation', organisation: 'WP Kalk' }, NOW);
		const n = await postNeed(h.db, w.who.staffA, need({ language: 'ti', requirements: ['confidentiality'], title: 'Sprachmittlung Tigrinya', date: '2026-03-12' }), NOW);
		const match = await matchNeed(h.db, w.who.staffA, n.id, { now: NOW, limit: 100 });
		const mine = new Set(['halima', 'ibrahim', 'giovanni', 'leonarda', 'jonathan', 'kimberly']);
		const order = match.ranked.filter((r) => mine.has(r.displayName));
		const tied = [halima, ibrahim].sort((a, b) => (a.profileId < b.profileId ? -1 : 1)).map((v) => v.displayName);
		expect(order.map((r) => r.displayName)).toEqual([...tied, 'giovanni', 'leonarda', 'jonathan', 'kimberly']);
		expect(order.map((r) => r.tier)).toEqual([0, 0, 0, 0, 1, 2]);
		expect(order[2].recentHours).toBe(3);
		expect(order[3].reasons.find((r) => r.code === 'language')?.params).toEqual({ language: 'ti-ET', level: 'fluent' });
		expect(order[3].score).toBe(order[0].score - 5);
		expect(order[4].reasons.filter((r) => r.effect === 'block').map((r) => r.params)).toEqual([{ check: 'confidentiality' }]);
		expect(order[5].reasons.find((r) => r.code === 'over_cap')?.params).toEqual({ hours: 0, cap: 1 });
	});
});
