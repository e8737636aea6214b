import { followUp, referralsPage, sendPartnerMail } from '$lib/server/casework/pages/referrals';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/**
 * Weitervermittlungen (issue 4 §3): the instance's referrals with status and history, overdue
 * ones (no status change for the follow-up period) first, with a "followed up" action and one
 * that mails the partner link to the partner again (issue 12 §7).
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	const q = event.url.searchParams;
	try {
		return await referralsPage(await getDb(), p, { instance: q.get('instance'), show: q.get('show') }, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	followUp: async (event) => {
		const p = requirePrincipal(event);
		const id = text(await event.request.formData(), 'id');
		return handleForm(
			async () => {
				await followUp(await getDb(), p, id);
				return { id, done: true };
			},
			() => ({ id })
		);
	},
	mail: async (event) => {
		const p = requirePrincipal(event);
		const id = text(await event.request.formData(), 'id');
		return handleForm(
			async () => ({ id, mailed: (await sendPartnerMail(await getDb(), p, id, event.url.origin)).email }),
			() => ({ id })
		);
	}
};
