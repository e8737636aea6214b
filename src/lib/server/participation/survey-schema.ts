/**
 * Schema of Partizipation's surveys (issue 16 §3, Umfrage): surveys on the use of offers built by
 * staff, their questions (single / multiple choice, a 1–5 scale, free text, a map point) with
 * texts in several languages, their audiences each with an unguessable link token, and the
 * anonymous responses — no account, no IP address, no browser: there is no column for them. A map
 * answer is stored only as the social space the click fell in, never as a point. Seed 001 (online
 * survey N=250: awareness and use of the Welcome Point, reasons for non-use).
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { municipality } from '../geography/schema';

/** An option of a choice question: a stable key and its label by BCP 47 tag. */
export interface SurveyOption {
	key: string;
	label: Record<string, string>;
}

/**
 * Umfrage: a survey of a municipality. `status` draft (editable) → open (answers taken) → closed.
 * Titles and intros by BCP 47 tag (German required). `results_public` shows the result, with
 * counts below `k` suppressed, to everyone.
 */
export const participationSurvey = pgTable(
	'participation_survey',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		municipalityId: uuid('municipality_id')
			.notNull()
			.references(() => municipality.id, { onDelete: 'cascade' }),
		title: jsonb('title').$type<Record<string, string>>().notNull(),
		intro: jsonb('intro').$type<Record<string, string>>().notNull().default({}),
		status: text('status').notNull().default('draft'),
		/** Minimum count of a published cell (k-anonymity); smaller cells are suppressed. */
		k: smallint('k').notNull().default(5),
		resultsPublic: boolean('results_public').notNull().default(false),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		openedAt: timestamp('opened_at', { withTimezone: true }),
		closedAt: timestamp('closed_at', { withTimezone: true })
	},
	(t) => [
		index('participation_survey_municipality_idx').on(t.municipalityId, t.createdAt),
		check('participation_survey_status_check', sql`${t.status} in ('draft', 'open', 'closed')`)
	]
);

/**
 * Frage: one question of a survey, at `position`. `kind` single | multiple | scale | text | map;
 * `options` for single and multiple choice; `social_space_ids` the areas a map question draws.
 */
export const participationSurveyQuestion = pgTable(
	'participation_survey_question',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		surveyId: uuid('survey_id')
			.notNull()
			.references(() => participationSurvey.id, { onDelete: 'cascade' }),
		position: integer('position').notNull(),
		kind: text('kind').notNull(),
		text: jsonb('text').$type<Record<string, string>>().notNull(),
		options: jsonb('options').$type<SurveyOption[]>().notNull().default([]),
		socialSpaceIds: uuid('social_space_ids').array().notNull().default(sql`'{}'::uuid[]`)
	},
	(t) => [
		index('participation_survey_question_survey_idx').on(t.surveyId, t.position),
		check('participation_survey_question_kind_check', sql`${t.kind} in ('single', 'multiple', 'scale', 'text', 'map')`)
	]
);

/** Zielgruppe: an audience of a survey (newcomers, professionals, volunteers) with the token of its link. */
export const participationSurveyAudience = pgTable(
	'participation_survey_audience',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		surveyId: uuid('survey_id')
			.notNull()
			.references(() => participationSurvey.id, { onDelete: 'cascade' }),
		audience: text('audience').notNull(),
		token: text('token').notNull().unique()
	},
	(t) => [index('participation_survey_audience_survey_idx').on(t.surveyId), check('participation_survey_audience_check', sql`${t.audience} in ('newcomers', 'professionals', 'volunteers')`)]
);

/** Antwortbogen: one anonymous response, with the audience whose link was used and the form's language. */
export const participationSurveyResponse = pgTable(
	'participation_survey_response',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		surveyId: uuid('survey_id')
			.notNull()
			.references(() => participationSurvey.id, { onDelete: 'cascade' }),
		audience: text('audience').notNull(),
		language: text('language').notNull(),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('participation_survey_response_survey_idx').on(t.surveyId, t.audience)]
);

/**
 * Antwort: one answer of a response to a question: `choice` an option key, a scale value '1'–'5'
 * or the social space id of a map answer (one row per option chosen), or `text` for free text.
 * `survey_id` is repeated so the result is one grouped scan of one index.
 */
export const participationSurveyAnswer = pgTable(
	'participation_survey_answer',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		responseId: uuid('response_id')
			.notNull()
			.references(() => participationSurveyResponse.id, { onDelete: 'cascade' }),
		surveyId: uuid('survey_id')
			.notNull()
			.references(() => participationSurvey.id, { onDelete: 'cascade' }),
		questionId: uuid('question_id')
			.notNull()
			.references(() => participationSurveyQuestion.id, { onDelete: 'cascade' }),
		choice: text('choice'),
		text: text('text'),
		/** Free text that looks like personal data (model.ts `looksPersonal`): staff see a warning. */
		flagged: boolean('flagged').notNull().default(false)
	},
	(t) => [index('participation_survey_answer_result_idx').on(t.surveyId, t.questionId, t.choice)]
);
