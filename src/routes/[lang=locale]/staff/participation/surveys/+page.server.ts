import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { createFromTemplateForm, surveysStaffPage } from '$lib/server/participation/pages/surveys';
import type { Actions, PageServerLoad } from './$types';

/** Surveys for staff (issue 16 §3): the list, a new survey, a draft from the seed 001 template. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await surveysStaffPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	template: async (event) => {
		const p = requirePrincipal(event);
		return handleForm(async () => {
			const id = await createFromTemplateForm(await getDb(), p);
			redirect(303, `/${event.params.lang}/staff/participation/surveys/${id}`);
		});
	}
};
