/**
 * The volunteer's own area (issue 13 §1, §5–§7, §10): invitations to answer, shifts ahead,
 * task profiles to confirm, open needs that fit, the hours ledger with the Ehrenamtskarte check
 * and the certificate, the profile form, the calendar address, export and erasure. Nothing of a
 * case ever appears here (casework's own `volunteerPage` shows accompaniments as before).
 */
import { LANGUAGE_NAMES, locales } from '$lib/i18n';
import { msg } from '$lib/messages';
import type { UserPrincipal } from '../../access';
import { ValidationError } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { socialSpacePlaces } from '../../geography/casework-reads';
import { listDistricts, listSocialSpaces } from '../../geography/service';
import { instancesByIds } from '../../instances/casework-reads';
import { answerInvitation, assignmentsOf, setAssignmentStatus, signUp } from '../assignments';
import { renewCalendarToken } from '../calendar';
import { checksOf } from '../checks';
import { recognitionOf } from '../care';
import { cardCheckOf, ledgerOf, logHours } from '../hours';
import { publicOrigin } from '../mail';
import { berlinDate, CONSENT_PURPOSES } from '../model';
import { openNeedsForVolunteer } from '../needs';
import { eraseVolunteer, ownProfile, ownProfileOrNull, profileDetail, profileToInput, updateOwnProfile, type ProfileRow } from '../profiles';
import { confirmedTaskProfiles, confirmTaskProfile, currentTaskProfiles, taskInstancesOf } from '../tasks';
import { getSettings, listActivities } from '../settings';
import { FORM_ROWS, hoursFromForm, profileFromForm, profileToForm, text } from './forms';
import { activityChoices, activityLabel, dayText, hoursText, languageLabel, needTitle, requirementLabel, shiftText, vocabularies, weekdayChoices } from './labels';

/**
 * The volunteer's start page: invitations, shifts ahead, task profiles to confirm.
 * @returns `profile: null` for a volunteer account without a profile (made by hand).
 */
export async function volunteerHome(db: DbOrTx, principal: UserPrincipal, locale: string, now: Date = new Date()) {
	const profile = await ownProfileOrNull(db, principal);
	if (!profile) return { profile: null, invitations: [], shifts: [], tasks: [] };
	const activities = await listActivities(db, profile.municipalityId);
	const assignments = (await assignmentsOf(db, profile.id, new Date(now.getTime() - 7 * 86_400_000))).filter((a) => a.shiftStatus === 'scheduled');
	const invitations = new Map<string, { id: string; title: string; shifts: string[] }>();
	for (const a of assignments.filter((x) => x.status === 'invited' && x.invitationId && x.startsAt >= now)) {
		const inv = invitations.get(a.invitationId!) ?? { id: a.invitationId!, title: needTitle(a), shifts: [] };
		inv.shifts.push(shiftText(a.startsAt, a.endsAt, locale));
		invitations.set(a.invitationId!, inv);
	}
	const instanceIds = await taskInstancesOf(db, profile);
	const current = await currentTaskProfiles(db, instanceIds);
	const confirmed = await confirmedTaskProfiles(db, profile.id, current.map((t) => t.id));
	const names = new Map((await instancesByIds(db, current.map((t) => t.instanceId))).map((i) => [i.id, i.name]));
	return {
		profile: { pausedUntil: profile.pausedUntil ? dayText(profile.pausedUntil, locale) : null },
		invitations: [...invitations.values()],
		shifts: assignments
			.filter((a) => a.status === 'confirmed' && a.endsAt >= now)
			.map((a) => ({ id: a.id, title: needTitle(a), activity: activityLabel(activities, a.activity, locale), place: a.placeText, when: shiftText(a.startsAt, a.endsAt, locale), cancellable: a.startsAt > now })),
		tasks: current
			.filter((t) => !confirmed.has(t.id))
			.map((t) => ({ id: t.id, instance: names.get(t.instanceId) ?? '', version: t.version, volunteerTasks: t.volunteerTasks, staffTasks: t.staffTasks, supervision: t.supervision }))
	};
}

/** The actions of the start page. */
export async function homeAction(db: Db, principal: UserPrincipal, form: FormData): Promise<void> {
	const action = text(form, 'action');
	const id = text(form, 'id');
	if (action === 'accept' || action === 'decline') await answerInvitation(db, principal, id, action);
	else if (action === 'cancel') await setAssignmentStatus(db, principal, id, 'cancelled');
	else if (action === 'confirm_tasks') await confirmTaskProfile(db, principal, id);
}

/** Choices of the profile form for the volunteer's municipality. */
async function profileChoices(db: DbOrTx, profile: ProfileRow, locale: string) {
	const [activities, districts, spaces, settings] = await Promise.all([listActivities(db, profile.municipalityId), listDistricts(db, profile.municipalityId), listSocialSpaces(db, { municipalityId: profile.municipalityId }), getSettings(db, profile.municipalityId)]);
	return {
		activities: activityChoices(activities, locale),
		spaceGroups: districts.map((d) => ({ id: d.id, name: d.name, spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ value: s.id, label: s.name })) })).filter((d) => d.spaces.length),
		weekdays: weekdayChoices(locale),
		...vocabularies(),
		messageLocales: locales.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] })),
		consents: CONSENT_PURPOSES.map((p) => ({ value: p.key, label: msg(`vo_consent_${p.key}`), retention: msg(`vo_consent_${p.key}_retention`, { months: settings.profileRetentionMonths }), required: p.required })),
		rows: FORM_ROWS
	};
}

