/**
 * The background work of Ehrenamt (issue 13 §4, §6, §8, §10), run through `core/jobs.ts`
 * (`startup.ts` schedules both; `npm run cli -- volunteering run` runs them by hand):
 *
 * `runVolunteeringMessages` (every 10 minutes): accompaniment requests → needs; the reminder
 * 24 hours before a confirmed shift; the care message after the first assignment and
 * `followUpDays` after a match; the reminder on the return date after a pause; the reminder
 * `fzReminderDays` before a Führungszeugnis is due for renewal. Each message goes out once (a
 * timestamp on its row) in the volunteer's language; care messages only with that consent.
 *
 * `runVolunteeringRetention` (with the deletion schedule): the Führungszeugnis record is deleted
 * when no activity followed the inspection within `fzNoActivityDays`, and at the latest
 * `fzKeepMonths` (≤ 3, § 72a Abs. 5 SGB VIII) after the last assignment ended; profiles without
 * activity for `profileRetentionMonths` get a notice and are erased `retentionNoticeDays`
 * later; unconfirmed registrations expire. Every deletion is in the audit log (actor
 * `retention`). Both take `ANLAUFSTELLE_NOW` as now when set (testing aid).
 */
import { and, eq, gt, inArray, isNull, lte, lt, sql } from 'drizzle-orm';
import { systemPrincipal } from '../access';
import { accountContacts } from '../accounts/volunteering-reads';
import { recordAudits } from '../audit/service';
import { errorFields, log } from '../core/log';
import type { Db, DbOrTx } from '../db/client';
import { mailWhen, publicOrigin, sendVolunteerMails, type VolunteerMail } from './mail';
import { addDays, addMonths, berlinDate } from './model';
import { syncAccompanimentNeeds } from './needs';
import { eraseVolunteer } from './profiles';
import { purgeRegistrations } from './registration';
import { volunteerAssignment, volunteerCheck, volunteerConsent, volunteerInvitation, volunteerNeed, volunteerProfile, volunteerShift } from './schema';
import { getSettings } from './settings';

/** The deletion schedule's principal (the audit log names it `retention`, as casework's). */
export const RETENTION = systemPrincipal('retention');

/** At most this many messages of one kind per run (the next run sends the rest). */
const BATCH = 500;

/** Where a person reads their own things. */
function areaLink(locale: string): string {
	return `${publicOrigin()}/${locale}/volunteer`;
}

/** Sends each message and marks it sent right after, so a mail failure leaves the rest for the next run. */
async function sendAndMark<T>(items: { item: T; mail: VolunteerMail | null }[], mark: (done: T[]) => Promise<void>): Promise<number> {
	const done: T[] = [];
	try {
		for (const { item, mail } of items) {
			if (mail) await sendVolunteerMails([mail]);
			done.push(item);
		}
	} catch (e) {
		log.warn({ ...errorFields(e), sent: done.length }, 'volunteering: a message could not be sent');
	}
	if (done.length) await mark(done);
	return done.length;
}

/** Addresses and whether the care-messages consent is in force, by profile. */
async function recipients(db: DbOrTx, profiles: { id: string; userId: string }[]): Promise<Map<string, { email: string | null; care: boolean }>> {
	if (!profiles.length) return new Map();
	const [contacts, consents] = await Promise.all([
		accountContacts(db, profiles.map((p) => p.userId)),
		db
			.select({ profileId: volunteerConsent.profileId })
			.from(volunteerConsent)
			.where(and(inArray(volunteerConsent.profileId, profiles.map((p) => p.id)), eq(volunteerConsent.purpose, 'care_messages'), isNull(volunteerConsent.withdrawnAt)))
	]);
	const care = new Set(consents.map((c) => c.profileId));
	return new Map(profiles.map((p) => {
		const c = contacts.get(p.userId);
		return [p.id, { email: c?.active ? c.email : null, care: care.has(p.id) }];
	}));
}

