/**
 * Schema of Partizipation (issue 16): anonymous feedback on offers (Rückmeldung), participatory
 * mapping campaigns (Nadelmethode) with their exact points, which stay internal and are deleted
 * after the campaign's end plus a retention period, and nothing that could name a participant:
 * no account, no IP address, no browser fingerprint. Seeds 001 (Nadelmethode N=298, online
 * survey N=250, reasons for non-use) and 002 (Partizipation as a working principle).
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, doublePrecision, index, integer, jsonb, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { service } from '../directory/schema';
import { municipality, socialSpace } from '../geography/schema';
import { needsReport } from '../steering/schema';

/**
 * Rückmeldung: one anonymous feedback on an offer, from its public page (`via = 'page'`) or from
 * a referral slip's token (`via = 'slip'`, `referral_id` set once: a token gives one feedback).
 * `kind` is `feedback`, or a report that the place is `closed` or has `moved` (those feed the
 * directory's freshness view after moderation). Answers are `yes` / `partly` / `no` or null.
 */
export const participationFeedback = pgTable(
	'participation_feedback',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		serviceId: uuid('service_id')
			.notNull()
			.references(() => service.id, { onDelete: 'cascade' }),
		/** The referral whose slip token was used; unique, so a token gives one feedback. No foreign key: casework erases referrals on its own schedule. */
		referralId: uuid('referral_id').unique(),
		via: text('via').notNull(),
		kind: text('kind').notNull().default('feedback'),
		found: text('found'),
		understood: text('understood'),
		helped: text('helped'),
		comment: text('comment').notNull().default(''),
		/** The language the form was filled in (BCP 47), for moderators who read the comment. */
		language: text('language').notNull(),
		/** model.ts `MODERATION`: pending → approved | rejected. */
		status: text('status').notNull().default('pending'),
		/** The comment looks like it holds personal data (an email, a phone number): moderators see a warning. */
		flagged: boolean('flagged').notNull().default(false),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		moderatedAt: timestamp('moderated_at', { withTimezone: true })
	},
	(t) => [
		index('participation_feedback_service_idx').on(t.serviceId, t.status),
		index('participation_feedback_queue_idx').on(t.municipalityId, t.status, t.createdAt),
		check('participation_feedback_status_check', sql`${t.status} in ('pending', 'approved', 'rejected')`),
		check('participation_feedback_kind_check', sql`${t.kind} in ('feedback', 'closed', 'moved')`),
		check('participation_feedback_via_check', sql`${t.via} in ('page', 'slip')`)
	]
);

/**
 * Kampagne: a participatory mapping campaign over some social spaces of a municipality, with
 * its category set (keys of model.ts `DEFAULT_CATEGORIES` or own keys with labels), the grid
 * cell size and the k of publication, open from `opens_on` to `closes_on` (Berlin dates).
 */
export const participationCampaign = pgTable(
	'participation_campaign',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		/** Short text for participants, by BCP 47 tag. */
		intro: jsonb('intro').$type<Record<string, string>>().notNull().default({}),
		/** Category keys in order; own keys have labels in `category_labels`. */
		categories: text('categories').array().notNull(),
		categoryLabels: jsonb('category_labels').$type<Record<string, Record<string, string>>>().notNull().default({}),
		socialSpaceIds: uuid('social_space_ids').array().notNull(),
		/** Minimum entries per published cell or social space (k-anonymity). */
		k: smallint('k').notNull().default(5),
		/** Grid cell edge in metres. */
		cellMeters: integer('cell_meters').notNull().default(250),
		opensOn: date('opens_on').notNull(),
		closesOn: date('closes_on').notNull(),
		/** Days after `closes_on` until the exact points are deleted. */
		retentionDays: integer('retention_days').notNull().default(90),
		/** Set when the exact points were deleted; the published aggregate is kept in `published`. */
		pointsDeletedAt: timestamp('points_deleted_at', { withTimezone: true }),
		/** The aggregate frozen when the points were deleted (model.ts `Aggregate`). */
		published: jsonb('published').$type<unknown>(),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('participation_campaign_municipality_idx').on(t.municipalityId, t.closesOn)]
);

/**
 * Punkt: one point set by a participant (`source = 'web'`) or entered by staff after a paper
 * workshop (`bulk`). Exact coordinates (WGS84) are internal: no public output reads them, only
 * the aggregate. `social_space_id` is the campaign space the point lies in.
 */
export const participationPoint = pgTable(
	'participation_point',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		campaignId: uuid('campaign_id')
			.notNull()
			.references(() => participationCampaign.id, { onDelete: 'cascade' }),
		socialSpaceId: uuid('social_space_id').references(() => socialSpace.id, { onDelete: 'set null' }),
		/** Null for a point given for a whole social space (the keyboard alternative to clicking the map). */
		longitude: doublePrecision('longitude'),
		latitude: doublePrecision('latitude'),
		category: text('category').notNull(),
		comment: text('comment').notNull().default(''),
		ageGroup: text('age_group'),
		newSince: text('new_since'),
		source: text('source').notNull().default('web'),
		status: text('status').notNull().default('pending'),
		flagged: boolean('flagged').notNull().default(false),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('participation_point_campaign_idx').on(t.campaignId, t.status),
		check('participation_point_status_check', sql`${t.status} in ('pending', 'approved', 'rejected')`),
		check('participation_point_source_check', sql`${t.source} in ('web', 'bulk')`)
	]
);

/** Surveys' tables (issue 16 §3) live in their own file. */
export * from './survey-schema';
/**
 * Beleg: a participation result attached to a needs report (Bedarfsmeldung) as evidence (issue 16
 * §4): a campaign's published counts per social space (`kind = 'campaign'`) or the municipality's
 * approved feedback counts (`kind = 'feedback'`), frozen in `snapshot` when attached so the
 * report keeps what it was argued with (`evidence.ts` `EvidenceSnapshot`). Only published
 * aggregates (≥ k) are stored, never a point.
 */
export const participationEvidence = pgTable(
	'participation_evidence',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		needsReportId: uuid('needs_report_id')
			.notNull()
			.references(() => needsReport.id, { onDelete: 'cascade' }),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		/** The campaign of a `campaign` evidence; null for feedback, or once the campaign was deleted. */
		campaignId: uuid('campaign_id').references(() => participationCampaign.id, { onDelete: 'set null' }),
		snapshot: jsonb('snapshot').$type<unknown>().notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('participation_evidence_report_idx').on(t.needsReportId, t.createdAt),
		check('participation_evidence_kind_check', sql`${t.kind} in ('campaign', 'feedback')`)
	]
);