/** The profile page: the form with the stored values, and what the law lets us record of checks. */
export async function profilePage(db: DbOrTx, principal: UserPrincipal, locale: string) {
	const profile = await ownProfile(db, principal);
	const detail = await profileDetail(db, profile);
	const checks = await checksOf(db, profile.id);
	return {
		...(await profileChoices(db, profile, locale)),
		values: profileToForm(profileToInput(detail)),
		email: detail.email,
		hasCalendar: !!profile.calendarTokenHash,
		checks: checks.map((c) => ({ label: requirementLabel(c.kind === 'training' ? `training:${c.training}` : c.kind), on: dayText(c.inspectedOn, locale), validUntil: c.validUntil ? dayText(c.validUntil, locale) : null }))
	};
}

/** Saves the profile form. */
export async function saveProfileFromForm(db: Db, principal: UserPrincipal, form: FormData): Promise<void> {
	await updateOwnProfile(db, principal, profileFromForm(form));
}

/** A new calendar address. @returns the feed's absolute URL (shown once). */
export async function renewCalendarFromForm(db: Db, principal: UserPrincipal): Promise<string> {
	return `${publicOrigin()}/api/volunteering/calendar/${await renewCalendarToken(db, principal)}.ics`;
}

/** Erases the volunteer's own data and account. */
export async function eraseSelf(db: Db, principal: UserPrincipal, form: FormData): Promise<void> {
	if (text(form, 'confirm') !== 'yes') throw new ValidationError([{ field: 'confirm', code: 'required' }]);
	const profile = await ownProfile(db, principal);
	await eraseVolunteer(db, principal, profile.id, 'request');
}

/** Open needs that fit the volunteer. */
export async function needsPage(db: DbOrTx, principal: UserPrincipal, locale: string) {
	const profile = await ownProfile(db, principal);
	const [activities, needs] = await Promise.all([listActivities(db, profile.municipalityId), openNeedsForVolunteer(db, principal)]);
	const spaces = new Map((await socialSpacePlaces(db, needs.map((n) => n.need.socialSpaceId).filter((x): x is string => !!x))).map((s) => [s.id, s.name]));
	return {
		needs: needs.map((n) => ({
			id: n.need.id,
			title: needTitle(n.need),
			activity: activityLabel(activities, n.need.activity, locale),
			space: n.need.socialSpaceId ? (spaces.get(n.need.socialSpaceId) ?? '') : '',
			language: n.need.language ? languageLabel(n.need.language, locale) : null,
			when: shiftText(n.nextShift.startsAt, n.nextShift.endsAt, locale),
			shifts: n.shifts,
			description: n.need.description,
			selfSignup: n.need.selfSignup,
			taken: n.taken
		}))
	};
}

/** Signs up for a need. */
export async function signUpFromForm(db: Db, principal: UserPrincipal, form: FormData): Promise<void> {
	await signUp(db, principal, text(form, 'id'));
}

/** The hours page: the ledger, shifts to log, the Ehrenamtskarte check. */
export async function hoursPage(db: DbOrTx, principal: UserPrincipal, locale: string, now: Date = new Date()) {
	const profile = await ownProfile(db, principal);
	const [activities, ledger, card, assignments, recognition] = await Promise.all([
		listActivities(db, profile.municipalityId),
		ledgerOf(db, profile.id),
		cardCheckOf(db, profile, now),
		assignmentsOf(db, profile.id, new Date(now.getTime() - 60 * 86_400_000)),
		recognitionOf(db, profile.id)
	]);
	const logged = new Set(ledger.map((h) => h.assignmentId));
	const today = berlinDate(now);
	return {
		today,
		yearStart: `${today.slice(0, 4)}-01-01`,
		activities: activityChoices(activities, locale),
		shifts: assignments
			.filter((a) => ['confirmed', 'done'].includes(a.status) && a.startsAt <= now && !logged.has(a.id))
			.map((a) => ({ value: a.id, label: `${shiftText(a.startsAt, a.endsAt, locale)} · ${needTitle(a)}` })),
		ledger: ledger.map((h) => ({ id: h.id, day: dayText(h.workedOn, locale), hours: hoursText(h.minutes, locale), activity: activityLabel(activities, h.activity, locale), organisation: h.organisation, status: msg(`vo_hours_${h.status}`) })),
		card: { ...card, years: card.years.map((y) => ({ from: dayText(y.from, locale), to: dayText(y.to, locale), hours: y.hours, met: y.met })) },
		recognition: recognition.map((r) => ({ kind: msg(`vo_recognition_${r.kind}`), on: dayText(r.on, locale) }))
	};
}

/** Logs the volunteer's own hours. */
export async function logOwnHours(db: Db, principal: UserPrincipal, form: FormData): Promise<void> {
	await logHours(db, principal, hoursFromForm(form));
}
