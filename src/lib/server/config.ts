/**
 * Runtime configuration, read once from the environment.
 *
 * Variables (all optional):
 * - `DATABASE_URL`: `postgres://…` selects a PostgreSQL 15+ server; unset selects embedded PGlite.
 * - `DATA_DIR`: folder for the embedded database and the mail outbox (default `./.data`).
 * - `PORT`, `HOST`, `ORIGIN`: read by adapter-node; `PORT` defaults to 3000.
 * - `SMTP_URL`: `smtp://user:pass@host:587`; unset writes mail to `<DATA_DIR>/outbox/`.
 * - `MAIL_FROM`: sender address of outgoing mail.
 * - `DEMO`: `0` disables loading the demo municipalities on start (default on).
 */
import path from 'node:path';

export interface AppConfig {
	databaseUrl: string | undefined;
	dataDir: string;
	smtpUrl: string | undefined;
	mailFrom: string;
	demo: boolean;
}

/** Reads the configuration from `env` (defaults to `process.env`). Pure: no side effects. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
	const dataDir = path.resolve(env.DATA_DIR || '.data');
	return {
		databaseUrl: env.DATABASE_URL || undefined,
		dataDir,
		smtpUrl: env.SMTP_URL || undefined,
		mailFrom: env.MAIL_FROM || 'anlaufstelle <no-reply@localhost>',
		demo: env.DEMO !== '0'
	};
}
