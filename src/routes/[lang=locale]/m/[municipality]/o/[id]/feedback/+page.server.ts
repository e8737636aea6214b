import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { clientIp } from '$lib/server/http/forms';
import { enteredFeedback, offerFeedbackPage, sendOfferFeedbackFromForm } from '$lib/server/participation/pages/public';
import type { Actions, PageServerLoad } from './$types';

/** Rückmeldung zu einem Angebot (issue 16 §1): anonymous, moderated before anyone sees it. */
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		return await offerFeedbackPage(await getDb(), params.municipality, params.id, locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async ({ params, request, locals, getClientAddress }) => {
		const form = await request.formData();
		return handleForm(
			async () => {
				await sendOfferFeedbackFromForm(await getDb(), params.municipality, params.id, form, locals.locale, { address: clientIp(getClientAddress), userAgent: request.headers.get('user-agent') ?? '' });
				return { sent: true as const };
			},
			() => ({ values: enteredFeedback(form) })
		);
	}
};
