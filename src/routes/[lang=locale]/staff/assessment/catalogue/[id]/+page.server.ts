import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import { BLANK_CRITERION_ROWS, cataloguePage, criteriaFromForm, publishCatalogueFromForm, saveCatalogueFromForm } from '$lib/server/steering/pages/assessment';
import type { Actions, PageServerLoad } from './$types';

/**
 * One catalogue version (issue 5 §5): read-only when published; a draft is edited here
 * (criteria in order, blank rows plus "more rows" without JavaScript) and published.
 * Reading needs `steering:view`, editing `programmes:manage`.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await cataloguePage(await getDb(), p, event.params.id);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const criteria = criteriaFromForm(form);
		const title = text(form, 'title');
		if (form.get('intent') === 'more') return { title, criteria, rows: criteria.length + BLANK_CRITERION_ROWS, more: true as const };
		return handleForm(
			async () => {
				await saveCatalogueFromForm(await getDb(), p, event.params.id, { title, criteria });
				return { saved: true as const };
			},
			() => ({ title, criteria, rows: criteria.length })
		);
	},
	publish: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		return handleForm(async () => {
			await publishCatalogueFromForm(await getDb(), p, event.params.id);
			redirect(303, `/${event.params.lang}/staff/assessment/catalogue/${event.params.id}`);
		});
	}
};
