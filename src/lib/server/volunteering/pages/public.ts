/**
 * The public pages of Ehrenamt: registration per municipality and per Welcome Point (all seven
 * UI languages, no account, works without JavaScript), the confirmation link that creates the
 * account, and the answer page of an emailed invitation.
 */
import { LANGUAGE_NAMES, locales } from '$lib/i18n';
import { msg } from '$lib/messages';
import type { Db, DbOrTx } from '../../db/client';
import { NotFoundError } from '../../core/errors';
import { listSocialSpaces, listDistricts, requireMunicipality } from '../../geography/service';
import { findInstanceBySlug } from '../../instances/service';
import { answerByToken, invitationByToken } from '../assignments';
import { CONSENT_PURPOSES } from '../model';
import { confirmRegistration, register, registrationLink } from '../registration';
import { getSettings, listActivities } from '../settings';
import { FORM_ROWS, profileFromForm } from './forms';
import { activityChoices, dayText, languageLabel, needTitle, shiftText, vocabularies, weekdayChoices } from './labels';

/** Social spaces grouped by district, as the registration lists them. */
async function spaceGroups(db: DbOrTx, municipalityId: string) {
	const [districts, spaces] = await Promise.all([listDistricts(db, municipalityId), listSocialSpaces(db, { municipalityId })]);
	return districts
		.map((d) => ({ id: d.id, name: d.name, spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ value: s.id, label: s.name })) }))
		.filter((d) => d.spaces.length);
}

/**
 * The registration page of a municipality (or of its Welcome Point `instanceSlug`).
 * @throws NotFoundError for an unknown municipality or instance.
 */
export async function registrationPage(db: DbOrTx, municipalitySlug: string, instanceSlug: string | null, locale: string) {
	const municipality = await requireMunicipality(db, municipalitySlug);
	const instance = instanceSlug ? await findInstanceBySlug(db, municipality.id, instanceSlug) : null;
	if (instanceSlug && !instance) throw new NotFoundError(`instance ${instanceSlug}`);
	const [activities, settings, groups] = await Promise.all([listActivities(db, municipality.id), getSettings(db, municipality.id), spaceGroups(db, municipality.id)]);
	return {
		municipality: { slug: municipality.slug, name: municipality.name },
		instance: instance ? { slug: instance.slug, name: instance.name } : null,
		activities: activityChoices(activities, locale),
		spaceGroups: groups,
		weekdays: weekdayChoices(locale),
		...vocabularies(),
		messageLocales: locales.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] })),
		consents: CONSENT_PURPOSES.map((p) => ({ value: p.key, label: msg(`vo_consent_${p.key}`), retention: msg(`vo_consent_${p.key}_retention`, { months: settings.profileRetentionMonths }), required: p.required })),
		rows: FORM_ROWS,
		retentionMonths: settings.profileRetentionMonths
	};
}

/** The registration form sent: mails the link (or the "you have an account" note). */
export async function registerFromForm(db: Db, form: FormData, input: { municipalitySlug: string; instanceSlug: string | null; locale: string; ip: string }) {
	return register(db, { municipalitySlug: input.municipalitySlug, instanceSlug: input.instanceSlug ?? undefined, email: String(form.get('email') ?? ''), profile: profileFromForm(form), locale: input.locale, ip: input.ip });
}

/** The confirmation page: whether the link can still be used, and for whom. */
export async function confirmPage(db: DbOrTx, token: string) {
	return registrationLink(db, token);
}

/** Confirms with the chosen password. @returns the new account's id. */
export async function confirmFromForm(db: Db, token: string, form: FormData) {
	return confirmRegistration(db, token, String(form.get('password') ?? ''));
}

/**
 * The answer page of an emailed invitation.
 * @throws NotFoundError for an unknown token.
 */
export async function invitationPage(db: DbOrTx, token: string, locale: string) {
	const inv = await invitationByToken(db, token);
	if (!inv) throw new NotFoundError('invitation');
	return {
		status: inv.status,
		title: needTitle(inv),
		place: inv.placeText,
		language: inv.language ? languageLabel(inv.language, locale) : null,
		shifts: inv.shifts.map((s) => ({ when: shiftText(s.startsAt, s.endsAt, locale), status: msg(`vo_assignment_${s.status}`) })),
		firstDay: inv.shifts[0] ? dayText(inv.shifts[0].startsAt.toISOString().slice(0, 10), locale) : null
	};
}

/** Answers through the link. */
export async function answerFromForm(db: Db, token: string, choice: 'accept' | 'decline') {
	await answerByToken(db, token, choice);
}
