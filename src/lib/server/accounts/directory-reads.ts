/**
 * What the directory (Wegweiser) reads of accounts: where to write to a person about the change
 * proposals they made (issue 12 §4: the decision mail in their language).
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { userAccount } from './schema';

/**
 * The address and language of an active account, or null for an unknown or disabled one (it gets
 * no mail).
 */
export async function proposerAddress(db: DbOrTx, userId: string): Promise<{ email: string; preferredLocale: string | null } | null> {
	const [u] = await db
		.select({ email: userAccount.email, preferredLocale: userAccount.preferredLocale, disabledAt: userAccount.disabledAt })
		.from(userAccount)
		.where(eq(userAccount.id, userId));
	return u && !u.disabledAt ? { email: u.email, preferredLocale: u.preferredLocale } : null;
}
