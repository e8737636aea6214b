import { accompanimentsPage, assignFromForm, closeFromForm } from '$lib/server/casework/pages/accompaniment';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** Begleitungen (issue 4 §4): the instance's requested and assigned accompaniments, with assignment. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await accompanimentsPage(await getDb(), p, event.url.searchParams.get('instance'), event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

/** Applies one change to the accompaniment `id` of the form: `{ id, saved }` or its errors. */
async function change(event: RequestEvent, write: typeof assignFromForm) {
	const p = requirePrincipal(event);
	const form = await event.request.formData();
	const id = text(form, 'id');
	return handleForm(
		async () => {
			await write(await getDb(), p, id, form);
			return { id, saved: true };
		},
		() => ({ id })
	);
}

export const actions: Actions = {
	assign: (event) => change(event, assignFromForm),
	status: (event) => change(event, closeFromForm)
};
