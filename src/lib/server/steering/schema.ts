/**
 * Schema of Steuerung (issue 5): needs reports from the social spaces with their workflow,
 * programmes and funds with deadlines, the configurable coverage rules, and the versioned
 * self-assessment catalogue of the instances.
 *
 * Source: seed 002 ("Melden von Bedarfen aus dem Sozialraum zur bedarfsgerechten Planung",
 * "verfügbare Programme und Mittel … zur Vermeidung von Doppelstrukturen und Lücken"), seed 000
 * ("einheitlicher Aufgabenkatalog und Qualitätskriterien"), MODEL.md.
 */
import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	check,
	customType,
	date,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	smallint,
	text,
	timestamp,
	unique,
	uuid
} from 'drizzle-orm/pg-core';
import { userAccount } from '../accounts/schema';
import { municipality, socialSpace } from '../geography/schema';
import { instance } from '../instances/schema';
import { service } from '../directory/schema';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

const timestamps = {
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
};

/**
 * Evidence taken from the contact statistics when the report was made: how often a topic met
 * "no suitable offer" in a period (a snapshot, so the report keeps its basis when contacts are
 * later folded or deleted). Counts below the small-count threshold are stored as `null`
 * together with `suppressed: true`.
 */
export interface NeedsEvidence {
	topic: string;
	/** `YYYY-MM` of the first and last month counted, Europe/Berlin. */
	fromMonth: string;
	toMonth: string;
	count: number | null;
	suppressed: boolean;
}

/**
 * Bedarfsmeldung: a need reported from one or more social spaces by an instance (later also by
 * a network), worked through reported → under review → in planning → implemented / declined.
 */
export const needsReport = pgTable(
	'needs_report',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		/** The reporting instance; null for a report by the municipality itself. */
		instanceId: uuid('instance_id').references(() => instance.id, { onDelete: 'set null' }),
		reportedBy: uuid('reported_by').references(() => userAccount.id, { onDelete: 'set null' }),
		/** Human reference shown in lists, `B-<year>-NNNN`, unique per municipality. */
		reference: text('reference').notNull(),
		title: text('title').notNull(),
		description: text('description').notNull(),
		/** Key of the directory's THEME_FIELDS. */
		themeField: text('theme_field').notNull(),
		subtopics: text('subtopics').array().notNull().default([]),
		/** Keys of the directory's TARGET_GROUPS. */
		targetGroups: text('target_groups').array().notNull().default([]),
		/** `low`, `medium`, `high`. */
		urgency: text('urgency').notNull().default('medium'),
		/** `reported`, `under_review`, `in_planning`, `implemented`, `declined`. */
		status: text('status').notNull().default('reported'),
		/** Required when declined. */
		declineReason: text('decline_reason'),
		evidence: jsonb('evidence').$type<NeedsEvidence[]>().notNull().default([]),
		evidenceNote: text('evidence_note').notNull().default(''),
		/** One optional attachment (PDF or image), at most 5 MB. */
		attachmentName: text('attachment_name'),
		attachmentType: text('attachment_type'),
		attachment: bytea('attachment'),
		/** First response or status change by the municipality (time to response). */
		firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
		/** When it reached `implemented` or `declined`. */
		closedAt: timestamp('closed_at', { withTimezone: true }),
		isDemo: boolean('is_demo').notNull().default(false),
		...timestamps
	},
	(t) => [
		unique('needs_report_reference_uq').on(t.municipalityId, t.reference),
		index('needs_report_municipality_idx').on(t.municipalityId, t.status, t.themeField),
		index('needs_report_instance_idx').on(t.instanceId),
		check('needs_report_status_check', sql`${t.status} in ('reported', 'under_review', 'in_planning', 'implemented', 'declined')`),
		check('needs_report_urgency_check', sql`${t.urgency} in ('low', 'medium', 'high')`),
		check('needs_report_decline_check', sql`${t.status} <> 'declined' or ${t.declineReason} is not null`)
	]
);

