import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { createCampaignFromForm, enteredCampaign, moderateFeedbackFromForm, participationStaffPage } from '$lib/server/participation/pages/staff';
import type { Actions, PageServerLoad } from './$types';

/** Partizipation for staff (issue 16): the feedback moderation queue and the mapping campaigns. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await participationStaffPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	moderate: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await moderateFeedbackFromForm(await getDb(), p, form);
			return { moderated: true as const };
		});
	},
	create: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				const id = await createCampaignFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/staff/participation/${id}`);
			},
			() => ({ values: enteredCampaign(form) })
		);
	}
};
