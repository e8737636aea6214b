/**
 * Per-municipality casework settings: which non-identifying attributes the contact form asks,
 * and the Löschplan periods (issue 4 §1, §5). Absent rows mean the defaults of `model.ts`.
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { CONTACT_ATTRIBUTE_KEYS, RETENTION_DEFAULTS, type ContactAttribute } from './model';
import { caseworkSetting } from './schema';

/** Effective settings of a municipality. Periods in months or days as named. */
export interface CaseworkSettings {
	contactAttributes: ContactAttribute[];
	caseMonthsAfterClosure: number;
	contactDetailMonths: number;
	referralTokenDays: number;
	referralFollowUpDays: number;
}

/** The settings of a municipality, defaults filled in. */
export async function getCaseworkSettings(db: DbOrTx, municipalityId: string): Promise<CaseworkSettings> {
	const [row] = await db.select().from(caseworkSetting).where(eq(caseworkSetting.municipalityId, municipalityId));
	if (!row) return { contactAttributes: [...CONTACT_ATTRIBUTE_KEYS], ...RETENTION_DEFAULTS };
	return {
		contactAttributes: row.contactAttributes.filter((a): a is ContactAttribute => (CONTACT_ATTRIBUTE_KEYS as string[]).includes(a)),
		caseMonthsAfterClosure: row.caseMonthsAfterClosure,
		contactDetailMonths: row.contactDetailMonths,
		referralTokenDays: row.referralTokenDays,
		referralFollowUpDays: row.referralFollowUpDays
	};
}
