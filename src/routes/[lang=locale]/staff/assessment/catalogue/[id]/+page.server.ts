import { error, fail, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { AccessDeniedError, NotFoundError, ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import { getCatalogue, publishCatalogue, saveCatalogueDraft, type CriterionInput } from '$lib/server/steering/assessment';
import { formErrors } from '../../../programmes/steering-form.server';
import type { Actions, PageServerLoad } from './$types';

/** Blank criterion rows offered below the filled ones. */
const BLANK_ROWS = 3;

function criteriaFromForm(form: FormData): CriterionInput[] {
	const rows = Math.min(Number(text(form, 'rows')) || 0, 200);
	return Array.from({ length: rows }, (_, i) => ({
		code: text(form, `code_${i}`),
		task: text(form, `task_${i}`),
		title: text(form, `title_${i}`),
		description: text(form, `description_${i}`)
	}));
}

function fail4xx(e: unknown) {
	if (e instanceof AccessDeniedError) error(403, 'Forbidden');
	if (e instanceof NotFoundError) error(404, 'Not Found');
}

/**
 * One catalogue version (issue 5 §5): read-only when published; a draft is edited here
 * (criteria in order, blank rows plus "more rows" without JavaScript) and published.
 * Reading needs `steering:view`, editing `programmes:manage`.
 */
export const load: PageServerLoad = async ({ locals, params }) => {
	const p = locals.principal!;
	const scope = { municipalityId: p.municipalityId };
	if (!can(p, 'steering:view', scope)) error(403, 'Forbidden');
	const catalogue = await getCatalogue(await getDb(), p.municipalityId, params.id);
	if (!catalogue) error(404, 'Not Found');
	const editable = !catalogue.publishedAt && can(p, 'programmes:manage', scope);
	return {
		catalogue: {
			id: catalogue.id,
			version: catalogue.version,
			title: catalogue.title,
			publishedAt: catalogue.publishedAt?.toISOString() ?? null,
			criteria: catalogue.criteria.map((c) => ({ code: c.code, task: c.task, title: c.title, description: c.description }))
		},
		editable,
		rows: catalogue.criteria.length + BLANK_ROWS
	};
};

export const actions: Actions = {
	save: async ({ locals, request, params }) => {
		const form = await request.formData();
		const criteria = criteriaFromForm(form);
		const title = text(form, 'title');
		if (form.get('intent') === 'more') return { title, criteria, rows: criteria.length + BLANK_ROWS, more: true };
		try {
			await saveCatalogueDraft(await getDb(), locals.principal!, params.id, { title, criteria });
		} catch (e) {
			fail4xx(e);
			if (e instanceof ValidationError) return fail(400, { title, criteria, rows: criteria.length, errors: formErrors(e.issues) });
			throw e;
		}
		return { saved: true };
	},
	publish: async ({ locals, params }) => {
		try {
			await publishCatalogue(await getDb(), locals.principal!, params.id);
		} catch (e) {
			fail4xx(e);
			if (e instanceof ValidationError) return fail(400, { errors: formErrors(e.issues) });
			throw e;
		}
		redirect(303, `/${params.lang}/staff/assessment/catalogue/${params.id}`);
	}
};
