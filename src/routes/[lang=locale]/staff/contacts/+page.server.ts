import { contactFormValues, contactsPage, deleteFromForm, recordFromForm, redrawForm } from '$lib/server/casework/pages/contacts';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/**
 * Beratungskontakte (issue 4 §1): record anonymous contacts, with referrals; today's list. The
 * referral-target search posts the form and draws it again with what was entered (issue 12 §8).
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	const q = event.url.searchParams;
	try {
		return await contactsPage(await getDb(), p, { instance: q.get('instance'), q: q.get('q') }, event.params.lang);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	record: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const values = contactFormValues(form);
		return handleForm(
			async () => recordFromForm(await getDb(), p, text(form, 'instance'), values, event.params.lang, event.url.origin),
			async () => redrawForm(await getDb(), p, text(form, 'instance'), values, event.params.lang)
		);
	},
	search: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		try {
			return await redrawForm(await getDb(), p, text(form, 'instance'), contactFormValues(form), event.params.lang);
		} catch (e) {
			httpError(e);
		}
	},
	delete: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => deleteFromForm(await getDb(), p, form));
	}
};
