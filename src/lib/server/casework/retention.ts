/**
 * Löschplan job (issue 4 §5): carries out the deletion schedule of every municipality (or one)
 * at an instant `now`, with the periods of `getCaseworkSettings`:
 *
 * - **Case data** — a case that is `closed` is erased when `closed_at + caseMonthsAfterClosure`
 *   months or its `delete_after` (fixed at closure) has passed, whichever comes first; a case
 *   whose consent was `withdrawn` is erased at once (Art. 7(3), Art. 17(1)(b) GDPR). Erasing
 *   deletes the case row; the foreign keys cascade to consent, shares, steps (with their
 *   encrypted notes), notes, accompaniments and read purposes. Referrals and contacts of the
 *   case stay as anonymous statistics (`case_id` set null by the foreign key) — but the data the
 *   consent let partners see (`referral.shared_enc`) is erased first. One audit row per case
 *   (`retention.delete`, the rule only, never content).
 * - **Contact records** — every (instance, Europe/Berlin calendar month) whose month ended more
 *   than `contactDetailMonths` months before `now` is folded into `contact_aggregate` (the
 *   dimensions documented in schema.ts, per instance, district and month) and its single
 *   records are deleted — which moves the month's counts out of `contact_rollup` — in one transaction per instance-month, so a month is never half
 *   folded. Case steps pointing at them keep the step (`contact_id` set null by the foreign key).
 * - **Referral tokens** — when `expires_at` (issue + `referralTokenDays`, or the current period
 *   if shorter) has passed, `token_hash`, `reference_code` and `shared_enc` are set null and the
 *   tokens of the links sent by mail (`referral_mail`) deleted; the partner link stops resolving
 *   and the referral stays as an anonymous statistic.
 * - **Sessions** — expired sessions (and with them their case read purposes) are purged.
 *
 * Memory: everything is set-based SQL in bounded batches (`BATCH`), no table is read into
 * JavaScript. Concurrency: every writing transaction takes one advisory lock, so two runs (the
 * server's job and the command line on a PostgreSQL server) never fold the same month twice.
 * Legal basis: Art. 5(1)(e) (storage limitation) and Art. 17 GDPR; docs/retention.md.
 */
import { sql, type SQL } from 'drizzle-orm';
import { actingUserId, authorize, systemPrincipal, type Principal } from '../access';
import { purgeExpired } from '../accounts/sessions';
import { auditInsertFrom } from '../audit/casework-reads';
import { recordAudit } from '../audit/service';
import { isUuid } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { findMunicipalityById, listMunicipalities } from '../geography/service';
import { getCaseworkSettings, type CaseworkSettings } from './settings';

/** Cases or referrals handled per transaction. */
const BATCH = 500;
/** Referral rows cleared per statement. */
const REFERRAL_BATCH = 5000;
/** Advisory lock key (arbitrary constant) serialising the writing transactions of all runs. */
const LOCK_KEY = 4_202_605;
/** Actor label of audit rows written by the job. */
const RETENTION_ACTOR = 'retention';
/** Who runs the schedule for the server's job and the command line: the system, named `retention`. */
export const RETENTION_PRINCIPAL = systemPrincipal(RETENTION_ACTOR);

/** What one run did (or, on a dry run, would do) in one municipality. */
export interface MunicipalityRetention {
	municipalityId: string;
	slug: string;
	/** The periods applied. */
	settings: CaseworkSettings;
	/** Erased cases by rule: `closed` (period after closure), `withdrawn`, `delete_after` (date fixed earlier). */
	cases: { closed: number; withdrawn: number; deleteAfter: number };
	/** Single contact records folded into aggregates and deleted. */
	contactsFolded: number;
	/** (instance, month) pairs folded. */
	monthsFolded: number;
	/** Referrals whose token, reference code and shared data were erased. */
	referralTokensErased: number;
}

