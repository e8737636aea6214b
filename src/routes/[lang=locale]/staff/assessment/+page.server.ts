import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import { assessmentOverviewPage, openAssessmentFromForm, startVersionFromForm } from '$lib/server/steering/pages/assessment';
import type { Actions, PageServerLoad } from './$types';

/**
 * Selbstbewertung (issue 5 §5): administrators see the catalogue versions and the comparison of
 * the instances for a year; instance staff start or continue their instance's assessment.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await assessmentOverviewPage(await getDb(), p, event.url.searchParams);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	startVersion: async (event) => {
		const p = requirePrincipal(event);
		const title = text(await event.request.formData(), 'title');
		return handleForm(
			async () => {
				const id = await startVersionFromForm(await getDb(), p, title);
				redirect(303, `/${event.params.lang}/staff/assessment/catalogue/${id}`);
			},
			() => ({ action: 'startVersion' as const, title })
		);
	},
	open: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				const id = await openAssessmentFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/staff/assessment/${id}`);
			},
			() => ({ action: 'open' as const, yearText: text(form, 'year') })
		);
	}
};
