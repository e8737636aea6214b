import { error, fail, redirect } from '@sveltejs/kit';
import { and, desc, eq } from 'drizzle-orm';
import { msg } from '$lib/messages';
import { can } from '$lib/server/access';
import type { UserPrincipal } from '$lib/server/access';
import { listUsers } from '$lib/server/accounts/users';
import { auditLog } from '$lib/server/audit/schema';
import { PERIOD_FIELDS, PERIOD_RANGES, saveCaseworkSettings, type CaseworkSettingsInput } from '$lib/server/casework/configure';
import { CONTACT_ATTRIBUTE_KEYS } from '$lib/server/casework/model';
import { runRetentionExclusive } from '$lib/server/casework/retention-job';
import { getCaseworkSettings } from '$lib/server/casework/settings';
import { readConfig } from '$lib/server/core/config';
import { getDb } from '$lib/server/db';
import { ValidationError, type FieldIssue } from '$lib/server/core/errors';
import type { Actions, PageServerLoad } from './$types';

/** The signed-in municipality administrator; 303 to login without a session, 403 for other roles. */
function administrator(principal: UserPrincipal | null, lang: string): UserPrincipal {
	if (!principal) redirect(303, `/${lang}/login`);
	if (!can(principal, 'casework:configure', { municipalityId: principal.municipalityId })) error(403, 'Forbidden');
	return principal;
}

/** Field → message; periods name their range. */
function settingsErrors(issues: FieldIssue[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const i of issues) out[i.field] ??= i.code === 'required' ? msg('error_required') : msg(`rt_error_${i.code}`, i.params ?? {}, msg('error_invalid'));
	return out;
}

/** Summary rows of the last retention runs of the municipality, newest first. */
async function lastRuns(principal: UserPrincipal, municipalityId: string) {
	const db = await getDb();
	const [rows, users] = await Promise.all([
		db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.municipalityId, municipalityId), eq(auditLog.action, 'retention.run')))
			.orderBy(desc(auditLog.id))
			.limit(10),
		listUsers(db, principal, municipalityId)
	]);
	const names = new Map(users.map((u) => [u.id, u.displayName]));
	const count = (changes: Record<string, [unknown, unknown]>, key: string) => Number(changes[key]?.[1] ?? 0);
	return rows.map((r) => ({
		id: r.id,
		at: r.at.toISOString(),
		clock: String(r.changes.now?.[1] ?? r.at.toISOString()),
		by: r.actorUserId ? (names.get(r.actorUserId) ?? null) : null,
		cases: count(r.changes, 'casesClosed') + count(r.changes, 'casesWithdrawn') + count(r.changes, 'casesDeleteAfter'),
		contacts: count(r.changes, 'contactsFolded'),
		tokens: count(r.changes, 'referralTokensErased')
	}));
}

async function pageData(principal: UserPrincipal, input: CaseworkSettingsInput) {
	const config = readConfig();
	return {
		input,
		attributes: CONTACT_ATTRIBUTE_KEYS,
		periodFields: PERIOD_FIELDS.map((field) => ({ field, ...PERIOD_RANGES[field] })),
		runs: await lastRuns(principal, principal.municipalityId),
		clockMoved: config.retentionNow?.toISOString() ?? null,
		scheduleMinutes: config.retentionIntervalMinutes
	};
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const principal = administrator(locals.principal, params.lang);
	const settings = await getCaseworkSettings(await getDb(), principal.municipalityId);
	return { ...(await pageData(principal, settings)), settings, saved: url.searchParams.has('saved') };
};

export const actions: Actions = {
	save: async ({ locals, params, request }) => {
		const principal = administrator(locals.principal, params.lang);
		const form = await request.formData();
		const value = (name: string) => {
			const v = form.get(name);
			return typeof v === 'string' ? v : '';
		};
		const input: CaseworkSettingsInput = {
			contactAttributes: form.getAll('contactAttributes').filter((v): v is string => typeof v === 'string'),
			caseMonthsAfterClosure: value('caseMonthsAfterClosure'),
			contactDetailMonths: value('contactDetailMonths'),
			referralTokenDays: value('referralTokenDays'),
			referralFollowUpDays: value('referralFollowUpDays')
		};
		try {
			await saveCaseworkSettings(await getDb(), principal, principal.municipalityId, input);
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: settingsErrors(e.issues), ...(await pageData(principal, input)) });
			throw e;
		}
		redirect(303, `/${params.lang}/admin/casework?saved=1`);
	},
	run: async ({ locals, params }) => {
		const principal = administrator(locals.principal, params.lang);
		const report = await runRetentionExclusive(await getDb(), {
			now: readConfig().retentionNow ?? undefined,
			municipalityId: principal.municipalityId,
			actorUserId: principal.userId
		});
		if (!report) return fail(409, { busy: true });
		const m = report.municipalities[0];
		return { ran: { cases: m.cases.closed + m.cases.withdrawn + m.cases.deleteAfter, contacts: m.contactsFolded, tokens: m.referralTokensErased } };
	}
};
