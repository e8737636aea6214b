import { error, fail, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { pickText } from '$lib/server/directory/texts';
import { AccessDeniedError, NotFoundError, ValidationError } from '$lib/server/core/errors';
import { deleteProgramme, getProgramme, programmeToInput, saveProgramme } from '$lib/server/steering/programmes';
import { BLANK_DEADLINE_ROWS, formErrors, programmeFormOptions, programmeFromForm } from '../steering-form.server';
import { PROGRAMME_VOCAB } from '../vocab';
import type { Actions, PageServerLoad } from './$types';

/**
 * One programme (issue 5 §2): its facts, deadlines, funded offers and — read-only — the needs
 * reports linked to it; administrators also get the edit form and deletion.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const p = locals.principal!;
	if (!can(p, 'steering:view', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	const db = await getDb();
	const prog = await getProgramme(db, p.municipalityId, params.id);
	if (!prog) error(404, 'Not Found');
	const canManage = can(p, 'programmes:manage', { municipalityId: p.municipalityId });
	const values = programmeToInput(prog);
	return {
		programme: {
			...prog,
			createdAt: prog.createdAt.toISOString(),
			updatedAt: prog.updatedAt.toISOString(),
			services: prog.services.map((s) => ({ id: s.id, name: pickText(s.name, locals.locale)?.text ?? s.id, status: s.status }))
		},
		saved: url.searchParams.has('saved'),
		canManage,
		edit: canManage
			? { values, rows: values.deadlines.length + BLANK_DEADLINE_ROWS, options: await programmeFormOptions(db, p, locals.locale), vocab: PROGRAMME_VOCAB }
			: null
	};
};

export const actions: Actions = {
	save: async ({ locals, request, params }) => {
		const form = await request.formData();
		const values = programmeFromForm(form);
		if (form.get('intent') === 'more') return { values, rows: values.deadlines.length + BLANK_DEADLINE_ROWS, more: true };
		try {
			await saveProgramme(await getDb(), locals.principal!, values, { id: params.id });
		} catch (e) {
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			if (e instanceof NotFoundError) error(404, 'Not Found');
			if (e instanceof ValidationError) return fail(400, { values, rows: values.deadlines.length, errors: formErrors(e.issues) });
			throw e;
		}
		redirect(303, `/${params.lang}/staff/programmes/${params.id}?saved=1`);
	},
	delete: async ({ locals, params }) => {
		try {
			await deleteProgramme(await getDb(), locals.principal!, params.id);
		} catch (e) {
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			if (e instanceof NotFoundError) error(404, 'Not Found');
			throw e;
		}
		redirect(303, `/${params.lang}/staff/programmes`);
	}
};
