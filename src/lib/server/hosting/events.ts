/**
 * Own events, courses and open groups (issue 15 §3), after pretix (waiting list with automatic
 * promotion, check-in), Decidim meetings (registrations) and Mobilizon (no account needed):
 * a registration is a name or pseudonym, a language and optionally a phone or email; a course
 * takes one registration for all its sessions; a full event puts the next person on the waiting
 * list, and a freed place moves the first of them up and tells them. Every confirmation carries
 * a cancellation link (its token stored as SHA-256). Attendance is taken per session as a count,
 * or by name where the event needs it.
 */
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { auditActor, authorize, systemPrincipal, type Principal } from '../access';
import { newToken, sha256 } from '../accounts/sessions';
import { diffRecords, recordAudit } from '../audit/service';
import { recordGroupWork } from '../casework/hosting-reads';
import { berlinDate } from '../casework/time';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag, isEmail, isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { TARGET_GROUPS, THEME_FIELDS } from '../directory/hosting-reads';
import { eligibleHosts } from '../volunteering/hosting-reads';
import { bookingOccurrences, checkNewSeries, findBooking, type Booking } from './bookings';
import { hostingLocale, mailWhen, publicOrigin, sendHostingMails, type HostingMail } from './mail';
import { DEFAULT_RETENTION_DAYS, EVENT_KINDS, NAME_MAX, seriesDays, TITLE_MAX, type EventKind, type Series } from './model';
import { publishEventOffer } from './offers';
import { findRoom } from './rooms';
import { hostingAttendance, hostingBooking, hostingEvent, hostingRegistration } from './schema';

export type HostingEvent = typeof hostingEvent.$inferSelect;
export type Registration = typeof hostingRegistration.$inferSelect;

/** The principal a cancellation link acts as once its token is checked. */
const LINK = systemPrincipal('hosting-link');

/** An own event as entered: what it is, and its dates (a series in one of the instance's rooms). */
export interface EventInput {
	roomId: string;
	kind: EventKind;
	title: string;
	description: string;
	languages: string[];
	targetGroups: string[];
	themeFields: string[];
	free: boolean;
	capacity: number | null;
	attendanceByName: boolean;
	hostVolunteerIds: string[];
	retentionDays?: number;
	series: Series;
	skipConflicts?: boolean;
}

/** What an event is, apart from its dates: the part `updateEvent` changes. */
export type EventDetails = Omit<EventInput, 'roomId' | 'series' | 'skipConflicts'> & { registrationOpen?: boolean };

/**
 * Checks an event's details; each problem names its field. Hosts must be eligible volunteers
 * of the event's instance (`volunteering/hosting-reads.ts`) on `today`, unless already hosting
 * (`keepHosts`: a paused host stays named on an event they host).
 */
async function checkDetails(db: DbOrTx, municipalityId: string, instanceId: string, input: EventDetails, today: string, keepHosts: readonly string[] = []): Promise<FieldIssue[]> {
	const issues: FieldIssue[] = [];
	if (!(EVENT_KINDS as readonly string[]).includes(input.kind)) issues.push({ field: 'kind', code: 'ho_unknown_value', params: { value: input.kind } });
	const title = input.title.trim();
	if (!title) issues.push({ field: 'title', code: 'required' });
	else if (title.length > TITLE_MAX || !isStorableText(title)) issues.push({ field: 'title', code: 'too_long', params: { max: TITLE_MAX } });
	if (!isStorableText(input.description) || input.description.length > 5000) issues.push({ field: 'description', code: 'too_long', params: { max: 5000 } });
	if (input.capacity !== null && (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > 10_000)) issues.push({ field: 'capacity', code: 'out_of_range', params: { min: 1, max: 10_000 } });
	if (input.capacity === null && input.kind !== 'open_group') issues.push({ field: 'capacity', code: 'required' });
	for (const l of input.languages) if (!canonicalLanguageTag(l)) issues.push({ field: 'languages', code: 'invalid_language', params: { value: l } });
	for (const t of input.targetGroups) if (!TARGET_GROUPS.some((x) => x.key === t)) issues.push({ field: 'targetGroups', code: 'ho_unknown_value', params: { value: t } });
	for (const t of input.themeFields) if (!THEME_FIELDS.some((x) => x.key === t)) issues.push({ field: 'themeFields', code: 'ho_unknown_value', params: { value: t } });
	if (input.hostVolunteerIds.length) {
		const eligible = new Set([...(await eligibleHosts(db, municipalityId, instanceId, today)).map((v) => v.id), ...keepHosts]);
		if (input.hostVolunteerIds.some((v) => !eligible.has(v))) issues.push({ field: 'hostVolunteerIds', code: 'ho_not_eligible_host' });
	}
	const retentionDays = input.retentionDays ?? DEFAULT_RETENTION_DAYS;
	if (!Number.isInteger(retentionDays) || retentionDays < 0 || retentionDays > 365) issues.push({ field: 'retentionDays', code: 'out_of_range', params: { min: 0, max: 365 } });
	return issues;
}

