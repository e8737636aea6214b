import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { needAction, needPage } from '$lib/server/volunteering/pages/staff';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * One Einsatzbedarf (issue 13 §5, §6): shifts, roster and, for coordinators, the ranked
 * volunteers with the reason for each rank; invite with one click. Someone without a required
 * check is refused by the service, whatever the form sends.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await needPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

function act(action: string) {
	return async (event: RequestEvent) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await needAction(await getDb(), p, event.params.id, action, form);
			redirect(303, `/${event.params.lang}/staff/volunteers/needs/${event.params.id}?saved=${action}`);
		});
	};
}

export const actions: Actions = {
	invite: act('invite'),
	status: act('status'),
	cancel: act('cancel')
};
