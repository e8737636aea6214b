import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { entered } from '$lib/server/volunteering/pages/forms';
import { newNeedPage, postNeedFromForm } from '$lib/server/volunteering/pages/staff';
import type { Actions, PageServerLoad } from './$types';

/**
 * Neuen Einsatzbedarf eintragen (issue 13 §4): activity, social space and place, language, a
 * single date or a series (RRULE), slots, further requirements, whether volunteers may sign up.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await newNeedPage(await getDb(), p, event.locals.locale);
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
				const id = await postNeedFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/staff/volunteers/needs/${id}`);
			},
			() => ({ values: entered(form) })
		);
	}
};
