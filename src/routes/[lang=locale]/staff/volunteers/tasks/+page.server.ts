import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { entered } from '$lib/server/volunteering/pages/forms';
import { publishFromForm, tasksPage } from '$lib/server/volunteering/pages/staff';
import type { Actions, PageServerLoad } from './$types';

/**
 * Aufgabenprofile (issue 13 §3): per Welcome Point the versioned catalogue of what volunteers do,
 * what stays with staff and who supervises; a new version asks the volunteers to confirm again.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await tasksPage(await getDb(), p, event.locals.locale);
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
				await publishFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/staff/volunteers/tasks?saved=1`);
			},
			() => ({ values: entered(form) })
		);
	}
};
