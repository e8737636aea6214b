import { error, fail, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { AccessDeniedError, NotFoundError, ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { getAssessment, saveAssessment } from '$lib/server/steering/assessment';
import { formErrors } from '../../programmes/steering-form.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * One self-assessment (issue 5 §5): the instance's staff rate each criterion (0–3) with
 * evidence, save a draft and submit; submitted assessments and the administrators' view are
 * read-only.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const p = locals.principal!;
	let a;
	try {
		a = await getAssessment(await getDb(), p, params.id);
	} catch (e) {
		if (e instanceof NotFoundError) error(404, 'Not Found');
		throw e;
	}
	const editable = !a.submittedAt && can(p, 'assessment:submit', { municipalityId: p.municipalityId, instanceId: a.instanceId });
	return {
		assessment: {
			id: a.id,
			year: a.year,
			instanceName: a.instanceName,
			submittedAt: a.submittedAt?.toISOString() ?? null,
			version: a.catalogue.version,
			catalogueTitle: a.catalogue.title,
			criteria: a.catalogue.criteria.map((c) => ({ id: c.id, code: c.code, task: c.task, title: c.title, description: c.description })),
			answers: a.answers
		},
		editable,
		saved: url.searchParams.get('saved')
	};
};

export const actions: Actions = {
	save: async ({ locals, request, params }) => {
		const form = await request.formData();
		const submit = form.get('intent') === 'submit';
		const ids = form.getAll('criterion').filter((v): v is string => typeof v === 'string');
		const answers = ids.map((criterionId) => ({ criterionId, rating: text(form, `rating_${criterionId}`), evidence: text(form, `evidence_${criterionId}`) }));
		try {
			await saveAssessment(await getDb(), locals.principal!, params.id, answers, { submit });
		} catch (e) {
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			if (e instanceof NotFoundError) error(404, 'Not Found');
			if (e instanceof ValidationError) {
				return fail(400, { answers: Object.fromEntries(answers.map((x) => [x.criterionId, { rating: x.rating, evidence: x.evidence }])), errors: formErrors(e.issues) });
			}
			throw e;
		}
		redirect(303, `/${params.lang}/staff/assessment/${params.id}?saved=${submit ? 'submitted' : 'draft'}`);
	}
};