/**
 * Creates an own event with the room booking for its dates, audited, and publishes it as an
 * offer of the instance in the directory (`offers.ts`).
 * @throws NotFoundError unknown room; AccessDeniedError without `hosting:manage` on the room's
 *   instance; ValidationError per field and date — the series checks (a course session, an
 *   RDATE, outside the series is `rdates: ho_outside_series` with the date), closures and clashes,
 *   `kind`, `title`, `capacity` (a whole number ≥ 1, or none for an open group), `languages`.
 */
export async function createEvent(db: Db, principal: Principal, input: EventInput, now: Date = new Date(), options: { isDemo?: boolean } = {}): Promise<HostingEvent> {
	const room = await findRoom(db, input.roomId);
	if (!room) throw new NotFoundError('room');
	authorize(principal, 'hosting:manage', { municipalityId: room.municipalityId, instanceId: room.instanceId });
	const { issues, skipped } = await checkNewSeries(db, room, input.series, berlinDate(now), !!input.skipConflicts);
	issues.push(...(await checkDetails(db, room.municipalityId, room.instanceId, input, berlinDate(now))));
	const title = input.title.trim();
	const retentionDays = input.retentionDays ?? DEFAULT_RETENTION_DAYS;
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [booking] = await tx
			.insert(hostingBooking)
			.values({
				municipalityId: room.municipalityId,
				roomId: room.id,
				purpose: 'event',
				status: 'approved',
				title,
				requestedBy: principal.kind === 'user' ? principal.userId : null,
				decidedBy: principal.kind === 'user' ? principal.userId : null,
				decidedAt: now,
				...input.series,
				exdates: [...new Set([...input.series.exdates, ...skipped])].sort(),
				rdates: [...input.series.rdates],
				skippedDates: skipped,
				isDemo: options.isDemo ?? false
			})
			.returning();
		const values = {
			municipalityId: room.municipalityId,
			instanceId: room.instanceId,
			bookingId: booking.id,
			kind: input.kind,
			title,
			description: input.description.trim(),
			languages: [...new Set(input.languages.map((l) => canonicalLanguageTag(l)!))],
			targetGroups: [...new Set(input.targetGroups)],
			themeFields: [...new Set(input.themeFields)],
			free: input.free,
			capacity: input.capacity,
			registrationOpen: input.kind !== 'open_group',
			attendanceByName: input.attendanceByName,
			hostVolunteerIds: [...new Set(input.hostVolunteerIds)],
			retentionDays,
			isDemo: options.isDemo ?? false
		};
		const [row] = await tx.insert(hostingEvent).values(values).returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: room.municipalityId, action: 'create', entityType: 'hosting_event', entityId: row.id, changes: diffRecords(null, { ...values, skippedDates: skipped }) });
		await publishEventOffer(tx, principal, row, booking, room);
		return row;
	});
}

/** An event with its booking (the sessions), or null (also for a malformed id). */
export async function findEvent(db: DbOrTx, id: string): Promise<{ event: HostingEvent; booking: Booking } | null> {
	if (!isUuid(id)) return null;
	const [event] = await db.select().from(hostingEvent).where(eq(hostingEvent.id, id));
	if (!event) return null;
	const booking = await findBooking(db, event.bookingId);
	return booking ? { event, booking } : null;
}

/** The session days of an event (its booking's dates). */
export function sessionDays(booking: Booking): string[] {
	return bookingOccurrences(booking).map((o) => o.day);
}

/** How many hold a place and how many wait. */
export async function placeCounts(db: DbOrTx, eventId: string): Promise<{ confirmed: number; waiting: number }> {
	const rows = await db.select({ status: hostingRegistration.status, n: count() }).from(hostingRegistration).where(eq(hostingRegistration.eventId, eventId)).groupBy(hostingRegistration.status);
	return { confirmed: rows.find((r) => r.status === 'confirmed')?.n ?? 0, waiting: rows.find((r) => r.status === 'waiting')?.n ?? 0 };
}

