import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { formValues } from '$lib/server/networks/pages/forms';
import { createNetworkFromForm, networkFormChoices } from '$lib/server/networks/pages/staff';
import type { Actions, PageServerLoad } from './$types';

/** A new network or body (issue 14 §1), with the warning about existing networks of the same spaces and fields. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await networkFormChoices(await getDb(), p);
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
				const made = await createNetworkFromForm(await getDb(), p, form);
				if ('overlaps' in made) return { overlaps: made.overlaps, values: formValues(form) };
				redirect(303, `/${event.params.lang}/staff/networks/${made.id}?created=1`);
			},
			() => ({ values: formValues(form) })
		);
	}
};
