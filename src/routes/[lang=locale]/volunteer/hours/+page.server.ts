import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { entered } from '$lib/server/volunteering/pages/forms';
import { hoursPage, logOwnHours } from '$lib/server/volunteering/pages/volunteer';
import type { Actions, PageServerLoad } from './$types';

/**
 * Meine Stunden (issue 13 §7): log hours (the coordination confirms them), the ledger, the
 * Ehrenamtskarte NRW check and the certificate download.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await hoursPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await logOwnHours(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/volunteer/hours?saved=1`);
			},
			() => ({ values: entered(form) })
		);
	}
};
