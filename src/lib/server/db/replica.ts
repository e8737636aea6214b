/**
 * The optional read replica (`DATABASE_REPLICA_URL`, issue 17 §3): public reads — the loads of
 * the cached public pages and the search — go to a PostgreSQL replica of the primary where one
 * is configured. A replica that cannot be reached (refused, reset, timed out, shutting down)
 * sends the query that failed, and every read for the next `retryMs` (10 s), to the primary;
 * after that the next read tries the replica again. A replica that answers but lags behind is
 * the page cache's concern: `http/page-cache.ts` compares its data version with the primary's
 * and does not store a page read from a replica that is behind.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { log } from '../core/log';
import type { Db } from './client';

/** How long a replica that failed is left alone, in milliseconds. */
export const REPLICA_RETRY_MS = 10_000;

/**
 * Whether an error means the server could not be reached or dropped the connection, as opposed
 * to an error of the query itself (which the primary would raise as well): a Node socket error
 * (`ECONNREFUSED`, `ETIMEDOUT`, …), an error without a code (pg's "Connection terminated"),
 * SQLSTATE class 08 (connection exception) or 57P (operator intervention: shutdown, starting up).
 */
export function isConnectionError(e: unknown): boolean {
	const code = (e as { code?: unknown })?.code;
	if (typeof code !== 'string') return true;
	if (!/^[0-9A-Z]{5}$/.test(code)) return true;
	return code.startsWith('08') || code.startsWith('57P');
}

/** A pool on the replica that hands queries and connections to `primary` while the replica is down. */
class ReplicaPool extends pg.Pool {
	private downUntil = 0;

	constructor(
		config: pg.PoolConfig,
		private readonly primary: pg.Pool,
		private readonly retryMs: number
	) {
		super(config);
	}

	/** Whether reads go to the primary now. */
	get down(): boolean {
		return Date.now() < this.downUntil;
	}

	private markDown(e: unknown): void {
		if (!this.down) log.warn({ code: (e as { code?: string })?.code, retryMs: this.retryMs }, 'database replica unreachable: reading from the primary');
		this.downUntil = Date.now() + this.retryMs;
	}

	// pg's overloads (callback and promise forms) cannot be restated; drizzle uses the promise forms.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	query(...args: any[]): any {
		if (typeof args[args.length - 1] === 'function') return super.query(...(args as [string]));
		if (this.down) return this.primary.query(...(args as [string]));
		return (super.query(...(args as [string])) as Promise<unknown>).catch((e: unknown) => {
			if (!isConnectionError(e)) throw e;
			this.markDown(e);
			return this.primary.query(...(args as [string]));
		});
	}

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	connect(...args: any[]): any {
		if (args.length) return super.connect(args[0]);
		if (this.down) return this.primary.connect();
		return super.connect().catch((e: unknown) => {
			if (!isConnectionError(e)) throw e;
			this.markDown(e);
			return this.primary.connect();
		});
	}
}

/** An open replica: the Drizzle database over it and how to close it. */
export interface Replica {
	db: Db;
	/** Whether reads go to the primary now (the replica failed less than `retryMs` ago). */
	readonly down: boolean;
	close(): Promise<void>;
}

/**
 * Opens the replica at `url` in front of the primary's pool. Never fails when the replica is
 * down: its first read falls back to the primary.
 * @param options.retryMs how long a failed replica is left alone (default `REPLICA_RETRY_MS`).
 * @param options.connectTimeoutMs how long a connection attempt may take before the replica
 *   counts as down (default 2000 ms).
 */
export function openReplica(url: string, primary: pg.Pool, options: { retryMs?: number; connectTimeoutMs?: number } = {}): Replica {
	const pool = new ReplicaPool({ connectionString: url, max: 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 2000 }, primary, options.retryMs ?? REPLICA_RETRY_MS);
	// An idle connection the replica ends must not end the process (as on the primary).
	pool.on('error', (e) => log.warn({ code: (e as { code?: string }).code }, 'database replica: idle connection closed by the server'));
	return {
		db: drizzle(pool),
		get down() {
			return pool.down;
		},
		close: () => pool.end()
	};
}
