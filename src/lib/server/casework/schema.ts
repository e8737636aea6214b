/**
 * Schema of the Lotsen work (issue 4): anonymous counselling contacts and their monthly
 * aggregates, consent-based pseudonymous cases with steps, encrypted notes and accompaniment,
 * closed-loop referrals, read purposes and the per-municipality deletion schedule.
 *
 * Encrypted columns (`*_enc`) hold `v1:<keyId>:<iv>:<tag>:<ciphertext>` (AES-256-GCM, base64
 * parts) written by `crypto.ts`; the database never sees the plain text.
 */
import { sql } from 'drizzle-orm';
import {
	bigserial,
	boolean,
	check,
	date,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	unique,
	uuid
} from 'drizzle-orm/pg-core';
import { userAccount, session } from '../accounts/schema';
import { district, municipality, socialSpace } from '../geography/schema';
import { instance } from '../instances/schema';
import { organization, service } from '../directory/schema';

/** Per-municipality settings: which attributes contacts ask, and the Löschplan periods. */
export const caseworkSetting = pgTable(
	'casework_setting',
	{
		municipalityId: uuid('municipality_id')
			.primaryKey()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		/** Keys of `CONTACT_ATTRIBUTES` asked in the contact form. */
		contactAttributes: text('contact_attributes').array().notNull().default(sql`'{age_band,household_type,new_arrival}'`),
		caseMonthsAfterClosure: integer('case_months_after_closure').notNull().default(6),
		contactDetailMonths: integer('contact_detail_months').notNull().default(1),
		referralTokenDays: integer('referral_token_days').notNull().default(90),
		referralFollowUpDays: integer('referral_follow_up_days').notNull().default(14),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check(
			'casework_setting_periods_check',
			sql`${t.caseMonthsAfterClosure} between 0 and 120 and ${t.contactDetailMonths} between 0 and 36 and ${t.referralTokenDays} between 1 and 730 and ${t.referralFollowUpDays} between 1 and 365`
		)
	]
);

/**
 * Beratungskontakt: one counselling contact, recorded without personal data (issue 4 §1).
 * `attributes` holds only keys/values of `CONTACT_ATTRIBUTES`; topics are sub-topic keys and
 * theme-field keys of the directory vocabulary.
 */
export const counsellingContact = pgTable(
	'counselling_contact',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		/** Stadtbezirk the contact is counted for (the instance's district). */
		districtId: uuid('district_id').references(() => district.id, { onDelete: 'set null' }),
		/** Sozialraum where the person lives, if they said so (statistics for steering). */
		socialSpaceId: uuid('social_space_id').references(() => socialSpace.id, { onDelete: 'set null' }),
		contactedAt: timestamp('contacted_at', { withTimezone: true }).notNull(),
		channel: text('channel').notNull(),
		/** Language the counselling was held in, BCP 47. */
		language: text('language').notNull(),
		interpreterNeeded: boolean('interpreter_needed').notNull().default(false),
		themeFields: text('theme_fields').array().notNull().default(sql`'{}'`),
		subTopics: text('sub_topics').array().notNull().default(sql`'{}'`),
		attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
		/** "Kein passendes Angebot gefunden": the topics (sub-topic or theme-field keys) without an offer. */
		unmetTopics: text('unmet_topics').array().notNull().default(sql`'{}'`),
		caseId: uuid('case_id').references(() => caseFile.id, { onDelete: 'set null' }),
		recordedBy: uuid('recorded_by').references(() => userAccount.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('counselling_contact_instance_idx').on(t.instanceId, t.contactedAt),
		index('counselling_contact_district_idx').on(t.districtId, t.contactedAt),
		index('counselling_contact_municipality_idx').on(t.municipalityId, t.contactedAt),
		index('counselling_contact_case_idx').on(t.caseId)
	]
);

/**
 * Monthly counts of contacts that outlived their detail period (Löschplan: "contact statistics
 * kept only in aggregate"). A month of one instance is either still in `counselling_contact` or
 * wholly here, never both. `dimension` is `total` (value `all`), `channel`, `language`, `interpreter`,
 * `theme_field`, `sub_topic`, `unmet_topic`, `social_space` or `attr:<attribute>`.
 */
