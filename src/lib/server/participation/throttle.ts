/**
 * Limits repeated anonymous submissions from one browser without storing an IP address: the key
 * is SHA-256 over a random salt, the client address and the User-Agent, kept in this process's
 * memory only. The salt is replaced every window, so a key cannot be linked across windows, and
 * nothing of it survives a restart. With several app processes on one PostgreSQL (issue 17) each
 * process counts on its own: the limit per browser is at most `max` × processes (see
 * docs/participation.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../core/errors';
import { THROTTLE } from './model';

let salt = randomBytes(32);
let windowStart = 0;
const counts = new Map<string, number>();

/**
 * Counts one submission of the browser behind `address` and `userAgent` and refuses it once
 * `THROTTLE.max` were counted in the current window (fixed windows of `THROTTLE.windowMs`).
 * @throws ValidationError `form` pa_too_many (with `minutes`, the window length).
 */
export function countSubmission(address: string, userAgent: string, now: number = Date.now()): void {
	if (now - windowStart >= THROTTLE.windowMs) {
		salt = randomBytes(32);
		windowStart = now;
		counts.clear();
	}
	const key = createHash('sha256').update(salt).update(address).update('\0').update(userAgent).digest('base64url');
	const n = (counts.get(key) ?? 0) + 1;
	if (n > THROTTLE.max) throw new ValidationError([{ field: 'form', code: 'pa_too_many', params: { minutes: THROTTLE.windowMs / 60_000 } }]);
	counts.set(key, n);
}

/** Forgets every count and draws a new salt (tests). */
export function resetThrottle(): void {
	counts.clear();
	windowStart = 0;
}
