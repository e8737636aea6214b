/**
 * Schema of Ehrenamt (issue 13): volunteers' profiles with languages, social spaces,
 * availability and consents; the checks the law allows to record (§ 72a SGB VIII, § 20 IfSG),
 * never the documents; versioned task profiles (Hauptamt/Ehrenamt); Einsatzbedarfe with dated
 * shifts, invitations and assignments; the hours ledger and recognition. Seeds 000, 001, 003,
 * 004 (volunteers as the resource to coordinate, not overload); MODEL.md §4 "Volunteering".
 *
 * There is no column for a file or a scan anywhere in this module (Need4Deed's mistake).
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { userAccount } from '../accounts/schema';
import { municipality, socialSpace } from '../geography/schema';
import { instance } from '../instances/schema';

/** Settings of a municipality's volunteer coordination; absent keys take `DEFAULT_SETTINGS` (model.ts). */
export const volunteerSetting = pgTable('volunteer_setting', {
	municipalityId: uuid('municipality_id')
		.primaryKey()
		.references(() => municipality.id, { onDelete: 'cascade' }),
	values: jsonb('values').$type<Record<string, number>>().notNull().default({}),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

/**
 * Tätigkeit: an activity of the municipality's vocabulary. Built-in keys (model.ts `ACTIVITIES`)
 * need a row only when the municipality sets requirements for them; the municipality's own
 * activities have a row with their labels.
 */
export const volunteerActivity = pgTable(
	'volunteer_activity',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		key: text('key').notNull(),
		/** Labels by BCP 47 tag for the municipality's own activities; empty for built-in keys. */
		labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
		/** Requirement keys (model.ts `REQUIREMENTS`) an assignment in this activity needs. */
		requirements: text('requirements').array().notNull().default(sql`'{}'`)
	},
	(t) => [unique('volunteer_activity_key').on(t.municipalityId, t.key)]
);

/** Einsatzort: a place volunteers work at, with the checks it requires. */
export const volunteerPlace = pgTable(
	'volunteer_place',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id').references(() => instance.id, { onDelete: 'set null' }),
		socialSpaceId: uuid('social_space_id').references(() => socialSpace.id, { onDelete: 'set null' }),
		name: text('name').notNull(),
		address: text('address').notNull().default(''),
		/** model.ts `PLACE_KINDS`: shared accommodation, Kita and school need Masernschutz (§ 20 IfSG). */
		kind: text('kind').notNull(),
		requirements: text('requirements').array().notNull().default(sql`'{}'`),
		isDemo: boolean('is_demo').notNull().default(false)
	},
	(t) => [index('volunteer_place_municipality_idx').on(t.municipalityId)]
);

/**
 * Anmeldung: a registration waiting for its email confirmation. Holds what the person entered
 * until they confirm (then it becomes an account and a profile) or the link expires; the token
 * is stored as its SHA-256 only.
 */
export const volunteerRegistration = pgTable('volunteer_registration', {
	id: uuid('id').primaryKey().defaultRandom(),
	municipalityId: uuid('municipality_id')
		.notNull()
		.references(() => municipality.id, { onDelete: 'cascade' }),
	instanceId: uuid('instance_id').references(() => instance.id, { onDelete: 'set null' }),
	email: text('email').notNull(),
	tokenHash: text('token_hash').notNull().unique(),
	/** The profile as entered (model.ts `ProfileInput`), without a password. */
	data: jsonb('data').$type<Record<string, unknown>>().notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
	/** Set when the link created the account: a second use is refused. */
	usedAt: timestamp('used_at', { withTimezone: true })
});

