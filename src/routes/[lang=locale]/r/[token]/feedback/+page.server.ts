import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { clientIp } from '$lib/server/http/forms';
import { enteredFeedback, sendSlipFeedbackFromForm, slipFeedbackPage } from '$lib/server/participation/pages/public';
import type { Actions, PageServerLoad } from './$types';

/**
 * Feedback through the referral slip's token (issue 16 §1): once per token while it is valid.
 * Never cached, and no referrer to other sites (`same-origin`: with `no-referrer` browsers send
 * `Origin: null` on the form POST, which the CSRF check refuses), so the token leaks nowhere.
 */
export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'same-origin' });
	try {
		return await slipFeedbackPage(await getDb(), params.token, locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async ({ params, request, locals, getClientAddress }) => {
		const form = await request.formData();
		return handleForm(
			async () => {
				await sendSlipFeedbackFromForm(await getDb(), params.token, form, locals.locale, { address: clientIp(getClientAddress), userAgent: request.headers.get('user-agent') ?? '' });
				return { sent: true as const };
			},
			() => ({ values: enteredFeedback(form) })
		);
	}
};
