/**
 * Umfragen (issue 16 §3): staff build a survey of questions in several languages, hand it to
 * audiences through a link each, open and close it; anyone answers without an account and
 * without any address or browser being stored; the result counts answers per question in SQL and
 * withholds small counts (survey-model.ts `suppress`). A map answer is stored only as the social
 * space the click fell in. Questions can change only while the survey is a draft.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { auditActor, authorize, systemPrincipal, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { isStorableText, isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { findContaining, indexAreas } from '../geography/geojson';
import { getSocialSpaces } from '../geography/service';
import { campaignArea, pixel } from './campaigns';
import { areasBbox, fromPixel } from './map';
import { looksPersonal } from './model';
import { AUDIENCES, isExclusive, isOptionKey, QUESTION_KINDS, SCALE, suppress, SURVEY_LANGUAGES, SURVEY_LIMITS, type QuestionKind, type ShownCell } from './survey-model';
import { participationSurvey, participationSurveyAnswer, participationSurveyAudience, participationSurveyQuestion, participationSurveyResponse, type SurveyOption } from './survey-schema';

export type SurveyRow = typeof participationSurvey.$inferSelect;
export type QuestionRow = typeof participationSurveyQuestion.$inferSelect;
export type AudienceRow = typeof participationSurveyAudience.$inferSelect;

/** A question as entered: texts by language, options (for choice questions) and map areas. */
export interface QuestionInput {
	kind: string;
	text: Record<string, string>;
	options?: { key?: string; label: Record<string, string> }[];
	socialSpaceIds?: string[];
}

/** A survey as entered by staff. */
export interface SurveyInput {
	municipalityId: string;
	title: Record<string, string>;
	intro?: Record<string, string>;
	k?: number;
	questions?: QuestionInput[];
	isDemo?: boolean;
}

const PARTICIPANT = systemPrincipal('participant');

/** Trims texts, drops empty and unknown languages; issues for a missing German text or one over `max`. */
function texts(input: Record<string, string>, field: string, max: number, issues: FieldIssue[], required = true): Record<string, string> {
	const out: Record<string, string> = {};
	for (const lang of SURVEY_LANGUAGES) {
		const t = (input[lang] ?? '').trim();
		if (!t) continue;
		if (!isStorableText(t)) issues.push({ field: `${field}.${lang}`, code: 'invalid' });
		else if (t.length > max) issues.push({ field: `${field}.${lang}`, code: 'too_long', params: { max } });
		out[lang] = t;
	}
	if (required && !out.de) issues.push({ field: `${field}.de`, code: 'required' });
	return out;
}

/** Checks one question; issues carry `prefix` on their field names. */
async function checkQuestion(db: DbOrTx, municipalityId: string, q: QuestionInput, issues: FieldIssue[], prefix = ''): Promise<Omit<typeof participationSurveyQuestion.$inferInsert, 'surveyId' | 'position'>> {
	const kind = q.kind as QuestionKind;
	if (!(QUESTION_KINDS as readonly string[]).includes(kind)) issues.push({ field: `${prefix}kind`, code: q.kind ? 'unknown_option' : 'required' });
	const text = texts(q.text, `${prefix}text`, SURVEY_LIMITS.question, issues);
	const options: SurveyOption[] = [];
	if (kind === 'single' || kind === 'multiple') {
		const given = (q.options ?? []).filter((o) => Object.values(o.label).some((l) => l.trim()));
		if (given.length < SURVEY_LIMITS.optionsMin || given.length > SURVEY_LIMITS.optionsMax) {
			issues.push({ field: `${prefix}options`, code: 'sv_option_count', params: { min: SURVEY_LIMITS.optionsMin, max: SURVEY_LIMITS.optionsMax } });
		}
		given.forEach((o, i) => {
			const key = o.key ?? `o${i + 1}`;
			if (!isOptionKey(key) || options.some((x) => x.key === key)) issues.push({ field: `${prefix}options`, code: 'invalid' });
			options.push({ key, label: texts(o.label, `${prefix}options`, SURVEY_LIMITS.option, issues) });
		});
	}
	let socialSpaceIds: string[] = [];
	if (kind === 'map') {
		socialSpaceIds = [...new Set((q.socialSpaceIds ?? []).filter(Boolean))];
		const spaces = await getSocialSpaces(db, socialSpaceIds);
		if (!socialSpaceIds.length) issues.push({ field: `${prefix}socialSpaceIds`, code: 'required' });
		else if (spaces.length !== socialSpaceIds.length || spaces.some((s) => s.municipalityId !== municipalityId)) issues.push({ field: `${prefix}socialSpaceIds`, code: 'unknown_social_space' });
		else if (!areasBbox(spaces.map((s) => ({ id: s.id, label: s.name, boundary: s.boundary ?? null })))) issues.push({ field: `${prefix}socialSpaceIds`, code: 'pa_no_boundary' });
	}
	return { kind, text, options, socialSpaceIds };
}

