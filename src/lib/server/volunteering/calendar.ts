/**
 * The personal iCalendar feed (RFC 5545; issue 13 §6): a volunteer's confirmed shifts (and
 * cancelled ones, as `STATUS:CANCELLED`, so subscribed calendars drop them) from 30 days back,
 * at a secret address (`/api/volunteering/calendar/<token>.ics`). The token is stored as its
 * SHA-256; making a new one ends the old address. Events carry the need's title and meeting
 * point — never anything of a case.
 */
import { eq } from 'drizzle-orm';
import ical, { ICalEventStatus } from 'ical-generator';
import { auditActor, type Principal } from '../access';
import { newToken, sha256 } from '../accounts/sessions';
import { recordAudit } from '../audit/service';
import type { Db, DbOrTx } from '../db/client';
import { assignmentsOf } from './assignments';
import { ownProfile } from './profiles';
import { volunteerProfile } from './schema';

const PAST_DAYS = 30;

/**
 * Makes a new secret feed address for the signed-in volunteer (the old one stops working), audited.
 * @returns the token for the address.
 * @throws AccessDeniedError, NotFoundError (no profile).
 */
export async function renewCalendarToken(db: Db, principal: Principal): Promise<string> {
	const profile = await ownProfile(db, principal);
	const token = newToken();
	await db.transaction(async (tx) => {
		await tx.update(volunteerProfile).set({ calendarTokenHash: sha256(token) }).where(eq(volunteerProfile.id, profile.id));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: profile.municipalityId, action: 'renew', entityType: 'volunteer_calendar', entityId: profile.id, changes: { token: ['…', '…'] } });
	});
	return token;
}

/**
 * The feed behind a token.
 * @param titleOf the summary of an event in the volunteer's message language (an accompaniment
 *   need's title is translated; the page layer passes it).
 * @returns the calendar text, or null for an unknown token.
 */
export async function calendarFeed(db: DbOrTx, token: string, titleOf: (a: { title: string; source: string }, locale: string) => string, now: Date = new Date()): Promise<string | null> {
	if (!token || token.length > 100) return null;
	const [profile] = await db.select().from(volunteerProfile).where(eq(volunteerProfile.calendarTokenHash, sha256(token)));
	if (!profile) return null;
	const rows = (await assignmentsOf(db, profile.id, new Date(now.getTime() - PAST_DAYS * 86_400_000))).filter((a) => ['confirmed', 'done', 'cancelled'].includes(a.status));
	const calendar = ical({ name: 'Ehrenamt', prodId: { company: 'anlaufstelle', product: 'volunteering', language: profile.messageLocale.toUpperCase() } });
	for (const a of rows) {
		calendar.createEvent({
			id: `${a.id}@anlaufstelle.volunteer-shift`,
			start: a.startsAt,
			end: a.endsAt,
			stamp: now,
			summary: titleOf(a, profile.messageLocale),
			location: a.placeText || null,
			status: a.status === 'cancelled' || a.shiftStatus === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED
		});
	}
	return calendar.toString();
}
