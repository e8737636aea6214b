import { redirect } from '@sveltejs/kit';
import { volunteerPage } from '$lib/server/casework/pages/volunteer';
import { getDb } from '$lib/server/db';
import { hostedEventsPage } from '$lib/server/hosting/pages/volunteer';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { homeAction, volunteerHome } from '$lib/server/volunteering/pages/volunteer';
import type { Actions, PageServerLoad } from './$types';

/**
 * Mein Ehrenamt (issue 13) above Meine Begleitungen (issue 4 §4): invitations to answer, shifts
 * ahead, task profiles to confirm, own events of hosting they host (issue 15 §3); then the accompaniments casework assigned — when, where,
 * which language, whom to call. Nothing of a case. Volunteers only (sign-in sends them here).
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		const [accompaniments, home, hosting] = await Promise.all([volunteerPage(db, p, event.locals.locale), volunteerHome(db, p, event.locals.locale), hostedEventsPage(db, p, event.locals.locale)]);
		return { ...accompaniments, home, hosting };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await homeAction(await getDb(), p, form);
			redirect(303, `/${event.params.lang}/volunteer?saved=1`);
		});
	}
};
