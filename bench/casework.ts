/**
 * Lotsen benchmark (issue 4 "Performance"): server time of
 * - recording a contact (`recordContact`, every fourth with a referral): p50/p95 over 200 records;
 *   on PGlite measured twice, with fsync on (how the app runs, issue 11 §7) and, reopened, with
 *   fsync off (PGlite's own default), so the cost of durable commits shows;
 * - the monthly report of a Stadtbezirk (`buildReport`, as the municipality administrator, with
 *   suppression): p50/p95 over the 12 months × `--iterations`, on the busiest district — budget
 *   ≤ 300 ms on PostgreSQL at 1,000,000 contacts and 100,000 referrals;
 * - for comparison, an instance month and the municipality year.
 * Timed in-process, database round trips included. The demo is loaded first (Düsseldorf, its
 * Welcome Points and accounts), then `generateCasework` fills Düsseldorf.
 *
 * Usage: tsx bench/casework.ts [--contacts 1000000] [--referrals 100000] [--cases 50000]
 *   [--iterations 5] [--seed 4] [--skip-generate] [--out result.json]
 * Reads DATABASE_URL or DATA_DIR like the server.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { recordContact } from '../src/lib/server/casework/contacts';
import { buildReport, type ReportPeriod } from '../src/lib/server/casework/statistics';
import { readConfig } from '../src/lib/server/core/config';
import { migrateDatabase, openDatabase, type Db } from '../src/lib/server/db/client';
import { loadDemo } from '../src/lib/server/demo/load';
import { organization } from '../src/lib/server/directory/schema';
import { generateCasework } from './casework-data';
import { principalOf, summary } from './timing';

/**
 * Recording 220 contacts as Welcome Point 5 staff (every fourth with a referral); the first 20
 * warm the caches and are not counted. @returns the 200 times in ms.
 */
async function benchRecording(db: Db, now: Date): Promise<number[]> {
	const staff = await principalOf(db, 'wp5@example.org');
	const [target] = await db.select({ id: organization.id }).from(organization).where(eq(organization.municipalityId, staff.municipalityId)).limit(1);
	const record: number[] = [];
	for (let i = 0; i < 220; i++) {
		const t0 = performance.now();
		await recordContact(
			db,
			staff,
			{
				instanceId: staff.instanceIds[0],
				contactedAt: new Date(now.getTime() - (i + 1) * 60_000),
				channel: ['walk_in', 'phone', 'message'][i % 3],
				language: ['ar', 'de', 'fa', 'uk'][i % 4],
				interpreterNeeded: i % 5 === 0,
				topics: [['language_course'], ['housing_search', 'job_search'], ['social_counselling']][i % 3],
				attributes: { age_band: '27_44', new_arrival: i % 2 ? 'yes' : 'no' },
				unmetTopics: i % 10 === 0 ? ['housing_search'] : [],
				referrals: target && i % 4 === 0 ? [{ organizationId: target.id, topic: 'social_counselling' }] : []
			},
			now
		);
		// The first 20 warm the caches and are not counted.
		if (i >= 20) record.push(performance.now() - t0);
	}
	return record;
}

/**
 * Measures on a database that holds the demo and the generated casework.
 * @returns the figures in ms.
 */
