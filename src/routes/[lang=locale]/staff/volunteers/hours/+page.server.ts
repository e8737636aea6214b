import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { hoursReviewPage, reviewFromForm } from '$lib/server/volunteering/pages/staff';
import type { Actions, PageServerLoad } from './$types';

/** Stunden bestätigen (issue 13 §7): hours volunteers logged themselves, waiting for coordination. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await hoursReviewPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	review: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await reviewFromForm(await getDb(), p, form);
			redirect(303, `/${event.params.lang}/staff/volunteers/hours?saved=1`);
		});
	}
};
