import { getDb } from '$lib/server/db';
import { inReadersTerms } from '$lib/server/hosting/forms';
import { decideFromForm, hostingHome, requestFromForm, requestValues } from '$lib/server/hosting/pages/staff';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/** Räume und Buchungen (issue 15 §2): rooms, the request form, open requests and own events. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await hostingHome(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	request: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => ({ booked: (await inReadersTerms(event.locals.locale, async () => requestFromForm(await getDb(), p, form, event.params.lang))).status }),
			() => ({ values: requestValues(form) })
		);
	},
	decide: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => ({ decided: (await inReadersTerms(event.locals.locale, async () => decideFromForm(await getDb(), p, form))).status }),
			() => ({ decisionFor: String(form.get('id') ?? '') })
		);
	}
};
