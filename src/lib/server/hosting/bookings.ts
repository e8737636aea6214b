/**
 * Room bookings (issue 15 §2), after Indico (approval, bookings for someone else) and
 * LibreBooking (series with this / future / all edits). Staff book directly; partner editors
 * request, and staff approve or reject with a reason, the provider hearing of it by email. Each
 * booking names the provider it is for apart from who made it. Series are RRULE + EXDATE +
 * RDATE (model.ts); a date outside the room's bookable hours is refused, a closure or a clash is
 * refused unless staff choose to skip those dates, which are then listed on the booking. An
 * approved booking for an external offer publishes itself as the offer's schedule at the room's
 * place (directory/hosting-reads.ts), and a cancelled date drops out of it.
 */
import { and, eq, gte, inArray, ne } from 'drizzle-orm';
import { actingUserId, auditActor, authorize, can, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import { listText } from '../../messages';
import { berlinDate } from '../casework/time';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isEmail, isIsoDate, isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { hostedOffer, hostedProvider, mayBookForOffer, publishHostedSlots } from '../directory/hosting-reads';
import { mailDay, sendHostingMails, type HostingMail } from './mail';
import {
	addDays,
	clashingDays,
	closureOn,
	EDIT_SCOPES,
	isRrule,
	MAX_OCCURRENCES,
	MAX_SERIES_DAYS,
	minutesOf,
	occurrences,
	seriesDays,
	TITLE_MAX,
	weeklyRuns,
	withinBookableHours,
	type EditScope,
	type Occurrence,
	type Series
} from './model';
import { findRoom, type Room } from './rooms';
import { publishEventOffer } from './offers';
import { hostingBooking, hostingEvent } from './schema';

export type Booking = typeof hostingBooking.$inferSelect;

/** A booking or request as entered. Days `YYYY-MM-DD`, times Berlin `HH:MM`. */
export interface BookingInput {
	roomId: string;
	title: string;
	/** `external` (a provider's offer) or `internal`; own events book through `events.ts`. */
	purpose: 'external' | 'internal';
	/** The actor the booking is for (the provider); required for `external`. */
	providerOrganizationId: string | null;
	/** The directory offer held in the room, published on approval. */
	serviceId: string | null;
	firstDay: string;
	/** Last day of the series; the first day for a single date. */
	lastDay: string;
	startTime: string;
	endTime: string;
	rrule: string | null;
	exdates?: string[];
	rdates?: string[];
	/** Where the decision mail goes, and its language. */
	contactEmail?: string;
	contactLocale?: string;
	/** Staff only: leave out dates on a closure or clashing with another booking, and list them. */
	skipConflicts?: boolean;
}

/** The series part of a booking. */
function seriesOf(b: Pick<Booking, 'firstDay' | 'lastDay' | 'startTime' | 'endTime' | 'rrule' | 'exdates' | 'rdates'>): Series {
	return { firstDay: b.firstDay, lastDay: b.lastDay, startTime: b.startTime, endTime: b.endTime, rrule: b.rrule, exdates: b.exdates, rdates: b.rdates };
}

/** The dated occurrences of a booking (all, or between two days). */
export function bookingOccurrences(b: Booking, from?: string, to?: string): Occurrence[] {
	return occurrences(seriesOf(b), from, to);
}

/**
 * Checks the shape of a series: valid days and times, an end after the start, a readable RRULE,
 * RDATEs inside the series, at most `MAX_SERIES_DAYS` long and `MAX_OCCURRENCES` dates, and no
 * date past how far ahead the room can be booked. Each problem names its field and the date.
 */
export function checkSeries(room: Room, s: Series, today: string, prefix = ''): FieldIssue[] {
	const issues: FieldIssue[] = [];
	const f = (name: string) => prefix + name;
	if (!isIsoDate(s.firstDay)) issues.push({ field: f('firstDay'), code: 'invalid_date' });
	if (!isIsoDate(s.lastDay)) issues.push({ field: f('lastDay'), code: 'invalid_date' });
	const start = minutesOf(s.startTime);
	const end = minutesOf(s.endTime);
	if (start === null) issues.push({ field: f('startTime'), code: 'invalid_time' });
	if (end === null) issues.push({ field: f('endTime'), code: 'invalid_time' });
	else if (start !== null && end <= start) issues.push({ field: f('endTime'), code: 'ho_before_start' });
	if (s.rrule !== null && !isRrule(s.rrule)) issues.push({ field: f('rrule'), code: 'ho_invalid_rrule' });
	for (const d of [...s.exdates, ...s.rdates]) if (!isIsoDate(d)) issues.push({ field: f('rdates'), code: 'invalid_date', params: { date: d } });
	if (issues.length) return issues;
	if (s.lastDay < s.firstDay) return [{ field: f('lastDay'), code: 'ho_before_first', params: { date: s.lastDay } }];
	if (s.firstDay < today) issues.push({ field: f('firstDay'), code: 'ho_in_past', params: { date: s.firstDay } });
	if (s.lastDay > addDays(s.firstDay, MAX_SERIES_DAYS)) issues.push({ field: f('lastDay'), code: 'ho_series_too_long', params: { days: MAX_SERIES_DAYS } });
	for (const r of s.rdates) if (r < s.firstDay || r > s.lastDay) issues.push({ field: f('rdates'), code: 'ho_outside_series', params: { date: r, first: s.firstDay, last: s.lastDay } });
	if (issues.length) return issues;
	const days = seriesDays(s);
	if (!days.length) return [{ field: f('rrule'), code: 'ho_no_dates' }];
	if (days.length > MAX_OCCURRENCES) return [{ field: f('rrule'), code: 'ho_too_many_dates', params: { max: MAX_OCCURRENCES } }];
	const limit = addDays(today, room.maxAdvanceDays);
	const tooFar = days.find((d) => d > limit);
	if (tooFar) issues.push({ field: f('lastDay'), code: 'ho_too_far_ahead', params: { date: tooFar, days: room.maxAdvanceDays } });
	const outside = days.find((d) => !withinBookableHours(room.bookableHours, d, s.startTime, s.endTime));
	if (outside) issues.push({ field: f('startTime'), code: 'ho_outside_hours', params: { date: outside, start: s.startTime, end: s.endTime } });
	return issues;
}

/**
 * The dates of `s` that fall on a closure of the room or clash with an approved booking in it
 * (other than `exceptId`), as found now.
 */
export async function conflictsOf(db: DbOrTx, room: Room, s: Series, exceptId?: string): Promise<{ closed: { date: string; note: string }[]; clashes: string[] }> {
	const mine = occurrences(s);
	const closed = mine.flatMap((o) => {
		const c = closureOn(room.closures, o.day);
		return c ? [{ date: o.day, note: c.note }] : [];
	});
	if (!mine.length) return { closed, clashes: [] };
	const first = mine[0].day;
	const last = mine[mine.length - 1].day;
	const others = await db
		.select()
		.from(hostingBooking)
		.where(and(eq(hostingBooking.roomId, room.id), eq(hostingBooking.status, 'approved'), gte(hostingBooking.lastDay, first), exceptId ? ne(hostingBooking.id, exceptId) : undefined));
	const taken = others.flatMap((b) => (b.firstDay > last ? [] : bookingOccurrences(b, first, last))).sort((a, b) => a.start.getTime() - b.start.getTime());
	return { closed, clashes: clashingDays(mine, taken) };
}

/**
 * Closures and clashes as errors, or — with `skip` — as dates taken out of the series.
 * @returns the dates to skip (empty when there is nothing in the way).
 * @throws ValidationError `firstDay: ho_closed` (with the first closed date and the closure's note),
 *   `firstDay: ho_clash` (with the clashing dates), `rrule: ho_no_dates` when skipping leaves nothing.
 */
async function settleConflicts(db: DbOrTx, room: Room, s: Series, skip: boolean, exceptId?: string): Promise<string[]> {
	const { closed, clashes } = await conflictsOf(db, room, s, exceptId);
	const skipped = [...new Set([...closed.map((c) => c.date), ...clashes])].sort();
	if (!skipped.length) return [];
	if (!skip) {
		const issues: FieldIssue[] = [];
		if (closed.length) issues.push({ field: 'firstDay', code: 'ho_closed', params: { date: closed[0].date, note: closed[0].note, count: closed.length } });
		if (clashes.length) issues.push({ field: 'firstDay', code: 'ho_clash', params: { date: clashes[0], dates: clashes.join(', '), count: clashes.length } });
		throw new ValidationError(issues);
	}
	if (seriesDays(s).every((d) => skipped.includes(d))) throw new ValidationError([{ field: 'rrule', code: 'ho_no_dates' }]);
	return skipped;
}

/**
 * The checks of a new series in a room as one list of problems: the shape (`checkSeries`) and,
 * when that is sound, closures and clashes (skipped with `skip`).
 * @returns the problems, and the dates to skip.
 */
export async function checkNewSeries(db: DbOrTx, room: Room, s: Series, today: string, skip: boolean): Promise<{ issues: FieldIssue[]; skipped: string[] }> {
	const issues = checkSeries(room, s, today);
	if (issues.length) return { issues, skipped: [] };
	try {
		return { issues: [], skipped: await settleConflicts(db, room, s, skip) };
	} catch (e) {
		if (e instanceof ValidationError) return { issues: [...e.issues], skipped: [] };
		throw e;
	}
}

/** The room of a booking and its scope, or NotFoundError. */
async function roomOf(db: DbOrTx, roomId: string): Promise<Room> {
	const room = await findRoom(db, roomId);
	if (!room) throw new NotFoundError('room');
	return room;
}

/**
 * Books a room (staff with `hosting:manage` on its instance: approved at once) or asks for it
 * (partner editors and other staff of the municipality: `requested`), audited. A request's
 * closures and clashes are settled when staff decide; a direct booking settles them now.
 * @param now the clock (tests); the Berlin day of it is "today".
 * @throws NotFoundError unknown room; AccessDeniedError without `hosting:request`;
 *   ValidationError per field and date: `roomId: ho_other_municipality` (a room of another
 *   municipality), `title`, `providerOrganizationId`, `serviceId` (`not_found`,
 *   `ho_not_of_provider`, `ho_not_own_offer`: not an offer the requester may edit or whose
 *   contact email is theirs), the series (`checkSeries`),
 *   `firstDay: ho_closed | ho_clash` (see `settleConflicts`), `contactEmail: invalid_email`.
 */
export async function bookRoom(db: Db, principal: Principal, input: BookingInput, now: Date = new Date(), options: { isDemo?: boolean } = {}): Promise<Booking> {
	const room = await roomOf(db, input.roomId);
	const scope = { municipalityId: room.municipalityId, instanceId: room.instanceId };
	if (principal.kind === 'user' && principal.municipalityId !== room.municipalityId) throw new ValidationError([{ field: 'roomId', code: 'ho_other_municipality' }]);
	authorize(principal, 'hosting:request', scope);
	const direct = can(principal, 'hosting:manage', scope);
	const series: Series = { firstDay: input.firstDay, lastDay: input.lastDay || input.firstDay, startTime: input.startTime, endTime: input.endTime, rrule: input.rrule?.trim() || null, exdates: input.exdates ?? [], rdates: input.rdates ?? [] };
	const issues = checkSeries(room, series, berlinDate(now));
	const title = input.title.trim();
	if (!title) issues.push({ field: 'title', code: 'required' });
	else if (title.length > TITLE_MAX || !isStorableText(title)) issues.push({ field: 'title', code: 'too_long', params: { max: TITLE_MAX } });
	if (input.purpose !== 'external' && input.purpose !== 'internal') issues.push({ field: 'purpose', code: 'ho_unknown_value' });
	if (input.purpose === 'external' && !input.providerOrganizationId) issues.push({ field: 'providerOrganizationId', code: 'required' });
	if (input.providerOrganizationId) {
		const provider = await hostedProvider(db, input.providerOrganizationId);
		if (!provider || provider.municipalityId !== room.municipalityId) issues.push({ field: 'providerOrganizationId', code: 'not_found' });
	}
	if (input.serviceId) {
		const offer = await hostedOffer(db, input.serviceId);
		if (!offer || offer.municipalityId !== room.municipalityId) issues.push({ field: 'serviceId', code: 'not_found' });
		else if (input.providerOrganizationId && offer.organizationId !== input.providerOrganizationId) issues.push({ field: 'serviceId', code: 'ho_not_of_provider' });
		else if (!(await mayBookForOffer(db, principal, offer.id))) issues.push({ field: 'serviceId', code: 'ho_not_own_offer' });
	}
	const contactEmail = (input.contactEmail ?? (principal.kind === 'user' ? principal.email : '')).trim();
	if (contactEmail && !isEmail(contactEmail)) issues.push({ field: 'contactEmail', code: 'invalid_email' });
	if (issues.length) throw new ValidationError(issues);
	const skipped = direct || series.rrule === null ? await settleConflicts(db, room, series, direct && !!input.skipConflicts) : [];
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(hostingBooking)
			.values({
				municipalityId: room.municipalityId,
				roomId: room.id,
				purpose: input.purpose,
				status: direct ? 'approved' : 'requested',
				title,
				providerOrganizationId: input.providerOrganizationId,
				serviceId: input.serviceId,
				requestedBy: actingUserId(principal),
				decidedBy: direct ? actingUserId(principal) : null,
				decidedAt: direct ? now : null,
				contactEmail,
				contactLocale: input.contactLocale ?? 'de',
				...series,
				exdates: [...new Set([...series.exdates, ...skipped])].sort(),
				rdates: [...series.rdates],
				skippedDates: skipped,
				isDemo: options.isDemo ?? false
			})
			.returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: room.municipalityId, action: direct ? 'create' : 'request', entityType: 'hosting_booking', entityId: row.id, changes: diffRecords(null, { roomId: room.id, status: row.status, title, firstDay: row.firstDay, lastDay: row.lastDay, rrule: row.rrule }) });
		return publish(tx, principal, room, row);
	});
}

