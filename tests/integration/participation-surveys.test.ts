/**
 * Surveys (issue 16 §3) on the database the tests run on: the seed 001 template in seven
 * languages with a link per audience; every bad input of an answer (closed survey, unknown
 * question or option, over-long text, two answers to a single choice, a map click outside,
 * nothing answered) refused with its field and nothing stored; the result matches the responses,
 * withholds small counts with complementary suppression, and its CSV reads back to the same
 * numbers; the builder only edits drafts and only for staff of the municipality.
 */
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { campaignArea } from '../../src/lib/server/participation/campaigns';
import { toPixel } from '../../src/lib/server/participation/map';
import { resultCsv } from '../../src/lib/server/participation/pages/survey-results';
import { submitResponseFromForm } from '../../src/lib/server/participation/pages/survey-public';
import { suppress } from '../../src/lib/server/participation/survey-model';
import { createSurveyFromTemplate } from '../../src/lib/server/participation/survey-template';
import { changeSurvey, createSurvey, deleteQuestion, listSurveys, moveQuestion, saveQuestion, submitResponse, surveyAudiences, surveyQuestions, surveyResults, type SurveyRow } from '../../src/lib/server/participation/surveys';
import { resetThrottle } from '../../src/lib/server/participation/throttle';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

const square = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

async function refused(work: () => Promise<unknown>): Promise<string[]> {
	try {
		await work();
	} catch (e) {
		if (e instanceof ValidationError) return e.issues.map((i) => `${i.field}:${i.code}`);
		throw e;
	}
	throw new Error('not refused');
}

describe('suppress', () => {
	it('withholds counts below k, and in an exclusive group enough others that the total gives none back', () => {
		// One small cell: the smallest non-zero other cell is withheld with it, until their sum reaches k.
		expect(suppress([{ key: 'a', n: 2 }, { key: 'b', n: 10 }, { key: 'c', n: 7 }, { key: 'd', n: 0 }], 19, 5, true).cells).toEqual([
			{ key: 'a', n: null },
			{ key: 'b', n: 10 },
			{ key: 'c', n: null },
			{ key: 'd', n: 0 }
		]);
		// Not exclusive (multiple choice): only the small cell.
		expect(suppress([{ key: 'a', n: 2 }, { key: 'b', n: 10 }], 11, 5, false).cells).toEqual([{ key: 'a', n: null }, { key: 'b', n: 10 }]);
		// Below k answers: nothing at all.
		expect(suppress([{ key: 'a', n: 3 }], 3, 5, true)).toEqual({ cells: [{ key: 'a', n: null }], total: null });
		// Nothing small: nothing withheld.
		expect(suppress([{ key: 'a', n: 5 }, { key: 'b', n: 0 }], 5, 5, true).cells).toEqual([{ key: 'a', n: 5 }, { key: 'b', n: 0 }]);
	});

	it('never leaves a withheld cell that total minus the shown cells gives back (random groups)', () => {
		let seed = 7;
		const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		for (let t = 0; t < 500; t++) {
			const cells = Array.from({ length: 2 + Math.floor(rnd() * 5) }, (_, i) => ({ key: `c${i}`, n: Math.floor(rnd() * 12) }));
			const total = cells.reduce((s, c) => s + c.n, 0);
			const shown = suppress(cells, total, 5, true);
			if (shown.total === null) continue;
			const hidden = shown.cells.filter((c) => c.n === null);
			const hiddenSum = total - shown.cells.reduce((s, c) => s + (c.n ?? 0), 0);
			expect(hidden.length === 0 || hiddenSum === 0 || (hidden.length >= 2 && hiddenSum >= 5)).toBe(true);
		}
	});
});

