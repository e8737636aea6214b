/**
 * Ehrenamtsprofile (issue 13 §1, §10): what a volunteer offers — languages with a level,
 * activities, social spaces, availability (weekly RRULE or single dates, a pause with a return
 * date), a load cap, the language for messages, consents, and "do not count me in statistics".
 * The volunteer edits their own (`volunteering:self`); coordinators read them
 * (`volunteers:coordinate`), and every such read is audited. Export (Art. 15, 20 GDPR) and
 * erasure (Art. 17) on request.
 */
import { and, asc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { auditActor, authorize, can, type Principal, type UserPrincipal } from '../access';
import { accountContacts, deleteAccount, renameAccount } from '../accounts/volunteering-reads';
import { diffRecords, recordAudit } from '../audit/service';
import { AccessDeniedError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag, isIsoDate, isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { socialSpacePlaces } from '../geography/casework-reads';
import { locales } from '../../paraglide/runtime.js';
import { addMonths, berlinDate, clockMinutes, CONSENT_PURPOSES, LANGUAGE_LEVELS, LIMITS, type AvailabilityWindow } from './model';
import { parseWeekly, weeklyRule } from './recurrence';
import {
	volunteerAvailability,
	volunteerCheck,
	volunteerConsent,
	volunteerHours,
	volunteerLanguage,
	volunteerProfile,
	volunteerRecognition,
	volunteerSpace,
	volunteerTaskConfirmation
} from './schema';
import { isActivityOf } from './settings';

/** One availability window as entered. */
export interface AvailabilityInput {
	kind: 'weekly' | 'date';
	/** ISO weekdays 1–7 (weekly), or give `rrule`. */
	weekdays?: number[];
	/** An RFC 5545 weekly RRULE instead of `weekdays`. */
	rrule?: string;
	intervalWeeks?: number;
	/** First day (the date for `date`), `YYYY-MM-DD`. */
	startsOn: string;
	endsOn?: string;
	startTime: string;
	endTime: string;
}

/** A profile as entered (registration form, profile page, API). */
export interface ProfileInput {
	displayName: string;
	languages: { language: string; level: string }[];
	activities: string[];
	socialSpaceIds: string[];
	availability: AvailabilityInput[];
	/** Hours per month; '' or null = no cap. */
	capHoursPerMonth: string | number | null;
	messageLocale: string;
	pausedFrom?: string;
	pausedUntil?: string;
	countInStatistics: boolean;
	/** Purposes consented to (`coordination` required). */
	consents: string[];
}

/** A profile input checked and normalised, ready to write. */
export interface CleanProfile {
	displayName: string;
	languages: { language: string; level: string }[];
	activities: string[];
	socialSpaceIds: string[];
	availability: (AvailabilityWindow & { rrule: string | null })[];
	capHoursPerMonth: number | null;
	messageLocale: string;
	pausedFrom: string | null;
	pausedUntil: string | null;
	countInStatistics: boolean;
	consents: string[];
}

/**
 * Checks a profile against the municipality's vocabulary and spaces; every problem is one
 * `FieldIssue` (fields `displayName`, `languages.<i>.language`, `languages.<i>.level`,
 * `activities`, `socialSpaceIds`, `availability.<i>.<part>`, `capHoursPerMonth`,
 * `messageLocale`, `pausedUntil`, `consents`).
 * @returns the clean profile and the issues (empty when it can be written).
 */
export async function checkProfile(db: DbOrTx, municipalityId: string, input: ProfileInput): Promise<{ clean: CleanProfile; issues: FieldIssue[] }> {
	const issues: FieldIssue[] = [];
	const displayName = input.displayName.trim();
	if (!displayName) issues.push({ field: 'displayName', code: 'required' });
	else if (displayName.length > LIMITS.name || !isStorableText(displayName)) issues.push({ field: 'displayName', code: 'too_long', params: { max: LIMITS.name } });
	const languages: CleanProfile['languages'] = [];
	const rows = input.languages.filter((l) => l.language.trim() || l.level.trim());
	if (rows.length > LIMITS.languages) issues.push({ field: 'languages', code: 'vo_too_many', params: { max: LIMITS.languages } });
	rows.slice(0, LIMITS.languages).forEach((l, i) => {
		const tag = canonicalLanguageTag(l.language);
		if (!tag || !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag)) issues.push({ field: `languages.${i}.language`, code: 'invalid_language', params: { value: l.language.trim() } });
		else if (!(LANGUAGE_LEVELS as readonly string[]).includes(l.level)) issues.push({ field: `languages.${i}.level`, code: 'unknown_option' });
		else if (!languages.some((x) => x.language === tag)) languages.push({ language: tag, level: l.level });
	});
	if (!rows.length) issues.push({ field: 'languages.0.language', code: 'required' });
	const activities = [...new Set(input.activities.map((a) => a.trim()).filter(Boolean))];
	for (const a of activities) {
		if (!(await isActivityOf(db, municipalityId, a))) {
			issues.push({ field: 'activities', code: 'unknown_option' });
			break;
		}
	}
	const spaceIds = [...new Set(input.socialSpaceIds.filter(Boolean))];
	const spaces = await socialSpacePlaces(db, spaceIds);
	if (spaces.length !== spaceIds.length || spaces.some((s) => s.municipalityId !== municipalityId)) issues.push({ field: 'socialSpaceIds', code: 'unknown_social_space' });
	const availability: CleanProfile['availability'] = [];
	if (input.availability.length > LIMITS.availability) issues.push({ field: 'availability', code: 'vo_too_many', params: { max: LIMITS.availability } });
	input.availability.slice(0, LIMITS.availability).forEach((a, i) => {
		const f = (part: string) => `availability.${i}.${part}`;
		const start = clockMinutes(a.startTime);
		const end = clockMinutes(a.endTime);
		let ok = true;
		if (start === null) (issues.push({ field: f('startTime'), code: 'invalid_time' }), (ok = false));
		if (end === null) (issues.push({ field: f('endTime'), code: 'invalid_time' }), (ok = false));
		if (start !== null && end !== null && end <= start) (issues.push({ field: f('endTime'), code: 'vo_ends_before_start' }), (ok = false));
		if (!isIsoDate(a.startsOn)) (issues.push({ field: f('startsOn'), code: 'required' }), (ok = false));
		if (a.kind === 'weekly') {
			if (a.endsOn && !isIsoDate(a.endsOn)) (issues.push({ field: f('endsOn'), code: 'vo_invalid_date' }), (ok = false));
			else if (a.endsOn && isIsoDate(a.startsOn) && a.endsOn < a.startsOn) (issues.push({ field: f('endsOn'), code: 'vo_ends_before_start' }), (ok = false));
			const rule = a.rrule ? parseWeekly(a.rrule) : a.weekdays?.length ? weeklyRule(a.weekdays, Math.min(Math.max(a.intervalWeeks ?? 1, 1), 4)) : null;
			if (!rule) (issues.push({ field: f('weekdays'), code: a.rrule ? 'vo_invalid_rrule' : 'required' }), (ok = false));
			if (ok && rule) availability.push({ kind: 'weekly', rrule: rule.rrule, weekdays: rule.weekdays, intervalWeeks: rule.intervalWeeks, startsOn: a.startsOn, endsOn: a.endsOn || null, startTime: a.startTime.trim(), endTime: a.endTime.trim() });
		} else if (a.kind === 'date') {
			if (ok) availability.push({ kind: 'date', rrule: null, weekdays: [], intervalWeeks: 1, startsOn: a.startsOn, endsOn: null, startTime: a.startTime.trim(), endTime: a.endTime.trim() });
		} else issues.push({ field: f('kind'), code: 'unknown_option' });
	});
	let capHoursPerMonth: number | null = null;
	const capRaw = input.capHoursPerMonth === null ? '' : String(input.capHoursPerMonth).trim();
	if (capRaw) {
		const n = Number(capRaw);
		if (!Number.isInteger(n) || n < 1 || n > 200) issues.push({ field: 'capHoursPerMonth', code: 'vo_out_of_range', params: { min: 1, max: 200 } });
		else capHoursPerMonth = n;
	}
	if (!(locales as readonly string[]).includes(input.messageLocale)) issues.push({ field: 'messageLocale', code: 'unknown_option' });
	const pausedFrom = input.pausedFrom?.trim() || null;
	const pausedUntil = input.pausedUntil?.trim() || null;
	if (pausedFrom && !isIsoDate(pausedFrom)) issues.push({ field: 'pausedFrom', code: 'vo_invalid_date' });
	if (pausedUntil && !isIsoDate(pausedUntil)) issues.push({ field: 'pausedUntil', code: 'vo_invalid_date' });
	else if (pausedUntil && !pausedFrom) issues.push({ field: 'pausedFrom', code: 'required' });
	else if (pausedFrom && pausedUntil && isIsoDate(pausedFrom) && pausedUntil < pausedFrom) issues.push({ field: 'pausedUntil', code: 'vo_ends_before_start' });
	const consents = [...new Set(input.consents)].filter((c) => CONSENT_PURPOSES.some((p) => p.key === c));
	if (!consents.includes('coordination')) issues.push({ field: 'consents', code: 'vo_consent_required' });
	return {
		clean: { displayName, languages, activities, socialSpaceIds: spaces.map((s) => s.id), availability, capHoursPerMonth, messageLocale: input.messageLocale, pausedFrom, pausedUntil, countInStatistics: input.countInStatistics, consents },
		issues
	};
}

/** Writes a profile's lists (languages, spaces, availability, consents), replacing what was there. */
async function writeLists(tx: DbOrTx, profileId: string, clean: CleanProfile, now: Date): Promise<void> {
	await tx.delete(volunteerLanguage).where(eq(volunteerLanguage.profileId, profileId));
	if (clean.languages.length) await tx.insert(volunteerLanguage).values(clean.languages.map((l) => ({ profileId, ...l })));
	await tx.delete(volunteerSpace).where(eq(volunteerSpace.profileId, profileId));
	if (clean.socialSpaceIds.length) await tx.insert(volunteerSpace).values(clean.socialSpaceIds.map((socialSpaceId) => ({ profileId, socialSpaceId })));
	await tx.delete(volunteerAvailability).where(eq(volunteerAvailability.profileId, profileId));
	if (clean.availability.length) await tx.insert(volunteerAvailability).values(clean.availability.map((a) => ({ profileId, ...a })));
	const existing = await tx.select().from(volunteerConsent).where(eq(volunteerConsent.profileId, profileId));
	for (const p of CONSENT_PURPOSES) {
		const row = existing.find((c) => c.purpose === p.key);
		const wanted = clean.consents.includes(p.key);
		if (wanted && (!row || row.withdrawnAt)) {
			await tx.insert(volunteerConsent).values({ profileId, purpose: p.key, givenAt: now }).onConflictDoUpdate({ target: [volunteerConsent.profileId, volunteerConsent.purpose], set: { givenAt: now, withdrawnAt: null } });
		} else if (!wanted && row && !row.withdrawnAt) {
			await tx.update(volunteerConsent).set({ withdrawnAt: now }).where(and(eq(volunteerConsent.profileId, profileId), eq(volunteerConsent.purpose, p.key)));
		}
	}
}

/** What the audit log records of a profile: choices, never free text or availability times. */
function auditView(clean: CleanProfile) {
	return {
		languages: clean.languages.map((l) => `${l.language}:${l.level}`),
		activities: clean.activities,
		socialSpaceIds: clean.socialSpaceIds,
		availability: clean.availability.length,
		capHoursPerMonth: clean.capHoursPerMonth,
		messageLocale: clean.messageLocale,
		paused: clean.pausedFrom ? `${clean.pausedFrom}..${clean.pausedUntil ?? ''}` : null,
		countInStatistics: clean.countInStatistics,
		consents: clean.consents
	};
}

/**
 * Creates the profile of a new volunteer account in the caller's transaction (the
 * registration's confirmation), audited.
 */
export async function insertProfile(tx: DbOrTx, principal: Principal, input: { municipalityId: string; instanceId: string | null; userId: string; clean: CleanProfile; now: Date; isDemo?: boolean }) {
	const { clean, now } = input;
	const [row] = await tx
		.insert(volunteerProfile)
		.values({
			municipalityId: input.municipalityId,
			userId: input.userId,
			instanceId: input.instanceId,
			activities: clean.activities,
			capHoursPerMonth: clean.capHoursPerMonth,
			messageLocale: clean.messageLocale,
			pausedFrom: clean.pausedFrom,
			pausedUntil: clean.pausedUntil,
			countInStatistics: clean.countInStatistics,
			lastActivityAt: now,
			isDemo: input.isDemo ?? false,
			createdAt: now,
			updatedAt: now
		})
		.returning();
	await writeLists(tx, row.id, clean, now);
	await recordAudit(tx, { ...auditActor(principal), municipalityId: input.municipalityId, action: 'create', entityType: 'volunteer_profile', entityId: row.id, changes: diffRecords(null, auditView(clean)) });
	return row;
}

export type ProfileRow = typeof volunteerProfile.$inferSelect;

/** The profile of the signed-in volunteer. @throws AccessDeniedError without `volunteering:self`; NotFoundError when they have none. */
export async function ownProfile(db: DbOrTx, principal: Principal): Promise<ProfileRow> {
	if (principal.kind !== 'user' || !can(principal, 'volunteering:self', { municipalityId: principal.municipalityId })) throw new AccessDeniedError();
	const [row] = await db.select().from(volunteerProfile).where(eq(volunteerProfile.userId, principal.userId));
	if (!row) throw new NotFoundError('volunteer profile');
	return row;
}

/** The profile of the signed-in volunteer, or null when the account has none (an account made by hand). */
export async function ownProfileOrNull(db: DbOrTx, principal: UserPrincipal): Promise<ProfileRow | null> {
	const [row] = await db.select().from(volunteerProfile).where(eq(volunteerProfile.userId, principal.userId));
	return row ?? null;
}

/**
 * A profile for a coordinator (`volunteers:coordinate` on its municipality), or for the
 * volunteer themself. Reads by coordinators are audited (`read`), since profiles are personal data.
 * @throws NotFoundError (unknown id, also not a UUID); AccessDeniedError.
 */
export async function profileFor(db: DbOrTx, principal: Principal, profileId: string, options: { audit?: boolean } = {}): Promise<ProfileRow> {
	if (!isUuid(profileId)) throw new NotFoundError(`volunteer ${profileId}`);
	const [row] = await db.select().from(volunteerProfile).where(eq(volunteerProfile.id, profileId));
	if (!row) throw new NotFoundError(`volunteer ${profileId}`);
	const self = principal.kind === 'user' && principal.userId === row.userId;
	if (!self) authorize(principal, 'volunteers:coordinate', { municipalityId: row.municipalityId });
	if (!self && options.audit !== false) {
		await recordAudit(db, { ...auditActor(principal), municipalityId: row.municipalityId, action: 'read', entityType: 'volunteer_profile', entityId: row.id });
	}
	return row;
}

/** A profile with its lists, as pages and the export show it. */
export interface ProfileDetail {
	profile: ProfileRow;
	displayName: string;
	email: string;
	languages: { language: string; level: string }[];
	socialSpaceIds: string[];
	availability: (typeof volunteerAvailability.$inferSelect)[];
	consents: (typeof volunteerConsent.$inferSelect)[];
}

/** The lists of a profile (no authorisation: callers got the row through `profileFor` or `ownProfile`). */
export async function profileDetail(db: DbOrTx, profile: ProfileRow): Promise<ProfileDetail> {
	// One after the other: `db` may be a transaction's client (a profile update reads the old
	// lists in its transaction), which runs one query at a time.
	const languages = await db.select({ language: volunteerLanguage.language, level: volunteerLanguage.level }).from(volunteerLanguage).where(eq(volunteerLanguage.profileId, profile.id)).orderBy(asc(volunteerLanguage.language));
	const spaces = await db.select({ id: volunteerSpace.socialSpaceId }).from(volunteerSpace).where(eq(volunteerSpace.profileId, profile.id));
	const availability = await db.select().from(volunteerAvailability).where(eq(volunteerAvailability.profileId, profile.id)).orderBy(asc(volunteerAvailability.kind), asc(volunteerAvailability.startsOn));
	const consents = await db.select().from(volunteerConsent).where(eq(volunteerConsent.profileId, profile.id));
	const contacts = await accountContacts(db, [profile.userId]);
	const contact = contacts.get(profile.userId);
	return { profile, displayName: contact?.displayName ?? '', email: contact?.email ?? '', languages, socialSpaceIds: spaces.map((s) => s.id), availability, consents };
}

/** A stored profile in the checked shape (for comparing before and after). */
function cleanOf(d: ProfileDetail): CleanProfile {
	return {
		displayName: d.displayName,
		languages: d.languages,
		activities: d.profile.activities,
		socialSpaceIds: d.socialSpaceIds,
		availability: d.availability.map((a) => ({ ...a, kind: a.kind as 'weekly' | 'date' })),
		capHoursPerMonth: d.profile.capHoursPerMonth,
		messageLocale: d.profile.messageLocale,
		pausedFrom: d.profile.pausedFrom,
		pausedUntil: d.profile.pausedUntil,
		countInStatistics: d.profile.countInStatistics,
		consents: d.consents.filter((c) => !c.withdrawnAt).map((c) => c.purpose)
	};
}

/** The profile in the form's shape, for editing. */
export function profileToInput(d: ProfileDetail): ProfileInput {
	return {
		displayName: d.displayName,
		languages: d.languages,
		activities: d.profile.activities,
		socialSpaceIds: d.socialSpaceIds,
		availability: d.availability.map((a) => ({ kind: a.kind as 'weekly' | 'date', weekdays: a.weekdays, intervalWeeks: a.intervalWeeks, startsOn: a.startsOn, endsOn: a.endsOn ?? '', startTime: a.startTime, endTime: a.endTime })),
		capHoursPerMonth: d.profile.capHoursPerMonth,
		messageLocale: d.profile.messageLocale,
		pausedFrom: d.profile.pausedFrom ?? '',
		pausedUntil: d.profile.pausedUntil ?? '',
		countInStatistics: d.profile.countInStatistics,
		consents: d.consents.filter((c) => !c.withdrawnAt).map((c) => c.purpose)
	};
}

/**
 * The volunteer changes their own profile; audited (choices only). Counts as activity (the
 * retention clock restarts, a pending deletion notice is void).
 * @throws AccessDeniedError, NotFoundError; ValidationError as `checkProfile`.
 */
export async function updateOwnProfile(db: Db, principal: Principal, input: ProfileInput, now: Date = new Date()): Promise<ProfileRow> {
	const before = await ownProfile(db, principal);
	const { clean, issues } = await checkProfile(db, before.municipalityId, input);
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const old = await profileDetail(tx, before);
		const pauseChanged = before.pausedUntil !== clean.pausedUntil || before.pausedFrom !== clean.pausedFrom;
		const [row] = await tx
			.update(volunteerProfile)
			.set({
				activities: clean.activities,
				capHoursPerMonth: clean.capHoursPerMonth,
				messageLocale: clean.messageLocale,
				pausedFrom: clean.pausedFrom,
				pausedUntil: clean.pausedUntil,
				countInStatistics: clean.countInStatistics,
				lastActivityAt: now,
				retentionNoticeAt: null,
				...(pauseChanged ? { returnReminderAt: null } : {}),
				updatedAt: now
			})
			.where(eq(volunteerProfile.id, before.id))
			.returning();
		if (clean.displayName !== old.displayName) await renameAccount(tx, before.userId, clean.displayName);
		await writeLists(tx, before.id, clean, now);
		await recordAudit(tx, { ...auditActor(principal), municipalityId: before.municipalityId, action: 'update', entityType: 'volunteer_profile', entityId: before.id, changes: diffRecords(auditView(cleanOf(old)), auditView(clean)) });
		return row;
	});
}

