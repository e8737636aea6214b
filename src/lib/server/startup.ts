/**
 * Start-up of a process, in one order for the server and the command line: configuration →
 * data folder (embedded database only) → open (and lock) → migrate (and rebuild outdated search
 * entries) → demo → replica → jobs (server only). On PostgreSQL, migrating and loading the demo
 * run under the start lock (`db/start-lock.ts`), so processes started together take turns.
 * The server's hook (`hooks.server.ts` `init`) calls `startServer`, the CLI `openForCommand`.
 * Every failure here is a `StartupError` whose message is one line a person can act on.
 */
import { readConfig, type AppConfig } from './core/config';
import { raiseGlobalDataVersion, watchDataVersions } from './audit/versions';
import { startJobs, type Job, type Schedule } from './core/jobs';
import { errorFields, log } from './core/log';
import { DataFolderError, prepareDataFolder } from './db/data-folder';
import { migrateDatabase, openDatabase, type DatabaseHandle } from './db/client';
import { useDatabase, useReplica } from './db';
import { openReplica, type Replica } from './db/replica';
import { underStartLock } from './db/start-lock';
import { purgeExpired } from './accounts/sessions';
import { runRetention, RETENTION_PRINCIPAL } from './casework/retention';
import { runDigests } from './networks/mails';
import { loadDemo, type DemoLogin } from './demo/load';
import { eraseParticipants, sendReminders } from './hosting/events';
import { runVolunteeringMessages, runVolunteeringRetention } from './volunteering/jobs';
import { purgeExpiredPoints } from './participation/campaigns';
import { systemPrincipal } from './access';
import { refreshOutdatedSearchEntries } from './directory/search-index';

/** Why the process cannot start; one line, no stack trace. */
class StartupError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StartupError';
	}
}

/** One readable line for an error thrown while starting. */
function startupMessage(e: unknown, config: AppConfig): string {
	if (e instanceof DataFolderError || e instanceof StartupError) return e.message;
	const code = (e as { code?: string })?.code;
	if (config.databaseUrl) {
		const where = new URL(config.databaseUrl).host;
		return `cannot use the PostgreSQL server at ${where}: ${code ?? (e instanceof Error ? e.message.split('\n')[0] : String(e))}`;
	}
	if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `the data folder ${config.dataDir} is not writable (${code})`;
	return `cannot start: ${e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e)}`;
}

/**
 * Opens the configured database for `command`: prepares and locks the embedded folder, or
 * connects to PostgreSQL, then applies pending migrations.
 * @param options.createFolder create a configured `DATA_DIR` that does not exist (restore).
 * @throws StartupError with one line naming the cause (folder in use, missing or read-only;
 *   server unreachable).
 */
export async function openForCommand(command: string, config: AppConfig = readConfig(), options: { createFolder?: boolean; migrate?: boolean } = {}): Promise<DatabaseHandle> {
	// Files the process creates (database pages, mails in the outbox, keys) are its owner's only.
	process.umask(0o077);
	try {
		if (!config.databaseUrl) {
			const folder = prepareDataFolder(config.dataDir, config.dataDirConfigured && !options.createFolder);
			if (folder.created) log.info({ dataDir: folder.dir }, 'created the data folder (first start)');
			else if (folder.empty) log.info({ dataDir: folder.dir }, 'creating a new database in the data folder');
		}
		const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, command });
		if (options.migrate !== false) {
			try {
				await underStartLock(handle, async () => {
					await migrateDatabase(handle);
					// Search entries written by an older version of the index format (issue 12 §1).
					const rebuilt = await refreshOutdatedSearchEntries(handle.db);
					if (rebuilt.services + rebuilt.organizations) log.info(rebuilt, 'rebuilt outdated search entries');
				});
			} catch (e) {
				await handle.close();
				throw e;
			}
		}
		return handle;
	} catch (e) {
		throw new StartupError(startupMessage(e, config));
	}
}