/** A participant's registration as entered on the public event page. */
export interface RegistrationInput {
	/** A name or pseudonym. */
	name: string;
	/** The language messages are written in (BCP 47). */
	language: string;
	email: string;
	phone: string;
}

/** The link that cancels a registration. */
export function cancellationLink(locale: string, token: string): string {
	return `${publicOrigin()}/${hostingLocale(locale)}/hosting/cancel/${token}`;
}

/**
 * Registers without an account. A full event puts the person on the waiting list
 * (`status: 'waiting'`, with their place in it) — the page says so. With an email, a
 * confirmation (or waiting-list notice) with the cancellation link goes out in their language.
 * @returns the registration's status, waiting position (1 = next) and the cancellation token.
 * @throws NotFoundError unknown event; ConflictError `ho_registration_closed` (closed, an open
 *   group, or the last session is over); ValidationError `name: required | too_long`,
 *   `language: invalid_language`, `email: invalid_email`, `phone: ho_invalid_phone`.
 */
export async function register(db: Db, eventId: string, input: RegistrationInput, now: Date = new Date()): Promise<{ id: string; status: 'confirmed' | 'waiting'; position: number; token: string }> {
	const found = await findEvent(db, eventId);
	if (!found) throw new NotFoundError('event');
	const { event, booking } = found;
	const days = sessionDays(booking);
	if (!event.registrationOpen || event.kind === 'open_group' || !days.length || days[days.length - 1] < berlinDate(now)) throw new ConflictError('ho_registration_closed');
	const issues: FieldIssue[] = [];
	const name = input.name.trim();
	if (!name) issues.push({ field: 'name', code: 'required' });
	else if (name.length > NAME_MAX || !isStorableText(name)) issues.push({ field: 'name', code: 'too_long', params: { max: NAME_MAX } });
	const language = canonicalLanguageTag(input.language);
	if (!language) issues.push({ field: 'language', code: 'invalid_language' });
	const email = input.email.trim();
	if (email && !isEmail(email)) issues.push({ field: 'email', code: 'invalid_email' });
	const phone = input.phone.trim();
	if (phone && !/^\+?[0-9 ()/-]{5,30}$/.test(phone)) issues.push({ field: 'phone', code: 'ho_invalid_phone' });
	if (issues.length) throw new ValidationError(issues);
	const token = newToken();
	const result = await db.transaction(async (tx) => {
		// The event row is the lock that keeps two registrations from taking the last place.
		await tx.execute(sql`select id from hosting_event where id = ${event.id} for update`);
		const counts = await placeCounts(tx, event.id);
		const status: 'confirmed' | 'waiting' = event.capacity !== null && counts.confirmed >= event.capacity ? 'waiting' : 'confirmed';
		const [row] = await tx.insert(hostingRegistration).values({ eventId: event.id, name, language: language!, email: email || null, phone: phone || null, status, tokenHash: sha256(token) }).returning();
		await recordAudit(tx, { actorLabel: 'hosting-registration', municipalityId: event.municipalityId, action: 'register', entityType: 'hosting_registration', entityId: row.id, changes: { status: [null, status] } });
		return { id: row.id, status, position: status === 'waiting' ? counts.waiting + 1 : 0 };
	});
	if (email) {
		const mail: HostingMail = { to: email, locale: language!, kind: result.status === 'confirmed' ? 'registered' : 'waiting', params: { title: event.title, when: whenText(booking, language!), link: cancellationLink(language!, token), position: result.position } };
		await sendHostingMails([mail]);
	}
	return { ...result, token };
}

/** The first session (and how many) in the reader's language, for messages. */
function whenText(booking: Booking, locale: string): string {
	const first = bookingOccurrences(booking)[0];
	return first ? mailWhen(first.start, locale) : booking.firstDay;
}

/**
 * Moves people up from the waiting list while places are free, oldest first, and tells each
 * of them (with their cancellation link unchanged: they keep their token). Call inside the
 * transaction that freed the place, after locking the event row.
 * @returns the messages to send once the transaction has committed.
 */
