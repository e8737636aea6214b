/**
 * The retention job inside the server (issue 4 §5): runs `runRetention` shortly after start and
 * then every `RETENTION_INTERVAL_MINUTES`, never two runs at once (in this process; the
 * database advisory lock of `runRetention` guards against other processes). Errors are logged
 * by class and code only — never messages or values, which could carry personal data.
 */
import type { AppConfig } from '../config';
import type { Db } from '../db/client';
import { runRetention, type RetentionOptions, type RetentionReport } from './retention';

/** Delay of the first run after start, so start-up (migrations, demo data) comes first. */
const FIRST_RUN_DELAY_MS = 5000;

let running: Promise<RetentionReport> | null = null;

/**
 * Runs the retention job unless a run is already in progress in this process.
 * @returns the report, or null when another run was in progress (nothing was done).
 * @throws what `runRetention` throws.
 */
export async function runRetentionExclusive(db: Db, options: RetentionOptions = {}): Promise<RetentionReport | null> {
	if (running) return null;
	running = runRetention(db, options);
	try {
		return await running;
	} finally {
		running = null;
	}
}

/** Counts of a report over all municipalities. */
function totals(report: RetentionReport) {
	const sum = (f: (m: RetentionReport['municipalities'][number]) => number) => report.municipalities.reduce((n, m) => n + f(m), 0);
	return {
		cases: sum((m) => m.cases.closed + m.cases.withdrawn + m.cases.deleteAfter),
		contacts: sum((m) => m.contactsFolded),
		tokens: sum((m) => m.referralTokensErased)
	};
}

/**
 * Schedules the job from the configuration (`retentionIntervalMinutes`, 0 = off; `retentionNow`
 * overrides the clock for testers). Timers are unref'd so they never keep the process alive.
 * @returns `stop()` to cancel the schedule.
 */
export function startRetentionSchedule(db: Db, config: Pick<AppConfig, 'retentionIntervalMinutes' | 'retentionNow'>): { stop(): void } {
	if (config.retentionIntervalMinutes <= 0) return { stop() {} };
	const tick = async () => {
		try {
			const report = await runRetentionExclusive(db, { now: config.retentionNow ?? undefined });
			const t = report && totals(report);
			if (report && t && t.cases + t.contacts + t.tokens > 0) {
				const { cases, contacts, tokens } = t;
				console.log(`anlaufstelle: retention: ${cases} case(s) erased, ${contacts} contact record(s) folded, ${tokens} referral token(s) erased in ${report.durationMs} ms`);
			}
		} catch (e) {
			const name = e instanceof Error ? e.name : typeof e;
			const code = (e as { code?: string })?.code;
			console.error(`anlaufstelle: retention run failed: ${name}${code ? ` (${code})` : ''}`);
		}
	};
	const first = setTimeout(tick, FIRST_RUN_DELAY_MS);
	first.unref();
	const every = setInterval(tick, config.retentionIntervalMinutes * 60_000);
	every.unref();
	return {
		stop() {
			clearTimeout(first);
			clearInterval(every);
		}
	};
}