/** The background jobs of a server process, from the configuration. */
function serverJobs(config: AppConfig): Job[] {
	return [
		// Expired and idle sessions, spent reset links and rate-limit windows.
		{ name: 'session-purge', intervalMs: 15 * 60_000, firstDelayMs: 1000, run: async (db) => ({ sessions: await purgeExpired(db) }) },
		// Löschplan (issue 4 §5; docs/retention.md).
		{
			name: 'retention',
			intervalMs: config.retentionIntervalMinutes * 60_000,
			run: async (db) => {
				const report = await runRetention(db, RETENTION_PRINCIPAL, { now: config.retentionNow ?? undefined });
				const sum = (f: (m: (typeof report.municipalities)[number]) => number) => report.municipalities.reduce((n, m) => n + f(m), 0);
				return {
					casesErased: sum((m) => m.cases.closed + m.cases.withdrawn + m.cases.deleteAfter),
					contactsFolded: sum((m) => m.contactsFolded),
					referralTokensErased: sum((m) => m.referralTokensErased)
				};
			}
		},
		// Newsletter digests of the information flows (issue 14 §5): each reader's at their interval.
		{ name: 'networks-digest', intervalMs: 60 * 60_000, run: (db) => runDigests(db) },
		// Ehrenamt (issue 13; docs/volunteering.md): reminders 24 h before shifts, care messages,
		// accompaniment requests as needs; then the Führungszeugnis record and dormant profiles.
		{ name: 'volunteering-messages', intervalMs: 10 * 60_000, run: async (db) => ({ ...(await runVolunteeringMessages(db, config.retentionNow ?? new Date())) }) },
		{ name: 'volunteering-retention', intervalMs: config.retentionIntervalMinutes * 60_000, run: async (db) => ({ ...(await runVolunteeringRetention(db, config.retentionNow ?? new Date())) }) },
		// Hosting (issue 15; docs/hosting.md): participants' personal data after the last session.
		{ name: 'hosting-retention', intervalMs: config.retentionIntervalMinutes * 60_000, run: async (db) => ({ ...(await eraseParticipants(db, config.retentionNow ?? new Date())) }) },
		// Hosting: reminders before a session, checked every quarter hour (each session reminds once).
		{ name: 'hosting-reminders', intervalMs: 15 * 60_000, run: async (db) => ({ ...(await sendReminders(db, config.retentionNow ?? new Date())) }) },
		// Partizipation (issue 16; docs/participation.md): exact map points end with the campaign plus its retention period.
		{ name: 'participation-retention', intervalMs: config.retentionIntervalMinutes * 60_000, run: async (db) => ({ ...(await purgeExpiredPoints(db, systemPrincipal('retention'), config.retentionNow ?? new Date())) }) }
	];
}

/** A started server: its database, the demo logins to print, and how to stop. */
export interface RunningServer {
	handle: DatabaseHandle;
	demoLogins: DemoLogin[];
	/** Stops the jobs and closes the database (releasing the data folder). */
	stop(): Promise<void>;
}

/**
 * Starts the server's side of the process: database (opened, locked, migrated), the demo
 * municipalities when `DEMO` is on, then the background jobs; makes the database available to
 * `getDb()`.
 * @throws StartupError (one line) when the database cannot be used.
 */
export async function startServer(config: AppConfig = readConfig()): Promise<RunningServer> {
	const started = Date.now();
	const handle = await openForCommand('server', config);
	let demoLogins: DemoLogin[] = [];
	try {
		await underStartLock(handle, async () => {
			if (config.demo) demoLogins = await loadDemo(handle.db);
			// Migrations and the demo loader write outside the audit log: caches of processes
			// already running render afresh.
			await raiseGlobalDataVersion(handle.db);
		});
		if (handle.pglite) await watchDataVersions(handle.db, handle.pglite);
	} catch (e) {
		await handle.close();
		log.error(errorFields(e), 'loading the demo failed');
		throw new StartupError(`loading the demo municipalities failed (${errorFields(e).error}); start with DEMO=0 to skip them`);
	}
	useDatabase(handle);
	let replica: Replica | undefined;
	if (config.databaseReplicaUrl && handle.pool) {
		replica = openReplica(config.databaseReplicaUrl, handle.pool);
		useReplica(replica);
	}
	const jobs: Schedule = startJobs(handle.db, serverJobs(config));
	log.info({ database: handle.kind, replica: !!replica, ms: Date.now() - started }, 'database ready');
	return {
		handle,
		demoLogins,
		async stop() {
			await jobs.stop();
			await replica?.close();
			await handle.close();
		}
	};
}
