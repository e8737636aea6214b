/**
 * The coordinators' pages of Ehrenamt (issue 13): the volunteers with filters, warnings (over
 * the load cap, dormant) and statistics; one volunteer (an audited read) with checks, hours,
 * recognition and the Ehrenamtskarte check; needs with matching and invitations; hours to
 * confirm; task profiles; the municipality's settings, activities and places.
 */
import { listText, msg } from '$lib/messages';
import { can, type UserPrincipal } from '../../access';
import { AccessDeniedError, ValidationError } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { socialSpacePlaces } from '../../geography/casework-reads';
import { listDistricts, listSocialSpaces } from '../../geography/service';
import { instancesByIds } from '../../instances/casework-reads';
import { listInstances } from '../../instances/service';
import { assignmentsOf, invite, missingCode, rosterOf, setAssignmentStatus } from '../assignments';
import { overCap, recognitionOf, recordRecognition } from '../care';
import { checksOf, deleteCheck, recordCheck } from '../checks';
import { cardCheckOf, ledgerOf, countPendingHours, logHours, pendingHours, reviewHours } from '../hours';
import { matchNeed } from '../matching';
import { ACTIVITIES, addMonths, berlinDate, isPaused, SETTINGS, type SettingKey } from '../model';
import { cancelNeed, listNeeds, needFor, needRequirements, postNeed, shiftsOf, syncAccompanimentNeeds } from '../needs';
import { eraseVolunteer, listVolunteerProfiles, profileDetail, profileFor } from '../profiles';
import { pendingRegistrations } from '../registration';
import { getSettings, listActivities, listPlaces, saveActivity, savePlace, saveSettings } from '../settings';
import { volunteeringStatistics } from '../steering-reads';
import { publishTaskProfile, taskProfileVersions } from '../tasks';
import { all, checkFromForm, hoursFromForm, needFromForm, placeFromForm, text } from './forms';
import { activityChoices, activityLabel, dayText, hoursText, languageLabel, needTitle, reasonText, requirementLabel, shiftText, vocabularies } from './labels';

/** Social spaces of the municipality as choices, grouped by district. */
async function spaceChoices(db: DbOrTx, municipalityId: string) {
	const [districts, spaces] = await Promise.all([listDistricts(db, municipalityId), listSocialSpaces(db, { municipalityId })]);
	return districts.map((d) => ({ id: d.id, name: d.name, spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ value: s.id, label: s.name })) })).filter((d) => d.spaces.length);
}

/**
 * The volunteers of the principal's municipality: `?activity=&language=&space=&dormant=1&q=`.
 * @throws AccessDeniedError without `volunteers:coordinate`; ValidationError for a filter value
 *   that is not one (`activity`, `space`).
 */
export async function volunteersPage(db: DbOrTx, principal: UserPrincipal, query: URLSearchParams, locale: string, now: Date = new Date()) {
	const m = principal.municipalityId;
	const [settings, activities, spaces] = await Promise.all([getSettings(db, m), listActivities(db, m), spaceChoices(db, m)]);
	const activity = query.get('activity') ?? '';
	const space = query.get('space') ?? '';
	if (activity && !activities.some((a) => a.key === activity)) throw new ValidationError([{ field: 'activity', code: 'unknown_option' }]);
	if (space && !spaces.some((g) => g.spaces.some((s) => s.value === space))) throw new ValidationError([{ field: 'space', code: 'unknown_social_space' }]);
	const dormant = query.get('dormant') === '1';
	const list = await listVolunteerProfiles(db, principal, m, { activity: activity || undefined, language: query.get('language') || undefined, socialSpaceId: space || undefined, dormantMonths: dormant ? settings.dormantMonths : undefined, q: query.get('q') ?? undefined }, now);
	const [over, pending, registrations, stats] = await Promise.all([overCap(db, principal, m, now), countPendingHours(db, principal, m), pendingRegistrations(db, m, now), volunteeringStatistics(db, m, now)]);
	const dormantBefore = new Date(`${addMonths(berlinDate(now), -settings.dormantMonths)}T00:00:00Z`);
	return {
		filters: { activity, space, language: query.get('language') ?? '', dormant, q: query.get('q') ?? '' },
		activities: activityChoices(activities, locale),
		spaceGroups: spaces,
		dormantMonths: settings.dormantMonths,
		volunteers: list.map((v) => ({
			id: v.id,
			name: v.displayName,
			activities: listText(v.activities.map((a) => activityLabel(activities, a, locale)), locale),
			languages: listText(v.languages.map((l) => languageLabel(l, locale)), locale),
			paused: v.paused,
			dormant: v.lastActivityAt < dormantBefore,
			lastActivity: dayText(berlinDate(v.lastActivityAt), locale),
			isDemo: v.isDemo
		})),
		overCap: over.map((o) => ({ id: o.profileId, name: o.displayName, hours: o.hours, cap: o.cap })),
		pendingHours: pending,
		pendingRegistrations: registrations,
		stats: {
			volunteers: stats.volunteers,
			needsOpen: stats.needsOpen,
			needsFilled: stats.needsFilled,
			medianDaysToFill: stats.medianDaysToFill
		},
		admin: can(principal, 'volunteering:configure', { municipalityId: m }),
		municipalitySlug: principal.municipalitySlug
	};
}

