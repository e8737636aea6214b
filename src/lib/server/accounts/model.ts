/**
 * Accounts' rules as data: session lifetimes, password length, the failure limits of sign-in,
 * second factor and password reset (issue 2; issue 11 §6). OWASP ASVS 4.0 §2–§3.
 */
import type { Limit } from './rate-limit';

export { ROLES, type Role } from '../access/principal';

/** Name of the session cookie (`HttpOnly`, `SameSite=Lax`, `Secure` on HTTPS). */
export const SESSION_COOKIE = 'session';
/** Sessions last at most 12 hours: a working day, not longer. */
export const SESSION_HOURS = 12;
/** `last_seen_at` is written at most this often per session (milliseconds). */
export const SESSION_TOUCH_MS = 60_000;
/** Password reset links are valid this long (minutes). */
export const RESET_MINUTES = 60;
/**
 * Invitation links are valid this long (days): long enough for a person who reads work mail
 * weekly, short enough that a forwarded or forgotten link expires (issue 12 §5).
 */
export const INVITATION_DAYS = 7;
/** Recovery codes issued with each second-factor enrolment (issue 12 §6). */
export const RECOVERY_CODE_COUNT = 10;
/** Longest display name of an account (characters). */
export const DISPLAY_NAME_MAX = 120;
/** The shortest password accepted (NIST SP 800-63B §5.1.1.2 asks at least 8; we ask 12). */
export const MIN_PASSWORD = 12;

const QUARTER_HOUR = 15 * 60_000;
const HOUR = 60 * 60_000;

/**
 * Failure limits. Per account 10 failures (by email, or by user for TOTP codes), per IP 50:
 * offices and shared accommodation often share one address. Reset requests: 3 per address and
 * 20 per IP an hour, counted whether or not the address has an account.
 */
export const LIMITS = {
	loginAccount: { limit: 10, windowMs: QUARTER_HOUR },
	loginIp: { limit: 50, windowMs: QUARTER_HOUR },
	resetAddress: { limit: 3, windowMs: HOUR },
	resetIp: { limit: 20, windowMs: HOUR }
} as const satisfies Record<string, Limit>;