/**
 * Republishes an approved booking's dates in the directory: an external booking's as its offer's
 * schedules, an own event's through its offer (`offers.ts`), so a changed time or a cancelled
 * date shows in the HSDS API at once. Returns the row as stored.
 */
async function publish(tx: DbOrTx, principal: Principal, room: Room, b: Booking): Promise<Booking> {
	if (b.purpose === 'event' && b.status === 'approved') {
		const [event] = await tx.select().from(hostingEvent).where(eq(hostingEvent.bookingId, b.id));
		if (event) await publishEventOffer(tx, principal, event, b, room);
		return b;
	}
	const live = b.status === 'approved' && b.purpose === 'external' && b.serviceId && room.locationId;
	if (!live && !b.publishedScheduleIds.length) return b;
	const slots = live ? weeklyRuns(seriesDays(seriesOf(b)), b.startTime, b.endTime) : [];
	const ids = await publishHostedSlots(tx, principal, { serviceId: b.serviceId!, locationId: room.locationId!, previousIds: b.publishedScheduleIds, slots, bookingId: b.id });
	const [row] = await tx.update(hostingBooking).set({ publishedScheduleIds: ids, updatedAt: new Date() }).where(eq(hostingBooking.id, b.id)).returning();
	return row;
}

/** A booking with its room, checked for `hosting:manage`. @throws NotFoundError, AccessDeniedError. */
async function managed(db: DbOrTx, principal: Principal, id: string): Promise<{ booking: Booking; room: Room }> {
	const booking = await findBooking(db, id);
	if (!booking) throw new NotFoundError('booking');
	const room = await roomOf(db, booking.roomId);
	authorize(principal, 'hosting:manage', { municipalityId: room.municipalityId, instanceId: room.instanceId });
	return { booking, room };
}

