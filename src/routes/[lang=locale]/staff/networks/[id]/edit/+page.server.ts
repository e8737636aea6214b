import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { formValues } from '$lib/server/networks/pages/forms';
import { networkEditPage, updateNetworkFromForm } from '$lib/server/networks/pages/staff';
import type { Actions, PageServerLoad } from './$types';

/** Changing a network (issue 14 §1): kind, level, spaces, fields, coordination, parent bodies, visibility. For its coordinators. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await networkEditPage(await getDb(), p, event.params.id);
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
				await updateNetworkFromForm(await getDb(), p, event.params.id, form);
				redirect(303, `/${event.params.lang}/staff/networks/${event.params.id}?saved=1`);
			},
			() => ({ values: formValues(form) })
		);
	}
};
