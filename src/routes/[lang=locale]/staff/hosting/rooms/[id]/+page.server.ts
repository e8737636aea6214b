import { getDb } from '$lib/server/db';
import { roomFormValues } from '$lib/server/hosting/forms';
import { roomFormPage, saveRoomFromForm } from '$lib/server/hosting/pages/manage';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/** Raum bearbeiten (issue 15 §1): capacity, accessibility, hours, closures, horizon, listing. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return { ...(await roomFormPage(await getDb(), p, event.locals.locale, event.params.id)), saved: event.url.searchParams.has('saved') };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => ({ saved: !!(await saveRoomFromForm(await getDb(), p, form, event.locals.locale, event.params.id)) }),
			async () => ({ page: await roomFormPage(await getDb(), p, event.locals.locale, event.params.id, roomFormValues(form)) })
		);
	}
};