async function promote(tx: DbOrTx, event: HostingEvent, booking: Booking): Promise<HostingMail[]> {
	const counts = await placeCounts(tx, event.id);
	const free = event.capacity === null ? counts.waiting : Math.max(0, event.capacity - counts.confirmed);
	if (!free) return [];
	const next = await tx.select().from(hostingRegistration).where(and(eq(hostingRegistration.eventId, event.id), eq(hostingRegistration.status, 'waiting'))).orderBy(asc(hostingRegistration.createdAt), asc(hostingRegistration.id)).limit(free);
	if (!next.length) return [];
	await tx.update(hostingRegistration).set({ status: 'confirmed' }).where(inArray(hostingRegistration.id, next.map((r) => r.id)));
	for (const r of next) await recordAudit(tx, { ...auditActor(LINK), municipalityId: event.municipalityId, action: 'promote', entityType: 'hosting_registration', entityId: r.id, changes: { status: ['waiting', 'confirmed'] } });
	return next.filter((r) => r.email).map((r) => ({ to: r.email!, locale: r.language, kind: 'promoted' as const, params: { title: event.title, when: whenText(booking, r.language) } }));
}

/**
 * Cancels the registration behind a cancellation link; a freed place moves the next person up
 * and notifies them. Using the link again changes nothing and says it is already cancelled.
 * @returns `cancelled`, or `already_cancelled` for the second use; the event's title.
 * @throws NotFoundError for an unknown (or erased) token.
 */
export async function cancelByToken(db: Db, token: string, now: Date = new Date()): Promise<{ outcome: 'cancelled' | 'already_cancelled'; eventId: string; title: string }> {
	if (!token || token.length > 100) throw new NotFoundError('registration');
	const [reg] = await db.select().from(hostingRegistration).where(eq(hostingRegistration.tokenHash, sha256(token)));
	if (!reg) throw new NotFoundError('registration');
	const found = await findEvent(db, reg.eventId);
	if (!found) throw new NotFoundError('registration');
	if (reg.status === 'cancelled') return { outcome: 'already_cancelled', eventId: reg.eventId, title: found.event.title };
	const mails = await db.transaction(async (tx) => {
		await tx.execute(sql`select id from hosting_event where id = ${reg.eventId} for update`);
		const [row] = await tx.update(hostingRegistration).set({ status: 'cancelled', cancelledAt: now }).where(and(eq(hostingRegistration.id, reg.id), inArray(hostingRegistration.status, ['confirmed', 'waiting']))).returning();
		if (!row) return null;
		await recordAudit(tx, { ...auditActor(LINK), municipalityId: found.event.municipalityId, action: 'cancel', entityType: 'hosting_registration', entityId: reg.id, changes: { status: [reg.status, 'cancelled'] } });
		return reg.status === 'confirmed' ? promote(tx, found.event, found.booking) : [];
	});
	if (mails === null) return { outcome: 'already_cancelled', eventId: reg.eventId, title: found.event.title };
	await sendHostingMails(mails);
	return { outcome: 'cancelled', eventId: reg.eventId, title: found.event.title };
}

/** An event checked for `hosting:manage`. @throws NotFoundError, AccessDeniedError. */
async function managedEvent(db: DbOrTx, principal: Principal, id: string): Promise<{ event: HostingEvent; booking: Booking }> {
	const found = await findEvent(db, id);
	if (!found) throw new NotFoundError('event');
	authorize(principal, 'hosting:manage', { municipalityId: found.event.municipalityId, instanceId: found.event.instanceId });
	return found;
}

/**
 * Changes the capacity and whether registration is open, audited; more places move people up
 * from the waiting list (and tell them).
 * @throws NotFoundError, AccessDeniedError; ValidationError `capacity: ho_below_registered` (with
 *   the number already registered) or `out_of_range`.
 */
export async function updateRegistration(db: Db, principal: Principal, id: string, input: { capacity: number | null; registrationOpen: boolean }): Promise<HostingEvent> {
	const { event, booking } = await managedEvent(db, principal, id);
	if (input.capacity !== null && (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > 10_000)) throw new ValidationError([{ field: 'capacity', code: 'out_of_range', params: { min: 1, max: 10_000 } }]);
	const result = await db.transaction(async (tx) => {
		await tx.execute(sql`select id from hosting_event where id = ${event.id} for update`);
		const { confirmed } = await placeCounts(tx, event.id);
		if (input.capacity !== null && input.capacity < confirmed) throw new ValidationError([{ field: 'capacity', code: 'ho_below_registered', params: { count: confirmed, capacity: input.capacity } }]);
		const [row] = await tx.update(hostingEvent).set({ capacity: input.capacity, registrationOpen: input.registrationOpen }).where(eq(hostingEvent.id, id)).returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: event.municipalityId, action: 'update', entityType: 'hosting_event', entityId: id, changes: diffRecords({ capacity: event.capacity, registrationOpen: event.registrationOpen }, input) });
		return { row, mails: await promote(tx, row, booking) };
	});
	await sendHostingMails(result.mails);
	return result.row;
}

