/**
 * Passwords: argon2id hashes (RFC 9106, via @node-rs/argon2, OWASP's baseline parameters), and
 * the rules for new ones: at least `MIN_PASSWORD` characters and not one of the ~49,000 most
 * common passwords (the list of @zxcvbn-ts/language-common, shipped with the app, no network),
 * NIST SP 800-63B §5.1.1.2. A common password with digits or symbols added before or after it
 * ("password2024!") counts as common.
 */
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { MIN_PASSWORD } from './model';

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** argon2id hash of a password as a PHC string. */
export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2);
}

/** Whether `password` matches the PHC hash. */
export function verifyPassword(phc: string, password: string): Promise<boolean> {
	return verify(phc, password);
}

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
	common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
	return common;
}

/** True when the password, or its core without leading or trailing digits and symbols, is a common password. */
export function isCommonPassword(password: string): boolean {
	const lower = password.toLowerCase();
	const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/gu, '');
	const list = commonPasswords();
	return list.has(lower) || (core.length >= 4 && list.has(core)) || /^(.)\1*$/u.test(lower);
}

/**
 * Why a new password is not acceptable, as an error code (`password_too_short`,
 * `password_common`), or null.
 */
export function passwordProblem(password: string): 'password_too_short' | 'password_common' | null {
	if ([...password].length < MIN_PASSWORD) return 'password_too_short';
	if (isCommonPassword(password)) return 'password_common';
	return null;
}
