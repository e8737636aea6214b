import { error, fail, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { AccessDeniedError, ValidationError } from '$lib/server/core/errors';
import { saveProgramme, type ProgrammeInput } from '$lib/server/steering/programmes';
import { BLANK_DEADLINE_ROWS, formErrors, programmeFormOptions, programmeFromForm } from '../steering-form.server';
import { PROGRAMME_VOCAB } from '../vocab';
import type { Actions, PageServerLoad } from './$types';

const EMPTY: ProgrammeInput = {
	name: '', description: '', funderLevel: '', funderName: '', themeFields: [], targetGroups: [], socialSpaceIds: [], budget: '',
	startsOn: '', endsOn: '', deadlines: [], url: '', contactName: '', contactEmail: '', contactPhone: '', serviceIds: []
};

/** New programme (issue 5 §2): administrators only (`programmes:manage`). */
export const load: PageServerLoad = async ({ locals }) => {
	const p = locals.principal!;
	if (!can(p, 'programmes:manage', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	return { values: EMPTY, rows: BLANK_DEADLINE_ROWS, options: await programmeFormOptions(await getDb(), p, locals.locale), vocab: PROGRAMME_VOCAB };
};

export const actions: Actions = {
	save: async ({ locals, request, params }) => {
		const form = await request.formData();
		const values = programmeFromForm(form);
		if (form.get('intent') === 'more') return { values, rows: values.deadlines.length + BLANK_DEADLINE_ROWS, more: true };
		let id: string;
		try {
			id = (await saveProgramme(await getDb(), locals.principal!, values)).id;
		} catch (e) {
			if (e instanceof AccessDeniedError) error(403, 'Forbidden');
			if (e instanceof ValidationError) return fail(400, { values, rows: values.deadlines.length, errors: formErrors(e.issues) });
			throw e;
		}
		redirect(303, `/${params.lang}/staff/programmes/${id}?saved=1`);
	}
};