/**
 * One volunteer for coordinators (the read is audited).
 * @throws NotFoundError, AccessDeniedError.
 */
export async function volunteerPage(db: DbOrTx, principal: UserPrincipal, id: string, locale: string, now: Date = new Date()) {
	const profile = await profileFor(db, principal, id);
	const [detail, activities, checks, ledger, recognition, card, assignments, settings] = await Promise.all([
		profileDetail(db, profile),
		listActivities(db, profile.municipalityId),
		checksOf(db, profile.id),
		ledgerOf(db, profile.id),
		recognitionOf(db, profile.id),
		cardCheckOf(db, profile, now),
		assignmentsOf(db, profile.id, new Date(now.getTime() - 90 * 86_400_000)),
		getSettings(db, profile.municipalityId)
	]);
	const spaces = await socialSpacePlaces(db, detail.socialSpaceIds);
	const [home] = profile.instanceId ? await instancesByIds(db, [profile.instanceId]) : [];
	const today = berlinDate(now);
	return {
		id: profile.id,
		name: detail.displayName,
		email: detail.email,
		home: home?.name ?? null,
		messageLanguage: languageLabel(profile.messageLocale, locale),
		languages: detail.languages.map((l) => `${languageLabel(l.language, locale)} (${msg(`vo_level_${l.level}`)})`),
		activities: profile.activities.map((a) => activityLabel(activities, a, locale)),
		spaces: spaces.map((s) => s.name),
		availability: detail.availability.map((a) => (a.kind === 'weekly' ? `${a.rrule} · ${a.startTime}–${a.endTime} (${dayText(a.startsOn, locale)}${a.endsOn ? ` – ${dayText(a.endsOn, locale)}` : ''})` : `${dayText(a.startsOn, locale)} · ${a.startTime}–${a.endTime}`)),
		cap: profile.capHoursPerMonth,
		paused: isPaused(profile, today),
		pause: profile.pausedFrom ? `${dayText(profile.pausedFrom, locale)} – ${profile.pausedUntil ? dayText(profile.pausedUntil, locale) : '…'}` : null,
		counted: profile.countInStatistics,
		consents: detail.consents.map((c) => ({ label: msg(`vo_consent_${c.purpose}`), given: dayText(berlinDate(c.givenAt), locale), withdrawn: c.withdrawnAt ? dayText(berlinDate(c.withdrawnAt), locale) : null })),
		checks: checks.map((c) => ({
			id: c.id,
			label: requirementLabel(c.kind === 'training' ? `training:${c.training}` : c.kind),
			inspectedOn: dayText(c.inspectedOn, locale),
			issuedOn: c.issuedOn ? dayText(c.issuedOn, locale) : null,
			noCatalogueOffence: c.noCatalogueOffence,
			validUntil: c.validUntil ? dayText(c.validUntil, locale) : null,
			lapsed: !!c.validUntil && c.validUntil < today
		})),
		fzMaxAgeMonths: settings.fzMaxAgeMonths,
		ledger: ledger.map((h) => ({ id: h.id, day: dayText(h.workedOn, locale), hours: hoursText(h.minutes, locale), activity: activityLabel(activities, h.activity, locale), organisation: h.organisation, status: msg(`vo_hours_${h.status}`), pending: h.status === 'pending' })),
		recognition: recognition.map((r) => ({ kind: msg(`vo_recognition_${r.kind}`), on: dayText(r.on, locale), note: r.note })),
		card: { ...card, years: card.years.map((y) => ({ from: dayText(y.from, locale), to: dayText(y.to, locale), hours: y.hours, met: y.met })) },
		assignments: assignments.map((a) => ({ id: a.id, title: needTitle(a), when: shiftText(a.startsAt, a.endsAt, locale), status: msg(`vo_assignment_${a.status}`), needId: a.needId })),
		activityChoices: activityChoices(activities, locale),
		today,
		yearStart: `${today.slice(0, 4)}-01-01`,
		...vocabularies()
	};
}

