import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { getServices, visibleLevels } from '$lib/server/directory/service';
import { textView, offerOpenAt } from '$lib/server/wegweiser/entries';
import { applySavedForm, readSaved } from '$lib/server/wegweiser/saved';
import { text } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

/** The offers saved on this device (cookie), those of this municipality, in the order saved. */
export const load: PageServerLoad = async ({ parent, locals, cookies, setHeaders }) => {
	const { municipality } = await parent();
	const ids = readSaved(cookies);
	const details = await getServices(await getDb(), ids, visibleLevels(locals.principal, municipality.id));
	const now = new Date();
	setHeaders({ 'cache-control': 'private, no-store' });
	return {
		offers: details
			.filter((d) => d.municipalityId === municipality.id)
			.map((d) => ({
				id: d.id,
				name: textView(d.name, locals.locale)!,
				organizationName: d.organization.name,
				address: d.locations[0] ? `${d.locations[0].street}, ${d.locations[0].postalCode} ${d.locations[0].city}` : null,
				openNow: offerOpenAt(d, now),
				temporarilyClosed: d.status === 'temporarily closed'
			})),
		elsewhere: ids.length - details.filter((d) => d.municipalityId === municipality.id).length
	};
};

export const actions: Actions = {
	remove: async ({ request, cookies, url }) => {
		applySavedForm(cookies, 'remove', text(await request.formData(), 'id'));
		redirect(303, url.pathname);
	}
};
