import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { savedPage } from '$lib/server/directory/pages/public';
import { applySavedForm, readSaved } from '$lib/server/directory/pages/saved';
import { text } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

/** The offers saved on this device (cookie), those of this municipality, in the order saved. */
export const load: PageServerLoad = async ({ parent, locals, cookies, setHeaders }) => {
	const { municipality } = await parent();
	setHeaders({ 'cache-control': 'private, no-store' });
	return savedPage(await getDb(), locals.principal, municipality.id, readSaved(cookies), locals.locale);
};

export const actions: Actions = {
	remove: async ({ request, cookies, url }) => {
		applySavedForm(cookies, 'remove', text(await request.formData(), 'id'));
		redirect(303, url.pathname);
	}
};
