/**
 * Schema of hosting (issue 15): the two organisation forms of seed 002 not built before — the
 * "Plattform für externe Angebote" (rooms lent to other providers' consultation hours and
 * courses) and the "definierte eigene Angebote" (the instance's own events, courses and open
 * groups, Gruppenarbeit). Seeds 000 (Welcome Points host other institutions' consultation hours)
 * and 004 (Begegnungsorte).
 *
 * Series are RFC 5545 recurrences: a first day, a Berlin wall-clock start and end (`HH:MM`, like
 * the directory's schedules, so a weekly 10:00 stays 10:00 across daylight saving), an RRULE,
 * EXDATE and RDATE as calendar days. Instants (decisions, registrations) are UTC.
 */
import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { userAccount } from '../accounts/schema';
import { location, organization, service } from '../directory/schema';
import { municipality } from '../geography/schema';
import { instance } from '../instances/schema';

/** One bookable slot of a week: ISO weekday 1–7, Berlin wall-clock `HH:MM`. */
export interface BookableSlot {
	day: number;
	opens: string;
	closes: string;
}

/** A closure (Schließzeit): calendar days from `from` to `to` inclusive, e.g. a public holiday. */
export interface Closure {
	from: string;
	to: string;
	note: string;
}

/** Raum: a room an instance lends to external offers and uses for its own events. */
export const hostingRoom = pgTable(
	'hosting_room',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		/** The directory place the room is at; hosted offers are published there. */
		locationId: uuid('location_id').references(() => location.id, { onDelete: 'set null' }),
		name: text('name').notNull(),
		/** Persons. */
		capacity: integer('capacity').notNull(),
		/** Keys of `ROOM_ACCESSIBILITY` (model.ts): step-free, accessible toilet, hearing loop. */
		accessibility: text('accessibility').array().notNull().default([]),
		/** Keys of `ROOM_EQUIPMENT` (model.ts). */
		equipment: text('equipment').array().notNull().default([]),
		bookableHours: jsonb('bookable_hours').$type<BookableSlot[]>().notNull().default([]),
		closures: jsonb('closures').$type<Closure[]>().notNull().default([]),
		/** How far ahead a date may be booked, in days. */
		maxAdvanceDays: integer('max_advance_days').notNull().default(365),
		/** `public` (listed with its accessibility on the public pages) or `internal`. */
		listing: text('listing').notNull().default('public'),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('hosting_room_instance_idx').on(t.instanceId)]
);

/**
 * Raumbuchung: a single date or a series in a room. Staff book directly (`approved`); a partner
 * editor's request waits (`requested`) until staff approve or reject it with a reason. The
 * provider it is for (`providerOrganizationId`, an actor of the directory) is kept apart from
 * who made it (`requestedBy`). An approved booking for an external offer (`serviceId`) is
 * published as that offer's schedule at the room's place; `publishedScheduleIds` are the
 * directory rows it wrote, replaced on every change.
 */
export const hostingBooking = pgTable(
	'hosting_booking',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		roomId: uuid('room_id')
			.notNull()
			.references(() => hostingRoom.id, { onDelete: 'cascade' }),
		/** `external` (a provider's offer), `internal` (the instance's own use) or `event` (an own event). */
		purpose: text('purpose').notNull(),
		/** `requested`, `approved`, `rejected`, `cancelled`. */
		status: text('status').notNull(),
		title: text('title').notNull(),
		providerOrganizationId: uuid('provider_organization_id').references(() => organization.id, { onDelete: 'set null' }),
		serviceId: uuid('service_id').references(() => service.id, { onDelete: 'set null' }),
		requestedBy: uuid('requested_by').references(() => userAccount.id, { onDelete: 'set null' }),
		decidedBy: uuid('decided_by').references(() => userAccount.id, { onDelete: 'set null' }),
		decidedAt: timestamp('decided_at', { withTimezone: true }),
		rejectReason: text('reject_reason').notNull().default(''),
		/** The requester's address for the decision mail, and the language it is written in. */
		contactEmail: text('contact_email').notNull().default(''),
		contactLocale: text('contact_locale').notNull().default('de'),
		firstDay: date('first_day').notNull(),
		startTime: text('start_time').notNull(),
		endTime: text('end_time').notNull(),
		/** RFC 5545 RRULE without `DTSTART`; null for a single date. */
		rrule: text('rrule'),
		/** Last day of the series (inclusive). */
		lastDay: date('last_day').notNull(),
		exdates: date('exdates').array().notNull().default([]),
		rdates: date('rdates').array().notNull().default([]),
		/** Dates left out because they clashed or fell on a closure, listed to staff. */
		skippedDates: date('skipped_dates').array().notNull().default([]),
		publishedScheduleIds: uuid('published_schedule_ids').array().notNull().default([]),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('hosting_booking_room_idx').on(t.roomId, t.status, t.lastDay), index('hosting_booking_municipality_idx').on(t.municipalityId, t.status)]
);