/**
 * The actions of one volunteer's page, by the form's `action`. Refuses before asking: someone
 * who may not coordinate this volunteer is told so before anything about the form.
 * @returns what the page says after. @throws NotFoundError, AccessDeniedError, ValidationError.
 */
export async function volunteerAction(db: Db, principal: UserPrincipal, id: string, action: string, form: FormData): Promise<{ saved: string }> {
	await profileFor(db, principal, id, { audit: false });
	switch (action) {
		case 'check':
			await recordCheck(db, principal, id, checkFromForm(form));
			break;
		case 'delete_check':
			await deleteCheck(db, principal, id, text(form, 'checkId'), text(form, 'reason') || 'no_activity');
			break;
		case 'hours':
			await logHours(db, principal, hoursFromForm(form, id));
			break;
		case 'recognition':
			await recordRecognition(db, principal, id, { kind: text(form, 'kind'), on: text(form, 'on'), note: text(form, 'note') });
			break;
		case 'erase':
			if (text(form, 'confirm') !== 'yes') throw new ValidationError([{ field: 'confirm', code: 'required' }]);
			await eraseVolunteer(db, principal, id, 'request');
			break;
		default:
			throw new ValidationError([{ field: 'action', code: 'unknown_option' }]);
	}
	return { saved: action };
}

/**
 * The needs of the principal's municipality (accompaniment requests brought in first).
 * @throws AccessDeniedError without `volunteer_needs:enter`.
 */
export async function needsListPage(db: Db, principal: UserPrincipal, query: URLSearchParams, locale: string, now: Date = new Date()) {
	const m = principal.municipalityId;
	const coordinate = can(principal, 'volunteers:coordinate', { municipalityId: m });
	if (coordinate) await syncAccompanimentNeeds(db, now, m);
	const status = query.get('status') ?? '';
	if (status && !['open', 'filled', 'cancelled', 'closed'].includes(status)) throw new ValidationError([{ field: 'status', code: 'unknown_option' }]);
	const [needs, activities] = await Promise.all([listNeeds(db, principal, m, { status: status || undefined }, now), listActivities(db, m)]);
	return {
		status,
		coordinate,
		needs: needs.map((n) => ({
			id: n.id,
			title: needTitle(n),
			activity: activityLabel(activities, n.activity, locale),
			next: n.nextShift ? shiftText(n.nextShift, new Date(n.nextShift.getTime() + n.durationMinutes * 60_000), locale) : null,
			status: msg(`vo_need_${n.status}`),
			filled: `${n.confirmed}/${n.slots}`,
			shifts: n.shifts,
			fromCasework: n.source === 'accompaniment'
		}))
	};
}

