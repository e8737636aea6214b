/**
 * One public calendar (issue 15 §4): "this week near me" per municipality, instance or social
 * space — the instances' own events, courses and open groups, and the external offers hosted in
 * their public rooms — with filters by language, target group, theme field and free of charge;
 * and the iCalendar feeds (RFC 5545, through `ical-generator`) per instance, per room (internal)
 * and per event. Each dated session is one VEVENT with UTC times, so every calendar program
 * shows the Berlin wall-clock time whatever its own zone data.
 */
import { and, eq, gte, inArray, lte } from 'drizzle-orm';
import ical, { ICalEventStatus } from 'ical-generator';
import { authorize, type Principal } from '../access';
import type { DbOrTx } from '../db/client';
import { publicOfferFacets } from '../directory/hosting-reads';
import { getInstancesForComparison, listInstances } from '../instances/service';
import { addDays, occurrences, type Series } from './model';
import { hostingBooking, hostingEvent, hostingRoom } from './schema';

/** What the calendar is of: a municipality, optionally one instance or one social space. */
export interface CalendarScope {
	municipalityId: string;
	instanceId?: string;
	socialSpaceId?: string;
}

/** Filters of the public calendar; empty means any. */
export interface CalendarFilter {
	language?: string;
	targetGroup?: string;
	themeField?: string;
	freeOnly?: boolean;
}

/** One dated session in the calendar. */
export interface CalendarEntry {
	day: string;
	start: Date;
	end: Date;
	title: string;
	/** `event` (own offer: `eventId`), or `hosted` (a provider's offer in a room: `serviceId`). */
	source: 'event' | 'hosted';
	eventId: string | null;
	serviceId: string | null;
	kind: string | null;
	instanceId: string;
	roomName: string;
	languages: string[];
	free: boolean;
}

/** The instances a scope covers. */
async function scopeInstances(db: DbOrTx, scope: CalendarScope): Promise<string[]> {
	const all = await listInstances(db, scope.municipalityId);
	const live = all.filter((i) => !i.retiredAt && (!scope.instanceId || i.id === scope.instanceId));
	if (!scope.socialSpaceId) return live.map((i) => i.id);
	const details = await getInstancesForComparison(db, live.map((i) => i.id));
	return details.filter((d) => d.socialSpaces.some((s) => s.id === scope.socialSpaceId)).map((d) => d.id);
}

/**
 * The public sessions of a scope from `from` to `to` (Berlin days, inclusive), by start: own
 * events of its instances (any room) and approved external bookings in their public rooms.
 * Own events are filtered by their own languages, target groups, theme fields and cost; hosted
 * offers by their directory entry's (`publicOfferFacets`), and only while that entry is public.
 */
export async function publicSessions(db: DbOrTx, scope: CalendarScope, from: string, to: string, filter: CalendarFilter = {}): Promise<CalendarEntry[]> {
	const instanceIds = await scopeInstances(db, scope);
	if (!instanceIds.length) return [];
	const rows = await db
		.select({ booking: hostingBooking, event: hostingEvent, room: { name: hostingRoom.name, listing: hostingRoom.listing, instanceId: hostingRoom.instanceId } })
		.from(hostingBooking)
		.innerJoin(hostingRoom, eq(hostingRoom.id, hostingBooking.roomId))
		.leftJoin(hostingEvent, eq(hostingEvent.bookingId, hostingBooking.id))
		.where(and(inArray(hostingRoom.instanceId, instanceIds), eq(hostingBooking.status, 'approved'), inArray(hostingBooking.purpose, ['event', 'external']), lte(hostingBooking.firstDay, to), gte(hostingBooking.lastDay, from)));
	const offers = await publicOfferFacets(db, rows.flatMap(({ event, booking }) => (!event && booking.serviceId ? [booking.serviceId] : [])));
	const out: CalendarEntry[] = [];
	for (const { booking, event, room } of rows) {
		const facets = event ?? (booking.serviceId ? offers.get(booking.serviceId) : undefined);
		// A hosted offer shows in public rooms only, and while its directory entry is public.
		if (!facets || (!event && room.listing !== 'public')) continue;
		if (filter.language && !facets.languages.some((l) => l === filter.language || l.startsWith(`${filter.language}-`))) continue;
		if (filter.targetGroup && !facets.targetGroups.includes(filter.targetGroup)) continue;
		if (filter.themeField && !facets.themeFields.includes(filter.themeField)) continue;
		if (filter.freeOnly && !facets.free) continue;
		for (const o of occurrences(booking as Series, from, to)) {
			out.push({
				day: o.day,
				start: o.start,
				end: o.end,
				title: event?.title ?? booking.title,
				source: event ? 'event' : 'hosted',
				eventId: event?.id ?? null,
				serviceId: event ? null : booking.serviceId,
				kind: event?.kind ?? null,
				instanceId: room.instanceId,
				roomName: room.name,
				languages: facets.languages,
				free: facets.free
			});
		}
	}
	return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.title.localeCompare(b.title));
}

/** One week of a scope from its Monday (`weekStart`, a Berlin day). */
export function calendarWeek(db: DbOrTx, scope: CalendarScope, weekStart: string, filter: CalendarFilter = {}): Promise<CalendarEntry[]> {
	return publicSessions(db, scope, weekStart, addDays(weekStart, 6), filter);
}

