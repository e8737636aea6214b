/**
 * The public pages of hosting (issue 15 §3, §4): the weekly plan of a municipality (optionally
 * one Welcome Point or social space) with its filters, in all seven languages and without
 * JavaScript; an own event's page with its schema.org Event JSON-LD and the registration form;
 * and the page behind a cancellation link (a GET only shows it; the button cancels).
 */
import { LANGUAGE_NAMES, locales } from '$lib/i18n';
import { listText, msg } from '$lib/messages';
import { berlinDate } from '../../casework/time';
import { NotFoundError } from '../../core/errors';
import { formText } from '../../core/form';
import { isIsoDate } from '../../core/validation';
import type { Db, DbOrTx } from '../../db/client';
import { listSocialSpaces, requireMunicipality } from '../../geography/service';
import { TARGET_GROUPS, THEME_FIELDS } from '../../directory/hosting-reads';
import { listInstances, listInstancesServingSpace } from '../../instances/service';
import { hostNames } from '../../volunteering/hosting-reads';
import { calendarWeek, eventJsonLd, type CalendarFilter } from '../calendar';
import { cancelByToken, findEvent, placeCounts, register, sessionDays } from '../events';
import { addDays, berlinAt, mondayOf } from '../model';
import { findRoom } from '../rooms';
import { dateTimeFormat } from '../../../intl';

/** The day heading's or the time's formatter in the reader's language (held by `dateTimeFormat`). */
function format(locale: string, kind: 'day' | 'time'): Intl.DateTimeFormat {
	return dateTimeFormat(locale, kind === 'day' ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Berlin' } : { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' });
}

/** A day heading in the reader's language, e.g. "Montag, 9. März 2026". */
function dayLabel(day: string, locale: string): string {
	return format(locale, 'day').format(berlinAt(day, '12:00'));
}

/** A Berlin wall-clock time in the reader's language. */
function timeLabel(at: Date, locale: string): string {
	return format(locale, 'time').format(at);
}

/** Sessions a day shows in the week view; the day's own view shows all (page weight on phones). */
const PER_DAY = 40;

/**
 * The weekly plan of a municipality, or — with `fixed` — of one instance (by slug) or one
 * social space (by id), whose pages have their own address and no instance or space choice.
 * Query: `week` (any day of it; default this week), `instance`, `space`, `language`, `group`
 * (a target group), `theme` (a theme field), `free`, and `day` (one day of the week with all its
 * sessions; the week view shows the first `PER_DAY` of each day and links to the day).
 * @throws NotFoundError for an unknown municipality, instance or social space.
 */