/** Result of `runRetention`. */
export interface RetentionReport {
	/** The instant the schedule was applied at (ISO 8601). */
	now: string;
	dryRun: boolean;
	municipalities: MunicipalityRetention[];
	/** Expired sessions purged (not on dry runs). */
	sessionsPurged: number;
	durationMs: number;
}

/** Options of a run. */
export interface RetentionOptions {
	/** The instant to apply the schedule at (default: the current time); tests and testers move the clock with it. */
	now?: Date;
	/** Only this municipality (default: all). */
	municipalityId?: string;
	/** Count what would be deleted, change nothing, write no audit rows. */
	dryRun?: boolean;
}

function rowsOf<T>(result: unknown): T[] {
	return (result as { rows: T[] }).rows;
}

/**
 * Condition on `case_file` for cases due for erasure, and the rule label written to the audit
 * log: `withdrawn`, `closed+<months>m` (the period after closure) or `delete_after` (the date
 * fixed at closure came first).
 */
function dueCases(municipalityId: string, now: Date, months: number): { where: SQL; rule: SQL } {
	const periodOver = sql`case_file.closed_at + make_interval(months => ${months}::int) <= ${now.toISOString()}::timestamptz`;
	return {
		where: sql`case_file.municipality_id = ${municipalityId}::uuid and (
			case_file.status = 'withdrawn'
			or (case_file.status = 'closed' and (case_file.delete_after <= ${now.toISOString()}::timestamptz or ${periodOver}))
		)`,
		rule: sql`case when case_file.status = 'withdrawn' then 'withdrawn' when ${periodOver} then ${`closed+${months}m`}::text else 'delete_after' end`
	};
}

/** Start of the first Europe/Berlin month that is still kept in detail at `now`. */
async function contactCutoff(db: DbOrTx, now: Date, detailMonths: number): Promise<string> {
	const [row] = rowsOf<{ cutoff: string }>(
		await db.execute(
			sql`select to_char((date_trunc('month', (${now.toISOString()}::timestamptz at time zone 'Europe/Berlin') - make_interval(months => ${detailMonths}::int)) at time zone 'Europe/Berlin') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as cutoff`
		)
	);
	return row.cutoff;
}

/** Bounds of an instance-month `month` (YYYY-MM-01, Europe/Berlin) on `counselling_contact`. */
function inMonth(instanceId: string, month: string): SQL {
	return sql`c.instance_id = ${instanceId}::uuid
		and c.contacted_at >= (${month}::date::timestamp at time zone 'Europe/Berlin')
		and c.contacted_at < ((${month}::date + interval '1 month')::timestamp at time zone 'Europe/Berlin')`;
}

/**
 * Folds one instance-month into `contact_aggregate` and deletes its single records, in one
 * transaction. The dimensions are those of the SQL function `contact_dimensions` (migration
 * `0020_contact_rollup_triggers`); deleting the records lowers `contact_rollup` by the same counts (its trigger),
 * so the month's counts move from the roll-up to the aggregate and are never counted twice. Aggregates already present for that instance-month (a contact recorded late
 * into a folded month) are merged, so the month stays in one place.
 * @returns the number of single records folded.
 */
async function foldMonth(db: Db, instanceId: string, month: string): Promise<number> {
	return db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
		await tx.execute(sql`
			with old as (
				delete from contact_aggregate a where a.instance_id = ${instanceId}::uuid and a.month = ${month}::date
				returning a.municipality_id, a.district_id, a.dimension, a.value, a.count
			), fresh as (
				select c.municipality_id, c.district_id, d.dimension, d.value, count(*)::int as count
				from counselling_contact c
				cross join lateral contact_dimensions(c.channel, c.language, c.interpreter_needed, c.theme_fields, c.sub_topics, c.unmet_topics, c.social_space_id, c.attributes) d
				where ${inMonth(instanceId, month)}
				group by c.municipality_id, c.district_id, d.dimension, d.value
			)
			insert into contact_aggregate (municipality_id, instance_id, district_id, month, dimension, value, count)
			select municipality_id, ${instanceId}::uuid, district_id, ${month}::date, dimension, value, sum(count)::int
			from (select * from old union all select * from fresh) x
			group by municipality_id, district_id, dimension, value`);
		const deleted = rowsOf<{ n: number }>(
			await tx.execute(sql`with gone as (delete from counselling_contact c where ${inMonth(instanceId, month)} returning 1) select count(*)::int as n from gone`)
		);
		return deleted[0].n;
	});
}