/** Ehrenamtsprofil: one volunteer of a municipality, tied to their volunteer account. */
export const volunteerProfile = pgTable(
	'volunteer_profile',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.unique()
			.references(() => userAccount.id, { onDelete: 'cascade' }),
		/** The Welcome Point the person registered with, if any. */
		instanceId: uuid('instance_id').references(() => instance.id, { onDelete: 'set null' }),
		/** Activity keys the person offers. */
		activities: text('activities').array().notNull().default(sql`'{}'`),
		/** Belastungsgrenze: hours per month at most; null = none given. */
		capHoursPerMonth: integer('cap_hours_per_month'),
		/** UI locale of the messages sent to the person. */
		messageLocale: text('message_locale').notNull(),
		/** Pause: from this date … */
		pausedFrom: date('paused_from'),
		/** … until this return date (inclusive); null with `pausedFrom` = open-ended. */
		pausedUntil: date('paused_until'),
		/** "Do not count me in statistics". */
		countInStatistics: boolean('count_in_statistics').notNull().default(true),
		/** SHA-256 of the personal iCalendar feed's secret token. */
		calendarTokenHash: text('calendar_token_hash').unique(),
		/** Last assignment, hours entry, profile change or sign-in: the retention clock starts here. */
		lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull(),
		/** When the notice before deletion went out (cleared by new activity). */
		retentionNoticeAt: timestamp('retention_notice_at', { withTimezone: true }),
		firstFollowUpAt: timestamp('first_follow_up_at', { withTimezone: true }),
		returnReminderAt: timestamp('return_reminder_at', { withTimezone: true }),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull()
	},
	(t) => [index('volunteer_profile_municipality_idx').on(t.municipalityId), index('volunteer_profile_activities_idx').using('gin', t.activities)]
);

/** A language a volunteer speaks, with a level (model.ts `LANGUAGE_LEVELS`). */
export const volunteerLanguage = pgTable(
	'volunteer_language',
	{
		profileId: uuid('profile_id')
			.notNull()
			.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
		language: text('language').notNull(),
		level: text('level').notNull()
	},
	// Matching looks a need's language up by its primary subtag (`ar` finds `ar` and `ar-SY`).
	(t) => [primaryKey({ columns: [t.profileId, t.language] }), index('volunteer_language_primary_idx').on(sql`split_part(${t.language}, '-', 1)`)]
);

/** A social space where a volunteer can help. */
export const volunteerSpace = pgTable(
	'volunteer_space',
	{
		profileId: uuid('profile_id')
			.notNull()
			.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
		socialSpaceId: uuid('social_space_id')
			.notNull()
			.references(() => socialSpace.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.profileId, t.socialSpaceId] }), index('volunteer_space_space_idx').on(t.socialSpaceId)]
);

/**
 * Verfügbarkeit: a weekly pattern (`rrule`, RFC 5545 RRULE, with the weekdays and interval it
 * expands to for fast matching) or a single date, each with a local (Europe/Berlin) time window.
 */
export const volunteerAvailability = pgTable(
	'volunteer_availability',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		profileId: uuid('profile_id')
			.notNull()
			.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
		/** `weekly` or `date`. */
		kind: text('kind').notNull(),
		rrule: text('rrule'),
		/** ISO weekdays 1–7 of the weekly pattern (from `rrule`). */
		weekdays: integer('weekdays').array().notNull().default(sql`'{}'`),
		intervalWeeks: integer('interval_weeks').notNull().default(1),
		/** First day (the single date for `date`). */
		startsOn: date('starts_on').notNull(),
		/** Last day of a weekly pattern; null = open. */
		endsOn: date('ends_on'),
		startTime: text('start_time').notNull(),
		endTime: text('end_time').notNull()
	},
	(t) => [index('volunteer_availability_profile_idx').on(t.profileId), check('volunteer_availability_kind', sql`${t.kind} in ('weekly', 'date')`)]
);

/** A consent with its purpose (model.ts `CONSENT_PURPOSES` give the retention). */
export const volunteerConsent = pgTable(
	'volunteer_consent',
	{
		profileId: uuid('profile_id')
			.notNull()
			.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
		purpose: text('purpose').notNull(),
		givenAt: timestamp('given_at', { withTimezone: true }).notNull(),
		withdrawnAt: timestamp('withdrawn_at', { withTimezone: true })
	},
	(t) => [primaryKey({ columns: [t.profileId, t.purpose] })]
);

/**
 * Prüfung: what the law allows to record of a check, one row per kind (and training), replaced
 * when re-recorded. Erweitertes Führungszeugnis (§ 72a Abs. 5 SGB VIII): that it was inspected
 * (`inspectedOn`, by `recordedBy`), its issue date, and whether a catalogue offence was listed
 * (`noCatalogueOffence`). Masernschutz (§ 20 IfSG): "proof shown on `inspectedOn`". Pledge:
 * signed on `inspectedOn`. Training: attended on `inspectedOn`, valid until `validUntil`.
 */