/** How far a feed reaches: 30 days back, a year ahead. */
const FEED_BACK_DAYS = 30;
const FEED_AHEAD_DAYS = 366;

/** A feed of sessions as iCalendar text. `uidOf` makes each session's stable UID. */
function feedOf(name: string, entries: { key: string; day: string; start: Date; end: Date; title: string; location: string; cancelled?: boolean }[], now: Date): string {
	const calendar = ical({ name, prodId: { company: 'anlaufstelle', product: 'hosting', language: 'DE' } });
	for (const e of entries) {
		calendar.createEvent({
			id: `${e.key}-${e.day}@anlaufstelle.hosting`,
			start: e.start,
			end: e.end,
			stamp: now,
			summary: e.title,
			location: e.location || null,
			status: e.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED
		});
	}
	return calendar.toString();
}

/** The feed window around `now`, as Berlin days. */
function window(now: Date): [string, string] {
	const today = now.toISOString().slice(0, 10);
	return [addDays(today, -FEED_BACK_DAYS), addDays(today, FEED_AHEAD_DAYS)];
}

/** The public iCalendar feed of an instance: its public sessions, 30 days back and a year ahead. */
export async function instanceFeed(db: DbOrTx, municipalityId: string, instanceId: string, name: string, now: Date = new Date()): Promise<string> {
	const [from, to] = window(now);
	const sessions = await publicSessions(db, { municipalityId, instanceId }, from, to);
	return feedOf(name, sessions.map((s) => ({ key: s.eventId ?? s.serviceId ?? s.title, day: s.day, start: s.start, end: s.end, title: s.title, location: s.roomName })), now);
}

/** The iCalendar feed of one own event (its sessions), or null when there is no such event. */
export async function eventFeed(db: DbOrTx, eventId: string, now: Date = new Date()): Promise<string | null> {
	const [row] = await db.select({ event: hostingEvent, booking: hostingBooking, room: hostingRoom }).from(hostingEvent).innerJoin(hostingBooking, eq(hostingBooking.id, hostingEvent.bookingId)).innerJoin(hostingRoom, eq(hostingRoom.id, hostingBooking.roomId)).where(eq(hostingEvent.id, eventId));
	if (!row) return null;
	const cancelled = row.booking.status === 'cancelled';
	return feedOf(row.event.title, occurrences(row.booking as Series).map((o) => ({ key: row.event.id, ...o, title: row.event.title, location: row.room.name, cancelled })), now);
}

/**
 * The internal feed of a room: every approved booking (titles of requests and own events
 * alike), 30 days back and a year ahead.
 * @throws AccessDeniedError without `hosting:see_internal`; null for an unknown room.
 */
export async function roomFeed(db: DbOrTx, principal: Principal, roomId: string, now: Date = new Date()): Promise<string | null> {
	const [room] = await db.select().from(hostingRoom).where(eq(hostingRoom.id, roomId));
	if (!room) return null;
	authorize(principal, 'hosting:see_internal', { municipalityId: room.municipalityId });
	const [from, to] = window(now);
	const bookings = await db.select().from(hostingBooking).where(and(eq(hostingBooking.roomId, roomId), eq(hostingBooking.status, 'approved'), lte(hostingBooking.firstDay, to), gte(hostingBooking.lastDay, from)));
	return feedOf(room.name, bookings.flatMap((b) => occurrences(b as Series, from, to).map((o) => ({ key: b.id, ...o, title: b.title, location: room.name }))), now);
}

/**
 * An own event as schema.org `Event` JSON-LD (https://schema.org/Event): name, description, the
 * first start and last end, status, offline attendance, languages, free of charge, capacity and
 * places left, the room as `Place`, the municipality as organizer, and each session of a course
 * or group as a `subEvent`.
 */
export function eventJsonLd(input: {
	event: { title: string; description: string; kind: string; languages: string[]; free: boolean; capacity: number | null };
	booking: Series & { status: string };
	roomName: string;
	confirmed: number;
	url: string;
	organizer: string;
}): Record<string, unknown> {
	const { event, booking } = input;
	const sessions = occurrences(booking);
	return {
		'@context': 'https://schema.org',
		'@type': 'Event',
		name: event.title,
		description: event.description || undefined,
		url: input.url,
		startDate: sessions[0]?.start.toISOString(),
		endDate: sessions.at(-1)?.end.toISOString(),
		eventStatus: booking.status === 'cancelled' ? 'https://schema.org/EventCancelled' : 'https://schema.org/EventScheduled',
		eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
		inLanguage: event.languages,
		isAccessibleForFree: event.free,
		maximumAttendeeCapacity: event.capacity ?? undefined,
		remainingAttendeeCapacity: event.capacity === null ? undefined : Math.max(0, event.capacity - input.confirmed),
		location: { '@type': 'Place', name: input.roomName },
		organizer: { '@type': 'Organization', name: input.organizer },
		subEvent: event.kind === 'single' ? undefined : sessions.map((s) => ({ '@type': 'Event', name: event.title, startDate: s.start.toISOString(), endDate: s.end.toISOString() }))
	};
}
