/**
 * Runtime configuration, read once from the environment.
 *
 * Variables (all optional):
 * - `DATABASE_URL`: `postgres://…` selects a PostgreSQL 15+ server; unset selects embedded PGlite.
 * - `DATABASE_REPLICA_URL`: `postgres://…` of a read replica of `DATABASE_URL` (needs it): the
 *   public pages and the search read from it, and from the primary while it is down.
 * - `DATA_DIR`: folder for the embedded database and the mail outbox (default `./.data`).
 * - `PORT`, `HOST`, `ORIGIN`: read by adapter-node; `PORT` defaults to 3000.
 * - `SMTP_URL`: `smtp://user:pass@host:587`; unset writes mail to `<DATA_DIR>/outbox/`.
 * - `MAIL_FROM`: sender address of outgoing mail.
 * - `DEMO`: `0` disables loading the demo municipalities on start (default on).
 * - `MT_PROVIDER`: `libretranslate` or `deepl` turns on the machine-translation hook of the
 *   directory (issue 3 §3); unset (default) leaves it off and nothing is sent anywhere.
 * - `MT_URL`: the provider's base URL, e.g. `http://localhost:5000` for a self-hosted
 *   LibreTranslate (required for it); DeepL defaults to `https://api-free.deepl.com`.
 * - `MT_API_KEY`: the provider's key (LibreTranslate `api_key`, DeepL auth key; required for DeepL).
 * - `RETENTION_INTERVAL_MINUTES`: how often the server carries out the deletion schedule
 *   (Löschplan, issue 4 §5; docs/retention.md): first 5 seconds after start, then every so
 *   many minutes (default 60; `0` disables the job — then run `npm run cli -- retention run`
 *   from cron instead).
 * - `SESSION_IDLE_MINUTES`: minutes without a request after which a session ends (default 30;
 *   sessions end after 12 hours in any case).
 * - `ANLAUFSTELLE_NOW`: testing aid only — an ISO 8601 instant (e.g. `2027-03-01T12:00:00Z`) the
 *   retention job takes as "now", so testers can move the clock past the retention periods.
 *   Never set it in production.
 */
import path from 'node:path';

export interface AppConfig {
	databaseUrl: string | undefined;
	/** `DATABASE_REPLICA_URL`: a read replica for public reads; undefined when none. */
	databaseReplicaUrl: string | undefined;
	dataDir: string;
	/** Whether `DATA_DIR` was set: a configured folder must exist (it may be a volume). */
	dataDirConfigured: boolean;
	smtpUrl: string | undefined;
	mailFrom: string;
	demo: boolean;
	/** Machine translation; null when off. */
	machineTranslation: { provider: 'libretranslate' | 'deepl'; url: string; apiKey: string | undefined } | null;
	/** Minutes between runs of the retention job; 0 = off. */
	retentionIntervalMinutes: number;
	/** `ANLAUFSTELLE_NOW`: the instant the retention job takes as now (testing aid); null = the real time. */
	retentionNow: Date | null;
	/** Minutes without a request after which a session ends. */
	sessionIdleMinutes: number;
}

const MT_PROVIDERS = ['libretranslate', 'deepl'] as const;

function machineTranslation(env: NodeJS.ProcessEnv): AppConfig['machineTranslation'] {
	const provider = env.MT_PROVIDER || undefined;
	if (!provider) return null;
	if (!(MT_PROVIDERS as readonly string[]).includes(provider)) {
		throw new Error(`MT_PROVIDER must be one of ${MT_PROVIDERS.join(', ')} (got "${provider}")`);
	}
	const url = env.MT_URL || (provider === 'deepl' ? 'https://api-free.deepl.com' : '');
	if (!url) throw new Error(`MT_URL is required when MT_PROVIDER=${provider}`);
	if (provider === 'deepl' && !env.MT_API_KEY) throw new Error('MT_API_KEY is required when MT_PROVIDER=deepl');
	return { provider: provider as 'libretranslate' | 'deepl', url: url.replace(/\/+$/, ''), apiKey: env.MT_API_KEY || undefined };
}

function replicaUrl(env: NodeJS.ProcessEnv): string | undefined {
	const url = env.DATABASE_REPLICA_URL?.trim() || undefined;
	if (!url) return undefined;
	if (!env.DATABASE_URL) throw new Error('DATABASE_REPLICA_URL needs DATABASE_URL: a replica serves a PostgreSQL server, not the embedded database');
	if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`DATABASE_REPLICA_URL must be a postgres:// URL (got "${url.split('@').pop()}")`);
	return url;
}

function retentionInterval(env: NodeJS.ProcessEnv): number {
	const raw = env.RETENTION_INTERVAL_MINUTES?.trim() || '60';
	if (!/^\d+$/.test(raw) || Number(raw) > 525_600) {
		throw new Error(`RETENTION_INTERVAL_MINUTES must be a whole number of minutes from 0 (off) to 525600 (got "${raw}")`);
	}
	return Number(raw);
}

function sessionIdleMinutes(env: NodeJS.ProcessEnv): number {
	const raw = env.SESSION_IDLE_MINUTES?.trim() || '30';
	if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 720) {
		throw new Error(`SESSION_IDLE_MINUTES must be a whole number of minutes from 1 to 720 (got "${raw}")`);
	}
	return Number(raw);
}

function retentionNow(env: NodeJS.ProcessEnv): Date | null {
	const raw = env.ANLAUFSTELLE_NOW?.trim();
	if (!raw) return null;
	const at = new Date(raw);
	if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(at.getTime())) {
		throw new Error(`ANLAUFSTELLE_NOW must be an ISO 8601 date or instant, e.g. 2027-03-01T12:00:00Z (got "${raw}")`);
	}
	return at;
}

/**
 * Reads the configuration from `env` (defaults to `process.env`). Pure: no side effects.
 * @throws Error naming the variable when `DATABASE_REPLICA_URL` is not a postgres:// URL or is set
 *   without `DATABASE_URL`, `MT_PROVIDER` is unknown or lacks `MT_URL`/`MT_API_KEY`,
 *   or `RETENTION_INTERVAL_MINUTES` / `ANLAUFSTELLE_NOW` / `SESSION_IDLE_MINUTES` cannot be read.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
	const dataDir = path.resolve(env.DATA_DIR || '.data');
	return {
		databaseUrl: env.DATABASE_URL || undefined,
		databaseReplicaUrl: replicaUrl(env),
		dataDir,
		dataDirConfigured: !!env.DATA_DIR,
		smtpUrl: env.SMTP_URL || undefined,
		mailFrom: env.MAIL_FROM || 'anlaufstelle <no-reply@localhost>',
		demo: env.DEMO !== '0',
		machineTranslation: machineTranslation(env),
		retentionIntervalMinutes: retentionInterval(env),
		retentionNow: retentionNow(env),
		sessionIdleMinutes: sessionIdleMinutes(env)
	};
}
