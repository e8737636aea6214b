import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { entered } from '$lib/server/volunteering/pages/forms';
import { settingsAction, settingsPage } from '$lib/server/volunteering/pages/staff';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * Ehrenamt's settings (issue 13 §2, §7, §10), administrators of the municipality: periods and
 * thresholds (Führungszeugnis age and re-inspection, deletion, Ehrenamtskarte NRW), the activity
 * vocabulary with the checks each requires, and places with theirs (e.g. Kita → Masernschutz).
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await settingsPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

function act(action: string) {
	return async (event: RequestEvent) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await settingsAction(await getDb(), p, action, form);
				redirect(303, `/${event.params.lang}/staff/volunteers/settings?saved=${action}`);
			},
			() => ({ values: entered(form) })
		);
	};
}

export const actions: Actions = { settings: act('settings'), activity: act('activity'), place: act('place') };
