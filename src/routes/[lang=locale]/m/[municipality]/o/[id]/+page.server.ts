import { error, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { EASY_GERMAN } from '$lib/server/directory/model';
import { findMunicipality } from '$lib/server/geography/service';
import { getService, visibleLevels } from '$lib/server/directory/service';
import { jsonLdText, offerJsonLd, offerView } from '$lib/server/wegweiser/entries';
import { applySavedForm, readSaved } from '$lib/server/wegweiser/saved';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params, locals, url, cookies, setHeaders }) => {
	const { municipality } = await parent();
	const detail = await getService(await getDb(), params.id, visibleLevels(locals.principal, municipality.id));
	if (!detail || detail.municipalityId !== municipality.id) error(404, 'Not Found');
	// Leichte Sprache is a text variant of the German page, chosen by `?text=de-x-ls`.
	const easy = locals.locale === 'de' && url.searchParams.get('text') === EASY_GERMAN;
	const offer = offerView(detail, easy ? EASY_GERMAN : locals.locale);
	const base = `${url.origin}/${params.lang}/m/${municipality.slug}`;
	// The save button shows whether this device saved the offer: not for shared caches.
	setHeaders({ 'cache-control': 'private, no-cache' });
	return {
		offer,
		easy,
		saved: readSaved(cookies).includes(detail.id),
		jsonLd: jsonLdText(offerJsonLd(offer, { offer: `${base}/o/${detail.id}`, actor: `${base}/a/${detail.organizationId}` }, municipality.name))
	};
};

export const actions: Actions = {
	save: async ({ params, cookies, url, locals }) => {
		const db = await getDb();
		const municipality = await findMunicipality(db, params.municipality);
		const detail = municipality && (await getService(db, params.id, visibleLevels(locals.principal, municipality.id)));
		if (!detail || detail.municipalityId !== municipality?.id) error(404, 'Not Found');
		applySavedForm(cookies, 'save', params.id);
		redirect(303, url.pathname);
	},
	remove: async ({ params, cookies, url }) => {
		applySavedForm(cookies, 'remove', params.id);
		redirect(303, url.pathname);
	}
};