async function foldContacts(db: Db, municipalityId: string, now: Date, settings: CaseworkSettings, dryRun: boolean) {
	const cutoff = await contactCutoff(db, now, settings.contactDetailMonths);
	const months = rowsOf<{ instance_id: string; month: string; n: number }>(
		await db.execute(sql`
			select c.instance_id, to_char(date_trunc('month', c.contacted_at at time zone 'Europe/Berlin'), 'YYYY-MM-DD') as month, count(*)::int as n
			from counselling_contact c
			where c.municipality_id = ${municipalityId}::uuid and c.contacted_at < ${cutoff}::timestamptz
			group by 1, 2 order by 2, 1`)
	);
	let contacts = 0;
	for (const m of months) contacts += dryRun ? m.n : await foldMonth(db, m.instance_id, m.month);
	return { contactsFolded: contacts, monthsFolded: months.length };
}

async function eraseCases(db: Db, municipalityId: string, now: Date, settings: CaseworkSettings, dryRun: boolean) {
	const due = dueCases(municipalityId, now, settings.caseMonthsAfterClosure);
	const counts = { closed: 0, withdrawn: 0, deleteAfter: 0 };
	const add = (rows: { rule: string; n: number }[]) => {
		for (const r of rows) counts[r.rule === 'withdrawn' ? 'withdrawn' : r.rule === 'delete_after' ? 'deleteAfter' : 'closed'] += r.n;
	};
	if (dryRun) {
		add(rowsOf(await db.execute(sql`select ${due.rule} as rule, count(*)::int as n from case_file where ${due.where} group by 1`)));
		return counts;
	}
	for (;;) {
		const batch = await db.transaction(async (tx) => {
			await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
			const ids = rowsOf<{ id: string }>(await tx.execute(sql`select id from case_file where ${due.where} order by id limit ${BATCH}`)).map((r) => r.id);
			if (!ids.length) return 0;
			const idList = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
			await tx.execute(sql`update referral set shared_enc = null where case_id in (${idList}) and shared_enc is not null`);
			const logged = auditInsertFrom(sql`
				select ${RETENTION_ACTOR}, case_file.municipality_id, 'retention.delete', 'case', case_file.id::text,
					jsonb_build_object('rule', jsonb_build_array(null, ${due.rule}))
				from case_file where case_file.id in (${idList})`);
			const rules = rowsOf<{ rule: string; n: number }>(
				await tx.execute(sql`with logged as (${logged}) select changes->'rule'->>1 as rule, count(*)::int as n from logged group by 1`)
			);
			await tx.execute(sql`delete from case_file where id in (${idList})`);
			add(rules);
			return ids.length;
		});
		if (batch < BATCH) return counts;
	}
}