/** The choices of the need form for the principal. */
export async function newNeedPage(db: DbOrTx, principal: UserPrincipal, locale: string, now: Date = new Date()) {
	const m = principal.municipalityId;
	const [activities, spaces, places, instances] = await Promise.all([listActivities(db, m), spaceChoices(db, m), listPlaces(db, m), listInstances(db, m)]);
	return {
		activities: activityChoices(activities, locale),
		spaceGroups: spaces,
		places: places.map((p) => ({ value: p.id, label: `${p.name} (${msg(`vo_place_kind_${p.kind}`)})` })),
		instances: instances.filter((i) => can(principal, 'volunteer_needs:post', { municipalityId: m, instanceId: i.id })).map((i) => ({ value: i.id, label: i.name })),
		withoutInstance: can(principal, 'volunteer_needs:post', { municipalityId: m, instanceId: null }),
		today: berlinDate(now),
		...vocabularies()
	};
}

/** Posts the need form. @returns the new need's id. */
export async function postNeedFromForm(db: Db, principal: UserPrincipal, form: FormData): Promise<string> {
	return (await postNeed(db, principal, needFromForm(form, principal.municipalityId))).id;
}

/**
 * One need: its shifts and roster, and for coordinators the ranked volunteers with reasons.
 * @throws NotFoundError, AccessDeniedError.
 */
export async function needPage(db: DbOrTx, principal: UserPrincipal, id: string, locale: string, now: Date = new Date()) {
	const { need, coordinate } = await needFor(db, principal, id);
	const [activities, shifts, requirements] = await Promise.all([listActivities(db, need.municipalityId), shiftsOf(db, need.id), needRequirements(db, need)]);
	const [space] = need.socialSpaceId ? await socialSpacePlaces(db, [need.socialSpaceId]) : [];
	const roster = coordinate ? await rosterOf(db, need.id) : [];
	const match = coordinate && need.status === 'open' ? await matchNeed(db, principal, need.id, { now }) : null;
	return {
		need: {
			id: need.id,
			title: needTitle(need),
			activity: activityLabel(activities, need.activity, locale),
			description: need.description,
			place: need.placeText,
			space: space?.name ?? null,
			language: need.language ? languageLabel(need.language, locale) : null,
			status: msg(`vo_need_${need.status}`),
			open: need.status === 'open',
			slots: need.slots,
			rrule: need.rrule,
			selfSignup: need.selfSignup,
			fromCasework: need.source === 'accompaniment',
			requirements: requirements.map((r) => requirementLabel(r))
		},
		coordinate,
		shifts: shifts.map((s) => ({ when: shiftText(s.startsAt, s.endsAt, locale), status: msg(`vo_shift_${s.status}`) })),
		roster: roster.map((r) => ({ id: r.id, name: r.displayName, when: shiftText(r.startsAt, r.endsAt, locale), status: msg(`vo_assignment_${r.status}`), begun: r.startsAt <= now, open: ['invited', 'confirmed'].includes(r.status), confirmed: r.status === 'confirmed' })),
		match: match
			? {
					considered: match.considered,
					shift: match.shift ? shiftText(match.shift.startsAt, match.shift.endsAt, locale) : null,
					ranked: match.ranked.map((r, i) => ({
						rank: i + 1,
						id: r.profileId,
						name: r.displayName,
						score: r.score,
						tier: r.tier,
						invited: r.invited,
						canInvite: r.tier !== 1 && !r.invited,
						reasons: r.reasons.map((x) => ({ text: reasonText(x, locale), effect: x.effect })),
						missing: r.missing.map((x) => msg(missingCode(x)))
					}))
				}
			: null
	};
}

/** The actions of a need's page, by the form's `action`. */
export async function needAction(db: Db, principal: UserPrincipal, id: string, action: string, form: FormData): Promise<{ saved: string }> {
	switch (action) {
		case 'invite':
			await invite(db, principal, id, text(form, 'profileId'));
			break;
		case 'status':
			await setAssignmentStatus(db, principal, text(form, 'assignmentId'), text(form, 'status'));
			break;
		case 'cancel':
			await cancelNeed(db, principal, id);
			break;
		default:
			throw new ValidationError([{ field: 'action', code: 'unknown_option' }]);
	}
	return { saved: action };
}

