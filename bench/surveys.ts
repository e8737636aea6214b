/**
 * Survey benchmark (issue 16 "Performance: survey results over 50,000 responses"), in-process:
 * the demo, then a Düsseldorf survey from the seed 001 template with `--responses` (50,000)
 * generated responses (`generate_series`; every response answers the first question, non-users
 * one or two reasons, users the scale, everyone the source; about 4.5 answers each), then
 * `surveyResults` (the grouped counts with suppression the public and staff result, chart and
 * CSV call) p50/p95 over `--iterations` runs after one warm-up. Writes the demo survey's token so
 * the pages can be weighed.
 *
 * With `--weigh <origin> --token <token>` instead: the gzip weight (HTML and its stylesheets) of
 * the answering page (de, ar) and the public result page of that survey on a running server
 * (budget 30 KB).
 *
 * Usage: tsx bench/surveys.ts [--responses 50000] [--iterations 20] [--out result.json]
 *        tsx bench/surveys.ts --weigh http://127.0.0.1:3000 --token <token>
 * Reads DATABASE_URL or DATA_DIR like the server (an empty database is best; the demo is loaded).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';

const { values: args } = parseArgs({ options: { responses: { type: 'string', default: '50000' }, iterations: { type: 'string', default: '20' }, out: { type: 'string' }, weigh: { type: 'string' }, token: { type: 'string' } } });

/** gzip bytes of a page's HTML and of its stylesheets. */
async function weigh(origin: string, path: string): Promise<{ path: string; status: number; htmlGzip: number; cssGzip: number; total: number }> {
	const res = await fetch(new URL(path, origin));
	const html = await res.text();
	const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]);
	const cssBytes = await Promise.all(css.map(async (href) => gzipSync(Buffer.from(await (await fetch(new URL(href, origin))).text())).length));
	const htmlGzip = gzipSync(Buffer.from(html)).length;
	const cssGzip = cssBytes.reduce((s, n) => s + n, 0);
	return { path, status: res.status, htmlGzip, cssGzip, total: htmlGzip + cssGzip };
}

if (args.weigh) {
	const pages = [`/de/survey/${args.token}`, `/ar/survey/${args.token}`, `/de/survey/${args.token}/results`, `/ar/survey/${args.token}/results`];
	for (const p of pages) {
		const w = await weigh(args.weigh, p);
		console.log(`survey page ${w.path.replace(args.token!, '<token>')}: ${w.status}, HTML ${w.htmlGzip} B + CSS ${w.cssGzip} B gzip = ${w.total} B (budget 30720 B)`);
	}
} else {
	const { systemPrincipal } = await import('../src/lib/server/access');
	const { readConfig } = await import('../src/lib/server/core/config');
	const { migrateDatabase, openDatabase } = await import('../src/lib/server/db/client');
	const { loadDemo } = await import('../src/lib/server/demo/load');
	const { findMunicipality } = await import('../src/lib/server/geography/service');
	const { createSurveyFromTemplate } = await import('../src/lib/server/participation/survey-template');
	const { changeSurvey, listSurveys, surveyAudiences, surveyQuestions, surveyResults } = await import('../src/lib/server/participation/surveys');
	const { timeRuns } = await import('./timing');
	const RESPONSES = Number(args.responses);
	const config = readConfig();
	const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, command: 'bench surveys' });
	await migrateDatabase(handle);
	const db = handle.db;
	await loadDemo(db);
	const d = await findMunicipality(db, 'duesseldorf');
	if (!d) throw new Error('the Düsseldorf demo is missing');
	const bench = { ...systemPrincipal('bench'), municipalityId: d.id };
	const demo = (await listSurveys(db, bench, d.id)).find((s) => s.isDemo);
	if (!demo) throw new Error('the demo survey is missing');
	const survey = await createSurveyFromTemplate(db, bench, d.id, { isDemo: true, title: { de: `Bench ${RESPONSES}` } });
	const [known, reasons, helpful, heard] = await surveyQuestions(db, survey.id);
	const t0 = performance.now();
	await db.execute(sql`insert into participation_survey_response (survey_id, audience, language, is_demo)
		select ${survey.id}::uuid, (array['newcomers','professionals','volunteers'])[1 + g % 3], (array['de','en','ar','fa','uk','tr','ru'])[1 + g % 7], true from generate_series(1, ${RESPONSES}) g`);
	const r = sql`participation_survey_response r where r.survey_id = ${survey.id}::uuid`;
	const h = (salt: string, n: number) => sql.raw(`(abs(hashtext(r.id::text || '${salt}')) % ${n})`);
	await db.execute(sql`insert into participation_survey_answer (response_id, survey_id, question_id, choice)
		select r.id, r.survey_id, ${known.id}::uuid, (array['yes_used','yes_not_used','no'])[1 + ${h('k', 3)}] from ${r}`);
	await db.execute(sql`insert into participation_survey_answer (response_id, survey_id, question_id, choice)
		select a.response_id, a.survey_id, ${helpful.id}::uuid, (1 + abs(hashtext(a.response_id::text || 's')) % 5)::text from participation_survey_answer a where a.question_id = ${known.id}::uuid and a.choice = 'yes_used'`);
	await db.execute(sql`insert into participation_survey_answer (response_id, survey_id, question_id, choice)
		select distinct a.response_id, a.survey_id, ${reasons.id}::uuid, x.reason from participation_survey_answer a
		cross join lateral (select (array['no_need','organisational','content','competition','information'])[1 + abs(hashtext(a.response_id::text || i::text)) % 5] as reason from generate_series(1, 1 + abs(hashtext(a.response_id::text)) % 2) i) x
		where a.question_id = ${known.id}::uuid and a.choice <> 'yes_used'`);
	await db.execute(sql`insert into participation_survey_answer (response_id, survey_id, question_id, choice)
		select r.id, r.survey_id, ${heard.id}::uuid, (array['friends','office','online','flyer','not_heard'])[1 + ${h('h', 5)}] from ${r}`);
	await db.execute(sql`analyze participation_survey_answer`);
	await db.execute(sql`analyze participation_survey_response`);
	const generateMs = Math.round(performance.now() - t0);
	await changeSurvey(db, bench, survey.id, 'open');
	const timing = await timeRuns(Number(args.iterations), () => surveyResults(db, survey));
	const result = await surveyResults(db, survey);
	const [{ n: answers }] = ((await db.execute(sql`select count(*)::int as n from participation_survey_answer where survey_id = ${survey.id}::uuid`)) as unknown as { rows: { n: number }[] }).rows;
	const token = (await surveyAudiences(db, demo.id))[0].token;
	const out = { database: config.databaseUrl ? 'postgres' : 'pglite', responses: result.responses, answers, generateMs, results: timing, demoSurveyToken: token };
	console.log(`surveys (${out.database}): ${RESPONSES} responses (${answers} answers) generated in ${generateMs} ms; surveyResults p50 ${timing.p50} ms, p95 ${timing.p95} ms (n=${timing.n})`);
	if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 2));
	await handle.close();
}
