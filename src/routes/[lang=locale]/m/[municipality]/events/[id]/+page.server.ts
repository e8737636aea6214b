import { getDb } from '$lib/server/db';
import { eventPage, registerFromForm, registrationValues } from '$lib/server/hosting/pages/public';
import { handleForm, httpError } from '$lib/server/http/errors';
import type { Actions, PageServerLoad } from './$types';

/** An own event's public page with registration without an account (issue 15 §3). */
export const load: PageServerLoad = async ({ params, url, locals }) => {
	try {
		return await eventPage(await getDb(), params.municipality, params.id, locals.locale, url.origin);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async ({ params, request }) => {
		const form = await request.formData();
		return handleForm(
			async () => ({ registered: await registerFromForm(await getDb(), params.id, form) }),
			() => ({ values: registrationValues(form) })
		);
	}
};