describe(`participation surveys (${DB_KIND})`, () => {
	let h: DatabaseHandle;
	let w: World;
	let survey: SurveyRow;
	let token: string;

	beforeAll(async () => {
		h = await freshDatabase();
		w = await buildWorld(h.db);
		await h.db.execute(sql`update social_space set boundary = ${JSON.stringify(square(6.98, 50.93, 7.0, 50.94))}::jsonb where id = ${w.ids.s1a}`);
		await h.db.execute(sql`update social_space set boundary = ${JSON.stringify(square(7.0, 50.93, 7.02, 50.94))}::jsonb where id = ${w.ids.s1b}`);
		survey = await createSurveyFromTemplate(h.db, w.who.staffA, w.ids.k);
		token = (await surveyAudiences(h.db, survey.id))[0].token;
	});
	afterAll(async () => h?.close());

	it('creates the seed 001 template in seven languages with one link per audience', async () => {
		const questions = await surveyQuestions(h.db, survey.id);
		expect(questions.map((q) => q.kind)).toEqual(['single', 'multiple', 'scale', 'single', 'text']);
		for (const q of questions) expect(Object.keys(q.text).sort()).toEqual(['ar', 'de', 'en', 'fa', 'ru', 'tr', 'uk']);
		expect(questions[1].options.map((o) => o.key)).toEqual(['no_need', 'organisational', 'content', 'competition', 'information']);
		const audiences = await surveyAudiences(h.db, survey.id);
		expect(audiences.map((a) => a.audience)).toEqual(['newcomers', 'professionals', 'volunteers']);
		expect(new Set(audiences.map((a) => a.token)).size).toBe(3);
		for (const o of questions[1].options) expect(Object.keys(o.label).sort()).toEqual(['ar', 'de', 'en', 'fa', 'ru', 'tr', 'uk']);
	});

	it('edits questions only in a draft, and only for staff of the municipality', async () => {
		const draft = await createSurvey(h.db, w.who.admin, { municipalityId: w.ids.k, title: { de: 'Entwurf' } });
		const q = await saveQuestion(h.db, w.who.admin, draft.id, { kind: 'single', text: { de: 'Frage?', ar: 'سؤال؟' }, options: [{ label: { de: 'A' } }, { label: { de: 'B' } }] });
		expect(q.options.map((o) => o.key)).toEqual(['o1', 'o2']);
		expect(await refused(() => saveQuestion(h.db, w.who.admin, draft.id, { kind: 'single', text: { de: '' }, options: [{ label: { de: 'A' } }] }))).toEqual(['text.de:required', 'options:sv_option_count']);
		expect(await refused(() => saveQuestion(h.db, w.who.admin, draft.id, { kind: 'map', text: { de: 'Wo?' }, socialSpaceIds: [w.ids.so] }))).toEqual(['socialSpaceIds:unknown_social_space']);
		expect(await refused(() => saveQuestion(h.db, w.who.admin, draft.id, { kind: 'poll', text: { de: 'x'.repeat(501) } }))).toEqual(['kind:unknown_option', 'text.de:too_long']);
		await expect(saveQuestion(h.db, w.who.partner, draft.id, { kind: 'text', text: { de: 'x' } })).rejects.toThrow(AccessDeniedError);
		await expect(saveQuestion(h.db, w.who.adminOther, draft.id, { kind: 'text', text: { de: 'x' } })).rejects.toThrow(NotFoundError);
		await expect(listSurveys(h.db, w.who.volunteer, w.ids.k)).rejects.toThrow(AccessDeniedError);
		await changeSurvey(h.db, w.who.admin, draft.id, 'open');
		expect(await refused(() => saveQuestion(h.db, w.who.admin, draft.id, { kind: 'text', text: { de: 'Neu' } }))).toEqual(['survey:sv_not_draft']);
		expect(await refused(() => deleteQuestion(h.db, w.who.admin, draft.id, q.id))).toEqual(['survey:sv_not_draft']);
		const empty = await createSurvey(h.db, w.who.admin, { municipalityId: w.ids.k, title: { de: 'Leer' } });
		expect(await refused(() => changeSurvey(h.db, w.who.admin, empty.id, 'open'))).toEqual(['survey:sv_no_questions']);
	});

	it('reorders the questions of a draft one place at a time, audited; the ends stay; bad moves are refused', async () => {
		const draft = await createSurvey(h.db, w.who.admin, { municipalityId: w.ids.k, title: { de: 'Reihenfolge' } });
		for (const de of ['Eins?', 'Zwei?', 'Drei?']) await saveQuestion(h.db, w.who.admin, draft.id, { kind: 'text', text: { de } });
		const order = async () => (await surveyQuestions(h.db, draft.id)).map((q) => q.text.de);
		const [one, two, three] = await surveyQuestions(h.db, draft.id);
		await deleteQuestion(h.db, w.who.admin, draft.id, two.id);
		await saveQuestion(h.db, w.who.admin, draft.id, { kind: 'text', text: { de: 'Vier?' } });
		await moveQuestion(h.db, w.who.admin, draft.id, three.id, 'up');
		expect(await order()).toEqual(['Drei?', 'Eins?', 'Vier?']);
		await moveQuestion(h.db, w.who.admin, draft.id, one.id, 'down');
		expect(await order()).toEqual(['Drei?', 'Vier?', 'Eins?']);
		// The first up and the last down change nothing.
		await moveQuestion(h.db, w.who.admin, draft.id, three.id, 'up');
		await moveQuestion(h.db, w.who.admin, draft.id, one.id, 'down');
		expect(await order()).toEqual(['Drei?', 'Vier?', 'Eins?']);
		const audit = await h.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log where entity_type = 'participation_survey_question' and entity_id = ${three.id} and action = 'update'`);
		expect(audit.rows[0].n).toBe(1);
		expect(await refused(() => moveQuestion(h.db, w.who.admin, draft.id, one.id, 'sideways'))).toEqual(['direction:unknown_option']);
		await expect(moveQuestion(h.db, w.who.admin, draft.id, '00000000-0000-0000-0000-000000000000', 'up')).rejects.toThrow(NotFoundError);
		await expect(moveQuestion(h.db, w.who.partner, draft.id, one.id, 'up')).rejects.toThrow(AccessDeniedError);
		await changeSurvey(h.db, w.who.admin, draft.id, 'open');
		expect(await refused(() => moveQuestion(h.db, w.who.admin, draft.id, one.id, 'up'))).toEqual(['survey:sv_not_draft']);
		expect(await order()).toEqual(['Drei?', 'Vier?', 'Eins?']);
	});

	it('keeps the places of questions added and moved at the same moment distinct (two tabs, two app processes)', async () => {
		const draft = await createSurvey(h.db, w.who.admin, { municipalityId: w.ids.k, title: { de: 'Gleichzeitig' } });
		await Promise.all(['A?', 'B?', 'C?', 'D?', 'E?', 'F?'].map((de) => saveQuestion(h.db, w.who.admin, draft.id, { kind: 'text', text: { de } })));
		const positions = async () => (await surveyQuestions(h.db, draft.id)).map((q) => q.position);
		expect(await positions()).toEqual([1, 2, 3, 4, 5, 6]);
		const [, second, third, , fifth] = await surveyQuestions(h.db, draft.id);
		await Promise.all([moveQuestion(h.db, w.who.admin, draft.id, second.id, 'down'), moveQuestion(h.db, w.who.admin, draft.id, third.id, 'up'), moveQuestion(h.db, w.who.admin, draft.id, fifth.id, 'up')]);
		expect(await positions()).toEqual([1, 2, 3, 4, 5, 6]);
		// Opening and editing at once: the edit either comes first or is refused, never after.
		const [opened, added] = await Promise.allSettled([changeSurvey(h.db, w.who.admin, draft.id, 'open'), saveQuestion(h.db, w.who.admin, draft.id, { kind: 'text', text: { de: 'G?' } })]);
		expect(opened.status).toBe('fulfilled');
		if (added.status === 'rejected') expect(added.reason).toBeInstanceOf(ValidationError);
		expect((await positions()).length).toBe(added.status === 'fulfilled' ? 7 : 6);
	});

	it('refuses every bad answer with its field and stores nothing', async () => {
		const [known, reasons, helpful, , wish] = await surveyQuestions(h.db, survey.id);
		const before = [await countRows(h, 'participation_survey_response'), await countRows(h, 'participation_survey_answer')];
		// A draft takes no answers; the same once closed.
		expect(await refused(() => submitResponse(h.db, token, { answers: { [known.id]: ['no'] }, language: 'de' }))).toEqual(['survey:sv_survey_closed']);
		await changeSurvey(h.db, w.who.staffA, survey.id, 'open');
		const cases: [Record<string, string[]>, string[]][] = [
			[{ '00000000-0000-4000-8000-000000000099': ['no'] }, ['form:sv_unknown_question']],
			[{ [known.id]: ['maybe'] }, [`q_${known.id}:unknown_option`]],
			[{ [known.id]: ['no', 'yes_used'] }, [`q_${known.id}:sv_one_answer`]],
			[{ [reasons.id]: ['content', 'bribery'] }, [`q_${reasons.id}:unknown_option`]],
			[{ [helpful.id]: ['6'] }, [`q_${helpful.id}:unknown_option`]],
			[{ [known.id]: ['no'], [wish.id]: ['x'.repeat(1001)] }, [`q_${wish.id}:too_long`]],
			[{ [known.id]: [''], [wish.id]: ['  '] }, ['form:sv_empty']]
		];
		for (const [answers, expected] of cases) expect(await refused(() => submitResponse(h.db, token, { answers, language: 'de' }))).toEqual(expected);
		await expect(submitResponse(h.db, 'no-such-token-1234', { answers: { [known.id]: ['no'] }, language: 'de' })).rejects.toThrow(NotFoundError);
		expect([await countRows(h, 'participation_survey_response'), await countRows(h, 'participation_survey_answer')]).toEqual(before);
	});

	it('stores a map answer as the social space clicked, refuses a click outside, and stores no address', async () => {
		resetThrottle();
		const s = await createSurvey(h.db, w.who.admin, { municipalityId: w.ids.k, title: { de: 'Karte' }, questions: [{ kind: 'map', text: { de: 'Wo wohnen Sie?' }, socialSpaceIds: [w.ids.s1a, w.ids.s1b] }] });
		await changeSurvey(h.db, w.who.admin, s.id, 'open');
		const [q] = await surveyQuestions(h.db, s.id);
		const [t] = await surveyAudiences(h.db, s.id);
		const { frame } = await campaignArea(h.db, q);
		const [x, y] = toPixel(frame, 7.01, 50.935);
		const sender = { address: '198.51.100.9', userAgent: 'PlantedSurveyAgent/1' };
		const form = new FormData();
		form.set(`m_${q.id}.x`, String(Math.round(x)));
		form.set(`m_${q.id}.y`, String(Math.round(y)));
		await submitResponseFromForm(h.db, t.token, form, 'ar', sender);
		const outside = new FormData();
		outside.set(`m_${q.id}.x`, '1');
		outside.set(`m_${q.id}.y`, String(frame.height + 50));
		expect(await refused(() => submitResponseFromForm(h.db, t.token, outside, 'ar', sender))).toEqual([`q_${q.id}:pa_outside_area`]);
		const rows = await h.db.execute(sql`select (select json_agg(r) from participation_survey_response r where survey_id = ${s.id})::text as r, (select json_agg(a) from participation_survey_answer a where survey_id = ${s.id})::text as a, (select json_agg(l) from audit_log l)::text as l`);
		const text = JSON.stringify((rows as unknown as { rows: unknown[] }).rows);
		expect(text).toContain(w.ids.s1b);
		expect(text).not.toContain('198.51.100.9');
		expect(text).not.toContain('PlantedSurveyAgent');
		// The clicked point's coordinates, not the digits of a timestamp such as 22:17:37.01.
		expect(text).not.toMatch(/(?<![\d:])(7\.01|50\.93)/);
	});

	it('counts the result as the responses were given, withholds small counts, and the CSV reads back the same', async () => {
		const s = await createSurveyFromTemplate(h.db, w.who.admin, w.ids.k);
		await changeSurvey(h.db, w.who.admin, s.id, 'open');
		const [known, reasons, helpful] = await surveyQuestions(h.db, s.id);
		const audiences = await surveyAudiences(h.db, s.id);
		// 12 yes_used (scale 5 ×7, 4 ×3, 3 ×1, 1 ×1), 6 yes_not_used (information ×6, content ×2), 2 no. Newcomers 17, professionals 3.
		const plan: [string, Record<string, string[]>][] = [];
		for (let i = 0; i < 12; i++) plan.push([audiences[i < 9 ? 0 : 1].token, { [known.id]: ['yes_used'], [helpful.id]: [i < 7 ? '5' : i < 10 ? '4' : i === 10 ? '3' : '1'] }]);
		for (let i = 0; i < 6; i++) plan.push([audiences[0].token, { [known.id]: ['yes_not_used'], [reasons.id]: i < 2 ? ['information', 'content'] : ['information'] }]);
		for (let i = 0; i < 2; i++) plan.push([audiences[i ? 0 : 1].token, { [known.id]: ['no'] }]);
		for (const [t, answers] of plan) await submitResponse(h.db, t, { answers, language: 'uk' });
		const r = await surveyResults(h.db, s);
		expect(r.responses).toBe(20);
		// newcomers 17, professionals 3 (below 5), volunteers 0: 3 withheld, and 17 with it, else 20 − 17 − 0 gives it back.
		expect(r.audiences).toEqual([{ key: 'newcomers', n: null }, { key: 'professionals', n: null }, { key: 'volunteers', n: 0 }]);
		const [q1, q2, q3] = r.questions;
		expect(q1.answered).toBe(20);
		// yes_used 12, yes_not_used 6, no 2 (withheld) → the smallest other (6) with it: 8 ≥ k.
		expect(q1.cells).toEqual([{ key: 'yes_used', n: 12 }, { key: 'yes_not_used', n: null }, { key: 'no', n: null }]);
		// Multiple choice: information 6, content 2 withheld, the rest 0; no complement needed.
		expect(q2.answered).toBe(6);
		expect(q2.cells).toEqual([{ key: 'no_need', n: 0 }, { key: 'organisational', n: 0 }, { key: 'content', n: null }, { key: 'competition', n: 0 }, { key: 'information', n: 6 }]);
		// Scale: 1, 3 and 4 are below k and add up to 5 = k, so no complement is needed.
		expect(q3.answered).toBe(12);
		expect(q3.cells).toEqual([{ key: '1', n: null }, { key: '2', n: 0 }, { key: '3', n: null }, { key: '4', n: null }, { key: '5', n: 7 }]);
		// The CSV holds the same numbers, empty where withheld.
		const rows = parse(await resultCsv(h.db, s, 'de'), { columns: true, bom: true }) as Record<string, string>[];
		for (const q of r.questions) {
			for (const c of q.cells) {
				const line = rows.find((x) => x.position === String(q.question.position) && x.answer_key === c.key)!;
				expect(line.count).toBe(c.n === null ? '' : String(c.n));
				expect(line.withheld).toBe(c.n === null ? 'yes' : 'no');
			}
		}
		expect(rows.filter((x) => x.kind === 'audience').map((x) => x.answer_key)).toEqual(['newcomers', 'professionals', 'volunteers']);
	});
});
