/**
 * Fixed-window failure limits in the database, so every app process counts the same failures
 * (issue 11 §8): at most `limit` failures per key per window. Keys are stored as SHA-256, so the
 * table holds no email or IP address.
 */
import { createHash } from 'node:crypto';
import { eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { LIMITS } from './model';
import { rateLimit } from './schema';

/** One limit: how many failures in how many milliseconds. */
export interface Limit {
	limit: number;
	windowMs: number;
}

function keyOf(key: string): string {
	return createHash('sha256').update(key).digest('hex');
}

/** True when the key has used up its failures in the current window. */
export async function isBlocked(db: DbOrTx, key: string, limit: Limit): Promise<boolean> {
	const [row] = await db
		.select({ count: rateLimit.count, resetAt: rateLimit.resetAt })
		.from(rateLimit)
		.where(eq(rateLimit.key, keyOf(key)));
	return !!row && row.resetAt.getTime() > Date.now() && row.count >= limit.limit;
}

/** Counts one failure for the key (a new window starts when the last one has passed). */
export async function countFailure(db: DbOrTx, key: string, limit: Limit): Promise<void> {
	const resetAt = new Date(Date.now() + limit.windowMs).toISOString();
	await db.execute(sql`
		insert into rate_limit (key, count, reset_at) values (${keyOf(key)}, 1, ${resetAt}::timestamptz)
		on conflict (key) do update set
			count = case when rate_limit.reset_at <= now() then 1 else rate_limit.count + 1 end,
			reset_at = case when rate_limit.reset_at <= now() then excluded.reset_at else rate_limit.reset_at end`);
}

/** Clears the key after a success. */
export async function clearFailures(db: DbOrTx, key: string): Promise<void> {
	await db.delete(rateLimit).where(eq(rateLimit.key, keyOf(key)));
}

/** Removes counters whose window has passed. @returns how many. */
export async function purgeRateLimits(db: DbOrTx): Promise<number> {
	const removed = await db.delete(rateLimit).where(lt(rateLimit.resetAt, new Date())).returning({ key: rateLimit.key });
	return removed.length;
}

/**
 * Counts a failed sign-in (or a wrong password given while signed in) against the account and
 * the IP address (`LIMITS.loginAccount`, `LIMITS.loginIp`).
 */
export async function countSignInFailure(db: DbOrTx, email: string, ip: string): Promise<void> {
	await countFailure(db, `ip:${ip}`, LIMITS.loginIp);
	await countFailure(db, `login:${email.trim().toLowerCase()}`, LIMITS.loginAccount);
}

/** Whether the account or the IP address has used up its sign-in failures. */
export async function isSignInBlocked(db: DbOrTx, email: string, ip: string): Promise<boolean> {
	return (await isBlocked(db, `ip:${ip}`, LIMITS.loginIp)) || (await isBlocked(db, `login:${email.trim().toLowerCase()}`, LIMITS.loginAccount));
}
