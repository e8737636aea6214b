import { error, redirect } from '@sveltejs/kit';
import { getDb, getReadDb } from '$lib/server/db';
import { offerPage, visibleOffer } from '$lib/server/directory/pages/public';
import { applySavedForm, readSaved } from '$lib/server/directory/pages/saved';
import { findMunicipality } from '$lib/server/geography/service';
import { httpError } from '$lib/server/http/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params, locals, url, cookies, setHeaders }) => {
	const { municipality } = await parent();
	// The save button shows whether this device saved the offer: not for shared caches.
	setHeaders({ 'cache-control': 'private, no-cache' });
	try {
		// Leichte Sprache is a text variant of the German page, chosen by `?text=de-x-ls`.
		const { id, ...page } = await offerPage(await getReadDb(), locals.principal, municipality, params.id, {
			locale: locals.locale,
			textParam: url.searchParams.get('text'),
			base: `${url.origin}/${params.lang}/m/${municipality.slug}`
		});
		return { ...page, saved: readSaved(cookies).includes(id) };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async ({ params, cookies, url, locals, request }) => {
		await request.arrayBuffer();
		const db = await getDb();
		const municipality = await findMunicipality(db, params.municipality);
		if (!municipality) error(404, 'Not Found');
		await visibleOffer(db, locals.principal, municipality.id, params.id).catch(httpError);
		applySavedForm(cookies, 'save', params.id);
		redirect(303, url.pathname);
	},
	remove: async ({ params, cookies, url, request }) => {
		await request.arrayBuffer();
		applySavedForm(cookies, 'remove', params.id);
		redirect(303, url.pathname);
	}
};