export const contactAggregate = pgTable(
	'contact_aggregate',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		districtId: uuid('district_id').references(() => district.id, { onDelete: 'set null' }),
		/** First day of the month (Europe/Berlin calendar month). */
		month: date('month').notNull(),
		dimension: text('dimension').notNull(),
		value: text('value').notNull(),
		count: integer('count').notNull()
	},
	(t) => [
		index('contact_aggregate_instance_idx').on(t.instanceId, t.month),
		index('contact_aggregate_district_idx').on(t.districtId, t.month),
		index('contact_aggregate_municipality_idx').on(t.municipalityId, t.month),
		check('contact_aggregate_count_check', sql`${t.count} > 0`)
	]
);

/**
 * Lotsen-Fall: a pseudonymous case, existing only with consent (issue 4 §2). `caseNumber` is
 * generated (e.g. `K-2026-0007`, unique per instance); a display name only if the person wants
 * one, and then encrypted.
 */
export const caseFile = pgTable(
	'case_file',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		caseNumber: text('case_number').notNull(),
		displayNameEnc: text('display_name_enc'),
		/** Language the person prefers, BCP 47. */
		language: text('language').notNull(),
		status: text('status').notNull().default('open'),
		openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
		closedAt: timestamp('closed_at', { withTimezone: true }),
		/** When the retention job erases the case; set on closure or withdrawal. */
		deleteAfter: timestamp('delete_after', { withTimezone: true }),
		createdBy: uuid('created_by').references(() => userAccount.id, { onDelete: 'set null' }),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique('case_file_number_unique').on(t.instanceId, t.caseNumber),
		index('case_file_delete_after_idx').on(t.deleteAfter),
		check('case_file_status_check', sql`${t.status} in ('open', 'closed', 'withdrawn')`)
	]
);

