/**
 * Hosting's management pages (issue 15 §1–§3): a room's form (new and edit), an event's form
 * (new, and the details on the event's page), and a booking's page — its dates ahead, an edit
 * of the times for this date, this and later dates or all dates, a cancelled single date, and
 * for an own event the cancellation of the whole event (participants told by email). Dates are
 * shown in the reader's language, Europe/Berlin.
 */
import { LANGUAGE_NAMES, locales } from '$lib/i18n';
import { listText, msg } from '$lib/messages';
import { dateTimeFormat } from '$lib/intl';
import { formatDay } from '$lib/wegweiser';
import { can, type UserPrincipal } from '../../access';
import { berlinDate } from '../../casework/time';
import { AccessDeniedError, NotFoundError } from '../../core/errors';
import { formText } from '../../core/form';
import type { Db, DbOrTx } from '../../db/client';
import { instancePlace, TARGET_GROUPS, THEME_FIELDS } from '../../directory/hosting-reads';
import { listInstances } from '../../instances/service';
import { eligibleHosts } from '../../volunteering/hosting-reads';
import { bookingOccurrences, cancelOccurrence, editSeries, findBooking } from '../bookings';
import { createEvent, eventOfBooking, findEvent, placeCounts, updateEvent } from '../events';
import { cancelEvent } from '../offers';
import { eventDetailsFromForm, eventFormValues, eventSeriesFromForm, eventToForm, inReadersTerms, roomFormValues, roomFromForm, roomToForm, seriesEditFromForm, type EventFormValues, type RoomFormValues } from '../forms';
import { EVENT_KINDS, ROOM_ACCESSIBILITY, ROOM_EQUIPMENT } from '../model';
import { findRoom, listRooms, saveRoom } from '../rooms';

/** The instances of the principal's municipality whose rooms and events they manage. */
async function managedInstances(db: DbOrTx, p: UserPrincipal) {
	const all = await listInstances(db, p.municipalityId);
	return all.filter((i) => !i.retiredAt && can(p, 'hosting:manage', { municipalityId: p.municipalityId, instanceId: i.id }));
}

/** Weekday names Monday first in the reader's language. */
function weekdays(locale: string): string[] {
	return Array.from({ length: 7 }, (_, i) => dateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + i)));
}

/**
 * The room form: for a new room (no `id`) the instances the reader manages; for a stored one its
 * values. `values` (a refused form sent back) win over the stored ones.
 * @throws NotFoundError unknown room or one of another municipality; AccessDeniedError when the
 *   reader manages no instance (new) or not the room's instance.
 */
export async function roomFormPage(db: DbOrTx, p: UserPrincipal, locale: string, id?: string, values?: RoomFormValues) {
	const instances = await managedInstances(db, p);
	const room = id ? await findRoom(db, id) : null;
	if (id && (!room || room.municipalityId !== p.municipalityId)) throw new NotFoundError('room');
	if (room && !instances.some((i) => i.id === room.instanceId)) throw new AccessDeniedError();
	if (!instances.length) throw new AccessDeniedError();
	const v = values ?? roomToForm(room, instances[0].id);
	const days = weekdays(locale);
	return {
		base: `/${locale}/staff/hosting`,
		room: room ? { id: room.id, name: room.name, feed: `/${locale}/staff/hosting/rooms/${room.id}.ics` } : null,
		instances: instances.map((i) => ({ value: i.id, label: i.name })),
		accessibility: ROOM_ACCESSIBILITY.map((a) => ({ value: a, label: msg(`ho_access_${a}`) })),
		equipment: ROOM_EQUIPMENT.map((e) => ({ value: e, label: msg(`hs_equipment_${e}`) })),
		values: { ...v, hours: v.hours.map((h) => ({ ...h, label: days[h.day - 1] })) }
	};
}

/**
 * The room form sent: creates (no `id`) or updates the room. A new room stands at its instance's
 * directory place; an edited one keeps its place.
 * @throws as `saveRoom`, with the form's fields and dates in the reader's language.
 */
export async function saveRoomFromForm(db: Db, p: UserPrincipal, form: FormData, locale: string, id?: string) {
	const v = roomFormValues(form);
	const existing = id ? await findRoom(db, id) : null;
	if (id && !existing) throw new NotFoundError('room');
	const instanceId = existing?.instanceId ?? v.instanceId;
	const locationId = existing ? existing.locationId : await instancePlace(db, instanceId);
	const { input, fields } = roomFromForm({ ...v, instanceId }, locationId);
	return inReadersTerms(locale, () => saveRoom(db, p, input, id), fields);
}

/** The choices of the event form: kinds, languages, target groups, theme fields. */
function eventChoices() {
	return {
		kinds: EVENT_KINDS.map((k) => ({ value: k, label: msg(`ho_kind_${k}`) })),
		languages: locales.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] })),
		targetGroups: TARGET_GROUPS.map((t) => ({ value: t.key, label: msg(`opt_target_groups_${t.key}`) })),
		themeFields: THEME_FIELDS.map((t) => ({ value: t.key, label: msg(`opt_theme_fields_${t.key}`) }))
	};
}

/**
 * The form of a new event: the rooms of the instances the reader manages, and the volunteers
 * who may host (of those instances). No rooms yet: an empty list, and the page asks for a room
 * first (an event is a booking of a room).
 * @throws AccessDeniedError when the reader manages no instance.
 */