/** Counts of one run of the messages job. */
export interface MessageCounts {
	needsCreated: number;
	needsClosed: number;
	reminders: number;
	firstFollowUps: number;
	matchFollowUps: number;
	returnReminders: number;
	checkReminders: number;
}

/**
 * Reminders 24 hours before confirmed shifts that start in (now, now + 24 h], once each.
 * @returns how many were handled.
 */
export async function sendShiftReminders(db: Db, now: Date): Promise<number> {
	const due = await db
		.select({ id: volunteerAssignment.id, profileId: volunteerProfile.id, userId: volunteerProfile.userId, locale: volunteerProfile.messageLocale, startsAt: volunteerShift.startsAt, title: volunteerNeed.title, place: volunteerNeed.placeText })
		.from(volunteerAssignment)
		.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
		.innerJoin(volunteerNeed, eq(volunteerNeed.id, volunteerShift.needId))
		.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerAssignment.profileId))
		.where(and(eq(volunteerAssignment.status, 'confirmed'), isNull(volunteerAssignment.reminderSentAt), eq(volunteerShift.status, 'scheduled'), gt(volunteerShift.startsAt, now), lte(volunteerShift.startsAt, new Date(now.getTime() + 24 * 3_600_000))))
		.limit(BATCH);
	const to = await recipients(db, due.map((d) => ({ id: d.profileId, userId: d.userId })));
	return sendAndMark(
		due.map((d) => {
			const email = to.get(d.profileId)?.email;
			return { item: d.id, mail: email ? { to: email, locale: d.locale, kind: 'reminder' as const, params: { title: d.title, when: mailWhen(d.startsAt, d.locale), place: d.place || d.title, link: areaLink(d.locale) } } : null };
		}),
		async (ids) => {
			await db.update(volunteerAssignment).set({ reminderSentAt: now }).where(inArray(volunteerAssignment.id, ids));
		}
	);
}

