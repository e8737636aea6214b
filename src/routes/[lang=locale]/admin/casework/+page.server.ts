import { fail, redirect } from '@sveltejs/kit';
import { caseworkSettingsPage, runScheduleNow, saveSettings, settingsInput } from '$lib/server/casework/pages/settings';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

/** The Löschplan and the contact attributes of the administrator's municipality (issue 4 §1, §5). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return { ...(await caseworkSettingsPage(await getDb(), p)), saved: event.url.searchParams.has('saved') };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const input = settingsInput(await event.request.formData());
		return handleForm(
			async () => {
				await saveSettings(await getDb(), p, input);
				redirect(303, `/${event.params.lang}/admin/casework?saved=1`);
			},
			async () => caseworkSettingsPage(await getDb(), p, input)
		);
	},
	run: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		try {
			const result = await runScheduleNow(await getDb(), p);
			return 'busy' in result ? fail(409, result) : result;
		} catch (e) {
			httpError(e);
		}
	}
};
