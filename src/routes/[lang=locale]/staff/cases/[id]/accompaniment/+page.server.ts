import { redirect } from '@sveltejs/kit';
import { accompanimentRequestPage, accompanimentValues, requestFromForm } from '$lib/server/casework/pages/accompaniment';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/**
 * Begleitung anfragen (issue 4 §4): the form that asks for a volunteer for an appointment of the
 * case. Shows nothing of the case itself; says so when the case takes no writes or the consent
 * does not cover accompaniment.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return { ...(await accompanimentRequestPage(await getDb(), p, event.params.id)), requested: event.url.searchParams.has('requested') };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async (event) => {
		const p = requirePrincipal(event);
		const values = accompanimentValues(await event.request.formData());
		return handleForm(
			async () => {
				await requestFromForm(await getDb(), p, event.params.id, values);
				redirect(303, `/${event.params.lang}/staff/cases/${event.params.id}/accompaniment?requested`);
			},
			() => ({ values })
		);
	}
};
