/**
 * The staff pages of hosting (issue 15 §2, §3): the overview of rooms, open requests (approve,
 * optionally skipping closed or clashing dates, or reject with a reason), bookings and own
 * events; the request form partner editors and staff use; and an event's page with its
 * registrations, capacity and attendance per session.
 */
import { listText, msg } from '$lib/messages';
import { formatDay } from '$lib/wegweiser';
import { can, type UserPrincipal } from '../../access';
import { berlinDate } from '../../casework/time';
import { NotFoundError } from '../../core/errors';
import { formText } from '../../core/form';
import { parseInteger } from '../../core/validation';
import type { Db, DbOrTx } from '../../db/client';
import { hostableOffers, hostedOffer } from '../../directory/hosting-reads';
import { listInstances } from '../../instances/service';
import { bookRoom, decideBooking, listBookings } from '../bookings';
import { attendanceOf, findEvent, listEvents, listRegistrations, placeCounts, recordAttendance, sessionDays, updateRegistration } from '../events';
import { weekdayOf } from '../model';
import { listRooms } from '../rooms';
import { dateTimeFormat } from '$lib/intl';

const BYDAY = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** The overview: rooms, the request form, open requests (for those who decide), bookings and events. */
export async function hostingHome(db: DbOrTx, p: UserPrincipal, locale: string) {
	const [rooms, instances] = await Promise.all([listRooms(db, p, p.municipalityId), listInstances(db, p.municipalityId)]);
	const instanceName = new Map(instances.map((i) => [i.id, i.name]));
	const internal = can(p, 'hosting:see_internal', { municipalityId: p.municipalityId });
	const bookings = internal ? await listBookings(db, p, p.municipalityId, { status: ['requested', 'approved'] }) : [];
	const roomName = new Map(rooms.map((r) => [r.id, r.name]));
	const manages = (roomId: string) => {
		const r = rooms.find((x) => x.id === roomId);
		return !!r && can(p, 'hosting:manage', { municipalityId: r.municipalityId, instanceId: r.instanceId });
	};
	const events = await listEvents(db, p.municipalityId);
	const describe = (b: (typeof bookings)[number]) => ({
		id: b.id,
		title: b.title,
		room: roomName.get(b.roomId) ?? '',
		when: `${formatDay(b.firstDay, locale)}${b.lastDay !== b.firstDay ? ` – ${formatDay(b.lastDay, locale)}` : ''}, ${b.startTime}–${b.endTime}${b.rrule ? ` (${msg('ho_weekly')})` : ''}`,
		skipped: listText(b.skippedDates.map((d) => formatDay(d, locale)), locale),
		href: manages(b.roomId) ? `/${locale}/staff/hosting/bookings/${b.id}` : null
	});
	return {
		base: `/${locale}/staff/hosting`,
		rooms: rooms.map((r) => ({ value: r.id, label: `${instanceName.get(r.instanceId) ?? ''}: ${r.name}`, instanceId: r.instanceId, instance: instanceName.get(r.instanceId) ?? '', name: r.name, capacity: r.capacity, listing: msg(`ho_listing_${r.listing}`), feed: internal ? `/${locale}/staff/hosting/rooms/${r.id}.ics` : null, edit: manages(r.id) ? `/${locale}/staff/hosting/rooms/${r.id}` : null })),
		managesAny: instances.some((i) => can(p, 'hosting:manage', { municipalityId: p.municipalityId, instanceId: i.id })),
		offers: (await hostableOffers(db, p, p.municipalityId)).map((o) => ({ value: o.value, label: o.label })),
		requests: bookings.filter((b) => b.status === 'requested' && manages(b.roomId)).map(describe),
		approved: bookings.filter((b) => b.status === 'approved' && b.purpose !== 'event').map(describe),
		events: events.filter((e) => can(p, 'hosting:manage', { municipalityId: e.municipalityId, instanceId: e.instanceId })).map((e) => ({ id: e.id, title: e.title, kind: msg(`ho_kind_${e.kind}`) }))
	};
}

/** The request form's fields, to draw it again. */
export function requestValues(form: FormData): Record<string, string> {
	return Object.fromEntries(['roomId', 'serviceId', 'title', 'firstDay', 'lastDay', 'startTime', 'endTime', 'weekly'].map((k) => [k, formText(form, k)]));
}