function newToken(): string {
	return randomBytes(16).toString('base64url');
}

/**
 * Creates a survey as a draft with a link for each audience and the given questions, audited.
 * @throws AccessDeniedError without `participation:surveys` on the municipality.
 * @throws ValidationError `title.de` required, `title.<lang>` / `intro.<lang>` too_long | invalid,
 *   `k` out_of_range, `questions` too_many, and per question `question <n>: <field>` as `saveQuestion`.
 */
export async function createSurvey(db: Db, principal: Principal, input: SurveyInput): Promise<SurveyRow> {
	authorize(principal, 'participation:surveys', { municipalityId: input.municipalityId });
	const issues: FieldIssue[] = [];
	const title = texts(input.title, 'title', SURVEY_LIMITS.title, issues);
	const intro = texts(input.intro ?? {}, 'intro', SURVEY_LIMITS.intro, issues, false);
	const k = input.k ?? SURVEY_LIMITS.kDefault;
	if (!Number.isInteger(k) || k < SURVEY_LIMITS.kMin || k > SURVEY_LIMITS.kMax) issues.push({ field: 'k', code: 'out_of_range', params: { min: SURVEY_LIMITS.kMin, max: SURVEY_LIMITS.kMax } });
	const given = input.questions ?? [];
	if (given.length > SURVEY_LIMITS.questions) issues.push({ field: 'questions', code: 'too_many', params: { max: SURVEY_LIMITS.questions } });
	const questions: Awaited<ReturnType<typeof checkQuestion>>[] = [];
	for (const [i, q] of given.entries()) questions.push(await checkQuestion(db, input.municipalityId, q, issues, `question ${i + 1}: `));
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [row] = await tx.insert(participationSurvey).values({ municipalityId: input.municipalityId, title, intro, k, isDemo: input.isDemo ?? false }).returning();
		await tx.insert(participationSurveyAudience).values(AUDIENCES.map((audience) => ({ surveyId: row.id, audience, token: newToken() })));
		if (questions.length) await tx.insert(participationSurveyQuestion).values(questions.map((q, i) => ({ ...q, surveyId: row.id, position: i + 1 })));
		await recordAudit(tx, { ...auditActor(principal), municipalityId: row.municipalityId, action: 'create', entityType: 'participation_survey', entityId: row.id, changes: { questions: [null, questions.length] } });
		return row;
	});
}

/** A survey by id, or null (also for a non-UUID id). */
async function findSurvey(db: DbOrTx, id: string): Promise<SurveyRow | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select().from(participationSurvey).where(eq(participationSurvey.id, id));
	return row ?? null;
}

/**
 * A survey of the person's municipality they may build (`participation:surveys`).
 * @throws NotFoundError for an unknown survey or one of another municipality; AccessDeniedError.
 */
export async function staffSurvey(db: DbOrTx, principal: Principal & { municipalityId: string }, id: string): Promise<SurveyRow> {
	const s = await findSurvey(db, id);
	if (!s || s.municipalityId !== principal.municipalityId) throw new NotFoundError('participation_survey');
	authorize(principal, 'participation:surveys', { municipalityId: s.municipalityId });
	return s;
}