/** Runs the messages job once. */
export async function runVolunteeringMessages(db: Db, now: Date = new Date()): Promise<MessageCounts> {
	const today = berlinDate(now);
	const sync = await syncAccompanimentNeeds(db, now);
	const reminders = await sendShiftReminders(db, now);

	// After the first assignment: the first shift done (or ended while confirmed).
	const firsts = await db
		.selectDistinct({ id: volunteerProfile.id, userId: volunteerProfile.userId, locale: volunteerProfile.messageLocale })
		.from(volunteerProfile)
		.innerJoin(volunteerAssignment, eq(volunteerAssignment.profileId, volunteerProfile.id))
		.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
		.where(and(isNull(volunteerProfile.firstFollowUpAt), inArray(volunteerAssignment.status, ['confirmed', 'done']), lt(volunteerShift.endsAt, now)))
		.limit(BATCH);
	const firstTo = await recipients(db, firsts);
	const firstFollowUps = await sendAndMark(
		firsts.map((p) => {
			const r = firstTo.get(p.id);
			return { item: p.id, mail: r?.email && r.care ? { to: r.email, locale: p.locale, kind: 'first_follow_up' as const, params: { link: areaLink(p.locale) } } : null };
		}),
		async (ids) => {
			await db.update(volunteerProfile).set({ firstFollowUpAt: now }).where(inArray(volunteerProfile.id, ids));
		}
	);

	// Some time after a match (per municipality's `followUpDays`).
	let matchFollowUps = 0;
	for (const municipalityId of await activeMunicipalities(db)) {
		const settings = await getSettings(db, municipalityId);
		const matches = await db
			.select({ id: volunteerInvitation.id, profileId: volunteerProfile.id, userId: volunteerProfile.userId, locale: volunteerProfile.messageLocale, title: volunteerNeed.title })
			.from(volunteerInvitation)
			.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerInvitation.profileId))
			.innerJoin(volunteerNeed, eq(volunteerNeed.id, volunteerInvitation.needId))
			.where(and(eq(volunteerProfile.municipalityId, municipalityId), eq(volunteerInvitation.status, 'accepted'), isNull(volunteerInvitation.followUpAt), lte(volunteerInvitation.respondedAt, new Date(now.getTime() - settings.followUpDays * 86_400_000))))
			.limit(BATCH);
		const matchTo = await recipients(db, matches.map((m) => ({ id: m.profileId, userId: m.userId })));
		matchFollowUps += await sendAndMark(
			matches.map((m) => {
				const r = matchTo.get(m.profileId);
				return { item: m.id, mail: r?.email && r.care ? { to: r.email, locale: m.locale, kind: 'match_follow_up' as const, params: { title: m.title, link: areaLink(m.locale) } } : null };
			}),
			async (ids) => {
				await db.update(volunteerInvitation).set({ followUpAt: now }).where(inArray(volunteerInvitation.id, ids));
			}
		);
	}

	// The return date of a pause has come.
	const returning = await db
		.select({ id: volunteerProfile.id, userId: volunteerProfile.userId, locale: volunteerProfile.messageLocale })
		.from(volunteerProfile)
		.where(and(isNull(volunteerProfile.returnReminderAt), sql`${volunteerProfile.pausedUntil} is not null`, lt(volunteerProfile.pausedUntil, today)))
		.limit(BATCH);
	const returnTo = await recipients(db, returning);
	const returnReminders = await sendAndMark(
		returning.map((p) => {
			const r = returnTo.get(p.id);
			return { item: p.id, mail: r?.email && r.care ? { to: r.email, locale: p.locale, kind: 'return_reminder' as const, params: { link: `${areaLink(p.locale)}/profile` } } : null };
		}),
		async (ids) => {
			await db.update(volunteerProfile).set({ returnReminderAt: now }).where(inArray(volunteerProfile.id, ids));
		}
	);

	// A Führungszeugnis soon due for renewal.
	let checkReminders = 0;
	for (const municipalityId of await activeMunicipalities(db)) {
		const settings = await getSettings(db, municipalityId);
		const lapsing = await db
			.select({ id: volunteerCheck.id, validUntil: volunteerCheck.validUntil, profileId: volunteerProfile.id, userId: volunteerProfile.userId, locale: volunteerProfile.messageLocale })
			.from(volunteerCheck)
			.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerCheck.profileId))
			.where(and(eq(volunteerProfile.municipalityId, municipalityId), eq(volunteerCheck.kind, 'criminal_record'), isNull(volunteerCheck.lapseReminderAt), lte(volunteerCheck.validUntil, addDays(today, settings.fzReminderDays))))
			.limit(BATCH);
		const lapseTo = await recipients(db, lapsing.map((c) => ({ id: c.profileId, userId: c.userId })));
		checkReminders += await sendAndMark(
			lapsing.map((c) => {
				const email = lapseTo.get(c.profileId)?.email;
				return { item: c.id, mail: email ? { to: email, locale: c.locale, kind: 'check_lapse' as const, params: { date: c.validUntil ?? '' } } : null };
			}),
			async (ids) => {
				await db.update(volunteerCheck).set({ lapseReminderAt: now }).where(inArray(volunteerCheck.id, ids));
			}
		);
	}
	return { needsCreated: sync.created, needsClosed: sync.closed, reminders, firstFollowUps, matchFollowUps, returnReminders, checkReminders };
}

/** Municipalities that have volunteers. */
async function activeMunicipalities(db: DbOrTx): Promise<string[]> {
	return (await db.selectDistinct({ id: volunteerProfile.municipalityId }).from(volunteerProfile)).map((r) => r.id);
}

/** Counts of one retention run. */
export interface RetentionCounts {
	checksDeleted: number;
	noticesSent: number;
	profilesErased: number;
	registrationsPurged: number;
}

