import { error, fail } from '@sveltejs/kit';
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import { getDb } from '$lib/server/db';
import { issueErrors } from '$lib/server/casework/referral-messages';
import { REFERRAL_LIST_LIMIT, listReferrals, markFollowUpDone, topicMessageKey } from '$lib/server/casework/referrals';
import { getCaseworkSettings } from '$lib/server/casework/settings';
import { AccessDeniedError, NotFoundError, ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { chooseInstance } from './instance-choice';
import type { Actions, PageServerLoad } from './$types';

/**
 * Weitervermittlungen (issue 4 §3): the instance's referrals with status and history, overdue
 * ones (no status change for the follow-up period) first, with a "followed up" action.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	const db = await getDb();
	const { chosen, mine } = await chooseInstance(db, p, url.searchParams.get('instance'));
	if (!chosen) error(403, 'Forbidden');
	const overdueOnly = url.searchParams.get('show') === 'overdue';
	const now = new Date();
	const list = await listReferrals(db, p, chosen.id, { overdueOnly }, now);
	const { referralFollowUpDays } = await getCaseworkSettings(db, p.municipalityId);
	const when = (d: Date) => formatDateTime(d, locals.locale);
	return {
		instance: chosen,
		instances: mine,
		overdueOnly,
		followUpDays: referralFollowUpDays,
		limit: REFERRAL_LIST_LIMIT,
		overdueCount: list.filter((r) => r.overdue).length,
		referrals: list.map((r) => ({
			id: r.id,
			target: r.targetLabel,
			topic: msg(topicMessageKey(r.topic)),
			referenceCode: r.referenceCode,
			status: msg(`cr_status_${r.status}`),
			reason: r.failureReason ? msg(`cr_reason_${r.failureReason}`) : null,
			appointmentAt: r.appointmentAt ? when(r.appointmentAt) : null,
			since: when(r.statusChangedAt),
			linkExpired: r.expiresAt <= now,
			caseId: r.caseId,
			overdue: r.overdue,
			followUpDone: r.followUpDone,
			final: r.status === 'helped' || r.status === 'not_possible',
			history: r.history.map((e) => ({
				status: msg(`cr_status_${e.status}`),
				reason: e.failureReason ? msg(`cr_reason_${e.failureReason}`) : null,
				by: e.by === 'partner' ? msg('cr_by_partner') : msg('cr_by_staff'),
				at: when(e.at)
			}))
		}))
	};
};

export const actions: Actions = {
	followUp: async ({ locals, request }) => {
		const id = text(await request.formData(), 'id');
		try {
			await markFollowUpDone(await getDb(), locals.principal, id);
		} catch (e) {
			if (e instanceof NotFoundError) error(404, 'Not Found');
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			if (e instanceof ValidationError) return fail(400, { id, errors: issueErrors(e.issues) });
			throw e;
		}
		return { id, done: true };
	}
};