export async function calendarPage(db: DbOrTx, municipalitySlug: string, query: URLSearchParams, locale: string, now: Date = new Date(), fixed: { instanceSlug?: string; spaceId?: string } = {}) {
	const municipality = await requireMunicipality(db, municipalitySlug);
	const asked = query.get('week') ?? '';
	const weekStart = mondayOf(isIsoDate(asked) ? asked : berlinDate(now));
	const [instances, spaces] = await Promise.all([listInstances(db, municipality.id), listSocialSpaces(db, { municipalityId: municipality.id })]);
	const live = instances.filter((i) => !i.retiredAt);
	const fixedInstance = fixed.instanceSlug !== undefined ? live.find((i) => i.slug === fixed.instanceSlug) : undefined;
	const fixedSpace = fixed.spaceId !== undefined ? spaces.find((s) => s.id === fixed.spaceId) : undefined;
	if ((fixed.instanceSlug !== undefined && !fixedInstance) || (fixed.spaceId !== undefined && !fixedSpace)) throw new NotFoundError(fixed.instanceSlug !== undefined ? 'instance' : 'social_space');
	const isFixed = !!(fixedInstance || fixedSpace);
	const instanceId = fixedInstance?.id ?? (isFixed ? '' : (live.find((i) => i.id === query.get('instance'))?.id ?? ''));
	const spaceId = fixedSpace?.id ?? (isFixed ? '' : (spaces.find((s) => s.id === query.get('space'))?.id ?? ''));
	const language = (locales as readonly string[]).includes(query.get('language') ?? '') ? query.get('language')! : '';
	const targetGroup = TARGET_GROUPS.find((t) => t.key === query.get('group'))?.key ?? '';
	const themeField = THEME_FIELDS.find((t) => t.key === query.get('theme'))?.key ?? '';
	const filter: CalendarFilter = { language: language || undefined, targetGroup: targetGroup || undefined, themeField: themeField || undefined, freeOnly: query.get('free') === '1' };
	const entries = await calendarWeek(db, { municipalityId: municipality.id, instanceId: instanceId || undefined, socialSpaceId: spaceId || undefined }, weekStart, filter);
	const names = new Map(live.map((i) => [i.id, i.name]));
	const onlyDay = query.get('day') ?? '';
	const showDay = isIsoDate(onlyDay) && onlyDay >= weekStart && onlyDay <= addDays(weekStart, 6) ? onlyDay : '';
	const days = Array.from({ length: 7 }, (_, i) => addDays(weekStart, i)).filter((day) => !showDay || day === showDay).map((day) => {
		const all = entries.filter((e) => e.day === day);
		const shown = showDay ? all : all.slice(0, PER_DAY);
		return {
			day,
			label: dayLabel(day, locale),
			total: all.length,
			more: shown.length < all.length ? `${keep(weekStart)}&day=${day}` : null,
			entries: shown
				.map((e) => ({
					key: `${e.eventId ?? e.serviceId ?? e.title}-${e.day}-${e.start.getTime()}`,
					start: timeLabel(e.start, locale),
					end: timeLabel(e.end, locale),
					title: e.title,
					href: e.eventId ? `/${locale}/m/${municipality.slug}/events/${e.eventId}` : e.serviceId ? `/${locale}/m/${municipality.slug}/o/${e.serviceId}` : null,
					kind: e.kind ? msg(`ho_kind_${e.kind}`) : msg('ho_kind_hosted'),
					place: `${names.get(e.instanceId) ?? ''} · ${e.roomName}`,
					languages: e.languages.map((l) => ({ tag: l, name: LANGUAGE_NAMES[l as keyof typeof LANGUAGE_NAMES] ?? l })),
					free: e.free
				}))
		};
	});
	function keep(week: string): string {
		const p = new URLSearchParams({ week });
		if (instanceId && !isFixed) p.set('instance', instanceId);
		if (spaceId && !isFixed) p.set('space', spaceId);
		if (language) p.set('language', language);
		if (targetGroup) p.set('group', targetGroup);
		if (themeField) p.set('theme', themeField);
		if (filter.freeOnly) p.set('free', '1');
		return `?${p}`;
	}
	return {
		municipality: { slug: municipality.slug, name: municipality.name },
		title: fixedInstance ? msg('hs_calendar_instance_title', { name: fixedInstance.name }) : fixedSpace ? msg('hs_calendar_space_title', { name: fixedSpace.name }) : msg('ho_calendar_title', { municipality: municipality.name }),
		whole: isFixed ? `/${locale}/m/${municipality.slug}/calendar` : null,
		weekStart,
		weekView: showDay ? keep(weekStart) : null,
		// The locale's own range ("понеділок, 30 листопада – неділя, 6 грудня 2026 р."): a sentence
		// "from {day} to {day}" needs the weekday's case after the preposition in Ukrainian and Russian.
		weekLabel: format(locale, 'day').formatRange(berlinAt(weekStart, '12:00'), berlinAt(addDays(weekStart, 6), '12:00')),
		previous: keep(addDays(weekStart, -7)),
		next: keep(addDays(weekStart, 7)),
		days,
		count: entries.length,
		filter: { instanceId, spaceId, language, targetGroup, themeField, free: !!filter.freeOnly },
		instances: isFixed ? [] : live.map((i) => ({ value: i.id, label: i.name, href: `/${locale}/m/${municipality.slug}/calendar/instance/${i.slug}` })),
		spaces: isFixed ? [] : spaces.map((s) => ({ value: s.id, label: s.name, href: `/${locale}/m/${municipality.slug}/calendar/space/${s.id}` })),
		targetGroups: TARGET_GROUPS.map((t) => ({ value: t.key, label: msg(`opt_target_groups_${t.key}`) })),
		themeFields: THEME_FIELDS.map((t) => ({ value: t.key, label: msg(`opt_theme_fields_${t.key}`) })),
		languages: locales.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] })),
		// A social space's plan offers the feeds of the contact points serving it, not every one's.
		feeds: (fixedInstance ? [fixedInstance] : fixedSpace ? (await listInstancesServingSpace(db, fixedSpace.id)).filter((i) => !i.retiredAt) : live).map((i) => ({ name: i.name, href: `/api/hosting/instances/${i.id}.ics` }))
	};
}