/** The social spaces a needs report concerns (at least one). */
export const needsReportSpace = pgTable(
	'needs_report_space',
	{
		reportId: uuid('report_id')
			.notNull()
			.references(() => needsReport.id, { onDelete: 'cascade' }),
		socialSpaceId: uuid('social_space_id')
			.notNull()
			.references(() => socialSpace.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.reportId, t.socialSpaceId] }), index('needs_report_space_space_idx').on(t.socialSpaceId)]
);

/**
 * The history of a needs report, visible to the reporter: status changes, written responses
 * (from either side) and links made or removed.
 */
export const needsReportEvent = pgTable(
	'needs_report_event',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		reportId: uuid('report_id')
			.notNull()
			.references(() => needsReport.id, { onDelete: 'cascade' }),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		actorUserId: uuid('actor_user_id').references(() => userAccount.id, { onDelete: 'set null' }),
		/** `reported`, `status`, `response`, `link`, `unlink`. */
		kind: text('kind').notNull(),
		fromStatus: text('from_status'),
		toStatus: text('to_status'),
		body: text('body').notNull().default(''),
		/** For `link`/`unlink`: `service:<id>` or `programme:<id>`. */
		target: text('target')
	},
	(t) => [index('needs_report_event_report_idx').on(t.reportId, t.at)]
);

/**
 * Förderprogramm: a programme or fund (Programme und Mittel) with its funder level, fields,
 * target groups, social spaces, budget and period.
 */
export const programme = pgTable(
	'programme',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		description: text('description').notNull().default(''),
		/** `municipality`, `region` (Regierungsbezirk), `state` (Land), `federal` (Bund), `eu`, `foundation`, `other`. */
		funderLevel: text('funder_level').notNull(),
		funderName: text('funder_name').notNull().default(''),
		themeFields: text('theme_fields').array().notNull().default([]),
		targetGroups: text('target_groups').array().notNull().default([]),
		/** Total budget in euro cents; null when unknown. */
		budgetCents: bigint('budget_cents', { mode: 'number' }),
		startsOn: date('starts_on').notNull(),
		/** Null: open-ended. */
		endsOn: date('ends_on'),
		url: text('url').notNull().default(''),
		contactName: text('contact_name').notNull().default(''),
		contactEmail: text('contact_email').notNull().default(''),
		contactPhone: text('contact_phone').notNull().default(''),
		isDemo: boolean('is_demo').notNull().default(false),
		...timestamps
	},
	(t) => [
		index('programme_municipality_idx').on(t.municipalityId),
		check('programme_period_check', sql`${t.endsOn} is null or ${t.endsOn} >= ${t.startsOn}`),
		check('programme_budget_check', sql`${t.budgetCents} is null or ${t.budgetCents} >= 0`),
		check('programme_funder_level_check', sql`${t.funderLevel} in ('municipality', 'region', 'state', 'federal', 'eu', 'foundation', 'other')`)
	]
);

/** The social spaces a programme covers; none means the whole municipality. */
export const programmeSpace = pgTable(
	'programme_space',
	{
		programmeId: uuid('programme_id')
			.notNull()
			.references(() => programme.id, { onDelete: 'cascade' }),
		socialSpaceId: uuid('social_space_id')
			.notNull()
			.references(() => socialSpace.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.programmeId, t.socialSpaceId] }), index('programme_space_space_idx').on(t.socialSpaceId)]
);

/** Antragsfrist: an application or reporting deadline of a programme (a Europe/Berlin date). */
export const programmeDeadline = pgTable(
	'programme_deadline',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		programmeId: uuid('programme_id')
			.notNull()
			.references(() => programme.id, { onDelete: 'cascade' }),
		dueOn: date('due_on').notNull(),
		label: text('label').notNull()
	},
	(t) => [index('programme_deadline_due_idx').on(t.dueOn)]
);

/** The offers a programme funds. */
export const programmeService = pgTable(
	'programme_service',
	{
		programmeId: uuid('programme_id')
			.notNull()
			.references(() => programme.id, { onDelete: 'cascade' }),
		serviceId: uuid('service_id')
			.notNull()
			.references(() => service.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.programmeId, t.serviceId] }), index('programme_service_service_idx').on(t.serviceId)]
);

