import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { entered } from '$lib/server/volunteering/pages/forms';
import { volunteerAction, volunteerPage } from '$lib/server/volunteering/pages/staff';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * One volunteer for the coordination (issue 13 §2, §7, §8, §10); every read is audited. Checks
 * are recorded as the law allows (§ 72a SGB VIII, § 20 IfSG) — dates and a yes/no, never the
 * document: the page has no upload field.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await volunteerPage(await getDb(), p, event.params.id, event.locals.locale);
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
				await volunteerAction(await getDb(), p, event.params.id, action, form);
				// After an erasure the profile is gone: back to the list.
				if (action === 'erase') redirect(303, `/${event.params.lang}/staff/volunteers?saved=erase`);
				redirect(303, `/${event.params.lang}/staff/volunteers/${event.params.id}?saved=${action}`);
			},
			() => ({ values: entered(form), action })
		);
	};
}

export const actions: Actions = {
	check: act('check'),
	delete_check: act('delete_check'),
	hours: act('hours'),
	recognition: act('recognition'),
	erase: act('erase')
};