/** A volunteer in a coordinator's list. */
export interface VolunteerListItem {
	id: string;
	displayName: string;
	activities: string[];
	languages: string[];
	pausedUntil: string | null;
	paused: boolean;
	lastActivityAt: Date;
	isDemo: boolean;
}

/** Filters of the coordinators' list. */
export interface VolunteerFilter {
	activity?: string;
	language?: string;
	socialSpaceId?: string;
	/** Only those without activity for `dormantMonths` months. */
	dormantMonths?: number;
	q?: string;
	limit?: number;
}

/**
 * The volunteers of a municipality for coordinators, by name; one audited `list` entry per
 * call (names are personal data).
 * @throws AccessDeniedError without `volunteers:coordinate`.
 */
export async function listVolunteerProfiles(db: DbOrTx, principal: Principal, municipalityId: string, filter: VolunteerFilter = {}, now: Date = new Date()): Promise<VolunteerListItem[]> {
	authorize(principal, 'volunteers:coordinate', { municipalityId });
	const where: SQL[] = [eq(volunteerProfile.municipalityId, municipalityId)];
	if (filter.activity) where.push(sql`${filter.activity} = any(${volunteerProfile.activities})`);
	if (filter.language) {
		const tag = canonicalLanguageTag(filter.language) ?? filter.language;
		where.push(sql`exists (select 1 from volunteer_language l where l.profile_id = ${volunteerProfile.id} and (l.language = ${tag} or l.language like ${`${tag}-%`}))`);
	}
	if (filter.socialSpaceId && isUuid(filter.socialSpaceId)) where.push(sql`exists (select 1 from volunteer_space s where s.profile_id = ${volunteerProfile.id} and s.social_space_id = ${filter.socialSpaceId})`);
	if (filter.dormantMonths) where.push(lt(volunteerProfile.lastActivityAt, new Date(`${addMonths(berlinDate(now), -filter.dormantMonths)}T00:00:00Z`)));
	const contacts = await db
		.select({ id: volunteerProfile.id, userId: volunteerProfile.userId, activities: volunteerProfile.activities, pausedFrom: volunteerProfile.pausedFrom, pausedUntil: volunteerProfile.pausedUntil, lastActivityAt: volunteerProfile.lastActivityAt, isDemo: volunteerProfile.isDemo })
		.from(volunteerProfile)
		.where(and(...where))
		.limit(filter.limit ?? 500);
	const names = await accountContacts(db, contacts.map((c) => c.userId));
	const langs = contacts.length ? await db.select().from(volunteerLanguage).where(inArray(volunteerLanguage.profileId, contacts.map((c) => c.id))) : [];
	const today = berlinDate(now);
	const q = filter.q?.trim().toLowerCase();
	const items = contacts
		.map((c) => ({
			id: c.id,
			displayName: names.get(c.userId)?.displayName ?? '',
			activities: c.activities,
			languages: langs.filter((l) => l.profileId === c.id).map((l) => l.language),
			pausedUntil: c.pausedUntil,
			paused: !!c.pausedFrom && c.pausedFrom <= today && (!c.pausedUntil || c.pausedUntil >= today),
			lastActivityAt: c.lastActivityAt,
			isDemo: c.isDemo
		}))
		.filter((c) => !q || c.displayName.toLowerCase().includes(q))
		.sort((a, b) => a.displayName.localeCompare(b.displayName, 'de'));
	await recordAudit(db, { ...auditActor(principal), municipalityId, action: 'list', entityType: 'volunteer_profile', changes: { filter: [null, { ...filter, q: filter.q ? '…' : undefined }] } });
	return items;
}