/** The booking with this id, or null (also for a malformed id). */
export async function findBooking(db: DbOrTx, id: string): Promise<Booking | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select().from(hostingBooking).where(eq(hostingBooking.id, id));
	return row ?? null;
}

/**
 * Approves a request (closures and clashes refused, or skipped and listed with `skipConflicts`)
 * or rejects it with a reason, audited; the provider is told by email in their language.
 * @throws NotFoundError, AccessDeniedError without `hosting:manage` on the room's instance;
 *   ConflictError `ho_already_decided`; ValidationError `reason: required` for a rejection without
 *   one, and the conflicts of `settleConflicts`.
 */
export async function decideBooking(db: Db, principal: Principal, id: string, decision: { approve: boolean; reason?: string; skipConflicts?: boolean }, now: Date = new Date()): Promise<Booking> {
	const { booking, room } = await managed(db, principal, id);
	if (booking.status !== 'requested') throw new ConflictError('ho_already_decided');
	const reason = (decision.reason ?? '').trim();
	if (!decision.approve && !reason) throw new ValidationError([{ field: 'reason', code: 'required' }]);
	const skipped = decision.approve ? await settleConflicts(db, room, seriesOf(booking), !!decision.skipConflicts, booking.id) : [];
	const row = await db.transaction(async (tx) => {
		const [updated] = await tx
			.update(hostingBooking)
			.set({
				status: decision.approve ? 'approved' : 'rejected',
				rejectReason: decision.approve ? '' : reason,
				decidedBy: actingUserId(principal),
				decidedAt: now,
				exdates: [...new Set([...booking.exdates, ...skipped])].sort(),
				skippedDates: [...new Set([...booking.skippedDates, ...skipped])].sort(),
				updatedAt: now
			})
			.where(and(eq(hostingBooking.id, id), eq(hostingBooking.status, 'requested')))
			.returning();
		if (!updated) throw new ConflictError('ho_already_decided');
		await recordAudit(tx, { ...auditActor(principal), municipalityId: room.municipalityId, action: decision.approve ? 'approve' : 'reject', entityType: 'hosting_booking', entityId: id, changes: { status: ['requested', updated.status], skippedDates: [[], skipped] } });
		return publish(tx, principal, room, updated);
	});
	if (row.contactEmail) {
		const mail: HostingMail = {
			to: row.contactEmail,
			locale: row.contactLocale,
			kind: decision.approve ? 'approved' : 'rejected',
			params: { title: row.title, room: room.name, first: mailDay(row.firstDay, row.contactLocale), last: mailDay(row.lastDay, row.contactLocale), time: `${row.startTime}–${row.endTime}`, reason, skipped: listText(skipped.map((d) => mailDay(d, row.contactLocale)), row.contactLocale) || '–' }
		};
		await sendHostingMails([mail]);
	}
	return row;
}

