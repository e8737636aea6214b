/**
 * Saving a municipality's casework settings (issue 4 §1, §5): which contact attributes the
 * contact form asks and the four Löschplan periods. Only municipality administrators
 * (`casework:configure`). Ranges are those of the `casework_setting_periods_check` constraint.
 */
import { sql } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import { ValidationError, type FieldIssue } from '../core/errors';
import { parseInteger } from '../core/validation';
import type { Db } from '../db/client';
import { CONTACT_ATTRIBUTE_KEYS, type ContactAttribute } from './model';
import { caseworkSetting } from './schema';
import { getCaseworkSettings, type CaseworkSettings } from './settings';

/** Period fields with their allowed whole-number range (months or days as named). */
export const PERIOD_RANGES = {
	caseMonthsAfterClosure: { min: 0, max: 120 },
	contactDetailMonths: { min: 0, max: 36 },
	referralTokenDays: { min: 1, max: 730 },
	referralFollowUpDays: { min: 1, max: 365 }
} as const;
export type PeriodField = keyof typeof PERIOD_RANGES;
export const PERIOD_FIELDS = Object.keys(PERIOD_RANGES) as PeriodField[];

/** Settings as submitted: attribute keys and the periods as typed (strings from a form or numbers). */
export interface CaseworkSettingsInput {
	contactAttributes: string[];
	caseMonthsAfterClosure: string | number;
	contactDetailMonths: string | number;
	referralTokenDays: string | number;
	referralFollowUpDays: string | number;
}

/**
 * Checks `input`.
 * @returns the normalised settings.
 * @throws ValidationError: `contactAttributes` `unknown_option`; a period field `required`,
 *   `not_whole_number` or `out_of_range` (params `min`, `max`).
 */
export function validateCaseworkSettings(input: CaseworkSettingsInput): CaseworkSettings {
	const issues: FieldIssue[] = [];
	const attributes = [...new Set(input.contactAttributes)];
	if (attributes.some((a) => !(CONTACT_ATTRIBUTE_KEYS as string[]).includes(a))) issues.push({ field: 'contactAttributes', code: 'unknown_option' });
	const periods = {} as Record<PeriodField, number>;
	for (const field of PERIOD_FIELDS) {
		const raw = String(input[field]).trim();
		const value = parseInteger(raw);
		const { min, max } = PERIOD_RANGES[field];
		if (raw === '') issues.push({ field, code: 'required' });
		else if (value === null) issues.push({ field, code: 'not_whole_number' });
		else if (value < min || value > max) issues.push({ field, code: 'out_of_range', params: { min, max } });
		else periods[field] = value;
	}
	if (issues.length) throw new ValidationError(issues);
	return {
		contactAttributes: CONTACT_ATTRIBUTE_KEYS.filter((k) => attributes.includes(k)) as ContactAttribute[],
		...periods
	};
}

/**
 * Validates and stores the settings of `municipalityId`, with an audit row of the changed
 * fields (action `update`, entity `casework_setting`), in one transaction. Shortened periods
 * take effect at the next retention run, also for cases already closed.
 * @throws AccessDeniedError without `casework:configure`; ValidationError (see `validateCaseworkSettings`).
 */
export async function saveCaseworkSettings(
	db: Db,
	principal: Principal,
	municipalityId: string,
	input: CaseworkSettingsInput
): Promise<CaseworkSettings> {
	authorize(principal, 'casework:configure', { municipalityId });
	const next = validateCaseworkSettings(input);
	return db.transaction(async (tx) => {
		const before = await getCaseworkSettings(tx, municipalityId);
		await tx
			.insert(caseworkSetting)
			.values({ municipalityId, ...next })
			.onConflictDoUpdate({ target: caseworkSetting.municipalityId, set: { ...next, updatedAt: sql`now()` } });
		const changes = diffRecords({ ...before }, { ...next });
		if (Object.keys(changes).length) {
			await recordAudit(tx, { ...auditActor(principal), municipalityId, action: 'update', entityType: 'casework_setting', entityId: municipalityId, changes });
		}
		return next;
	});
}
