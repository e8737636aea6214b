import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { clientIp } from '$lib/server/http/forms';
import { campaignPage, enteredPoint, setPointFromForm } from '$lib/server/participation/pages/public';
import type { Actions, PageServerLoad } from './$types';

/**
 * Nadelmethode (issue 16 §2): a participant picks a category and optional facts, then clicks the
 * map — an `<input type="image">`, so it works without JavaScript — and the point goes to
 * moderation. No account, and the address only feeds the in-memory throttle.
 */
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		return await campaignPage(await getDb(), params.municipality, params.id, locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async ({ params, request, getClientAddress }) => {
		const form = await request.formData();
		return handleForm(
			async () => {
				await setPointFromForm(await getDb(), params.municipality, params.id, form, { address: clientIp(getClientAddress), userAgent: request.headers.get('user-agent') ?? '' });
				return { sent: true as const, values: enteredPoint(form) };
			},
			() => ({ values: enteredPoint(form) })
		);
	}
};