/**
 * Cancels one date of a series (an EXDATE), audited; the date drops out of the directory.
 * @throws NotFoundError, AccessDeniedError; ValidationError `day: ho_not_in_series`.
 */
export async function cancelOccurrence(db: Db, principal: Principal, id: string, day: string): Promise<Booking> {
	const { booking, room } = await managed(db, principal, id);
	if (!seriesDays(seriesOf(booking)).includes(day)) throw new ValidationError([{ field: 'day', code: 'ho_not_in_series', params: { date: day } }]);
	return db.transaction(async (tx) => {
		const [row] = await tx.update(hostingBooking).set({ exdates: [...booking.exdates, day].sort(), updatedAt: new Date() }).where(eq(hostingBooking.id, id)).returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: room.municipalityId, action: 'cancel_date', entityType: 'hosting_booking', entityId: id, changes: { exdates: [booking.exdates, row.exdates] } });
		return publish(tx, principal, room, row);
	});
}

/**
 * Changes the times of a series from one of its dates: `this` date only (an EXDATE and a
 * single booking at the new times), `this and later` dates (the series ends the day before and a
 * new one takes over) or `all` dates. The changed dates are checked like a new booking.
 * With scope `all`, a weekly series may also get another last day (`lastDay`, ISO date; empty or
 * the same: unchanged): later dates are checked like a new booking, dates before today stay.
 * @returns the booking holding the changed dates.
 * @throws NotFoundError, AccessDeniedError; ValidationError `scope: ho_unknown_value`,
 *   `scope: ho_event_scope_all` (an own event's dates change only all together), `day: ho_not_in_series`,
 *   `lastDay: ho_last_day_single` (not a weekly series) | `ho_last_day_all` (another scope) |
 *   `ho_in_past` (ending before today, earlier than planned), the series checks and conflicts.
 */
