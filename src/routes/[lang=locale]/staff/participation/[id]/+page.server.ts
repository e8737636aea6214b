import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { campaignStaffPage, enterPointsFromForm, moderatePointsFromForm } from '$lib/server/participation/pages/staff';
import type { Actions, PageServerLoad } from './$types';

/** A mapping campaign for staff (issue 16 §2): moderation of its points and the entry of a paper workshop. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await campaignStaffPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	moderate: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => ({ moderated: await moderatePointsFromForm(await getDb(), p, event.params.id, form) }));
	},
	enter: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => ({ entered: await enterPointsFromForm(await getDb(), p, event.params.id, form) }),
			() => ({ points: String(form.get('points') ?? '') })
		);
	}
};
