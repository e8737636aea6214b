import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$lib/server/accounts/model';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { entered } from '$lib/server/volunteering/pages/forms';
import { eraseSelf, profilePage, renewCalendarFromForm, saveProfileFromForm } from '$lib/server/volunteering/pages/volunteer';
import type { Actions, PageServerLoad } from './$types';

/**
 * Mein Profil (issue 13 §1, §6, §10): the profile form, what the coordination recorded of checks
 * (dates only), a new calendar address (shown once), export and erasure of one's own data.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await profilePage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await saveProfileFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/volunteer/profile?saved=1`);
			},
			() => ({ values: entered(form) })
		);
	},
	calendar: async (event) => {
		const p = requirePrincipal(event);
		return handleForm(async () => ({ calendarUrl: await renewCalendarFromForm(await getDb(), p) }));
	},
	erase: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await eraseSelf(await getDb(), p, form);
			event.cookies.delete(SESSION_COOKIE, { path: '/' });
			redirect(303, `/${event.params.lang}`);
		});
	}
};