/**
 * An own event's public page: what, when, where, its volunteer hosts by first name, places
 * left, and its schema.org Event JSON-LD
 * (https://schema.org/Event, with `eventSchedule` dates as `subEvent`s).
 * @throws NotFoundError for an unknown event or one of another municipality.
 */
export async function eventPage(db: DbOrTx, municipalitySlug: string, id: string, locale: string, origin: string, now: Date = new Date()) {
	const municipality = await requireMunicipality(db, municipalitySlug);
	const found = await findEvent(db, id);
	if (!found || found.event.municipalityId !== municipality.id) throw new NotFoundError('event');
	const { event, booking } = found;
	const room = await findRoom(db, booking.roomId);
	const counts = await placeCounts(db, event.id);
	const days = sessionDays(booking);
	const today = berlinDate(now);
	const url = `${origin}/${locale}/m/${municipality.slug}/events/${event.id}`;
	const sessions = days.map((d) => ({ day: d, start: berlinAt(d, booking.startTime), end: berlinAt(d, booking.endTime) }));
	const jsonLd = eventJsonLd({ event, booking, roomName: room?.name ?? '', confirmed: counts.confirmed, url, organizer: municipality.name });
	const open = event.registrationOpen && event.kind !== 'open_group' && booking.status !== 'cancelled' && (days.at(-1) ?? '') >= today;
	const hosts = await hostNames(db, event.hostVolunteerIds);
	return {
		municipality: { slug: municipality.slug, name: municipality.name },
		event: { id: event.id, title: event.title, description: event.description, kind: msg(`ho_kind_${event.kind}`), free: event.free },
		room: room ? { name: room.name, accessibility: room.accessibility.map((a) => msg(`ho_access_${a}`)) } : null,
		sessions: sessions.map((s) => ({ day: s.day, label: listText([dayLabel(s.day, locale), `${timeLabel(s.start, locale)}–${timeLabel(s.end, locale)}`], locale), past: s.day < today })),
		places: event.capacity === null ? null : { capacity: event.capacity, free: Math.max(0, event.capacity - counts.confirmed), waiting: counts.waiting },
		open,
		isOpenGroup: event.kind === 'open_group',
		// Volunteers who host are named by their first name only on public pages.
		hosts: event.hostVolunteerIds.flatMap((id) => (hosts.get(id)?.firstName ? [hosts.get(id)!.firstName] : [])),
		languages: locales.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] })),
		feed: `/api/hosting/events/${event.id}.ics`,
		calendar: `/${locale}/m/${municipality.slug}/calendar`,
		defaultLanguage: locale,
		jsonLd: JSON.stringify(jsonLd).replace(/</g, '\\u003c')
	};
}

/** The form fields of a registration, to draw the form again. */
export function registrationValues(form: FormData): { name: string; language: string; email: string; phone: string } {
	return { name: formText(form, 'name'), language: formText(form, 'language'), email: formText(form, 'email'), phone: formText(form, 'phone') };
}

/**
 * The registration form sent: registers without an account.
 * @returns whether the person holds a place or waits, and their place on the waiting list.
 * @throws as `register`.
 */
export async function registerFromForm(db: Db, id: string, form: FormData): Promise<{ status: 'confirmed' | 'waiting'; position: number }> {
	const r = await register(db, id, registrationValues(form));
	return { status: r.status, position: r.position };
}

/**
 * Cancels behind the link; the second use answers that it is already cancelled.
 * @throws NotFoundError for an unknown or erased token.
 */
export async function cancelFromLink(db: Db, token: string): Promise<{ outcome: 'cancelled' | 'already_cancelled'; title: string }> {
	const r = await cancelByToken(db, token);
	return { outcome: r.outcome, title: r.title };
}