/** A municipality's surveys, newest first. @throws AccessDeniedError without `participation:surveys`. */
export async function listSurveys(db: DbOrTx, principal: Principal, municipalityId: string): Promise<SurveyRow[]> {
	authorize(principal, 'participation:surveys', { municipalityId });
	return db.select().from(participationSurvey).where(eq(participationSurvey.municipalityId, municipalityId)).orderBy(desc(participationSurvey.createdAt));
}

/** A survey's questions in order. */
export function surveyQuestions(db: DbOrTx, surveyId: string): Promise<QuestionRow[]> {
	return db.select().from(participationSurveyQuestion).where(eq(participationSurveyQuestion.surveyId, surveyId)).orderBy(asc(participationSurveyQuestion.position));
}

/** A survey's audiences with their tokens, in `AUDIENCES` order. */
export async function surveyAudiences(db: DbOrTx, surveyId: string): Promise<AudienceRow[]> {
	const rows = await db.select().from(participationSurveyAudience).where(eq(participationSurveyAudience.surveyId, surveyId));
	return rows.sort((a, b) => AUDIENCES.indexOf(a.audience as never) - AUDIENCES.indexOf(b.audience as never));
}

function requireDraft(s: Pick<SurveyRow, 'status'>): void {
	if (s.status !== 'draft') throw new ValidationError([{ field: 'survey', code: 'sv_not_draft' }]);
}

/**
 * Locks the survey's row for the rest of the transaction and reads its questions: edits of one
 * survey's questions (from two browser tabs, two staff members, two app processes) run one after
 * the other, so positions stay distinct and a survey opened meanwhile is no longer edited.
 * @throws ValidationError `survey` sv_not_draft.
 */
async function lockedDraftQuestions(tx: DbOrTx, surveyId: string): Promise<QuestionRow[]> {
	const [row] = await tx.select({ status: participationSurvey.status }).from(participationSurvey).where(eq(participationSurvey.id, surveyId)).for('update');
	requireDraft(row);
	return surveyQuestions(tx, surveyId);
}

/**
 * Adds a question at the end, or replaces question `questionId`, of a draft survey, audited.
 * @throws AccessDeniedError, NotFoundError as `staffSurvey` (and for an unknown question).
 * @throws ValidationError `survey` sv_not_draft, `questions` too_many, `kind` required |
 *   unknown_option, `text.de` required, `text.<lang>` too_long, `options` sv_option_count |
 *   invalid | too_long, `socialSpaceIds` required | unknown_social_space | pa_no_boundary.
 */
export async function saveQuestion(db: Db, principal: Principal & { municipalityId: string }, surveyId: string, input: QuestionInput, questionId?: string): Promise<QuestionRow> {
	const s = await staffSurvey(db, principal, surveyId);
	requireDraft(s);
	const issues: FieldIssue[] = [];
	const q = await checkQuestion(db, s.municipalityId, input, issues);
	return db.transaction(async (tx) => {
		const existing = await lockedDraftQuestions(tx, s.id);
		const old = questionId ? existing.find((x) => x.id === questionId) : undefined;
		if (questionId && !old) throw new NotFoundError('participation_survey_question');
		if (!old && existing.length >= SURVEY_LIMITS.questions) issues.unshift({ field: 'questions', code: 'too_many', params: { max: SURVEY_LIMITS.questions } });
		if (issues.length) throw new ValidationError(issues);
		const [row] = old
			? await tx.update(participationSurveyQuestion).set(q).where(eq(participationSurveyQuestion.id, old.id)).returning()
			: await tx.insert(participationSurveyQuestion).values({ ...q, surveyId: s.id, position: (existing.at(-1)?.position ?? 0) + 1 }).returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: s.municipalityId, action: old ? 'update' : 'create', entityType: 'participation_survey_question', entityId: row.id });
		return row;
	});
}

/**
 * Removes a question of a draft survey, audited.
 * @throws as `staffSurvey`; NotFoundError for an unknown question; ValidationError `survey` sv_not_draft.
 */
