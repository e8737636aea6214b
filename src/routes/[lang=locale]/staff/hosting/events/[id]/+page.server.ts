import { getDb } from '$lib/server/db';
import { attendanceFromForm, capacityFromForm, eventStaffPage } from '$lib/server/hosting/pages/staff';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/** An own event for its staff (issue 15 §3): registrations, places, attendance per session. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await eventStaffPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	attendance: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => ({ attended: (await attendanceFromForm(await getDb(), p, event.params.id, form)).count }), () => ({ section: 'attendance' }));
	},
	places: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => ({ placesSaved: !!(await capacityFromForm(await getDb(), p, event.params.id, form)) }), () => ({ section: 'places' }));
	}
};
