/**
 * Background jobs of the server (session purge, the deletion schedule, reminders): each runs at
 * most once per interval across every app process on one database. A process claims a run in a
 * short transaction that takes a PostgreSQL advisory lock for the job (`pg_try_advisory_xact_lock`)
 * and checks the job's last start in `job_run`; the other processes skip that tick. Errors are
 * logged by class and code only, never by message (which may quote personal data).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { errorFields, log } from './log';

/** A job: what it does, how often. `run` may return counts to log. */
export interface Job {
	name: string;
	/** Milliseconds between runs; 0 or less turns the job off. */
	intervalMs: number;
	/** Delay of the first tick after start (default 5 s), so start-up comes first. */
	firstDelayMs?: number;
	run(db: Db): Promise<Record<string, number> | void>;
}

function rowsOf<T>(result: unknown): T[] {
	return (result as { rows: T[] }).rows;
}

/**
 * Claims the job's next run for this process if it is due.
 * @returns true when this process should run the job now.
 */
export async function claimRun(db: Db, name: string, intervalMs: number, now: Date = new Date()): Promise<boolean> {
	return db.transaction(async (tx) => {
		const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(hashtextextended(${'job:' + name}, 0)) as ok`));
		if (!lock.ok) return false;
		// 10 % slack so ticks of processes started at different times still run once per interval.
		const due = new Date(now.getTime() - intervalMs * 0.9);
		const claimed = rowsOf<{ name: string }>(
			await tx.execute(sql`
				insert into job_run (name, started_at, pid) values (${name}, ${now.toISOString()}::timestamptz, ${process.pid})
				on conflict (name) do update set started_at = excluded.started_at, finished_at = null, pid = excluded.pid
				where job_run.started_at <= ${due.toISOString()}::timestamptz
				returning name`)
		);
		return claimed.length === 1;
	});
}

/** Runs the job now if no process ran it within its interval. @returns whether it ran. */
export async function runIfDue(db: Db, job: Job): Promise<boolean> {
	if (!(await claimRun(db, job.name, job.intervalMs))) return false;
	const started = Date.now();
	try {
		const counts = await job.run(db);
		log.info({ job: job.name, ms: Date.now() - started, ...(counts ?? {}) }, 'job done');
	} finally {
		await db.execute(sql`update job_run set finished_at = now() where name = ${job.name}`);
	}
	return true;
}

/** Running schedules; `stop()` cancels the timers and waits for runs in progress. */
export interface Schedule {
	stop(): Promise<void>;
}

/**
 * Schedules the jobs. Timers are unref'd, so they never keep the process alive; a tick is
 * skipped while the previous run of the same job is still going in this process.
 */
export function startJobs(db: Db, jobs: Job[]): Schedule {
	const timers: NodeJS.Timeout[] = [];
	const running = new Map<string, Promise<unknown>>();
	let stopped = false;
	for (const job of jobs.filter((j) => j.intervalMs > 0)) {
		const tick = () => {
			if (stopped || running.has(job.name)) return;
			const run = runIfDue(db, job)
				.catch((e) => log.error({ job: job.name, ...errorFields(e) }, 'job failed'))
				.finally(() => running.delete(job.name));
			running.set(job.name, run);
		};
		const first = setTimeout(tick, job.firstDelayMs ?? 5000);
		const every = setInterval(tick, job.intervalMs);
		first.unref();
		every.unref();
		timers.push(first, every);
	}
	return {
		async stop() {
			stopped = true;
			for (const t of timers) clearTimeout(t);
			await Promise.allSettled(running.values());
		}
	};
}
