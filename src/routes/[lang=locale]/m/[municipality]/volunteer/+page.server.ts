import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { clientIp } from '$lib/server/http/forms';
import { entered } from '$lib/server/volunteering/pages/forms';
import { registerFromForm, registrationPage } from '$lib/server/volunteering/pages/public';
import type { Actions, PageServerLoad } from './$types';

/**
 * Ehrenamtlich helfen (issue 13 §1): the public registration page of a municipality, without an
 * account; the answer is the same whether or not the address already has one.
 */
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		return await registrationPage(await getDb(), params.municipality, null, locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async ({ params, request, getClientAddress }) => {
		const form = await request.formData();
		return handleForm(
			async () => {
				await registerFromForm(await getDb(), form, { municipalitySlug: params.municipality, instanceSlug: null, locale: params.lang, ip: clientIp(getClientAddress) });
				return { sent: true as const };
			},
			() => ({ values: entered(form) })
		);
	}
};
