import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { mapPage, relationFromForm } from '$lib/server/networks/pages/map';
import type { Actions, PageServerLoad } from './$types';

/** The network map and its figures (issue 14 §2, §6), of the municipality or one social space (`space`). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await mapPage(await getDb(), p, event.locals.locale, event.url.searchParams);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	/** Records a typed relation between two actors of the municipality. */
	relate: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await relationFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/staff/networks/map?saved=1${event.url.searchParams.get('space') ? `&space=${encodeURIComponent(event.url.searchParams.get('space')!)}` : ''}#nw-relation`);
			},
			() => ({ values: Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === 'string')) })
		);
	}
};
