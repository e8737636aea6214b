import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { needsPage, signUpFromForm } from '$lib/server/volunteering/pages/volunteer';
import type { Actions, PageServerLoad } from './$types';

/** Offene Einsätze (issue 13 §5): open needs that fit the volunteer; sign up where staff allow it. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await needsPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await signUpFromForm(await getDb(), p, form);
			redirect(303, `/${event.params.lang}/volunteer/needs?saved=1`);
		});
	}
};