export async function editSeries(
	db: Db,
	principal: Principal,
	id: string,
	edit: { scope: EditScope; day: string; startTime: string; endTime: string; lastDay?: string; skipConflicts?: boolean },
	now: Date = new Date()
): Promise<Booking> {
	const { booking, room } = await managed(db, principal, id);
	if (!(EDIT_SCOPES as readonly string[]).includes(edit.scope)) throw new ValidationError([{ field: 'scope', code: 'ho_unknown_value' }]);
	// A weekly series (a course, say) may end later or earlier, for all its dates together; dates
	// already past are never taken away, so attendance taken on them stays a session's.
	const lastDay = edit.lastDay && edit.lastDay !== booking.lastDay ? edit.lastDay : booking.lastDay;
	if (lastDay !== booking.lastDay) {
		if (!booking.rrule) throw new ValidationError([{ field: 'lastDay', code: 'ho_last_day_single' }]);
		if (edit.scope !== 'all') throw new ValidationError([{ field: 'lastDay', code: 'ho_last_day_all' }]);
		if (isIsoDate(lastDay) && lastDay >= booking.firstDay && lastDay < booking.lastDay && lastDay < berlinDate(now)) throw new ValidationError([{ field: 'lastDay', code: 'ho_in_past', params: { date: lastDay } }]);
	}
	// An own event's sessions are the dates of its one booking: a split would take dates away from it.
	if (booking.purpose === 'event' && edit.scope !== 'all') throw new ValidationError([{ field: 'scope', code: 'ho_event_scope_all', params: { date: edit.day } }]);
	if (!seriesDays(seriesOf(booking)).includes(edit.day)) throw new ValidationError([{ field: 'day', code: 'ho_not_in_series', params: { date: edit.day } }]);
	const changed: Series =
		edit.scope === 'this'
			? { firstDay: edit.day, lastDay: edit.day, startTime: edit.startTime, endTime: edit.endTime, rrule: null, exdates: [], rdates: [] }
			: edit.scope === 'future'
				? { ...seriesOf(booking), firstDay: edit.day, startTime: edit.startTime, endTime: edit.endTime, rdates: booking.rdates.filter((d) => d >= edit.day) }
				: { ...seriesOf(booking), lastDay, startTime: edit.startTime, endTime: edit.endTime };
	const today = berlinDate(now);
	const extended = lastDay > booking.lastDay;
	let issues = checkSeries(room, changed, edit.scope === 'all' ? booking.firstDay : today).filter((i) => !extended || i.code !== 'ho_too_far_ahead');
	if (extended && !issues.length) {
		// Added weeks are new bookings: none may lie before today, and the room's booking horizon
		// counts from today, not from the series' first day.
		const addedPast = seriesDays(changed, addDays(booking.lastDay, 1), addDays(today, -1));
		if (addedPast.length) issues = [{ field: 'lastDay', code: 'ho_in_past', params: { date: addedPast[0] } }];
		else issues = checkSeries(room, { ...changed, firstDay: addDays(booking.lastDay, 1) > today ? addDays(booking.lastDay, 1) : today, rdates: [] }, today).filter((i) => i.code === 'ho_too_far_ahead');
	}
	if (issues.length) throw new ValidationError(issues);
	const skipped = await settleConflicts(db, room, changed, !!edit.skipConflicts, booking.id);
	return db.transaction(async (tx) => {
		let result: Booking;
		if (edit.scope === 'all') {
			[result] = await tx.update(hostingBooking).set({ lastDay, startTime: edit.startTime, endTime: edit.endTime, exdates: [...new Set([...booking.exdates, ...skipped])].sort(), skippedDates: [...new Set([...booking.skippedDates, ...skipped])].sort(), updatedAt: now }).where(eq(hostingBooking.id, id)).returning();
			result = await publish(tx, principal, room, result);
		} else {
			const old =
				edit.scope === 'this'
					? { exdates: [...booking.exdates, edit.day].sort() }
					: { lastDay: addDays(edit.day, -1), rdates: booking.rdates.filter((d) => d < edit.day) };
			const [kept] = await tx.update(hostingBooking).set({ ...old, updatedAt: now }).where(eq(hostingBooking.id, id)).returning();
			await publish(tx, principal, room, kept);
			const { id: _old, createdAt: _c, updatedAt: _u, publishedScheduleIds: _p, ...rest } = booking;
			[result] = await tx
				.insert(hostingBooking)
				.values({ ...rest, ...changed, exdates: [...new Set([...(edit.scope === 'future' ? booking.exdates.filter((d) => d >= edit.day) : []), ...skipped])].sort(), rdates: [...changed.rdates], skippedDates: skipped })
				.returning();
			result = await publish(tx, principal, room, result);
		}
		await recordAudit(tx, { ...auditActor(principal), municipalityId: room.municipalityId, action: `edit_${edit.scope}`, entityType: 'hosting_booking', entityId: id, changes: { day: [null, edit.day], time: [`${booking.startTime}–${booking.endTime}`, `${edit.startTime}–${edit.endTime}`], ...(lastDay !== booking.lastDay ? { lastDay: [booking.lastDay, lastDay] } : {}), newBooking: [null, result.id === id ? null : result.id] } });
		return result;
	});
}

/**
 * Bookings of rooms in a municipality by status (e.g. the open requests staff decide on), of
 * one instance's rooms when given. Needs `hosting:see_internal`.
 * @throws AccessDeniedError.
 */
export async function listBookings(db: DbOrTx, principal: Principal, municipalityId: string, filter: { status?: string[]; roomIds?: string[] } = {}): Promise<Booking[]> {
	authorize(principal, 'hosting:see_internal', { municipalityId });
	if (filter.roomIds && !filter.roomIds.length) return [];
	return db
		.select()
		.from(hostingBooking)
		.where(and(eq(hostingBooking.municipalityId, municipalityId), filter.status ? inArray(hostingBooking.status, filter.status) : undefined, filter.roomIds ? inArray(hostingBooking.roomId, filter.roomIds) : undefined))
		.orderBy(hostingBooking.firstDay, hostingBooking.startTime);
}
