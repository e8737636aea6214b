import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { eventFormValues } from '$lib/server/hosting/forms';
import { createEventFromForm, newEventPage } from '$lib/server/hosting/pages/manage';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/** Neue Veranstaltung (issue 15 §3): a single event, a course or an open group in one of the rooms. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await newEventPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const result = await handleForm(
			async () => ({ id: (await createEventFromForm(await getDb(), p, form, event.locals.locale)).id }),
			async () => ({ page: await newEventPage(await getDb(), p, event.locals.locale, eventFormValues(form)) })
		);
		if ('id' in result) redirect(303, `/${event.params.lang}/staff/hosting/events/${result.id}?created=1`);
		return result;
	}
};
