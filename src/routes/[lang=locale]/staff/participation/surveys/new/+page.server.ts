import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { createSurveyFromForm, enteredForm, newSurveyPage } from '$lib/server/participation/pages/surveys';
import type { Actions, PageServerLoad } from './$types';

/** A new survey: title and intro in the languages staff write, and k. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return newSurveyPage(p);
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
				const id = await createSurveyFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/staff/participation/surveys/${id}`);
			},
			() => ({ values: enteredForm(form) })
		);
	}
};
