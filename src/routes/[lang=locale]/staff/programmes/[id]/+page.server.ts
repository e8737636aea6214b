import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { deleteProgramme } from '$lib/server/steering/programmes';
import { moreDeadlineRows, programmeFromForm, programmePage, saveProgrammeFromForm } from '$lib/server/steering/pages/programmes';
import type { Actions, PageServerLoad } from './$types';

/**
 * One programme (issue 5 §2): its facts, deadlines, funded offers and — read-only — the needs
 * reports linked to it; administrators also get the edit form and deletion.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await programmePage(await getDb(), p, event.params.id, event.locals.locale, event.url.searchParams);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const values = programmeFromForm(form);
		if (form.get('intent') === 'more') return moreDeadlineRows(values);
		return handleForm(
			async () => {
				await saveProgrammeFromForm(await getDb(), p, values, event.params.id);
				redirect(303, `/${event.params.lang}/staff/programmes/${event.params.id}?saved=1`);
			},
			() => ({ values, rows: values.deadlines.length })
		);
	},
	delete: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		try {
			await deleteProgramme(await getDb(), p, p.municipalityId, event.params.id);
		} catch (e) {
			httpError(e);
		}
		redirect(303, `/${event.params.lang}/staff/programmes`);
	}
};