/** Restarts a profile's retention clock (an assignment, hours, a sign-up). */
export async function touchProfile(tx: DbOrTx, profileId: string, now: Date): Promise<void> {
	await tx.update(volunteerProfile).set({ lastActivityAt: now, retentionNoticeAt: null }).where(and(eq(volunteerProfile.id, profileId), lt(volunteerProfile.lastActivityAt, now)));
}

/**
 * Erases a volunteer: the profile with everything hanging on it (languages, spaces,
 * availability, consents, checks, task confirmations, invitations, assignments, hours,
 * recognition) and the account, audited with counts only. Coordinators erase on request; the
 * volunteer may erase themself; the retention job erases dormant profiles.
 * @throws NotFoundError, AccessDeniedError.
 */
export async function eraseVolunteer(db: Db, principal: Principal, profileId: string, reason: 'request' | 'retention'): Promise<void> {
	await db.transaction(async (tx) => {
		const row = await profileFor(tx, principal, profileId, { audit: false });
		// One count after the other: the transaction's client runs one query at a time.
		const counts: number[] = [];
		for (const [table, column] of [
			[volunteerHours, volunteerHours.profileId],
			[volunteerCheck, volunteerCheck.profileId],
			[volunteerRecognition, volunteerRecognition.profileId],
			[volunteerTaskConfirmation, volunteerTaskConfirmation.profileId]
		] as const)
			counts.push(await tx.$count(table, eq(column, row.id)));
		await tx.delete(volunteerProfile).where(eq(volunteerProfile.id, row.id));
		await deleteAccount(tx, row.userId);
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: row.municipalityId,
			action: 'erase',
			entityType: 'volunteer_profile',
			entityId: row.id,
			changes: { reason: [null, reason], hours: [counts[0], 0], checks: [counts[1], 0], recognition: [counts[2], 0], taskConfirmations: [counts[3], 0] }
		});
	});
}