export async function deleteQuestion(db: Db, principal: Principal & { municipalityId: string }, surveyId: string, questionId: string): Promise<void> {
	const s = await staffSurvey(db, principal, surveyId);
	if (!isUuid(questionId)) throw new NotFoundError('participation_survey_question');
	await db.transaction(async (tx) => {
		await lockedDraftQuestions(tx, s.id);
		const gone = await tx.delete(participationSurveyQuestion).where(and(eq(participationSurveyQuestion.surveyId, s.id), eq(participationSurveyQuestion.id, questionId))).returning({ id: participationSurveyQuestion.id });
		if (!gone.length) throw new NotFoundError('participation_survey_question');
		await recordAudit(tx, { ...auditActor(principal), municipalityId: s.municipalityId, action: 'delete', entityType: 'participation_survey_question', entityId: questionId });
	});
}

/**
 * Moves a question of a draft survey one place `up` or `down` by swapping its position with its
 * neighbour's, audited; the first question moved up and the last moved down stay where they are.
 * @throws as `staffSurvey`; NotFoundError for an unknown question; ValidationError `survey`
 *   sv_not_draft, `direction` unknown_option.
 */
export async function moveQuestion(db: Db, principal: Principal & { municipalityId: string }, surveyId: string, questionId: string, direction: string): Promise<void> {
	const s = await staffSurvey(db, principal, surveyId);
	if (direction !== 'up' && direction !== 'down') throw new ValidationError([{ field: 'direction', code: 'unknown_option' }]);
	await db.transaction(async (tx) => {
		const questions = await lockedDraftQuestions(tx, s.id);
		const at = questions.findIndex((q) => q.id === questionId);
		if (at < 0) throw new NotFoundError('participation_survey_question');
		const other = questions[direction === 'up' ? at - 1 : at + 1];
		if (!other) return;
		const moved = questions[at];
		await tx.update(participationSurveyQuestion).set({ position: other.position }).where(eq(participationSurveyQuestion.id, moved.id));
		await tx.update(participationSurveyQuestion).set({ position: moved.position }).where(eq(participationSurveyQuestion.id, other.id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: s.municipalityId,
			action: 'update',
			entityType: 'participation_survey_question',
			entityId: moved.id,
			changes: { position: [moved.position, other.position] }
		});
	});
}

/**
 * Opens (from draft or closed), closes (from open) a survey, or shows / hides its result to the
 * public, audited.
 * @throws as `staffSurvey`; ValidationError `action` unknown_option, `survey` sv_no_questions
 *   (opening without questions) | sv_bad_transition.
 */
export async function changeSurvey(db: Db, principal: Principal & { municipalityId: string }, surveyId: string, action: string, now: Date = new Date()): Promise<SurveyRow> {
	const s = await staffSurvey(db, principal, surveyId);
	let set: Partial<SurveyRow>;
	if (action === 'open') {
		if (s.status === 'open') throw new ValidationError([{ field: 'survey', code: 'sv_bad_transition' }]);
		if (!(await surveyQuestions(db, s.id)).length) throw new ValidationError([{ field: 'survey', code: 'sv_no_questions' }]);
		set = { status: 'open', openedAt: s.openedAt ?? now, closedAt: null };
	} else if (action === 'close') {
		if (s.status !== 'open') throw new ValidationError([{ field: 'survey', code: 'sv_bad_transition' }]);
		set = { status: 'closed', closedAt: now };
	} else if (action === 'publish' || action === 'unpublish') set = { resultsPublic: action === 'publish' };
	else throw new ValidationError([{ field: 'action', code: 'unknown_option' }]);
	return db.transaction(async (tx) => {
		const [row] = await tx.update(participationSurvey).set(set).where(eq(participationSurvey.id, s.id)).returning();
		await recordAudit(tx, { ...auditActor(principal), municipalityId: s.municipalityId, action: 'update', entityType: 'participation_survey', entityId: s.id, changes: { [action]: [null, true] } });
		return row;
	});
}

