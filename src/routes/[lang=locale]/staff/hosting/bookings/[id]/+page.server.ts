import { getDb } from '$lib/server/db';
import { bookingPage, cancelDateFromForm, cancelEventFromForm, editSeriesFromForm } from '$lib/server/hosting/pages/manage';
import { seriesEditFromForm } from '$lib/server/hosting/forms';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/** Eine Buchung (issue 15 §2): change the times of this date, this and later dates or all; cancel a date or the whole own event. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await bookingPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	edit: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		// A refused edit shows the form as it was sent, so nothing typed is lost.
		return handleForm(async () => ({ edited: (await editSeriesFromForm(await getDb(), p, event.params.id, form, event.locals.locale)).id }), () => ({ section: 'edit', values: seriesEditFromForm(form) }));
	},
	cancelDate: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => ({ cancelledDate: !!(await cancelDateFromForm(await getDb(), p, event.params.id, form, event.locals.locale)) }), () => ({ section: 'dates' }));
	},
	cancelEvent: async (event) => {
		const p = requirePrincipal(event);
		return handleForm(async () => ({ notified: (await cancelEventFromForm(await getDb(), p, event.params.id)).mailed }), () => ({ section: 'event' }));
	}
};