/**
 * The registrations of an event for staff (names only while they are kept), in order.
 * @throws NotFoundError, AccessDeniedError.
 */
export async function listRegistrations(db: DbOrTx, principal: Principal, id: string): Promise<Registration[]> {
	await managedEvent(db, principal, id);
	return db.select().from(hostingRegistration).where(eq(hostingRegistration.eventId, id)).orderBy(asc(hostingRegistration.createdAt), asc(hostingRegistration.id));
}

/**
 * Takes attendance of one session: a count, or — where the event takes names — the confirmed
 * registrations present (the count is then theirs). Taking it again replaces it. Audited; the
 * count goes into the contact statistics as group work (`casework/hosting-reads.ts`).
 * @throws NotFoundError, AccessDeniedError; ValidationError `day: ho_not_in_series` (with the
 *   date), `count: out_of_range`, `registrationIds: not_found`.
 */
export async function recordAttendance(db: Db, principal: Principal, id: string, input: { day: string; count: number | null; registrationIds: string[] }): Promise<{ count: number }> {
	const { event, booking } = await managedEvent(db, principal, id);
	const issues: FieldIssue[] = [];
	if (!sessionDays(booking).includes(input.day)) issues.push({ field: 'day', code: 'ho_not_in_series', params: { date: input.day } });
	let ids: string[] = [];
	let n = input.count ?? 0;
	if (event.attendanceByName) {
		ids = [...new Set(input.registrationIds)];
		const valid = ids.length && ids.every(isUuid) ? await db.select({ id: hostingRegistration.id }).from(hostingRegistration).where(and(eq(hostingRegistration.eventId, id), eq(hostingRegistration.status, 'confirmed'), inArray(hostingRegistration.id, ids))) : [];
		if (valid.length !== ids.length) issues.push({ field: 'registrationIds', code: 'not_found' });
		n = ids.length;
	} else if (input.count === null || !Number.isInteger(input.count) || input.count < 0 || input.count > 10_000) issues.push({ field: 'count', code: 'out_of_range', params: { min: 0, max: 10_000 } });
	if (issues.length) throw new ValidationError(issues);
	await db.transaction(async (tx) => {
		await tx
			.insert(hostingAttendance)
			.values({ eventId: id, sessionDay: input.day, count: n, registrationIds: ids })
			.onConflictDoUpdate({ target: [hostingAttendance.eventId, hostingAttendance.sessionDay], set: { count: n, registrationIds: ids, recordedAt: new Date() } });
		await recordAudit(tx, { ...auditActor(principal), municipalityId: event.municipalityId, action: 'attendance', entityType: 'hosting_event', entityId: id, changes: { [input.day]: [null, n] } });
		await recordGroupWork(tx, { municipalityId: event.municipalityId, instanceId: event.instanceId, eventId: id, sessionDay: input.day, eventKind: event.kind, themeFields: event.themeFields, participants: n, languages: event.languages.length });
	});
	return { count: n };
}

/** The attendance of an event's sessions, by day: counts always, names' registration ids while kept. */
export async function attendanceOf(db: DbOrTx, eventId: string): Promise<{ day: string; count: number; registrationIds: string[] }[]> {
	const rows = await db.select().from(hostingAttendance).where(eq(hostingAttendance.eventId, eventId)).orderBy(asc(hostingAttendance.sessionDay));
	return rows.map((r) => ({ day: r.sessionDay, count: r.count, registrationIds: r.registrationIds }));
}

/**
 * The deletion schedule of participants' personal data (issue 15 §3): `retentionDays` (default
 * 30) after an event's last session, names, emails, phones and cancellation tokens are replaced
 * and attendance by name forgets who; the number of registrations (by status) and the attendance
 * counts stay. Audited as `retention`. Run by the deletion job (`ANLAUFSTELLE_NOW` as now).
 * @returns how many events and registrations were erased.
 */
