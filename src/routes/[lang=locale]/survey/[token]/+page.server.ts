import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { clientIp } from '$lib/server/http/forms';
import { enteredAnswers, submitResponseFromForm, surveyAnswerPage } from '$lib/server/participation/pages/survey-public';
import type { Actions, PageServerLoad } from './$types';

/**
 * Answering a survey (issue 16 §3) through an audience's link: no account, no JavaScript, and the
 * address only feeds the in-memory throttle.
 */
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		return await surveyAnswerPage(await getDb(), params.token, locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async ({ params, request, locals, getClientAddress }) => {
		const form = await request.formData();
		return handleForm(
			async () => {
				await submitResponseFromForm(await getDb(), params.token, form, locals.locale, { address: clientIp(getClientAddress), userAgent: request.headers.get('user-agent') ?? '' });
				return { sent: true as const };
			},
			() => ({ values: enteredAnswers(form) })
		);
	}
};
