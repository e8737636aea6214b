/**
 * Fixed-window limiter for failed logins, kept in memory per server process: at most
 * `limit` failures per key per window. Keys are e.g. an IP address or an email address.
 */
export class FailureLimiter {
	private failures = new Map<string, { count: number; resetAt: number }>();

	constructor(
		private readonly limit: number,
		private readonly windowMs: number,
		private readonly now: () => number = Date.now
	) {}

	/** True when the key has used up its failures in the current window. */
	isBlocked(key: string): boolean {
		const entry = this.failures.get(key);
		if (!entry) return false;
		if (entry.resetAt <= this.now()) {
			this.failures.delete(key);
			return false;
		}
		return entry.count >= this.limit;
	}

	/** Counts one failure for the key. */
	fail(key: string): void {
		const entry = this.failures.get(key);
		if (!entry || entry.resetAt <= this.now()) {
			this.failures.set(key, { count: 1, resetAt: this.now() + this.windowMs });
		} else entry.count++;
	}

	/** Clears the key after a success. */
	reset(key: string): void {
		this.failures.delete(key);
	}
}
