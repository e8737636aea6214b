import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { createNeedsReportFromForm, needsFormPage, needsFormValues } from '$lib/server/steering/pages/needs';
import type { Actions, PageServerLoad } from './$types';

/** Reporting a need (issue 5 §1): for the instances the person works for, or (administrators) the municipality. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await needsFormPage(await getDb(), p);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const db = await getDb();
		const values = await needsFormValues(db, p, form);
		return handleForm(
			async () => {
				const id = await createNeedsReportFromForm(db, p, values, form);
				redirect(303, `/${event.params.lang}/staff/needs/${id}?created=1`);
			},
			() => ({ values })
		);
	}
};
