/**
 * The staff pages of surveys (issue 16 §3): the list with "new" and "from the seed 001
 * template"; the form of a new survey; a survey's page — its questions (editable while a draft)
 * with texts and options in every language, its audiences' links and QR codes (PNG and SVG), open
 * / close and the public result switch; the staff result with the free texts and its CSV.
 */
import QRCode from 'qrcode';
import { LANGUAGE_NAMES } from '$lib/i18n';
import type { UserPrincipal } from '../../access';
import { authorize } from '../../access';
import { NotFoundError } from '../../core/errors';
import { formList, formText } from '../../core/form';
import { publicOrigin } from '../../core/mail';
import type { Db, DbOrTx } from '../../db/client';
import { listSocialSpaces } from '../../geography/service';
import { msg } from '../../../messages';
import { AUDIENCES, QUESTION_KINDS, SURVEY_LANGUAGES, SURVEY_LIMITS, surveyText } from '../survey-model';
import { createSurveyFromTemplate } from '../survey-template';
import { changeSurvey, createSurvey, deleteQuestion, listSurveys, moveQuestion, saveQuestion, staffSurvey, surveyAudiences, surveyQuestions, surveyTexts, type QuestionInput } from '../surveys';
import { resultCsv, resultView } from './survey-results';

const languages = () => SURVEY_LANGUAGES.map((tag) => ({ tag, name: LANGUAGE_NAMES[tag] }));

/**
 * The survey list of the person's municipality.
 * @throws AccessDeniedError without `participation:surveys`.
 */
export async function surveysStaffPage(db: DbOrTx, p: UserPrincipal, locale: string) {
	const rows = await listSurveys(db, p, p.municipalityId);
	return { surveys: rows.map((s) => ({ id: s.id, title: surveyText(s.title, locale), status: msg(`sv_status_${s.status}`), resultsPublic: s.resultsPublic, isDemo: s.isDemo })) };
}

/** Creates a draft from the seed 001 template. @returns its id. @throws as `createSurvey`. */
export async function createFromTemplateForm(db: Db, p: UserPrincipal): Promise<string> {
	return (await createSurveyFromTemplate(db, p, p.municipalityId)).id;
}

/** What the form of a new survey needs. @throws AccessDeniedError without `participation:surveys`. */
export function newSurveyPage(p: UserPrincipal) {
	authorize(p, 'participation:surveys', { municipalityId: p.municipalityId });
	return { languages: languages(), k: SURVEY_LIMITS.kDefault, limits: { title: SURVEY_LIMITS.title, intro: SURVEY_LIMITS.intro } };
}

const byLanguage = (form: FormData, name: string) => Object.fromEntries(SURVEY_LANGUAGES.map((l) => [l, formText(form, `${name}.${l}`)]));

/** Creates a survey from the staff form (`title.<lang>`, `intro.<lang>`, `k`). @returns its id. @throws as `createSurvey`. */
export async function createSurveyFromForm(db: Db, p: UserPrincipal, form: FormData): Promise<string> {
	const k = formText(form, 'k');
	return (await createSurvey(db, p, { municipalityId: p.municipalityId, title: byLanguage(form, 'title'), intro: byLanguage(form, 'intro'), k: /^\d{1,3}$/.test(k) ? Number(k) : NaN })).id;
}

/** The form's values drawn again after an error. */
export function enteredForm(form: FormData): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(form.keys())) out[key] = key === 'socialSpaceIds' ? formList(form, key) : formText(form, key);
	return out;
}

/** A survey's link for one audience token. */
function surveyLink(token: string, locale: string): string {
	return `${publicOrigin()}/${locale}/survey/${token}`;
}

/**
 * A survey's page for staff: questions, the one being edited (`edit`, a question id) or an empty
 * one, the choices of the question form, the audiences' links and what may be done now.
 * @throws as `staffSurvey`.
 */
export async function surveyStaffPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string, edit: string | null) {
	const s = await staffSurvey(db, p, id);
	const [questions, audiences, spaces] = await Promise.all([surveyQuestions(db, s.id), surveyAudiences(db, s.id), listSocialSpaces(db, { municipalityId: s.municipalityId })]);
	const editing = edit ? questions.find((q) => q.id === edit) : undefined;
	const values: Record<string, string | string[]> = editing
		? {
				questionId: editing.id,
				kind: editing.kind,
				...Object.fromEntries(SURVEY_LANGUAGES.map((l) => [`text.${l}`, editing.text[l] ?? ''])),
				...Object.fromEntries(SURVEY_LANGUAGES.map((l) => [`options.${l}`, editing.options.map((o) => o.label[l] ?? '').join('\n')])),
				socialSpaceIds: editing.socialSpaceIds
			}
		: {};
	return {
		survey: { id: s.id, title: surveyText(s.title, locale), status: s.status, statusLabel: msg(`sv_status_${s.status}`), k: s.k, resultsPublic: s.resultsPublic, isDemo: s.isDemo },
		// Numbered by position, as in the results and their CSV (positions keep gaps where questions
		// were deleted); `first` / `last` say which moves make sense.
		questions: questions.map((q, i) => ({
			id: q.id,
			position: q.position,
			first: i === 0,
			last: i === questions.length - 1,
			kind: msg(`sv_kind_${q.kind}`),
			text: surveyText(q.text, locale),
			languages: Object.keys(q.text).join(', '),
			options: q.options.map((o) => surveyText(o.label, locale))
		})),
		values,
		editing: !!editing,
		kinds: QUESTION_KINDS.map((k) => ({ value: k, label: msg(`sv_kind_${k}`) })),
		languages: languages(),
		spaces: spaces.filter((x) => x.hasBoundary).map((x) => ({ value: x.id, label: x.name })),
		audiences: audiences.map((a) => ({ key: a.audience, label: msg(`sv_audience_${a.audience}`), link: surveyLink(a.token, locale), token: a.token })),
		limits: { question: SURVEY_LIMITS.question, options: SURVEY_LIMITS.optionsMax }
	};
}