/** The survey and audience behind a link token. @throws NotFoundError for an unknown token. */
export async function surveyByToken(db: DbOrTx, token: string): Promise<{ survey: SurveyRow; audience: AudienceRow }> {
	if (!/^[A-Za-z0-9_-]{10,64}$/.test(token)) throw new NotFoundError('participation_survey');
	const [row] = await db.select({ audience: participationSurveyAudience, survey: participationSurvey }).from(participationSurveyAudience).innerJoin(participationSurvey, eq(participationSurvey.id, participationSurveyAudience.surveyId)).where(eq(participationSurveyAudience.token, token));
	if (!row) throw new NotFoundError('participation_survey');
	return row;
}

/**
 * A response as sent: values per question id (option keys, a scale value, a social space id for
 * a map question, or the text), and for map questions optionally the clicked pixel.
 */
export interface ResponseInput {
	answers: Record<string, string[]>;
	clicks?: Record<string, { x: string; y: string }>;
	language: string;
	isDemo?: boolean;
}

/**
 * Stores one anonymous response given through an audience's link: no account, no address. Every
 * value is checked against the survey's questions; empty values are skipped (every question is
 * optional, but something must be answered). A map click becomes the social space it fell in.
 * @throws NotFoundError for an unknown token.
 * @throws ValidationError `survey` sv_survey_closed, `form` sv_unknown_question (an answer to a
 *   question the survey does not have) | sv_empty, `q_<id>` unknown_option | sv_one_answer |
 *   too_long | invalid | pa_outside_area. Nothing is stored.
 */
export async function submitResponse(db: Db, token: string, input: ResponseInput): Promise<string> {
	const { survey, audience } = await surveyByToken(db, token);
	if (survey.status !== 'open') throw new ValidationError([{ field: 'survey', code: 'sv_survey_closed' }]);
	const questions = await surveyQuestions(db, survey.id);
	const byId = new Map(questions.map((q) => [q.id, q]));
	const issues: FieldIssue[] = [];
	const rows: { questionId: string; choice: string | null; text: string | null; flagged: boolean }[] = [];
	const ids = new Set([...Object.keys(input.answers), ...Object.keys(input.clicks ?? {})]);
	for (const id of ids) {
		const q = byId.get(id);
		if (!q) {
			issues.push({ field: 'form', code: 'sv_unknown_question' });
			continue;
		}
		const field = `q_${q.id}`;
		const values = (input.answers[id] ?? []).map((v) => v.trim()).filter(Boolean);
		const click = input.clicks?.[id];
		if (q.kind === 'text') {
			const t = values.join('\n');
			if (!t) continue;
			if (!isStorableText(t)) issues.push({ field, code: 'invalid' });
			else if (t.length > SURVEY_LIMITS.answerText) issues.push({ field, code: 'too_long', params: { max: SURVEY_LIMITS.answerText } });
			else rows.push({ questionId: q.id, choice: null, text: t, flagged: looksPersonal(t) });
			continue;
		}
		let choices = values;
		if (q.kind === 'map' && click) {
			const x = pixel(click.x);
			const y = pixel(click.y);
			const { areas, frame } = await campaignArea(db, q);
			const space = x === null || y === null ? null : findContaining(indexAreas(areas, (a) => a.boundary), fromPixel(frame, x, y));
			if (!space) {
				issues.push({ field, code: 'pa_outside_area' });
				continue;
			}
			choices = [space.id];
		}
		if (!choices.length) continue;
		const allowed: readonly string[] = q.kind === 'scale' ? SCALE : q.kind === 'map' ? q.socialSpaceIds : q.options.map((o) => o.key);
		if (choices.some((c) => !allowed.includes(c))) issues.push({ field, code: 'unknown_option' });
		else if (q.kind !== 'multiple' && choices.length > 1) issues.push({ field, code: 'sv_one_answer' });
		else for (const c of new Set(choices)) rows.push({ questionId: q.id, choice: c, text: null, flagged: false });
	}
	if (!issues.length && !rows.length) issues.push({ field: 'form', code: 'sv_empty' });
	if (issues.length) throw new ValidationError(issues);
	return db.transaction(async (tx) => {
		const [response] = await tx.insert(participationSurveyResponse).values({ surveyId: survey.id, audience: audience.audience, language: input.language, isDemo: input.isDemo ?? false }).returning({ id: participationSurveyResponse.id });
		await tx.insert(participationSurveyAnswer).values(rows.map((r) => ({ ...r, responseId: response.id, surveyId: survey.id })));
		await recordAudit(tx, { ...auditActor(PARTICIPANT), municipalityId: survey.municipalityId, action: 'create', entityType: 'participation_survey_response', entityId: response.id });
		return response.id;
	});
}

