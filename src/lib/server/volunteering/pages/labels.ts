/**
 * Labels of Ehrenamt's vocabularies in the reader's language (`vo_activity_<key>`,
 * `vo_requirement_<key>`, `vo_level_<key>`, …), and the choices forms draw from them.
 */
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { displayName } from '$lib/wegweiser';
import { hoursOf, LANGUAGE_LEVELS, PLACE_KINDS, RECOGNITION_KINDS, REQUIREMENTS, TRAININGS, type Reason } from '../model';
import type { ActivityEntry } from '../settings';
import { mailLocale, textIn } from '../mail';
import { activityLabel } from './activity';
import { dateTimeFormat, numberFormat } from '../../../intl';

export { activityLabel };

/** The label of a requirement (`training:first_aid` → the training's name). */
export function requirementLabel(key: string, locale: string = ''): string {
	const k = `vo_requirement_${key.replace(':', '_')}`;
	return locale ? textIn(mailLocale(locale), k) : msg(k);
}

/** Choices of a form: value and label. */
export interface Choice {
	value: string;
	label: string;
}

/** The activities as choices in the reader's language. */
export function activityChoices(activities: ActivityEntry[], locale: string): Choice[] {
	return activities.map((a) => ({ value: a.key, label: activityLabel(activities, a.key, locale) }));
}

/** Choices of the fixed vocabularies. */
export function vocabularies() {
	return {
		levels: LANGUAGE_LEVELS.map((l) => ({ value: l, label: msg(`vo_level_${l}`) })),
		requirements: REQUIREMENTS.map((r) => ({ value: r, label: requirementLabel(r) })),
		trainings: TRAININGS.map((t) => ({ value: t, label: requirementLabel(`training:${t}`) })),
		placeKinds: PLACE_KINDS.map((k) => ({ value: k, label: msg(`vo_place_kind_${k}`) })),
		recognitionKinds: RECOGNITION_KINDS.map((k) => ({ value: k, label: msg(`vo_recognition_${k}`) }))
	};
}

/** Weekday choices in `locale` (ISO 1 = Monday). */
export function weekdayChoices(locale: string): Choice[] {
	return [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: dateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, d)) }));
}

/** A language tag as the reader's language names it. */
export function languageLabel(tag: string, locale: string): string {
	return displayName(tag, locale);
}

/** A ranking reason as a sentence in the reader's language. */
export function reasonText(r: Reason, locale: string): string {
	const params: Record<string, string | number> = { ...(r.params ?? {}) };
	if (typeof params.language === 'string') params.language = languageLabel(params.language, locale);
	if (typeof params.level === 'string') params.level = msg(`vo_level_${params.level}`);
	if (typeof params.check === 'string') params.check = requirementLabel(params.check);
	return msg(`vo_reason_${r.code}`, params);
}

/** A shift's start and end as the reader reads them (Europe/Berlin). */
export function shiftText(startsAt: Date, endsAt: Date, locale: string): string {
	const time = dateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' }).format(endsAt);
	return `${formatDateTime(startsAt, locale)}–${time}`;
}

/** A date `YYYY-MM-DD` in the reader's language. */
export function dayText(day: string | null, locale: string): string {
	if (!day) return '–';
	return dateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

/** Hours from minutes, in the reader's digits (one decimal). */
export function hoursText(minutes: number, locale: string): string {
	return numberFormat(locale).format(hoursOf(minutes));
}

/** A need's title: an accompaniment need is named by the message, never by case data. */
export function needTitle(need: { title: string; source: string }, locale: string = ''): string {
	if (need.source !== 'accompaniment') return need.title;
	return locale ? textIn(mailLocale(locale), 'vo_accompaniment_title') : msg('vo_accompaniment_title');
}