export async function eraseParticipants(db: Db, now: Date): Promise<{ events: number; registrations: number }> {
	const today = berlinDate(now);
	const open = await db.select({ event: hostingEvent, booking: hostingBooking }).from(hostingEvent).innerJoin(hostingBooking, eq(hostingBooking.id, hostingEvent.bookingId)).where(sql`${hostingEvent.personalDataErasedAt} is null`);
	let events = 0;
	let registrations = 0;
	for (const { event, booking } of open) {
		const days = seriesDays({ ...booking });
		const last = days[days.length - 1] ?? booking.lastDay;
		const due = new Date(`${last}T12:00:00Z`);
		due.setUTCDate(due.getUTCDate() + event.retentionDays);
		if (due.toISOString().slice(0, 10) >= today) continue;
		await db.transaction(async (tx) => {
			const erased = await tx.update(hostingRegistration).set({ name: '', email: null, phone: null, tokenHash: null, erasedAt: now }).where(eq(hostingRegistration.eventId, event.id)).returning({ id: hostingRegistration.id });
			await tx.update(hostingAttendance).set({ registrationIds: [] }).where(eq(hostingAttendance.eventId, event.id));
			await tx.update(hostingEvent).set({ personalDataErasedAt: now }).where(eq(hostingEvent.id, event.id));
			await recordAudit(tx, { actorLabel: 'retention', municipalityId: event.municipalityId, action: 'erase_participants', entityType: 'hosting_event', entityId: event.id, changes: { registrations: [erased.length, 0] } });
			registrations += erased.length;
		});
		events++;
	}
	return { events, registrations };
}

/** How long before a session its reminder goes out, in milliseconds. */
export const REMINDER_LEAD_MS = 24 * 60 * 60 * 1000;

/**
 * Reminders before a session (issue 15 §3): every confirmed participant with an email hears, in
 * their language, about the next session that starts within `REMINDER_LEAD_MS` of `now` — once
 * per session, however often the job runs (`remindedDay`). Waiting-list entries, cancelled and
 * erased registrations get none. Each event's marks are written and audited (`remind`, with the
 * count, no names) in one transaction; the mails go out after it committed.
 * @returns how many reminders were sent.
 * @throws on the first SMTP failure (the marks stay, so a failed mail is not retried in a loop).
 */
export async function sendReminders(db: Db, now: Date): Promise<{ reminders: number }> {
	const today = berlinDate(now);
	const until = new Date(now.getTime() + REMINDER_LEAD_MS);
	const rows = await db
		.select({ event: hostingEvent, booking: hostingBooking })
		.from(hostingEvent)
		.innerJoin(hostingBooking, eq(hostingBooking.id, hostingEvent.bookingId))
		.where(and(sql`${hostingEvent.personalDataErasedAt} is null`, sql`${hostingBooking.lastDay} >= ${today}`, sql`${hostingBooking.firstDay} <= ${berlinDate(until)}`));
	const mails: HostingMail[] = [];
	for (const { event, booking } of rows) {
		const next = bookingOccurrences(booking, today, berlinDate(until)).find((o) => o.start > now && o.start <= until);
		if (!next) continue;
		const reminded = await db.transaction(async (tx) => {
			const marked = await tx
				.update(hostingRegistration)
				.set({ remindedDay: next.day })
				.where(and(eq(hostingRegistration.eventId, event.id), eq(hostingRegistration.status, 'confirmed'), sql`${hostingRegistration.email} is not null`, sql`(${hostingRegistration.remindedDay} is null or ${hostingRegistration.remindedDay} < ${next.day})`))
				.returning({ email: hostingRegistration.email, language: hostingRegistration.language });
			if (marked.length) await recordAudit(tx, { actorLabel: 'hosting-reminders', municipalityId: event.municipalityId, action: 'remind', entityType: 'hosting_event', entityId: event.id, changes: { reminders: [0, marked.length], day: [null, next.day] } });
			return marked;
		});
		for (const r of reminded) mails.push({ to: r.email!, locale: r.language, kind: 'reminder', params: { title: event.title, when: mailWhen(next.start, r.language) } });
	}
	await sendHostingMails(mails);
	return { reminders: mails.length };
}

