import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { campaignEditPage, closeCampaignFromForm, enteredCampaignEdit, saveCampaignFromForm } from '$lib/server/participation/pages/edit';
import type { Actions, PageServerLoad } from './$types';

/** Editing a mapping campaign (issue 16 §2): title, categories with own labels, closing early. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await campaignEditPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await saveCampaignFromForm(await getDb(), p, event.params.id, form);
				redirect(303, `/${event.params.lang}/staff/participation/${event.params.id}/edit?saved=1`);
			},
			() => ({ entered: enteredCampaignEdit(form) })
		);
	},
	close: async (event) => {
		const p = requirePrincipal(event);
		return handleForm(async () => {
			await closeCampaignFromForm(await getDb(), p, event.params.id);
			redirect(303, `/${event.params.lang}/staff/participation/${event.params.id}/edit?closed=1`);
		});
	}
};