/** The offers or programmes that answer a needs report (exactly one target per row). */
export const needsReportLink = pgTable(
	'needs_report_link',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		reportId: uuid('report_id')
			.notNull()
			.references(() => needsReport.id, { onDelete: 'cascade' }),
		serviceId: uuid('service_id').references(() => service.id, { onDelete: 'cascade' }),
		programmeId: uuid('programme_id').references(() => programme.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique('needs_report_link_service_uq').on(t.reportId, t.serviceId),
		unique('needs_report_link_programme_uq').on(t.reportId, t.programmeId),
		index('needs_report_link_service_idx').on(t.serviceId),
		index('needs_report_link_programme_idx').on(t.programmeId),
		check('needs_report_link_one_target', sql`(${t.serviceId} is null) <> (${t.programmeId} is null)`)
	]
);

/** Per-municipality coverage rules (thresholds of the matrix classes); absent = defaults in `coverage.ts`. */
export const coverageSetting = pgTable('coverage_setting', {
	municipalityId: uuid('municipality_id')
		.primaryKey()
		.references(() => municipality.id, { onDelete: 'cascade' }),
	rules: jsonb('rules').$type<Record<string, number>>().notNull(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

/**
 * Aufgabenkatalog: one version of the municipality's catalogue of tasks and quality criteria for
 * its instances. A version is edited as a draft and frozen when published; a new version starts
 * as a copy.
 */
export const assessmentCatalogue = pgTable(
	'assessment_catalogue',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		title: text('title').notNull(),
		publishedAt: timestamp('published_at', { withTimezone: true }),
		isDemo: boolean('is_demo').notNull().default(false),
		...timestamps
	},
	(t) => [unique('assessment_catalogue_version_uq').on(t.municipalityId, t.version)]
);

/** Qualitätskriterium: one criterion of a catalogue version, grouped by task. */
export const assessmentCriterion = pgTable(
	'assessment_criterion',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		catalogueId: uuid('catalogue_id')
			.notNull()
			.references(() => assessmentCatalogue.id, { onDelete: 'cascade' }),
		position: integer('position').notNull(),
		/** Short code such as `V1`, unique in the version. */
		code: text('code').notNull(),
		/** Task area (e.g. a key of the profile's `tasks` or a free heading). */
		task: text('task').notNull(),
		title: text('title').notNull(),
		description: text('description').notNull().default('')
	},
	(t) => [unique('assessment_criterion_code_uq').on(t.catalogueId, t.code), index('assessment_criterion_catalogue_idx').on(t.catalogueId, t.position)]
);

/** Selbstbewertung: an instance's self-assessment against one catalogue version for one year. */
export const assessment = pgTable(
	'assessment',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		instanceId: uuid('instance_id')
			.notNull()
			.references(() => instance.id, { onDelete: 'cascade' }),
		catalogueId: uuid('catalogue_id')
			.notNull()
			.references(() => assessmentCatalogue.id, { onDelete: 'restrict' }),
		year: smallint('year').notNull(),
		submittedAt: timestamp('submitted_at', { withTimezone: true }),
		...timestamps
	},
	(t) => [unique('assessment_instance_year_uq').on(t.instanceId, t.catalogueId, t.year)]
);

/** One criterion's rating (0 not met … 3 fully met) with evidence. */
export const assessmentAnswer = pgTable(
	'assessment_answer',
	{
		assessmentId: uuid('assessment_id')
			.notNull()
			.references(() => assessment.id, { onDelete: 'cascade' }),
		criterionId: uuid('criterion_id')
			.notNull()
			.references(() => assessmentCriterion.id, { onDelete: 'cascade' }),
		rating: smallint('rating').notNull(),
		evidence: text('evidence').notNull().default('')
	},
	(t) => [primaryKey({ columns: [t.assessmentId, t.criterionId] }), check('assessment_answer_rating_check', sql`${t.rating} between 0 and 3`)]
);
