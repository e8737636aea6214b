import { redirect } from '@sveltejs/kit';
import { casesPage, openCaseFromForm, openCaseValues } from '$lib/server/casework/pages/cases';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/** Lotsen-Fälle (issue 4 §2): the person's cases (`due=1`: only open ones with a follow-up due), and opening a case on consent. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return { ...(await casesPage(await getDb(), p, event.locals.locale, { dueOnly: event.url.searchParams.get('due') === '1' })), erased: event.url.searchParams.get('erased') === '1' };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	open: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const values = await openCaseValues(await getDb(), p, form);
		return handleForm(
			async () => {
				const id = await openCaseFromForm(await getDb(), p, values);
				redirect(303, `/${event.params.lang}/staff/cases/${id}`);
			},
			// The name is sent back only to refill the form of the person who typed it.
			() => ({ values })
		);
	}
};