/** Runs the retention job once. */
export async function runVolunteeringRetention(db: Db, now: Date = new Date()): Promise<RetentionCounts> {
	let checksDeleted = 0;
	let noticesSent = 0;
	let profilesErased = 0;
	const today = berlinDate(now);
	for (const municipalityId of await activeMunicipalities(db)) {
		const s = await getSettings(db, municipalityId);
		// Führungszeugnis records: § 72a Abs. 5 SGB VIII.
		const records = await db
			.select({
				id: volunteerCheck.id,
				profileId: volunteerCheck.profileId,
				inspectedOn: volunteerCheck.inspectedOn,
				lastEnd: sql<string | null>`(select max(sh.ends_at)::text from volunteer_assignment a join volunteer_shift sh on sh.id = a.shift_id where a.profile_id = ${volunteerCheck.profileId} and a.status in ('confirmed', 'done'))`,
				ahead: sql<boolean>`exists (select 1 from volunteer_assignment a join volunteer_shift sh on sh.id = a.shift_id where a.profile_id = ${volunteerCheck.profileId} and a.status = 'confirmed' and sh.ends_at > ${now.toISOString()}::timestamptz)`
			})
			.from(volunteerCheck)
			.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerCheck.profileId))
			.where(and(eq(volunteerProfile.municipalityId, municipalityId), eq(volunteerCheck.kind, 'criminal_record')));
		const expired = records.filter((r) => {
			if (r.ahead) return false;
			if (!r.lastEnd) return addDays(r.inspectedOn, s.fzNoActivityDays) < today;
			return addMonths(berlinDate(new Date(r.lastEnd)), s.fzKeepMonths) < today;
		});
		if (expired.length) {
			await db.transaction(async (tx) => {
				await tx.delete(volunteerCheck).where(inArray(volunteerCheck.id, expired.map((r) => r.id)));
				await recordAudits(
					tx,
					expired.map((r) => ({ actorLabel: RETENTION.label, municipalityId, action: 'delete', entityType: 'volunteer_check', entityId: r.id, changes: { kind: ['criminal_record', null], profileId: [r.profileId, null], reason: [null, r.lastEnd ? 'activity_ended' : 'no_activity'] } }))
				);
			});
			checksDeleted += expired.length;
		}
		// Dormant profiles: notice, then erasure.
		const cutoff = new Date(`${addMonths(today, -s.profileRetentionMonths)}T00:00:00Z`);
		const dormant = await db
			.select({ id: volunteerProfile.id, userId: volunteerProfile.userId, locale: volunteerProfile.messageLocale, noticeAt: volunteerProfile.retentionNoticeAt })
			.from(volunteerProfile)
			.where(
				and(
					eq(volunteerProfile.municipalityId, municipalityId),
					lt(volunteerProfile.lastActivityAt, cutoff),
					sql`not exists (select 1 from volunteer_assignment a join volunteer_shift sh on sh.id = a.shift_id where a.profile_id = ${volunteerProfile.id} and a.status = 'confirmed' and sh.ends_at > ${now.toISOString()}::timestamptz)`
				)
			)
			.limit(BATCH);
		const unnoticed = dormant.filter((d) => !d.noticeAt);
		const to = await recipients(db, unnoticed);
		const deadline = addDays(today, s.retentionNoticeDays);
		noticesSent += await sendAndMark(
			unnoticed.map((d) => {
				const email = to.get(d.id)?.email;
				return { item: d.id, mail: email ? { to: email, locale: d.locale, kind: 'retention_notice' as const, params: { date: deadline, link: `${publicOrigin()}/${d.locale}/login` } } : null };
			}),
			async (ids) => {
				await db.update(volunteerProfile).set({ retentionNoticeAt: now }).where(inArray(volunteerProfile.id, ids));
			}
		);
		for (const d of dormant.filter((x) => x.noticeAt && x.noticeAt.getTime() <= now.getTime() - s.retentionNoticeDays * 86_400_000)) {
			await eraseVolunteer(db, RETENTION, d.id, 'retention');
			profilesErased++;
		}
	}
	const registrationsPurged = await purgeRegistrations(db, now);
	return { checksDeleted, noticesSent, profilesErased, registrationsPurged };
}
