/**
 * The administrators' casework page (issue 4 §1, §5): which contact attributes are asked, the
 * Löschplan periods, the last runs of the deletion schedule and "run now".
 */
import { authorize, type UserPrincipal } from '../../access';
import { userNames } from '../../accounts/users';
import { auditEntriesOf } from '../../audit/casework-reads';
import { readConfig } from '../../core/config';
import type { Db, DbOrTx } from '../../db/client';
import { PERIOD_FIELDS, PERIOD_RANGES, saveCaseworkSettings, type CaseworkSettingsInput } from '../configure';
import { CONTACT_ATTRIBUTE_KEYS } from '../model';
import { runRetentionExclusive } from '../retention-job';
import { getCaseworkSettings } from '../settings';
import { inWords } from './errors';

/** Summary rows of the municipality's last ten retention runs, newest first (counts only). */
async function lastRuns(db: DbOrTx, municipalityId: string) {
	const rows = await auditEntriesOf(db, { action: 'retention.run', municipalityId, limit: 10 });
	const names = await userNames(db, rows.flatMap((r) => (r.actorUserId ? [r.actorUserId] : [])));
	const count = (changes: Record<string, [unknown, unknown]>, key: string) => Number(changes[key]?.[1] ?? 0);
	return rows.map((r) => ({
		id: r.id,
		at: r.at.toISOString(),
		clock: String(r.changes.now?.[1] ?? r.at.toISOString()),
		by: r.actorUserId ? (names.get(r.actorUserId)?.displayName ?? null) : null,
		cases: count(r.changes, 'casesClosed') + count(r.changes, 'casesWithdrawn') + count(r.changes, 'casesDeleteAfter'),
		contacts: count(r.changes, 'contactsFolded'),
		tokens: count(r.changes, 'referralTokensErased')
	}));
}

/**
 * The page of the administrator's municipality; the form shows `input` (what was entered) or
 * the stored settings.
 * @throws AccessDeniedError without `casework:configure` on the municipality.
 */
export async function caseworkSettingsPage(db: DbOrTx, principal: UserPrincipal, input?: CaseworkSettingsInput) {
	authorize(principal, 'casework:configure', { municipalityId: principal.municipalityId });
	const config = readConfig();
	const settings = await getCaseworkSettings(db, principal.municipalityId);
	return {
		settings,
		input: input ?? settings,
		attributes: CONTACT_ATTRIBUTE_KEYS,
		periodFields: PERIOD_FIELDS.map((field) => ({ field, ...PERIOD_RANGES[field] })),
		runs: await lastRuns(db, principal.municipalityId),
		clockMoved: config.retentionNow?.toISOString() ?? null,
		scheduleMinutes: config.retentionIntervalMinutes
	};
}

/** The settings form as entered (periods as typed). */
export function settingsInput(form: FormData): CaseworkSettingsInput {
	const value = (name: string) => {
		const v = form.get(name);
		return typeof v === 'string' ? v : '';
	};
	return {
		contactAttributes: form.getAll('contactAttributes').filter((v): v is string => typeof v === 'string'),
		caseMonthsAfterClosure: value('caseMonthsAfterClosure'),
		contactDetailMonths: value('contactDetailMonths'),
		referralTokenDays: value('referralTokenDays'),
		referralFollowUpDays: value('referralFollowUpDays')
	};
}

/**
 * Saves the settings of the administrator's municipality.
 * @throws AccessDeniedError; ValidationError with the `rt_error_…` messages.
 */
export function saveSettings(db: Db, principal: UserPrincipal, input: CaseworkSettingsInput) {
	return inWords(() => saveCaseworkSettings(db, principal, principal.municipalityId, input), 'rt_error_');
}

/**
 * Runs the deletion schedule for the administrator's municipality now, at the configured clock.
 * @returns the counts of what was done, or `busy` when a run was already going on here.
 * @throws AccessDeniedError without `casework:configure`.
 */
export async function runScheduleNow(db: Db, principal: UserPrincipal) {
	const report = await runRetentionExclusive(db, principal, { now: readConfig().retentionNow ?? undefined, municipalityId: principal.municipalityId });
	if (!report) return { busy: true as const };
	const m = report.municipalities[0];
	return { ran: { cases: m ? m.cases.closed + m.cases.withdrawn + m.cases.deleteAfter : 0, contacts: m?.contactsFolded ?? 0, tokens: m?.referralTokensErased ?? 0 } };
}
