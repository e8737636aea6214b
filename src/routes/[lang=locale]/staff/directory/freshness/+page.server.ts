import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { setFreshnessDays } from '$lib/server/directory/freshness';
import { freshnessDaysFromForm, freshnessPage } from '$lib/server/directory/pages/staff';
import { handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import { freshnessReports } from '$lib/server/participation/pages/steering';
import { sendLinkAction } from '../actions.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		// Partizipation's approved "closed / moved" reports (issue 16 §1) join the view here.
		const [page, reports] = await Promise.all([freshnessPage(db, p, event.url.searchParams, event.locals.locale), freshnessReports(db, p, event.locals.locale)]);
		return { ...page, reports };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	days: async (event) => {
		const p = requirePrincipal(event);
		const raw = text(await event.request.formData(), 'freshnessDays');
		return handleForm(
			async () => {
				await setFreshnessDays(await getDb(), p, p.municipalityId, freshnessDaysFromForm(raw));
				return { daysSaved: true };
			},
			() => ({ freshnessDays: raw })
		);
	},
	sendLink: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const kind = text(form, 'kind');
		// No such kind of entry: nothing to send a link for, whoever asks.
		if (kind !== 'service' && kind !== 'organization') error(404, 'Not Found');
		const id = text(form, 'id');
		return sendLinkAction(p, kind, id, form, event.url.origin, event.params.lang, `email-${id}`);
	}
};
