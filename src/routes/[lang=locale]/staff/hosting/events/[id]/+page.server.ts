import { getDb } from '$lib/server/db';
import { eventFormValues } from '$lib/server/hosting/forms';
import { eventDetailsPage, updateEventFromForm } from '$lib/server/hosting/pages/manage';
import { attendanceFromForm, capacityFromForm, eventStaffPage } from '$lib/server/hosting/pages/staff';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/** An own event for its staff (issue 15 §3): registrations, places, attendance per session, and its details to edit. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		const [page, details] = await Promise.all([eventStaffPage(db, p, event.params.id, event.locals.locale), eventDetailsPage(db, p, event.params.id, event.locals.locale)]);
		return { ...page, ...details, created: event.url.searchParams.has('created') };
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
	details: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => ({ detailsSaved: !!(await updateEventFromForm(await getDb(), p, event.params.id, form, event.locals.locale)) }),
			() => ({ section: 'details', details: eventFormValues(form) })
		);
	},
	places: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => ({ placesSaved: !!(await capacityFromForm(await getDb(), p, event.params.id, form)) }), () => ({ section: 'places' }));
	}
};
