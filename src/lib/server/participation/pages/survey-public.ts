/**
 * The public pages of a survey (issue 16 §3): answering through an audience's link without an
 * account and without JavaScript — a map question is an `<input type="image">` (the click sends
 * the form with the point) with a list of its areas as the way without a pointer — the map image,
 * and the result once staff published it. The browser's address only feeds the in-memory
 * throttle; nothing of it is stored.
 */
import { NotFoundError } from '../../core/errors';
import { formText } from '../../core/form';
import type { Db, DbOrTx } from '../../db/client';
import { msg } from '../../../messages';
import { campaignMapSvg, drawCampaignAreas } from '../map';
import { SCALE, SURVEY_LIMITS, surveyText } from '../survey-model';
import { countSubmission } from '../throttle';
import { campaignArea } from '../campaigns';
import { submitResponse, surveyByToken, surveyQuestions, type ResponseInput } from '../surveys';
import type { Sender } from './public';
import { resultView } from './survey-results';

/**
 * The answering page of an audience's link: the survey's texts and questions in the reader's
 * language (else German), with choices, and the map size of map questions.
 * @throws NotFoundError for an unknown token.
 */
export async function surveyAnswerPage(db: DbOrTx, token: string, locale: string) {
	const { survey: s, audience } = await surveyByToken(db, token);
	const questions = await surveyQuestions(db, s.id);
	return {
		survey: { title: surveyText(s.title, locale), intro: surveyText(s.intro, locale), open: s.status === 'open', resultsPublic: s.resultsPublic },
		audience: msg(`sv_audience_${audience.audience}`),
		questions: await Promise.all(
			questions.map(async (q) => {
				const map = q.kind === 'map' ? await campaignArea(db, q) : null;
				return {
					id: q.id,
					kind: q.kind,
					text: surveyText(q.text, locale),
					choices: q.kind === 'scale' ? SCALE.map((v) => ({ value: v, label: v })) : map ? map.areas.map((a) => ({ value: a.id, label: a.label })) : q.options.map((o) => ({ value: o.key, label: surveyText(o.label, locale) })),
					map: map && { width: map.frame.width, height: map.frame.height }
				};
			})
		),
		textMax: SURVEY_LIMITS.answerText
	};
}

/** The answers of the form: every `q_<id>` field, and the clicks of map images (`m_<id>.x`, `m_<id>.y`). */
function responseFromForm(form: FormData, locale: string): ResponseInput {
	const answers: Record<string, string[]> = {};
	const clicks: Record<string, { x: string; y: string }> = {};
	for (const key of new Set(form.keys())) {
		if (key.startsWith('q_')) answers[key.slice(2)] = form.getAll(key).map((v) => (typeof v === 'string' ? v : ''));
		const click = /^m_(.+)\.x$/.exec(key);
		if (click) clicks[click[1]] = { x: formText(form, key), y: formText(form, `m_${click[1]}.y`) };
	}
	return { answers, clicks, language: locale };
}

/**
 * A response sent by the answering form.
 * @throws as `countSubmission` and `submitResponse`.
 */
export async function submitResponseFromForm(db: Db, token: string, form: FormData, locale: string, sender: Sender): Promise<void> {
	await surveyByToken(db, token);
	countSubmission(sender.address, sender.userAgent);
	await submitResponse(db, token, responseFromForm(form, locale));
}

/** The answering form's values drawn again after an error (`q_<id>` → its values). */
export function enteredAnswers(form: FormData): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const key of new Set(form.keys())) if (key.startsWith('q_')) out[key] = form.getAll(key).map((v) => (typeof v === 'string' ? v : ''));
	return out;
}

/**
 * The map image of a map question (its areas with their names).
 * @throws NotFoundError for an unknown token or question.
 */
export async function surveyMapImage(db: DbOrTx, token: string, questionId: string, locale: string): Promise<string> {
	const { survey } = await surveyByToken(db, token);
	const q = (await surveyQuestions(db, survey.id)).find((x) => x.id === questionId && x.kind === 'map');
	if (!q) throw new NotFoundError('participation_survey_question');
	const map = drawCampaignAreas((await campaignArea(db, q)).areas);
	if (!map) throw new NotFoundError('boundary');
	return campaignMapSvg(map, surveyText(q.text, locale));
}

/**
 * The public result of a survey whose result staff published, reached through any of its links.
 * @throws NotFoundError for an unknown token or a result not published.
 */
export async function surveyPublicResultsPage(db: DbOrTx, token: string, locale: string) {
	const { survey } = await surveyByToken(db, token);
	if (!survey.resultsPublic) throw new NotFoundError('participation_survey');
	return resultView(db, survey, locale);
}