/** Hours waiting for confirmation. @throws AccessDeniedError. */
export async function hoursReviewPage(db: DbOrTx, principal: UserPrincipal, locale: string) {
	const [pending, activities] = await Promise.all([pendingHours(db, principal, principal.municipalityId), listActivities(db, principal.municipalityId)]);
	return { pending: pending.map((h) => ({ id: h.id, profileId: h.profileId, name: h.displayName, day: dayText(h.workedOn, locale), hours: hoursText(h.minutes, locale), activity: activityLabel(activities, h.activity, locale), organisation: h.organisation })) };
}

/** Confirms or rejects one entry. */
export async function reviewFromForm(db: Db, principal: UserPrincipal, form: FormData): Promise<void> {
	await reviewHours(db, principal, text(form, 'id'), text(form, 'status'));
}

/** The settings page (administrators): settings, activities with requirements, places. */
export async function settingsPage(db: DbOrTx, principal: UserPrincipal, locale: string) {
	const m = principal.municipalityId;
	if (!can(principal, 'volunteering:configure', { municipalityId: m })) throw new AccessDeniedError();
	const [settings, activities, places, spaces, instances] = await Promise.all([getSettings(db, m), listActivities(db, m), listPlaces(db, m), spaceChoices(db, m), listInstances(db, m)]);
	return {
		settings: (Object.keys(SETTINGS) as SettingKey[]).map((key) => ({ key, label: msg(`vo_setting_${key}`), value: settings[key], min: SETTINGS[key].min, max: SETTINGS[key].max })),
		activities: activities.map((a) => ({ key: a.key, label: activityLabel(activities, a.key, locale), builtIn: a.builtIn, requirements: a.requirements })),
		places: places.map((p) => ({ id: p.id, name: p.name, address: p.address, kind: p.kind, kindLabel: msg(`vo_place_kind_${p.kind}`), socialSpaceId: p.socialSpaceId ?? '', instanceId: p.instanceId ?? '', requirements: p.requirements })),
		spaceGroups: spaces,
		instances: instances.map((i) => ({ value: i.id, label: i.name })),
		builtIn: ACTIVITIES.length,
		...vocabularies()
	};
}

/** The actions of the settings page. */
export async function settingsAction(db: Db, principal: UserPrincipal, action: string, form: FormData): Promise<{ saved: string }> {
	const m = principal.municipalityId;
	switch (action) {
		case 'settings':
			await saveSettings(db, principal, m, Object.fromEntries((Object.keys(SETTINGS) as SettingKey[]).map((k) => [k, text(form, k)])));
			break;
		case 'activity':
			await saveActivity(db, principal, m, { key: text(form, 'key'), labels: { de: text(form, 'label_de'), en: text(form, 'label_en') }, requirements: all(form, 'requirements') });
			break;
		case 'place':
			await savePlace(db, principal, m, placeFromForm(form));
			break;
		default:
			throw new ValidationError([{ field: 'action', code: 'unknown_option' }]);
	}
	return { saved: action };
}

/** Task profiles of the instances the principal may edit (all of the municipality for administrators). */
export async function tasksPage(db: DbOrTx, principal: UserPrincipal, locale: string) {
	const instances = (await listInstances(db, principal.municipalityId)).filter((i) => can(principal, 'volunteer_tasks:edit', { municipalityId: i.municipalityId, instanceId: i.id }));
	if (!instances.length && !can(principal, 'volunteers:coordinate', { municipalityId: principal.municipalityId })) throw new AccessDeniedError();
	return {
		instances: await Promise.all(
			instances.map(async (i) => {
				const versions = await taskProfileVersions(db, i.id);
				return { id: i.id, name: i.name, current: versions[0] ? { ...versions[0], published: dayText(berlinDate(versions[0].publishedAt), locale) } : null, versions: versions.length };
			})
		)
	};
}

/** Publishes a new version from the form. */
export async function publishFromForm(db: Db, principal: UserPrincipal, form: FormData): Promise<void> {
	await publishTaskProfile(db, principal, text(form, 'instanceId'), { volunteerTasks: text(form, 'volunteerTasks'), staffTasks: text(form, 'staffTasks'), supervision: text(form, 'supervision') });
}
