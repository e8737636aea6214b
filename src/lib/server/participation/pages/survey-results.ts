/**
 * A survey's result as pages, charts and the CSV draw it (issue 16 §3), shared by the public and
 * the staff result: per question its rows (label, count or withheld) and the bar lengths of the
 * server-drawn SVG chart, in the reader's language. Counts come only from `surveyResults`, so
 * every output withholds the same small counts.
 */
import { msg } from '../../../messages';
import { spreadsheetCsv } from '../../core/csv';
import type { DbOrTx } from '../../db/client';
import { listSocialSpaceNames } from '../../geography/service';
import { SCALE, surveyText } from '../survey-model';
import { surveyResults, type QuestionRow, type SurveyRow } from '../surveys';

/** Width in pixels of the longest bar of a chart. */
const BAR_MAX = 240;

/** The label of each possible answer of a question, by its key. */
async function answerLabels(db: DbOrTx, q: QuestionRow, locale: string): Promise<Map<string, string>> {
	if (q.kind === 'scale') return new Map(SCALE.map((v) => [v, v]));
	if (q.kind === 'map') return new Map((await listSocialSpaceNames(db, q.socialSpaceIds)).map((s) => [s.id, s.name]));
	return new Map(q.options.map((o) => [o.key, surveyText(o.label, locale)]));
}

/**
 * The result of a survey for a page: title, k, responses in total and per audience, and per
 * question its rows with count (null = withheld) and bar width.
 */
export async function resultView(db: DbOrTx, s: SurveyRow, locale: string) {
	const r = await surveyResults(db, s);
	const questions = await Promise.all(
		r.questions.map(async ({ question: q, answered, cells }) => {
			const labels = await answerLabels(db, q, locale);
			const max = Math.max(1, ...cells.map((c) => c.n ?? 0));
			return {
				id: q.id,
				position: q.position,
				text: surveyText(q.text, locale),
				kind: q.kind,
				kindLabel: msg(`sv_kind_${q.kind}`),
				answered,
				rows: cells.map((c) => ({ key: c.key, label: labels.get(c.key) ?? c.key, n: c.n, width: c.n === null ? 0 : Math.round((c.n / max) * BAR_MAX) }))
			};
		})
	);
	return {
		survey: { id: s.id, title: surveyText(s.title, locale) },
		k: r.k,
		responses: r.responses,
		audiences: r.audiences.map((a) => ({ key: a.key, label: msg(`sv_audience_${a.key}`), n: a.n })),
		questions
	};
}

/**
 * The result as CSV (comma, BOM, CRLF): one line per answer of every question — position,
 * question, kind, answer key, answer, count (empty when withheld), withheld (yes/no) — after one
 * line per audience (position 0). Withheld counts stay empty, as on the page.
 */
export async function resultCsv(db: DbOrTx, s: SurveyRow, locale: string): Promise<string> {
	const v = await resultView(db, s, locale);
	const rows: (string | number | null)[][] = [['position', 'question', 'kind', 'answer_key', 'answer', 'count', 'withheld']];
	for (const a of v.audiences) rows.push([0, msg('sv_audiences_title'), 'audience', a.key, a.label, a.n, a.n === null ? 'yes' : 'no']);
	for (const q of v.questions) for (const row of q.rows) rows.push([q.position, q.text, q.kind, row.key, row.label, row.n, row.n === null ? 'yes' : 'no']);
	return spreadsheetCsv(rows, ',');
}
