import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { answersFromForm, assessmentPage, saveAssessmentFromForm } from '$lib/server/steering/pages/assessment';
import type { Actions, PageServerLoad } from './$types';

/**
 * One self-assessment (issue 5 §5): the instance's staff rate each criterion (0–3) with
 * evidence, save a draft and submit; submitted assessments and the administrators' view are
 * read-only.
 */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await assessmentPage(await getDb(), p, event.params.id, event.url.searchParams);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const submit = form.get('intent') === 'submit';
		const answers = answersFromForm(form);
		return handleForm(
			async () => {
				await saveAssessmentFromForm(await getDb(), p, event.params.id, answers, submit);
				redirect(303, `/${event.params.lang}/staff/assessment/${event.params.id}?saved=${submit ? 'submitted' : 'draft'}`);
			},
			() => ({ answers: Object.fromEntries(answers.map((x) => [x.criterionId, { rating: x.rating, evidence: x.evidence }])) })
		);
	}
};
