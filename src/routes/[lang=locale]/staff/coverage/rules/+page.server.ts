import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { coverageRulesPage, rulesFromForm, saveRulesFromForm } from '$lib/server/steering/pages/coverage';
import type { Actions, PageServerLoad } from './$types';

/** The coverage rules: administrators change them, instance staff read them. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await coverageRulesPage(await getDb(), p);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async (event) => {
		const p = requirePrincipal(event);
		const values = rulesFromForm(await event.request.formData());
		return handleForm(
			async () => {
				await saveRulesFromForm(await getDb(), p, values);
				return { saved: true as const };
			},
			() => ({ values })
		);
	}
};