/** The own events of a municipality, newest first (callers show those the reader may manage). */
export function listEvents(db: DbOrTx, municipalityId: string): Promise<HostingEvent[]> {
	return db.select().from(hostingEvent).where(eq(hostingEvent.municipalityId, municipalityId)).orderBy(sql`${hostingEvent.createdAt} desc`);
}

/**
 * Changes what an event is — kind, title, description, languages, target groups, theme fields,
 * cost, places, registration open or closed, attendance by name, hosts — audited; its dates are
 * changed on its booking (`editSeries`). A capacity below the places already taken is refused;
 * more places move people up from the waiting list (and tell them).
 * @throws NotFoundError, AccessDeniedError; ValidationError per field (`checkDetails`),
 *   `capacity: ho_below_registered` with the number registered, `kind: ho_kind_locked` when an
 *   event with registrations would become an open group.
 */
export async function updateEvent(db: Db, principal: Principal, id: string, input: EventDetails, now: Date = new Date()): Promise<HostingEvent> {
	const { event, booking } = await managedEvent(db, principal, id);
	const issues = await checkDetails(db, event.municipalityId, event.instanceId, input, berlinDate(now), event.hostVolunteerIds);
	if (issues.length) throw new ValidationError(issues);
	const result = await db.transaction(async (tx) => {
		await tx.execute(sql`select id from hosting_event where id = ${event.id} for update`);
		const { confirmed, waiting } = await placeCounts(tx, event.id);
		if (input.capacity !== null && input.capacity < confirmed) throw new ValidationError([{ field: 'capacity', code: 'ho_below_registered', params: { count: confirmed, capacity: input.capacity } }]);
		if (input.kind === 'open_group' && event.kind !== 'open_group' && confirmed + waiting > 0) throw new ValidationError([{ field: 'kind', code: 'ho_kind_locked', params: { count: confirmed + waiting } }]);
		const values = {
			kind: input.kind,
			title: input.title.trim(),
			description: input.description.trim(),
			languages: [...new Set(input.languages.map((l) => canonicalLanguageTag(l)!))],
			targetGroups: [...new Set(input.targetGroups)],
			themeFields: [...new Set(input.themeFields)],
			free: input.free,
			capacity: input.capacity,
			registrationOpen: input.kind !== 'open_group' && (input.registrationOpen ?? event.registrationOpen),
			attendanceByName: input.attendanceByName,
			hostVolunteerIds: [...new Set(input.hostVolunteerIds)],
			retentionDays: input.retentionDays ?? event.retentionDays
		};
		const [row] = await tx.update(hostingEvent).set(values).where(eq(hostingEvent.id, id)).returning();
		if (values.title !== booking.title) await tx.update(hostingBooking).set({ title: values.title, updatedAt: now }).where(eq(hostingBooking.id, booking.id));
		// The directory lists the event as an offer: its title, languages and themes follow the edit.
		if (booking.status === 'approved') await publishEventOffer(tx, principal, row, { ...booking, title: values.title }, (await findRoom(tx, booking.roomId))!);
		await recordAudit(tx, { ...auditActor(principal), municipalityId: event.municipalityId, action: 'update', entityType: 'hosting_event', entityId: id, changes: diffRecords(event, values) });
		return { row, mails: await promote(tx, row, booking) };
	});
	await sendHostingMails(result.mails);
	return result.row;
}

/** The own events a volunteer profile hosts, whose last day is `from` or later, by first day. */
export async function eventsHostedBy(db: DbOrTx, profileId: string, from: string): Promise<{ event: HostingEvent; booking: Booking }[]> {
	if (!isUuid(profileId)) return [];
	const rows = await db
		.select({ event: hostingEvent, booking: hostingBooking })
		.from(hostingEvent)
		.innerJoin(hostingBooking, eq(hostingBooking.id, hostingEvent.bookingId))
		.where(and(sql`${profileId}::uuid = any(${hostingEvent.hostVolunteerIds})`, eq(hostingBooking.status, 'approved'), sql`${hostingBooking.lastDay} >= ${from}`))
		.orderBy(asc(hostingBooking.firstDay));
	return rows;
}

/** The own event held on a booking's dates, or null (an external or internal booking). */
export async function eventOfBooking(db: DbOrTx, bookingId: string): Promise<HostingEvent | null> {
	if (!isUuid(bookingId)) return null;
	const [row] = await db.select().from(hostingEvent).where(eq(hostingEvent.bookingId, bookingId));
	return row ?? null;
}
