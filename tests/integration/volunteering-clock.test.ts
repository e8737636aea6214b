/**
 * Ehrenamt's deletion as a tester checks it (issue 13 acceptance): the server is started with
 * `ANLAUFSTELLE_NOW` moved past the periods, and its scheduled job — not a direct call — deletes
 * the Führungszeugnis record (no assignment followed) and, after its notice, the dormant profile;
 * the audit log shows both as the retention job's. Runs on PGlite (a data folder) and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import { readConfig } from '../../src/lib/server/core/config';
import { readOutbox } from '../../src/lib/server/core/mail';
import { migrateDatabase, openDatabase, type Db } from '../../src/lib/server/db/client';
import { startServer, type RunningServer } from '../../src/lib/server/startup';
import { recordCheck } from '../../src/lib/server/volunteering/checks';
import { confirmRegistration, register } from '../../src/lib/server/volunteering/registration';
import { volunteerCheck, volunteerProfile } from '../../src/lib/server/volunteering/schema';
import { DB_KIND } from '../helpers/db';
import { buildWorld } from '../helpers/world';
import { tempDir } from '../helpers/tmp';

const dataDir = tempDir('anl-volunteering-clock-');
process.env.DATA_DIR = dataDir;
const NOW = new Date('2026-03-02T09:00:00Z');
let databaseUrl: string | undefined;
let running: RunningServer | undefined;

afterAll(async () => {
	await running?.stop();
	if (databaseUrl) {
		const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
		await admin.connect();
		await admin.query(`drop database ${new URL(databaseUrl).pathname.slice(1)} with (force)`);
		await admin.end();
	}
});

/** A database of its own: a PGlite data folder, or a new PostgreSQL database. */
async function prepare(): Promise<{ profileId: string; municipalityId: string }> {
	if (process.env.TEST_DATABASE_URL) {
		const name = `clock_${randomBytes(5).toString('hex')}`;
		const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
		await admin.connect();
		await admin.query(`create database ${name}`);
		await admin.end();
		const url = new URL(process.env.TEST_DATABASE_URL);
		url.pathname = `/${name}`;
		databaseUrl = url.toString();
	}
	const handle = await openDatabase({ url: databaseUrl, dataDir, command: 'test' });
	try {
		await migrateDatabase(handle);
		const w = await buildWorld(handle.db);
		const email = 'uhr@example.org';
		await register(handle.db, { municipalitySlug: 'koeln', email, profile: { displayName: 'Uhr', languages: [{ language: 'ar', level: 'native' }], activities: ['childcare'], socialSpaceIds: [w.ids.s1a], availability: [], capHoursPerMonth: '', messageLocale: 'de', countInStatistics: true, consents: ['coordination'] }, locale: 'de', ip: '10.1.1.1' }, NOW);
		const token = /\/volunteer\/confirm\/([A-Za-z0-9_-]+)/.exec((await readOutbox()).filter((m) => m.raw.includes(`To: ${email}`)).at(-1)!.raw.replace(/=\r?\n/g, ''))![1];
		const { profileId } = await confirmRegistration(handle.db, token, 'a long enough password', NOW);
		await recordCheck(handle.db, w.who.staffA, profileId, { kind: 'criminal_record', inspectedOn: '2026-03-01', issuedOn: '2026-02-20', noCatalogueOffence: 'yes' }, NOW);
		return { profileId, municipalityId: w.ids.k };
	} finally {
		await handle.close();
	}
}

/** Starts the server with the clock at `now` (its jobs run a few seconds after the start). */
async function serveAt(now: string): Promise<Db> {
	running = await startServer(readConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DEMO: '0', ANLAUFSTELLE_NOW: now, RETENTION_INTERVAL_MINUTES: '60' }));
	return running.handle.db;
}

describe(`retention with ANLAUFSTELLE_NOW (${DB_KIND})`, () => {
	it('deletes the Führungszeugnis record and, after its notice, the dormant profile, by the scheduled job, in the audit log', { timeout: 120_000 }, async () => {
		const { profileId, municipalityId } = await prepare();

		// Past the 30 days without an assignment and the retention period: the record goes, the notice is sent.
		let db = await serveAt('2029-01-01T00:00:00Z');
		await expect.poll(async () => (await db.select().from(volunteerCheck).where(eq(volunteerCheck.profileId, profileId))).length, { timeout: 30_000, interval: 500 }).toBe(0);
		await expect.poll(async () => (await db.select().from(volunteerProfile).where(eq(volunteerProfile.id, profileId)))[0]?.retentionNoticeAt ?? null, { timeout: 30_000, interval: 500 }).not.toBeNull();
		const checks = await listAudit(db, systemPrincipal('t'), { municipalityId, entityType: 'volunteer_check' });
		expect(checks.some((a) => a.action === 'delete' && a.actorLabel === 'retention')).toBe(true);
		// The tester comes back after the job's interval (an hour): it is due again on the next start.
		await db.execute(sql`update job_run set started_at = started_at - interval '2 hours' where name = 'volunteering-retention'`);
		await running!.stop();
		running = undefined;

		// The clock moved past the notice: the profile and its account are erased.
		db = await serveAt('2029-03-01T00:00:00Z');
		await expect.poll(async () => (await db.select().from(volunteerProfile).where(eq(volunteerProfile.id, profileId))).length, { timeout: 30_000, interval: 500 }).toBe(0);
		const erasures = await listAudit(db, systemPrincipal('t'), { municipalityId, entityType: 'volunteer_profile', entityId: profileId });
		expect(erasures.some((a) => a.action === 'erase' && a.actorLabel === 'retention')).toBe(true);
	});
});
