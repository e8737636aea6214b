import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { roomFormValues } from '$lib/server/hosting/forms';
import { roomFormPage, saveRoomFromForm } from '$lib/server/hosting/pages/manage';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/** Neuer Raum (issue 15 §1): staff of an instance create one of its rooms. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await roomFormPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const result = await handleForm(
			async () => ({ id: (await saveRoomFromForm(await getDb(), p, form, event.locals.locale)).id }),
			async () => ({ page: await roomFormPage(await getDb(), p, event.locals.locale, undefined, roomFormValues(form)) })
		);
		if ('id' in result) redirect(303, `/${event.params.lang}/staff/hosting/rooms/${result.id}?saved=1`);
		return result;
	}
};