async function eraseReferralTokens(db: Db, municipalityId: string, now: Date, settings: CaseworkSettings, dryRun: boolean) {
	const where = sql`r.municipality_id = ${municipalityId}::uuid
		and (r.token_hash is not null or r.reference_code is not null or r.shared_enc is not null)
		and (r.expires_at <= ${now.toISOString()}::timestamptz
			or r.created_at + make_interval(days => ${settings.referralTokenDays}::int) <= ${now.toISOString()}::timestamptz)`;
	if (dryRun) return rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from referral r where ${where}`))[0].n;
	let total = 0;
	for (;;) {
		const n = await db.transaction(async (tx) => {
			await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
			const [row] = rowsOf<{ n: number }>(
				await tx.execute(sql`
					with cleared as (
						update referral set token_hash = null, reference_code = null, shared_enc = null
						where id in (select r.id from referral r where ${where} limit ${REFERRAL_BATCH})
						returning id
					), mailed as (
						-- The tokens of the links sent by mail go with the referral's own.
						delete from referral_mail where referral_id in (select id from cleared)
					) select count(*)::int as n from cleared`)
			);
			return row.n;
		});
		total += n;
		if (n < REFERRAL_BATCH) return total;
	}
}

/**
 * Applies the Löschplan at `options.now` (see the module comment) and reports counts per
 * category and municipality. Each municipality's writes are audited: one `retention.delete`
 * row per erased case (rule only, actor `retention`) and one `retention.run` summary row
 * (counts only, actor `retention` and the person who started the run, if one did).
 * An unknown `municipalityId` yields an empty report.
 * @param principal the schedule and the command line act as `systemPrincipal('retention')`; an
 *   administrator's "run now" needs `casework:configure` on every municipality it covers.
 * @throws AccessDeniedError before anything is done; database errors (batches committed before
 *   stay committed: each is complete in itself).
 */
export async function runRetention(db: Db, principal: Principal, options: RetentionOptions = {}): Promise<RetentionReport> {
	const started = performance.now();
	const now = options.now ?? new Date();
	const dryRun = options.dryRun ?? false;
	const municipalities = options.municipalityId
		? [isUuid(options.municipalityId) ? await findMunicipalityById(db, options.municipalityId) : null].filter((m) => m !== null)
		: (await listMunicipalities(db)).sort((a, b) => a.slug.localeCompare(b.slug));
	for (const m of municipalities) authorize(principal, 'casework:configure', { municipalityId: m.id });
	const report: RetentionReport = { now: now.toISOString(), dryRun, municipalities: [], sessionsPurged: 0, durationMs: 0 };
	for (const m of municipalities) {
		const settings = await getCaseworkSettings(db, m.id);
		const cases = await eraseCases(db, m.id, now, settings, dryRun);
		const contacts = await foldContacts(db, m.id, now, settings, dryRun);
		const referralTokensErased = await eraseReferralTokens(db, m.id, now, settings, dryRun);
		const result: MunicipalityRetention = { municipalityId: m.id, slug: m.slug, settings, cases, ...contacts, referralTokensErased };
		report.municipalities.push(result);
		if (!dryRun) {
			await recordAudit(db, {
				actorUserId: actingUserId(principal),
				actorLabel: RETENTION_ACTOR,
				municipalityId: m.id,
				action: 'retention.run',
				entityType: 'municipality',
				entityId: m.id,
				changes: {
					now: [null, report.now],
					casesClosed: [null, cases.closed],
					casesWithdrawn: [null, cases.withdrawn],
					casesDeleteAfter: [null, cases.deleteAfter],
					contactsFolded: [null, contacts.contactsFolded],
					monthsFolded: [null, contacts.monthsFolded],
					referralTokensErased: [null, referralTokensErased]
				}
			});
		}
	}
	if (!dryRun) report.sessionsPurged = await purgeExpired(db);
	report.durationMs = Math.round(performance.now() - started);
	return report;
}

/** One line per municipality and category, for the command line and logs (counts only). */
export function formatRetentionReport(report: RetentionReport): string {
	const lines = [`retention ${report.dryRun ? 'dry run' : 'run'} at ${report.now} (${report.durationMs} ms)`];
	for (const m of report.municipalities) {
		lines.push(
			`  ${m.slug}: cases erased ${m.cases.closed + m.cases.withdrawn + m.cases.deleteAfter} (closed+${m.settings.caseMonthsAfterClosure}m ${m.cases.closed}, withdrawn ${m.cases.withdrawn}, delete_after ${m.cases.deleteAfter}); ` +
				`contacts folded ${m.contactsFolded} in ${m.monthsFolded} instance-month(s) (detail ${m.settings.contactDetailMonths}m); ` +
				`referral tokens erased ${m.referralTokensErased} (${m.settings.referralTokenDays}d)`
		);
	}
	if (!report.dryRun) lines.push(`  expired sessions purged: ${report.sessionsPurged}`);
	return lines.join('\n');
}