/**
 * A question from the staff form: `kind`, `text.<lang>`, `options.<lang>` (one option per line,
 * line n of every language is option n), `socialSpaceIds`; an edited question keeps its option
 * keys by position.
 */
function questionFromForm(form: FormData, keys: string[]): QuestionInput {
	const lines = Object.fromEntries(SURVEY_LANGUAGES.map((l) => [l, formText(form, `options.${l}`).split(/\r?\n/).map((x) => x.trim())]));
	const n = Math.max(...Object.values(lines).map((x) => x.length));
	const used = new Set(keys);
	let next = 1;
	const freshKey = () => {
		while (used.has(`o${next}`)) next++;
		used.add(`o${next}`);
		return `o${next}`;
	};
	const options = Array.from({ length: n }, (_, i) => ({ key: keys[i] ?? freshKey(), label: Object.fromEntries(SURVEY_LANGUAGES.map((l) => [l, lines[l][i] ?? ''])) }));
	return { kind: formText(form, 'kind'), text: byLanguage(form, 'text'), options, socialSpaceIds: formList(form, 'socialSpaceIds') };
}

/** Adds or replaces (`questionId`) a question from the staff form. @throws as `saveQuestion`. */
export async function saveQuestionFromForm(db: Db, p: UserPrincipal, id: string, form: FormData): Promise<void> {
	const questionId = formText(form, 'questionId') || undefined;
	const old = questionId ? (await surveyQuestions(db, (await staffSurvey(db, p, id)).id)).find((q) => q.id === questionId) : undefined;
	await saveQuestion(db, p, id, questionFromForm(form, old?.options.map((o) => o.key) ?? []), questionId);
}

/** Removes the question `questionId` of the form. @throws as `deleteQuestion`. */
export async function deleteQuestionFromForm(db: Db, p: UserPrincipal, id: string, form: FormData): Promise<void> {
	await deleteQuestion(db, p, id, formText(form, 'questionId'));
}

/** Moves question `questionId` one place in `direction` (up, down). @throws as `moveQuestion`. */
export async function moveQuestionFromForm(db: Db, p: UserPrincipal, id: string, form: FormData): Promise<void> {
	await moveQuestion(db, p, id, formText(form, 'questionId'), formText(form, 'direction'));
}

/** Opens, closes, publishes or hides the result (`action`). @throws as `changeSurvey`. */
export async function changeSurveyFromForm(db: Db, p: UserPrincipal, id: string, form: FormData): Promise<void> {
	await changeSurvey(db, p, id, formText(form, 'action'));
}

/**
 * The QR code of an audience's link as `file` = `<audience>.png` or `<audience>.svg`.
 * @throws NotFoundError for another file name; as `staffSurvey`.
 */
export async function surveyQr(db: DbOrTx, p: UserPrincipal, id: string, file: string, locale: string): Promise<{ body: string | Uint8Array; type: string }> {
	const match = /^([a-z]+)\.(png|svg)$/.exec(file);
	if (!match || !(AUDIENCES as readonly string[]).includes(match[1])) throw new NotFoundError('file');
	const s = await staffSurvey(db, p, id);
	const audience = (await surveyAudiences(db, s.id)).find((a) => a.audience === match[1]);
	if (!audience) throw new NotFoundError('participation_survey_audience');
	const link = surveyLink(audience.token, locale);
	const options = { margin: 2, errorCorrectionLevel: 'M' as const };
	if (match[2] === 'svg') return { body: await QRCode.toString(link, { ...options, type: 'svg' }), type: 'image/svg+xml' };
	return { body: new Uint8Array(await QRCode.toBuffer(link, { ...options, type: 'png', width: 512 })), type: 'image/png' };
}

/**
 * The staff result: the chart data as the public sees it, plus the free-text answers (flagged
 * ones marked).
 * @throws as `staffSurvey`.
 */
export async function surveyResultsStaffPage(db: DbOrTx, p: UserPrincipal, id: string, locale: string) {
	const s = await staffSurvey(db, p, id);
	const [view, texts] = await Promise.all([resultView(db, s, locale), surveyTexts(db, p, s.id)]);
	return { ...view, texts: view.questions.filter((q) => q.kind === 'text').map((q) => ({ id: q.id, text: q.text, answers: texts.filter((t) => t.questionId === q.id) })) };
}

/** The staff result as CSV. @throws as `staffSurvey`. */
export async function surveyResultsCsv(db: DbOrTx, p: UserPrincipal, id: string, locale: string): Promise<string> {
	return resultCsv(db, await staffSurvey(db, p, id), locale);
}