export async function newEventPage(db: DbOrTx, p: UserPrincipal, locale: string, values?: EventFormValues, now: Date = new Date()) {
	const instances = await managedInstances(db, p);
	if (!instances.length) throw new AccessDeniedError();
	const rooms = (await listRooms(db, p, p.municipalityId)).filter((r) => instances.some((i) => i.id === r.instanceId));
	const names = new Map(instances.map((i) => [i.id, i.name]));
	const hosts = new Map<string, { value: string; label: string }>();
	for (const i of instances) for (const h of await eligibleHosts(db, p.municipalityId, i.id, berlinDate(now))) hosts.set(h.id, { value: h.id, label: h.name });
	return {
		base: `/${locale}/staff/hosting`,
		rooms: rooms.map((r) => ({ value: r.id, instanceId: r.instanceId, instance: names.get(r.instanceId) ?? '', name: r.name })),
		hosts: [...hosts.values()],
		...eventChoices(),
		values: values ?? eventToForm(null, locales)
	};
}

/**
 * A new event sent: creates it with its room booking.
 * @throws as `createEvent`, dates in the reader's language.
 */
export function createEventFromForm(db: Db, p: UserPrincipal, form: FormData, locale: string) {
	const v = eventFormValues(form);
	return inReadersTerms(locale, () => createEvent(db, p, { ...eventDetailsFromForm(v), roomId: v.roomId, series: eventSeriesFromForm(v), skipConflicts: formText(form, 'skip') === '1' }));
}

/**
 * The details form of an event's page: its values (or the refused ones sent back), the choices,
 * its hosts to choose from (eligible volunteers of its instance, and those already named), and
 * the link to its booking.
 * @throws NotFoundError; AccessDeniedError without `hosting:manage` on the event's instance (the
 *   page names eligible volunteers in full).
 */
export async function eventDetailsPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string, values?: EventFormValues, now: Date = new Date()) {
	const found = await findEvent(db, id);
	if (!found) throw new NotFoundError('event');
	const { event, booking } = found;
	if (!can(p, 'hosting:manage', { municipalityId: event.municipalityId, instanceId: event.instanceId })) throw new AccessDeniedError();
	const eligible = await eligibleHosts(db, event.municipalityId, event.instanceId, berlinDate(now));
	return {
		bookingHref: `/${locale}/staff/hosting/bookings/${booking.id}`,
		cancelled: booking.status === 'cancelled',
		hosts: eligible.map((h) => ({ value: h.id, label: h.name })),
		...eventChoices(),
		details: values ?? eventToForm(event, locales)
	};
}

/**
 * The details form sent.
 * @throws as `updateEvent`.
 */
export function updateEventFromForm(db: Db, p: UserPrincipal, id: string, form: FormData, locale: string) {
	return inReadersTerms(locale, () => updateEvent(db, p, id, eventDetailsFromForm(eventFormValues(form))));
}

/**
 * A booking's page for those who manage its room: what and where, its dates from today (each
 * with its cancel button), the series edit, and — for an own event — the link to it and the
 * whole event's cancellation with how many will be told.
 * @throws NotFoundError; AccessDeniedError without `hosting:manage` on the room's instance.
 */
export async function bookingPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string, now: Date = new Date()) {
	const booking = await findBooking(db, id);
	if (!booking) throw new NotFoundError('booking');
	const room = await findRoom(db, booking.roomId);
	if (!room) throw new NotFoundError('room');
	if (!can(p, 'hosting:manage', { municipalityId: room.municipalityId, instanceId: room.instanceId })) throw new AccessDeniedError();
	const event = booking.purpose === 'event' ? await eventOfBooking(db, booking.id) : null;
	const counts = event ? await placeCounts(db, event.id) : null;
	const today = berlinDate(now);
	const dayFormat = dateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
	const dateLabel = (d: string) => dayFormat.format(new Date(`${d}T12:00:00Z`));
	return {
		base: `/${locale}/staff/hosting`,
		booking: {
			id: booking.id,
			title: booking.title,
			room: room.name,
			status: msg(`hs_booking_${booking.status}`),
			cancelled: booking.status === 'cancelled',
			period: booking.firstDay === booking.lastDay ? formatDay(booking.firstDay, locale) : `${formatDay(booking.firstDay, locale)} – ${formatDay(booking.lastDay, locale)}`,
			startTime: booking.startTime,
			endTime: booking.endTime,
			series: !!booking.rrule || booking.rdates.length > 0,
			weekly: !!booking.rrule,
			lastDay: booking.lastDay,
			skipped: listText(booking.skippedDates.map((d) => formatDay(d, locale)), locale)
		},
		event: event ? { id: event.id, title: event.title, href: `/${locale}/staff/hosting/events/${event.id}`, people: (counts?.confirmed ?? 0) + (counts?.waiting ?? 0) } : null,
		dates: bookingOccurrences(booking, today).map((o) => ({ value: o.day, label: dateLabel(o.day) })),
		scopes: (event ? (['all'] as const) : (['this', 'future', 'all'] as const)).map((s) => ({ value: s, label: msg(`hs_scope_${s}`) }))
	};
}

/**
 * The series edit sent.
 * @throws as `editSeries`, dates in the reader's language.
 */
export function editSeriesFromForm(db: Db, p: UserPrincipal, id: string, form: FormData, locale: string) {
	return inReadersTerms(locale, () => editSeries(db, p, id, seriesEditFromForm(form)));
}

/**
 * One date cancelled.
 * @throws as `cancelOccurrence`.
 */
export function cancelDateFromForm(db: Db, p: UserPrincipal, id: string, form: FormData, locale: string) {
	return inReadersTerms(locale, () => cancelOccurrence(db, p, id, formText(form, 'day')));
}

/**
 * A whole own event cancelled from its booking's page.
 * @throws NotFoundError for a booking without an event; as `cancelEvent`.
 */
export async function cancelEventFromForm(db: Db, p: UserPrincipal, bookingId: string) {
	const event = await eventOfBooking(db, bookingId);
	if (!event) throw new NotFoundError('event');
	return cancelEvent(db, p, event.id);
}
