/**
 * The survey demo (issue 16 §5): in Düsseldorf, the seed 001 template opened with its result
 * public and 150 generated responses (marked as demo) — most from newcomers, the reasons for
 * non-use weighted as the research reports information deficits and organisational reasons
 * first. Drawn with a fixed seed, so every installation shows the same result. Idempotent: a
 * municipality with a demo survey is left alone. Called by `loadParticipationDemo`.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { systemPrincipal } from '../access';
import type { Db } from '../db/client';
import { findMunicipality } from '../geography/service';
import { SURVEY_LANGUAGES } from './survey-model';
import { participationSurvey, participationSurveyAnswer, participationSurveyResponse } from './survey-schema';
import { changeSurvey, surveyQuestions } from './surveys';
import { createSurveyFromTemplate, TEMPLATE_TITLE } from './survey-template';

const DEMO = systemPrincipal('demo-loader');

/** How many demo responses the survey gets. */
const DEMO_RESPONSES = 150;

/** Numbers in [0, 1) from SHA-256 over a seed and a counter, so the demo is the same everywhere (also the campaign's, `demo.ts`). */
export function random(seed: string): () => number {
	let i = 0;
	return () => createHash('sha256').update(`${seed}:${i++}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** One of `weights`' keys, drawn by weight. */
function pick(rnd: () => number, weights: Record<string, number>): string {
	const total = Object.values(weights).reduce((s, w) => s + w, 0);
	let r = rnd() * total;
	for (const [key, w] of Object.entries(weights)) if ((r -= w) < 0) return key;
	return Object.keys(weights).at(-1)!;
}

const TEXTS = ['Demo-Inhalt: Mehr Termine am Abend.', 'Demo content: more information in Arabic, please.', 'Demo-Inhalt: Der Weg ist ausgeschildert schwer zu finden.', 'Demo content: a call-back service would help.'];

/** Loads the Düsseldorf demo survey with its responses, where missing. */
export async function loadSurveyDemo(db: Db): Promise<void> {
	const d = await findMunicipality(db, 'duesseldorf');
	if (!d) return;
	const [existing] = await db.select({ id: participationSurvey.id }).from(participationSurvey).where(and(eq(participationSurvey.municipalityId, d.id), eq(participationSurvey.isDemo, true))).limit(1);
	if (existing) return;
	const title = Object.fromEntries(Object.entries(TEMPLATE_TITLE).map(([lang, text]) => [lang, `${text} (Demo)`]));
	const survey = await createSurveyFromTemplate(db, DEMO, d.id, { isDemo: true, title });
	const [known, reasons, helpful, heard, wish] = await surveyQuestions(db, survey.id);
	const rnd = random('survey-demo');
	await db.transaction(async (tx) => {
		const responses = await tx
			.insert(participationSurveyResponse)
			.values(Array.from({ length: DEMO_RESPONSES }, () => ({ surveyId: survey.id, audience: pick(rnd, { newcomers: 70, professionals: 20, volunteers: 10 }), language: SURVEY_LANGUAGES[Math.floor(rnd() * SURVEY_LANGUAGES.length)], isDemo: true })))
			.returning({ id: participationSurveyResponse.id });
		const answers: (typeof participationSurveyAnswer.$inferInsert)[] = [];
		const add = (responseId: string, questionId: string, choice: string | null, text: string | null = null) => answers.push({ responseId, surveyId: survey.id, questionId, choice, text });
		responses.forEach(({ id }, i) => {
			const k = pick(rnd, { yes_used: 45, yes_not_used: 30, no: 25 });
			add(id, known.id, k);
			if (k === 'yes_used') add(id, helpful.id, pick(rnd, { '1': 5, '2': 10, '3': 15, '4': 35, '5': 35 }));
			else {
				const chosen = Object.entries({ information: 0.5, organisational: 0.35, no_need: 0.3, content: 0.15, competition: 0.08 }).filter(([, p]) => rnd() < p);
				for (const [key] of chosen) add(id, reasons.id, key);
			}
			add(id, heard.id, k === 'no' ? 'not_heard' : pick(rnd, { friends: 40, office: 25, online: 15, flyer: 10 }));
			if (i % 30 === 0) add(id, wish.id, null, TEXTS[(i / 30) % TEXTS.length]);
		});
		await tx.insert(participationSurveyAnswer).values(answers);
	});
	await changeSurvey(db, { ...DEMO, municipalityId: d.id }, survey.id, 'open');
	await changeSurvey(db, { ...DEMO, municipalityId: d.id }, survey.id, 'publish');
}
