/**
 * Retention benchmark (issue 4, "Performance"): run time and memory of the Löschplan job
 * (`runRetention`) over 1,000,000 counselling contacts and 50,000 cases, half of them past
 * deletion.
 *
 * Two phases, each its own process so the measured one holds nothing but the job:
 * - `--prepare`: opens and migrates the database, loads the demo (for the municipality), and —
 *   unless the municipality already holds that many contacts — generates the casework data with
 *   `generateCasework` (bench/casework-data.ts). Then picks the instant `now` at which half the
 *   cases are due (withdrawn ones are always due; then closed ones by due date; all closed and
 *   withdrawn ones if they are fewer than half) and writes it to `--state`.
 * - `--run`: reads `--state`, counts what is due, runs `runRetention` for that municipality at
 *   that instant, and reports run time, the resident set size before and its peak during the run
 *   (sampled every 20 ms, plus the process's maxRSS), and the counts. The database server's own
 *   memory on PostgreSQL is not included; on PGlite the database lives in this process, so it is.
 *
 * Usage: tsx bench/retention.ts --prepare --state FILE [--municipality koeln] [--contacts 1000000]
 *          [--cases 50000] [--referrals 100000] [--seed 1]
 *        tsx bench/retention.ts --run --state FILE [--out result.json]
 * Reads DATABASE_URL or DATA_DIR like the server. The job deletes data: run it after benchmarks
 * that read the same casework data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { RETENTION_PRINCIPAL, runRetention } from '../src/lib/server/casework/retention';
import { getCaseworkSettings } from '../src/lib/server/casework/settings';
import { readConfig } from '../src/lib/server/core/config';
import { migrateDatabase, openDatabase, type Db } from '../src/lib/server/db/client';
import { loadDemo } from '../src/lib/server/demo/load';
import { requireMunicipality } from '../src/lib/server/geography/service';
import { generateCasework } from './casework-data';

const { values } = parseArgs({
	options: {
		prepare: { type: 'boolean' },
		run: { type: 'boolean' },
		state: { type: 'string' },
		out: { type: 'string' },
		municipality: { type: 'string', default: 'koeln' },
		contacts: { type: 'string', default: '1000000' },
		cases: { type: 'string', default: '50000' },
		referrals: { type: 'string', default: '100000' },
		seed: { type: 'string', default: '1' }
	}
});

interface State {
	municipalityId: string;
	slug: string;
	now: string;
	contacts: number;
	cases: number;
}

function rowsOf<T>(result: unknown): T[] {
	return (result as { rows: T[] }).rows;
}

async function count(db: Db, query: ReturnType<typeof sql>): Promise<number> {
	return rowsOf<{ n: number }>(await db.execute(query))[0].n;
}

/** The instant at which half of all cases of the municipality are due (see the module comment). */
async function halfDueInstant(db: Db, municipalityId: string, months: number): Promise<string> {
	const total = await count(db, sql`select count(*)::int as n from case_file where municipality_id = ${municipalityId}::uuid`);
	const [row] = rowsOf<{ due: string | null }>(
		await db.execute(sql`
			with due as (
				select case when status = 'withdrawn' then '-infinity'::timestamptz
					else least(coalesce(delete_after, 'infinity'::timestamptz), closed_at + make_interval(months => ${months}::int)) end as at
				from case_file where municipality_id = ${municipalityId}::uuid and status in ('closed', 'withdrawn')
			)
			select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as due from due order by at
			offset greatest(0, least((select count(*) from due), ${Math.ceil(total / 2)}::int) - 1) limit 1`)
	);
	return row?.due || new Date().toISOString();
}

async function prepare(db: Db, statePath: string): Promise<void> {
	await loadDemo(db);
	const m = await requireMunicipality(db, values.municipality!);
	const wanted = { contacts: Number(values.contacts), cases: Number(values.cases), referrals: Number(values.referrals) };
	const present = await count(db, sql`select count(*)::int as n from counselling_contact where municipality_id = ${m.id}::uuid`);
	if (present < wanted.contacts) {
		const t0 = performance.now();
		await generateCasework(db, { municipalitySlug: m.slug, ...wanted, seed: Number(values.seed) });
		console.log(`  casework data generated in ${Math.round((performance.now() - t0) / 1000)} s`);
	}
	const settings = await getCaseworkSettings(db, m.id);
	const state: State = {
		municipalityId: m.id,
		slug: m.slug,
		now: await halfDueInstant(db, m.id, settings.caseMonthsAfterClosure),
		contacts: await count(db, sql`select count(*)::int as n from counselling_contact where municipality_id = ${m.id}::uuid`),
		cases: await count(db, sql`select count(*)::int as n from case_file where municipality_id = ${m.id}::uuid`)
	};
	writeFileSync(statePath, JSON.stringify(state));
}

async function run(db: Db, state: State) {
	const now = new Date(state.now);
	const due = (await runRetention(db, RETENTION_PRINCIPAL, { now, municipalityId: state.municipalityId, dryRun: true })).municipalities[0];
	const mb = (bytes: number) => Math.round(bytes / 1048576);
	const rssBefore = process.memoryUsage.rss();
	let peak = rssBefore;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage.rss());
	}, 20);
	const t0 = performance.now();
	const report = await runRetention(db, RETENTION_PRINCIPAL, { now, municipalityId: state.municipalityId });
	const ms = Math.round(performance.now() - t0);
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage.rss());
	const done = report.municipalities[0];
	const result = {
		municipality: state.slug,
		now: state.now,
		contacts: state.contacts,
		cases: state.cases,
		due: { cases: due.cases, contacts: due.contactsFolded, months: due.monthsFolded, referralTokens: due.referralTokensErased },
		done: { cases: done.cases, contacts: done.contactsFolded, months: done.monthsFolded, referralTokens: done.referralTokensErased },
		runMs: ms,
		rssBeforeMb: mb(rssBefore),
		rssPeakMb: mb(peak),
		maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
		aggregateRows: await count(db, sql`select count(*)::int as n from contact_aggregate where municipality_id = ${state.municipalityId}::uuid`),
		contactsLeft: await count(db, sql`select count(*)::int as n from counselling_contact where municipality_id = ${state.municipalityId}::uuid`)
	};
	const erased = done.cases.closed + done.cases.withdrawn + done.cases.deleteAfter;
	console.log(
		`  retention job (${state.slug}, ${state.contacts} contacts, ${state.cases} cases, now ${state.now}): ${ms} ms; ` +
			`${erased} cases erased, ${done.contactsFolded} contacts folded in ${done.monthsFolded} instance-months, ${done.referralTokensErased} tokens erased; ` +
			`RSS ${result.rssBeforeMb} MB before, peak ${result.rssPeakMb} MB (maxRSS ${result.maxRssMb} MB)`
	);
	return result;
}

if (!values.state || values.prepare === values.run) {
	console.error('usage: tsx bench/retention.ts (--prepare | --run) --state FILE [options]');
	process.exit(2);
}
const config = readConfig();
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
try {
	await migrateDatabase(handle);
	if (values.prepare) await prepare(handle.db, values.state);
	else {
		const result = await run(handle.db, JSON.parse(readFileSync(values.state, 'utf8')) as State);
		if (values.out) writeFileSync(values.out, JSON.stringify(result));
	}
} finally {
	await handle.close();
}