/** Named colleagues (outside the holding instance) a case is shared with (issue 4 §6). */
export const caseShare = pgTable(
	'case_share',
	{
		caseId: uuid('case_id')
			.notNull()
			.references(() => caseFile.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => userAccount.id, { onDelete: 'cascade' }),
		sharedBy: uuid('shared_by').references(() => userAccount.id, { onDelete: 'set null' }),
		sharedAt: timestamp('shared_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.caseId, t.userId] })]
);

/**
 * Einwilligung: the consent a case rests on (Art. 7 GDPR: the controller must be able to show
 * it). Purposes and data categories are keys of `CONSENT_PURPOSES`/`CONSENT_DATA_CATEGORIES`;
 * `partnerCategories` ⊆ `PARTNER_SHAREABLE_CATEGORIES` says what receiving partners may see.
 * Withdrawal (Art. 7(3)) stops processing: `withdrawnAt` set, the case becomes `withdrawn`.
 */
export const caseConsent = pgTable(
	'case_consent',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		caseId: uuid('case_id')
			.notNull()
			.unique()
			.references(() => caseFile.id, { onDelete: 'cascade' }),
		purposes: text('purposes').array().notNull(),
		dataCategories: text('data_categories').array().notNull(),
		partnerCategories: text('partner_categories').array().notNull().default(sql`'{}'`),
		givenOn: date('given_on').notNull(),
		/** Language the consent was explained in, BCP 47. */
		explainedIn: text('explained_in').notNull(),
		recordedBy: uuid('recorded_by').references(() => userAccount.id, { onDelete: 'set null' }),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
		withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
		withdrawnBy: uuid('withdrawn_by').references(() => userAccount.id, { onDelete: 'set null' })
	},
	(t) => [check('case_consent_purposes_check', sql`cardinality(${t.purposes}) > 0`)]
);

/** A step of a case: a contact, an appointment, an accompaniment or a referral (issue 4 §2). */
export const caseStep = pgTable(
	'case_step',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		caseId: uuid('case_id')
			.notNull()
			.references(() => caseFile.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		/** When it happened or is scheduled. */
		at: timestamp('at', { withTimezone: true }).notNull(),
		/** Wiedervorlage: the day staff should look at the case again. */
		followUpOn: date('follow_up_on'),
		topics: text('topics').array().notNull().default(sql`'{}'`),
		contactId: uuid('contact_id').references(() => counsellingContact.id, { onDelete: 'set null' }),
		referralId: uuid('referral_id').references(() => referral.id, { onDelete: 'set null' }),
		noteEnc: text('note_enc'),
		doneAt: timestamp('done_at', { withTimezone: true }),
		createdBy: uuid('created_by').references(() => userAccount.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('case_step_case_idx').on(t.caseId, t.at),
		index('case_step_follow_up_idx').on(t.followUpOn),
		// Deleting a contact or referral sets these to null; without an index each deletion scans
		// every step, which made folding a million contacts take hours.
		index('case_step_contact_idx').on(t.contactId),
		index('case_step_referral_idx').on(t.referralId),
		check('case_step_kind_check', sql`${t.kind} in ('contact', 'appointment', 'accompaniment', 'referral')`)
	]
);

/** A free-text case note, encrypted in the application (AES-256-GCM, issue 4 §2). */
export const caseNote = pgTable(
	'case_note',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		caseId: uuid('case_id')
			.notNull()
			.references(() => caseFile.id, { onDelete: 'cascade' }),
		bodyEnc: text('body_enc').notNull(),
		createdBy: uuid('created_by').references(() => userAccount.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('case_note_case_idx').on(t.caseId, t.createdAt)]
);

/**
 * Verweisung: a closed-loop referral to an offer or actor (issue 4 §3). The partner link
 * carries a random token; only its SHA-256 (`tokenHash`) is stored, and erased with the token
 * period. Target names are kept as a snapshot so statistics survive a deleted offer.
 * `sharedEnc` holds (encrypted JSON) what the consent lets the partner see.
 */
export const referral = pgTable(
	'referral',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		districtId: uuid('district_id').references(() => district.id, { onDelete: 'set null' }),
		contactId: uuid('contact_id').references(() => counsellingContact.id, { onDelete: 'set null' }),
		caseId: uuid('case_id').references(() => caseFile.id, { onDelete: 'set null' }),
		serviceId: uuid('service_id').references(() => service.id, { onDelete: 'set null' }),
		organizationId: uuid('organization_id').references(() => organization.id, { onDelete: 'set null' }),
		/** Name of the offer/actor at the time of referral (German), for statistics. */
		targetLabel: text('target_label').notNull(),
		/** Sub-topic or theme-field key the referral is about. */
		topic: text('topic').notNull(),
		tokenHash: text('token_hash').unique(),
		/** Short code printed on the slip for phone enquiries, e.g. `7KQ2-M9XD`; erased with the token. */
		referenceCode: text('reference_code').unique(),
		sharedEnc: text('shared_enc'),
		status: text('status').notNull().default('issued'),
		failureReason: text('failure_reason'),
		appointmentAt: timestamp('appointment_at', { withTimezone: true }),
		statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull().defaultNow(),
		/** The partner link stops working after this. */
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		followUpDone: boolean('follow_up_done').notNull().default(false),
		createdBy: uuid('created_by').references(() => userAccount.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('referral_instance_idx').on(t.instanceId, t.createdAt),
		index('referral_district_idx').on(t.districtId, t.createdAt),
		index('referral_municipality_idx').on(t.municipalityId, t.createdAt),
		index('referral_case_idx').on(t.caseId),
		index('referral_contact_idx').on(t.contactId),
		check('referral_status_check', sql`${t.status} in ('issued', 'received', 'appointment', 'helped', 'not_possible')`)
	]
);

/** History of a referral's statuses, shown to the referring staff. */
export const referralEvent = pgTable(
	'referral_event',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		referralId: uuid('referral_id')
			.notNull()
			.references(() => referral.id, { onDelete: 'cascade' }),
		status: text('status').notNull(),
		failureReason: text('failure_reason'),
		/** `partner-link`, or the staff user's id as text. */
		byLabel: text('by_label').notNull(),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('referral_event_referral_idx').on(t.referralId, t.at)]
);

/**
 * A partner link sent by mail to the receiving partner (issue 12 §7): each mail carries its own
 * token beside the slip's (only its SHA-256 is stored), so the link can be sent again without
 * the slip's token, which exists only on paper. It works while the referral's own link does.
 */
export const referralMail = pgTable(
	'referral_mail',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		referralId: uuid('referral_id')
			.notNull()
			.references(() => referral.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull().unique(),
		/** The languages the mail was written in, e.g. `tr, de`. */
		languages: text('languages').notNull(),
		sentBy: uuid('sent_by').references(() => userAccount.id, { onDelete: 'set null' }),
		sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('referral_mail_referral_idx').on(t.referralId, t.sentAt)]
);

/**
 * Begleitung: a request for a volunteer to accompany the person to an appointment (issue 4 §4).
 * The assigned volunteer sees only these fields, never the case.
 */
export const accompaniment = pgTable(
	'accompaniment',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		caseId: uuid('case_id')
			.notNull()
			.references(() => caseFile.id, { onDelete: 'cascade' }),
		stepId: uuid('step_id')
			.notNull()
			.unique()
			.references(() => caseStep.id, { onDelete: 'cascade' }),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		appointmentAt: timestamp('appointment_at', { withTimezone: true }).notNull(),
		/** Where to meet: an address or the offer's place, no personal data. */
		place: text('place').notNull(),
		/** Language the volunteer needs, BCP 47. */
		language: text('language').notNull(),
		volunteerId: uuid('volunteer_id').references(() => userAccount.id, { onDelete: 'set null' }),
		status: text('status').notNull().default('requested'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('accompaniment_volunteer_idx').on(t.volunteerId, t.appointmentAt),
		index('accompaniment_case_idx').on(t.caseId),
		check('accompaniment_status_check', sql`${t.status} in ('requested', 'assigned', 'done', 'cancelled')`)
	]
);

/** The purpose a staff member chose for reading a case in one session (issue 4 §5). */
export const caseReadPurpose = pgTable(
	'case_read_purpose',
	{
		sessionId: text('session_id')
			.notNull()
			.references(() => session.id, { onDelete: 'cascade' }),
		caseId: uuid('case_id')
			.notNull()
			.references(() => caseFile.id, { onDelete: 'cascade' }),
		purpose: text('purpose').notNull(),
		chosenAt: timestamp('chosen_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.caseId] })]
);

/**
 * Gruppenarbeit (issue 15 §3): the attendance of one session of an instance's own event, course
 * or open group, counted into the contact statistics as the method "group work". No personal
 * data: the event's kind and theme fields, the number present and the number of languages the
 * session was held in. Written by hosting when attendance is taken (`hosting-reads.ts`); taking
 * it again replaces the session's row. `eventId` is hosting's event (no foreign key: hosting's
 * retention may not delete statistics).
 */
export const groupWorkSession = pgTable(
	'group_work_session',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		/** The instance's district (its first social space's), for district reports. */
		districtId: uuid('district_id').references(() => district.id, { onDelete: 'set null' }),
		eventId: uuid('event_id').notNull(),
		sessionDay: date('session_day').notNull(),
		/** `single`, `course` or `open_group`. */
		eventKind: text('event_kind').notNull(),
		/** Keys of the directory's THEME_FIELDS. */
		themeFields: text('theme_fields').array().notNull().default([]),
		/** Persons present. */
		participants: integer('participants').notNull(),
		/** Languages the session was held in (the event's). */
		languages: integer('languages').notNull().default(0),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique('group_work_session_uq').on(t.eventId, t.sessionDay),
		index('group_work_session_instance_idx').on(t.instanceId, t.sessionDay),
		index('group_work_session_district_idx').on(t.districtId, t.sessionDay),
		index('group_work_session_municipality_idx').on(t.municipalityId, t.sessionDay),
		check('group_work_session_participants_check', sql`${t.participants} >= 0`)
	]
);

/**
 * Monthly roll-up of the single contacts still in `counselling_contact` (issue 17): per instance,
 * district and Europe/Berlin month, the count of every dimension value — the same dimensions and
 * values as `contact_aggregate`. Kept current by statement-level triggers on `counselling_contact`
 * (migration `0020_contact_rollup_triggers`): an insert adds, a delete subtracts, an update moves the counts, so a
 * contact folded by the retention job leaves this table as its month enters `contact_aggregate`.
 * A month of one instance is counted by this table plus `contact_aggregate`, never twice; reports
 * read both instead of grouping single contacts. Rows reaching zero are deleted.
 */
export const contactRollup = pgTable(
	'contact_rollup',
	{
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		/** The contacts' Stadtbezirk; a district deleted sets it null on the contacts, and the trigger moves the counts. */
		districtId: uuid('district_id'),
		/** First day of the month (Europe/Berlin calendar month). */
		month: date('month').notNull(),
		dimension: text('dimension').notNull(),
		value: text('value').notNull(),
		count: integer('count').notNull()
	},
	(t) => [
		unique('contact_rollup_key').on(t.instanceId, t.month, t.dimension, t.value, t.districtId).nullsNotDistinct(),
		// Every column, so a city or district year is an index-only scan (bench/nrw.ts: 90 → 50 ms
		// for the largest NRW municipality's dashboard dimensions under load).
		index('contact_rollup_municipality_idx').on(t.municipalityId, t.dimension, t.month, t.value, t.count),
		index('contact_rollup_district_idx').on(t.districtId, t.dimension, t.month, t.value, t.count),
		check('contact_rollup_count_check', sql`${t.count} >= 0`)
	]
);