/**
 * The request form sent: a weekly series on the first day's weekday (`weekly`), or one date.
 * Staff of the room's instance book directly; everyone else asks.
 * @throws as `bookRoom`; ValidationError `serviceId: not_found`.
 */
export async function requestFromForm(db: Db, p: UserPrincipal, form: FormData, locale: string) {
	const v = requestValues(form);
	const offer = v.serviceId ? await hostedOffer(db, v.serviceId) : null;
	const firstDay = v.firstDay;
	const weekly = v.weekly === '1' && /^\d{4}-\d{2}-\d{2}$/.test(firstDay);
	return bookRoom(db, p, {
		roomId: v.roomId,
		title: v.title || offer?.name || '',
		purpose: 'external',
		providerOrganizationId: offer?.organizationId ?? null,
		serviceId: v.serviceId || null,
		firstDay,
		lastDay: weekly ? v.lastDay : firstDay,
		startTime: v.startTime,
		endTime: v.endTime,
		rrule: weekly ? `FREQ=WEEKLY;BYDAY=${BYDAY[weekdayOf(firstDay) - 1]}` : null,
		contactEmail: p.email,
		contactLocale: locale,
		skipConflicts: formText(form, 'skip') === '1'
	});
}

/**
 * A decision sent: `approve` (with `skip` to leave out closed or clashing dates) or `reject` with
 * a `reason`.
 * @throws as `decideBooking`.
 */
export function decideFromForm(db: Db, p: UserPrincipal, form: FormData) {
	return decideBooking(db, p, formText(form, 'id'), { approve: formText(form, 'decision') === 'approve', reason: formText(form, 'reason'), skipConflicts: formText(form, 'skip') === '1' });
}

/**
 * An event for its staff: registrations (names while kept), places, sessions and attendance.
 * @throws NotFoundError, AccessDeniedError.
 */
export async function eventStaffPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string) {
	const found = await findEvent(db, id);
	if (!found) throw new NotFoundError('event');
	const registrations = await listRegistrations(db, p, id);
	const [counts, attendance] = await Promise.all([placeCounts(db, id), attendanceOf(db, id)]);
	const today = berlinDate(new Date());
	const days = sessionDays(found.booking);
	const fmt = dateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
	return {
		event: { id, title: found.event.title, kind: msg(`ho_kind_${found.event.kind}`), capacity: found.event.capacity, registrationOpen: found.event.registrationOpen, byName: found.event.attendanceByName, erased: !!found.event.personalDataErasedAt },
		counts,
		registrations: registrations.map((r, i) => ({ id: r.id, n: i + 1, name: r.name || msg('ho_erased'), language: r.language, status: msg(`ho_status_${r.status}`), confirmed: r.status === 'confirmed', contact: r.email || r.phone ? msg('ho_has_contact') : '' })),
		sessions: days.map((d) => ({ value: d, label: fmt.format(new Date(`${d}T12:00:00Z`)), count: attendance.find((a) => a.day === d)?.count ?? null, past: d <= today })),
		defaultDay: [...days].reverse().find((d) => d <= today) ?? days[0] ?? ''
	};
}

/**
 * Attendance sent: a day and a count, or (events that take names) the registrations present.
 * @throws as `recordAttendance`; a count that is no whole number is `count: out_of_range`.
 */
export function attendanceFromForm(db: Db, p: UserPrincipal, id: string, form: FormData) {
	return recordAttendance(db, p, id, { day: formText(form, 'day'), count: parseInteger(formText(form, 'count'), { min: 0, max: 10_000 }) ?? -1, registrationIds: form.getAll('present').map(String) });
}

/**
 * Places and registration sent.
 * @throws as `updateRegistration`.
 */
export function capacityFromForm(db: Db, p: UserPrincipal, id: string, form: FormData) {
	const text = formText(form, 'capacity');
	return updateRegistration(db, p, id, { capacity: text === '' ? null : (parseInteger(text, { min: 1, max: 10_000 }) ?? 0), registrationOpen: formText(form, 'open') === '1' });
}