export const volunteerCheck = pgTable(
	'volunteer_check',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		profileId: uuid('profile_id')
			.notNull()
			.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
		/** model.ts `CHECK_KINDS`. */
		kind: text('kind').notNull(),
		/** Training key for `training`, '' otherwise. */
		training: text('training').notNull().default(''),
		inspectedOn: date('inspected_on').notNull(),
		issuedOn: date('issued_on'),
		noCatalogueOffence: boolean('no_catalogue_offence'),
		validUntil: date('valid_until'),
		lapseReminderAt: timestamp('lapse_reminder_at', { withTimezone: true }),
		recordedBy: uuid('recorded_by').references(() => userAccount.id, { onDelete: 'set null' }),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull()
	},
	(t) => [unique('volunteer_check_kind').on(t.profileId, t.kind, t.training)]
);

/**
 * Aufgabenprofil (Hauptamt/Ehrenamt): a version of an instance's catalogue of volunteer tasks —
 * what volunteers do, what stays with staff, who supervises. Versions are never changed.
 */
export const volunteerTaskProfile = pgTable(
	'volunteer_task_profile',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		volunteerTasks: text('volunteer_tasks').notNull(),
		staffTasks: text('staff_tasks').notNull(),
		supervision: text('supervision').notNull(),
		publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
		publishedBy: uuid('published_by').references(() => userAccount.id, { onDelete: 'set null' })
	},
	(t) => [unique('volunteer_task_profile_version').on(t.instanceId, t.version)]
);

/** A volunteer's confirmation of a task profile version. */
export const volunteerTaskConfirmation = pgTable(
	'volunteer_task_confirmation',
	{
		profileId: uuid('profile_id')
			.notNull()
			.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
		taskProfileId: uuid('task_profile_id')
			.notNull()
			.references(() => volunteerTaskProfile.id, { onDelete: 'cascade' }),
		confirmedAt: timestamp('confirmed_at', { withTimezone: true }).notNull()
	},
	(t) => [primaryKey({ columns: [t.profileId, t.taskProfileId] })]
);

/**
 * Einsatzbedarf: what volunteers are needed for — activity, social space and place, language,
 * a single date or a series (RRULE), how many, and extra requirements. `source` `accompaniment`
 * marks a need made from casework's accompaniment request `sourceRef` (no case detail).
 */
export const volunteerNeed = pgTable(
	'volunteer_need',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		/** The instance it is for; null for a partner organisation's need. */
		instanceId: uuid('instance_id').references(() => instance.id, { onDelete: 'cascade' }),
		activity: text('activity').notNull(),
		socialSpaceId: uuid('social_space_id').references(() => socialSpace.id, { onDelete: 'set null' }),
		placeId: uuid('place_id').references(() => volunteerPlace.id, { onDelete: 'set null' }),
		/** Where to meet when there is no place record (an accompaniment's meeting point). */
		placeText: text('place_text').notNull().default(''),
		language: text('language'),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
		durationMinutes: integer('duration_minutes').notNull(),
		rrule: text('rrule'),
		slots: integer('slots').notNull(),
		requirements: text('requirements').array().notNull().default(sql`'{}'`),
		selfSignup: boolean('self_signup').notNull().default(false),
		/** `open` · `filled` · `cancelled` · `closed`. */
		status: text('status').notNull(),
		source: text('source').notNull().default('staff'),
		sourceRef: uuid('source_ref').unique(),
		createdBy: uuid('created_by').references(() => userAccount.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		filledAt: timestamp('filled_at', { withTimezone: true }),
		isDemo: boolean('is_demo').notNull().default(false)
	},
	(t) => [index('volunteer_need_municipality_idx').on(t.municipalityId, t.status)]
);

/** Schicht: one dated occurrence of a need, with its number of slots. */
export const volunteerShift = pgTable(
	'volunteer_shift',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		needId: uuid('need_id')
			.notNull()
			.references(() => volunteerNeed.id, { onDelete: 'cascade' }),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
		endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
		slots: integer('slots').notNull(),
		/** `scheduled` · `cancelled`. */
		status: text('status').notNull().default('scheduled')
	},
	(t) => [index('volunteer_shift_need_idx').on(t.needId), index('volunteer_shift_starts_idx').on(t.startsAt)]
);