/**
 * Eigenes Angebot: an event, course or open group the instance runs itself, held on the dates of
 * its room booking. A course takes one registration for all sessions.
 */
export const hostingEvent = pgTable(
	'hosting_event',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		bookingId: uuid('booking_id')
			.notNull()
			.references(() => hostingBooking.id, { onDelete: 'cascade' }),
		/** `single`, `course` or `open_group` (model.ts `EVENT_KINDS`). */
		kind: text('kind').notNull(),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		/** Languages spoken, BCP 47 tags. */
		languages: text('languages').array().notNull().default([]),
		targetGroups: text('target_groups').array().notNull().default([]),
		themeFields: text('theme_fields').array().notNull().default([]),
		free: boolean('free').notNull().default(true),
		/** Places; null = no limit (open groups). */
		capacity: integer('capacity'),
		registrationOpen: boolean('registration_open').notNull().default(true),
		/** Whether attendance is taken by name (else counts only). */
		attendanceByName: boolean('attendance_by_name').notNull().default(false),
		/** Volunteer profiles (Ehrenamt) assigned as hosts. */
		hostVolunteerIds: uuid('host_volunteer_ids').array().notNull().default([]),
		/** Days after the last session when participants' personal data is deleted. */
		retentionDays: integer('retention_days').notNull().default(30),
		/** When the participants' personal data was deleted (counts stay). */
		personalDataErasedAt: timestamp('personal_data_erased_at', { withTimezone: true }),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('hosting_event_instance_idx').on(t.instanceId)]
);

/**
 * Anmeldung: a participation without an account — a name or pseudonym, a language and
 * optionally a phone or email. `confirmed` holds a place, `waiting` is on the waiting list in
 * order of `createdAt`, `cancelled` freed its place. The cancellation token is kept as SHA-256.
 */
export const hostingRegistration = pgTable(
	'hosting_registration',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		eventId: uuid('event_id')
			.notNull()
			.references(() => hostingEvent.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		language: text('language').notNull(),
		email: text('email'),
		phone: text('phone'),
		status: text('status').notNull(),
		tokenHash: text('token_hash'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
		/** Set when the retention run replaced the personal data. */
		erasedAt: timestamp('erased_at', { withTimezone: true }),
		/** The session day the last reminder was sent for, so each session reminds once. */
		remindedDay: date('reminded_day')
	},
	(t) => [index('hosting_registration_event_idx').on(t.eventId, t.status, t.createdAt), unique('hosting_registration_token_uq').on(t.tokenHash)]
);

/** Teilnahme: attendance of one session — a count, and who was there where names are taken. */
export const hostingAttendance = pgTable(
	'hosting_attendance',
	{
		eventId: uuid('event_id')
			.notNull()
			.references(() => hostingEvent.id, { onDelete: 'cascade' }),
		sessionDay: date('session_day').notNull(),
		count: integer('count').notNull(),
		/** Registrations present; emptied by the retention run. */
		registrationIds: uuid('registration_ids').array().notNull().default([]),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [unique('hosting_attendance_uq').on(t.eventId, t.sessionDay)]
);
