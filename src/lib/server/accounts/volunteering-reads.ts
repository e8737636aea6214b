/**
 * What Ehrenamt (issue 13) needs of the accounts: the volunteer account an email confirmation
 * creates, inside the transaction that creates the profile (so a second use of the link finds
 * the account and the used link together, or neither); whether an address already has an
 * account (answered to nobody but the registration service, which mails the address instead);
 * names and addresses for messages; the demo volunteer's account; and the erasure of a volunteer account with the profile.
 */
import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { hashPassword } from './passwords';
import { userAccount } from './schema';

/** Whether an account with this (lower-cased) address exists. */
export async function accountExists(db: DbOrTx, email: string): Promise<boolean> {
	return (await findAccountIdByEmail(db, email)) !== null;
}

/** The id of the account with this address, or null (the demo gives its volunteer login a profile). */
export async function findAccountIdByEmail(db: DbOrTx, email: string): Promise<string | null> {
	const [row] = await db.select({ id: userAccount.id }).from(userAccount).where(eq(userAccount.email, email.trim().toLowerCase()));
	return row?.id ?? null;
}

/**
 * Creates a `volunteer` account in the caller's transaction (the caller validated the password
 * with `passwordProblem` and audits the creation).
 * @returns the new account's id.
 */
export async function insertVolunteerAccount(tx: DbOrTx, input: { email: string; displayName: string; municipalityId: string; password: string; locale: string }): Promise<string> {
	const [row] = await tx
		.insert(userAccount)
		.values({ email: input.email.trim().toLowerCase(), displayName: input.displayName, role: 'volunteer', municipalityId: input.municipalityId, passwordHash: await hashPassword(input.password), preferredLocale: input.locale })
		.returning({ id: userAccount.id });
	return row.id;
}

/** Email, display name and whether the account is active, by account id. */
export async function accountContacts(db: DbOrTx, ids: readonly string[]): Promise<Map<string, { email: string; displayName: string; active: boolean }>> {
	const unique = [...new Set(ids)];
	if (!unique.length) return new Map();
	const rows = await db
		.select({ id: userAccount.id, email: userAccount.email, displayName: userAccount.displayName, disabledAt: userAccount.disabledAt })
		.from(userAccount)
		.where(inArray(userAccount.id, unique));
	return new Map(rows.map((r) => [r.id, { email: r.email, displayName: r.displayName, active: !r.disabledAt }]));
}

/** Changes an account's display name (a volunteer edits their profile). */
export async function renameAccount(tx: DbOrTx, id: string, displayName: string): Promise<void> {
	await tx.update(userAccount).set({ displayName }).where(eq(userAccount.id, id));
}

/** Deletes an account with its sessions and links (erasure of a volunteer, Art. 17 GDPR). */
export async function deleteAccount(tx: DbOrTx, id: string): Promise<void> {
	await tx.delete(userAccount).where(eq(userAccount.id, id));
}
