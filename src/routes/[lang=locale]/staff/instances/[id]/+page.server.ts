import { redirect } from '@sveltejs/kit';
import { locales } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { instanceEditPage } from '$lib/server/instances/pages/edit';
import { instanceInputFromForm } from '$lib/server/instances/pages/form';
import { updateInstance } from '$lib/server/instances/service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return { ...(await instanceEditPage(await getDb(), p, event.params.id, locales)), saved: event.url.searchParams.has('saved') };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async (event) => {
		const p = requirePrincipal(event);
		const input = instanceInputFromForm(await event.request.formData(), locales);
		const db = await getDb();
		return handleForm(
			async () => {
				await updateInstance(db, p, event.params.id, input);
				redirect(303, `/${event.params.lang}/staff/instances/${event.params.id}?saved=1`);
			},
			() => instanceEditPage(db, p, event.params.id, locales, input)
		);
	}
};
