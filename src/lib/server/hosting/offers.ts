/**
 * Own events as directory offers (issue 15 §3): every single event, course and open group of an
 * instance appears in the directory as an offer of the instance — an HSDS service of its actor,
 * at the room's place (service_at_location), with the weekly runs of its sessions as schedules —
 * so the HSDS API and the offer pages list it. It is published when the event is created,
 * republished in place when its details or dates change (`updateEvent`, the booking's series
 * edits and cancelled dates), and withdrawn when it is cancelled (`cancelEvent`); the
 * participants then hear of the cancellation by email in their language. The directory does the writes (`directory/hosting-reads.ts`).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { ConflictError, NotFoundError } from '../core/errors';
import { isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { publishOwnEvent, withdrawOwnEvent } from '../directory/hosting-reads';
import { bookingOccurrences, findBooking, type Booking } from './bookings';
import { mailWhen, sendHostingMails, type HostingMail } from './mail';
import { seriesDays, weeklyRuns } from './model';
import type { Room } from './rooms';
import { hostingBooking, hostingEvent, hostingRegistration } from './schema';

type HostingEvent = typeof hostingEvent.$inferSelect;

/**
 * Publishes (or republishes in place) an own event as its instance's offer in the directory,
 * with its sessions as weekly runs at the room's place. Call inside the event's transaction.
 * @returns the offer's id, or null when the instance has no actor in the directory.
 */
export function publishEventOffer(tx: DbOrTx, principal: Principal, event: HostingEvent, booking: Booking, room: Room): Promise<string | null> {
	return publishOwnEvent(tx, principal, {
		eventId: event.id,
		instanceId: event.instanceId,
		municipalityId: event.municipalityId,
		title: event.title,
		description: event.description,
		languages: event.languages,
		targetGroups: event.targetGroups,
		themeFields: event.themeFields,
		free: event.free,
		lowThreshold: event.kind === 'open_group',
		locationId: room.locationId,
		slots: weeklyRuns(seriesDays({ ...booking }), booking.startTime, booking.endTime),
		isDemo: event.isDemo
	});
}

/**
 * Cancels an own event: its room booking is cancelled (the dates leave the public calendar and
 * the feeds mark them cancelled), registration closes, every registration still holding a place
 * or waiting is cancelled, and its offer is withdrawn from the directory — in one transaction,
 * audited without names. Then each of those participants with an email is told in their
 * language (the outbox keeps the message when no SMTP server is set).
 * @returns how many registrations were cancelled and how many were told by email.
 * @throws NotFoundError unknown event; AccessDeniedError without `hosting:manage` on its
 *   instance; ConflictError `ho_event_already_cancelled` for a second cancellation.
 */
export async function cancelEvent(db: Db, principal: Principal, id: string, now: Date = new Date()): Promise<{ registrations: number; mailed: number }> {
	const [event] = isUuid(id) ? await db.select().from(hostingEvent).where(eq(hostingEvent.id, id)) : [];
	const booking = event ? await findBooking(db, event.bookingId) : null;
	if (!event || !booking) throw new NotFoundError('event');
	authorize(principal, 'hosting:manage', { municipalityId: event.municipalityId, instanceId: event.instanceId });
	if (booking.status === 'cancelled') throw new ConflictError('ho_event_already_cancelled');
	const told = await db.transaction(async (tx) => {
		await tx.execute(sql`select id from hosting_event where id = ${event.id} for update`);
		const [cancelled] = await tx
			.update(hostingBooking)
			.set({ status: 'cancelled', updatedAt: now })
			.where(and(eq(hostingBooking.id, booking.id), inArray(hostingBooking.status, ['approved', 'requested'])))
			.returning({ id: hostingBooking.id });
		if (!cancelled) throw new ConflictError('ho_event_already_cancelled');
		await tx.update(hostingEvent).set({ registrationOpen: false }).where(eq(hostingEvent.id, event.id));
		const regs = await tx
			.update(hostingRegistration)
			.set({ status: 'cancelled', cancelledAt: now })
			.where(and(eq(hostingRegistration.eventId, event.id), inArray(hostingRegistration.status, ['confirmed', 'waiting'])))
			.returning({ email: hostingRegistration.email, language: hostingRegistration.language });
		const withdrawn = await withdrawOwnEvent(tx, principal, event.id);
		await recordAudit(tx, { ...auditActor(principal), municipalityId: event.municipalityId, action: 'cancel', entityType: 'hosting_event', entityId: event.id, changes: { status: ['approved', 'cancelled'], registrations: [regs.length, 0], directoryOffer: [withdrawn, false] } });
		return regs;
	});
	const occurrences = bookingOccurrences(booking);
	const first = occurrences.find((o) => o.start > now) ?? occurrences[0];
	const mails: HostingMail[] = told
		.filter((r) => r.email)
		.map((r) => ({ to: r.email!, locale: r.language, kind: 'event_cancelled', params: { title: event.title, when: first ? mailWhen(first.start, r.language) : booking.firstDay } }));
	await sendHostingMails(mails);
	return { registrations: told.length, mailed: mails.length };
}