export async function benchCasework(db: Db, iterations: number, now: Date) {
	const staff = await principalOf(db, 'wp5@example.org');
	const admin = await principalOf(db, 'admin.duesseldorf@example.org');
	const record = await benchRecording(db, now);
	const busiest = (
		await db.execute<{ id: string; n: number }>(sql`
			select district_id as id, count(*)::int as n from counselling_contact
			where municipality_id = ${staff.municipalityId} and district_id is not null group by district_id order by n desc limit 1`)
	).rows[0];
	const months: ReportPeriod[] = Array.from({ length: 12 }, (_, k) => {
		const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 15));
		return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
	});
	const time = async (fn: () => Promise<unknown>) => {
		const t0 = performance.now();
		await fn();
		return performance.now() - t0;
	};
	const districtMonth: number[] = [];
	const instanceMonth: number[] = [];
	const cityYear: number[] = [];
	for (const p of months) await buildReport(db, admin, { level: 'district', id: busiest.id }, p);
	for (let it = 0; it < iterations; it++) {
		for (const p of months) {
			districtMonth.push(await time(() => buildReport(db, admin, { level: 'district', id: busiest.id }, p)));
			instanceMonth.push(await time(() => buildReport(db, staff, { level: 'instance', id: staff.instanceIds[0] }, p)));
		}
		cityYear.push(await time(() => buildReport(db, admin, { level: 'municipality', id: staff.municipalityId }, { year: months[0].year, month: null })));
	}
	const sample = await buildReport(db, admin, { level: 'district', id: busiest.id }, months[1]);
	return {
		recordContact: summary(record),
		districtMonthReport: { ...summary(districtMonth), districtContacts: busiest.n, sampleMonthContacts: sample.contacts },
		instanceMonthReport: summary(instanceMonth),
		municipalityYearReport: summary(cityYear)
	};
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({
		options: {
			contacts: { type: 'string', default: '1000000' },
			referrals: { type: 'string', default: '100000' },
			cases: { type: 'string', default: '50000' },
			iterations: { type: 'string', default: '5' },
			seed: { type: 'string', default: '4' },
			'skip-generate': { type: 'boolean', default: false },
			out: { type: 'string' }
		}
	});
	const config = readConfig();
	let handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, command: 'bench casework' });
	await migrateDatabase(handle);
	await loadDemo(handle.db);
	const now = new Date();
	const result: Record<string, unknown> = { database: handle.kind };
	if (!values['skip-generate']) {
		const t0 = performance.now();
		const scale = { contacts: Number(values.contacts), referrals: Number(values.referrals), cases: Number(values.cases), seed: Number(values.seed) };
		await generateCasework(handle.db, scale, now, (s) => console.log(s));
		result.generated = { ...scale, seconds: Math.round((performance.now() - t0) / 100) / 10 };
	}
	const counts = (
		await handle.db.execute<{ contacts: number; referrals: number; cases: number }>(sql`
			select (select count(*)::int from counselling_contact) as contacts, (select count(*)::int from referral) as referrals,
			       (select count(*)::int from case_file) as cases`)
	).rows[0];
	result.rows = counts;
	const r = await benchCasework(handle.db, Number(values.iterations), now);
	Object.assign(result, r);
	console.log(`  casework ${handle.kind} (${counts.contacts} contacts, ${counts.referrals} referrals, ${counts.cases} cases):`);
	console.log(`    record a contact: p50 ${r.recordContact.p50} ms, p95 ${r.recordContact.p95} ms (${r.recordContact.n} records)`);
	console.log(`    district month report: p50 ${r.districtMonthReport.p50} ms, p95 ${r.districtMonthReport.p95} ms, max ${r.districtMonthReport.max} ms (budget 300 ms on PostgreSQL; district holds ${r.districtMonthReport.districtContacts} contacts)`);
	console.log(`    instance month report: p50 ${r.instanceMonthReport.p50} ms, p95 ${r.instanceMonthReport.p95} ms; municipality year: p50 ${r.municipalityYearReport.p50} ms, p95 ${r.municipalityYearReport.p95} ms`);
	if (handle.kind === 'pglite') {
		await handle.close();
		handle = await openDatabase({ dataDir: config.dataDir, command: 'bench casework', durable: false });
		const noFsync = summary(await benchRecording(handle.db, now));
		result.recordContactFsyncOff = noFsync;
		console.log(`    record a contact with fsync off: p50 ${noFsync.p50} ms, p95 ${noFsync.p95} ms (fsync on costs ${Math.round((r.recordContact.p50 - noFsync.p50) * 10) / 10} ms at p50)`);
	}
	if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
	await handle.close();
}