/** One question's result: how many answered it (null when below k) and its cells as shown. */
export interface QuestionResult {
	question: QuestionRow;
	answered: number | null;
	cells: ShownCell[];
}

/** A survey's result: responses in total and per audience, and each question's cells, all suppressed below k. */
export interface SurveyResult {
	k: number;
	responses: number | null;
	audiences: ShownCell[];
	questions: QuestionResult[];
}

/**
 * Counts a survey's answers per question and choice (grouped in SQL) and withholds small counts
 * (`suppress`, the survey's k). Free texts are counted, never shown here. Source: issue 16 §3.
 */
export async function surveyResults(db: DbOrTx, s: SurveyRow): Promise<SurveyResult> {
	const a = participationSurveyAnswer;
	const questions = await surveyQuestions(db, s.id);
	const multiple = questions.filter((q) => q.kind === 'multiple').map((q) => q.id);
	// One row per answer: a question's rows add up to the people who answered it, except multiple
	// choice (several rows per person), which alone needs the distinct count.
	const [choiceRows, multipleRows, audienceRows] = await Promise.all([
		db.select({ questionId: a.questionId, choice: a.choice, n: count() }).from(a).where(eq(a.surveyId, s.id)).groupBy(a.questionId, a.choice),
		multiple.length
			? db.select({ questionId: a.questionId, n: sql<number>`count(distinct ${a.responseId})::int` }).from(a).where(and(eq(a.surveyId, s.id), inArray(a.questionId, multiple))).groupBy(a.questionId)
			: Promise.resolve([]),
		db.select({ audience: participationSurveyResponse.audience, n: count() }).from(participationSurveyResponse).where(eq(participationSurveyResponse.surveyId, s.id)).groupBy(participationSurveyResponse.audience)
	]);
	const counts = new Map(choiceRows.map((r) => [`${r.questionId} ${r.choice}`, r.n]));
	const answered = new Map<string, number>();
	for (const r of choiceRows) answered.set(r.questionId, (answered.get(r.questionId) ?? 0) + r.n);
	for (const r of multipleRows) answered.set(r.questionId, r.n);
	const total = audienceRows.reduce((sum, r) => sum + r.n, 0);
	const audiences = suppress(AUDIENCES.map((key) => ({ key, n: audienceRows.find((r) => r.audience === key)?.n ?? 0 })), total, s.k, true);
	return {
		k: s.k,
		responses: audiences.total,
		audiences: audiences.cells,
		questions: questions.map((q) => {
			const keys: readonly string[] = q.kind === 'scale' ? SCALE : q.kind === 'map' ? q.socialSpaceIds : q.options.map((o) => o.key);
			const shown = suppress(keys.map((key) => ({ key, n: counts.get(`${q.id} ${key}`) ?? 0 })), answered.get(q.id) ?? 0, s.k, isExclusive(q.kind as QuestionKind));
			return { question: q, answered: shown.total, cells: shown.cells };
		})
	};
}

/**
 * The free-text answers of a survey for staff, newest first, with the personal-data flag.
 * @throws as `staffSurvey`.
 */
export async function surveyTexts(db: DbOrTx, principal: Principal & { municipalityId: string }, surveyId: string, limit = 200): Promise<{ questionId: string; text: string; flagged: boolean }[]> {
	const s = await staffSurvey(db, principal, surveyId);
	const a = participationSurveyAnswer;
	const rows = await db.select({ questionId: a.questionId, text: a.text, flagged: a.flagged }).from(a).where(and(eq(a.surveyId, s.id), isNotNull(a.text))).orderBy(desc(a.id)).limit(limit);
	return rows.map((r) => ({ ...r, text: r.text ?? '' }));
}