/** Einladung: a volunteer invited to (or signed up for) a need; the emailed link's token as SHA-256. */
export const volunteerInvitation = pgTable(
	'volunteer_invitation',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		needId: uuid('need_id')
			.notNull()
			.references(() => volunteerNeed.id, { onDelete: 'cascade' }),
		profileId: uuid('profile_id')
			.notNull()
			.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull().unique(),
		/** `invited` · `accepted` · `declined` · `withdrawn`. */
		status: text('status').notNull(),
		selfSignup: boolean('self_signup').notNull().default(false),
		invitedBy: uuid('invited_by').references(() => userAccount.id, { onDelete: 'set null' }),
		invitedAt: timestamp('invited_at', { withTimezone: true }).notNull(),
		respondedAt: timestamp('responded_at', { withTimezone: true }),
		/** The care message two months after the match. */
		followUpAt: timestamp('follow_up_at', { withTimezone: true })
	},
	(t) => [unique('volunteer_invitation_need_profile').on(t.needId, t.profileId), index('volunteer_invitation_profile_idx').on(t.profileId)]
);

/** Einsatz: a volunteer on a shift. invited → confirmed → done | no_show | cancelled (or declined). */
export const volunteerAssignment = pgTable(
	'volunteer_assignment',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		shiftId: uuid('shift_id')
			.notNull()
			.references(() => volunteerShift.id, { onDelete: 'cascade' }),
		profileId: uuid('profile_id')
			.notNull()
			.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
		invitationId: uuid('invitation_id').references(() => volunteerInvitation.id, { onDelete: 'set null' }),
		status: text('status').notNull(),
		reminderSentAt: timestamp('reminder_sent_at', { withTimezone: true }),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull()
	},
	(t) => [
		unique('volunteer_assignment_shift_profile').on(t.shiftId, t.profileId),
		index('volunteer_assignment_profile_idx').on(t.profileId, t.status),
		index('volunteer_assignment_due_idx').on(t.shiftId).where(sql`${t.status} = 'confirmed' and ${t.reminderSentAt} is null`)
	]
);

/** Stundennachweis: one entry of the hours ledger (logged by the volunteer or by staff). */
export const volunteerHours = pgTable(
	'volunteer_hours',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		profileId: uuid('profile_id')
			.notNull()
			.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id').references(() => instance.id, { onDelete: 'set null' }),
		assignmentId: uuid('assignment_id').references(() => volunteerAssignment.id, { onDelete: 'set null' }),
		workedOn: date('worked_on').notNull(),
		minutes: integer('minutes').notNull(),
		activity: text('activity').notNull(),
		/** The organisation the hours were given for (the Ehrenamtskarte counts across organisations). */
		organisation: text('organisation').notNull(),
		/** `pending` (logged by the volunteer) · `confirmed` · `rejected`. */
		status: text('status').notNull(),
		loggedBy: uuid('logged_by').references(() => userAccount.id, { onDelete: 'set null' }),
		confirmedBy: uuid('confirmed_by').references(() => userAccount.id, { onDelete: 'set null' }),
		confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull()
	},
	(t) => [
		index('volunteer_hours_profile_idx').on(t.profileId, t.workedOn),
		index('volunteer_hours_municipality_idx').on(t.municipalityId, t.status),
		check('volunteer_hours_minutes', sql`${t.minutes} between 1 and 1440`)
	]
);

/** Anerkennung: a thank-you event attended, a certificate handed over, … */
export const volunteerRecognition = pgTable('volunteer_recognition', {
	id: uuid('id').primaryKey().defaultRandom(),
	profileId: uuid('profile_id')
		.notNull()
		.references(() => volunteerProfile.id, { onDelete: 'cascade' }),
	kind: text('kind').notNull(),
	on: date('on').notNull(),
	note: text('note').notNull().default(''),
	recordedBy: uuid('recorded_by').references(() => userAccount.id, { onDelete: 'set null' }),
	recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull()
});
