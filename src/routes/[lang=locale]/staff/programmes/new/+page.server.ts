import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { moreDeadlineRows, newProgrammePage, programmeFromForm, saveProgrammeFromForm } from '$lib/server/steering/pages/programmes';
import type { Actions, PageServerLoad } from './$types';

/** New programme (issue 5 §2): administrators only (`programmes:manage`). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await newProgrammePage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const values = programmeFromForm(form);
		if (form.get('intent') === 'more') return moreDeadlineRows(values);
		return handleForm(
			async () => {
				const id = await saveProgrammeFromForm(await getDb(), p, values);
				redirect(303, `/${event.params.lang}/staff/programmes/${id}?saved=1`);
			},
			() => ({ values, rows: values.deadlines.length })
		);
	}
};
