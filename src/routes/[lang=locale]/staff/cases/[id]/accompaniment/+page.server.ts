import { error, fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { CaseLockedError, requireCase } from '$lib/server/casework/access';
import { requestAccompaniment } from '$lib/server/casework/accompaniment';
import { caseLockedMessage, issueErrors } from '$lib/server/casework/referral-messages';
import { parseBerlinLocal } from '$lib/server/casework/time';
import { AccessDeniedError, NotFoundError, ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

/** Languages offered as suggestions (the field takes any BCP 47 tag). */
const SUGGESTED_LANGUAGES = ['ar', 'fa', 'prs', 'ps', 'uk', 'ru', 'tr', 'ku', 'ti', 'so', 'en', 'fr', 'ro', 'bg', 'sq'];

function refuse(e: unknown): never {
	if (e instanceof NotFoundError) error(404, 'Not Found');
	if (e instanceof AccessDeniedError) error(403, 'Forbidden');
	throw e;
}

/**
 * Begleitung anfragen (issue 4 §4): the form that asks for a volunteer for an appointment of the
 * case. Shows nothing of the case itself; says so when the case takes no writes or the consent
 * does not cover accompaniment.
 */
export const load: PageServerLoad = async ({ params, locals, url }) => {
	let locked: string | null = null;
	let covered = false;
	try {
		const { consent } = await requireCase(await getDb(), locals.principal, params.id, 'write');
		covered = consent.purposes.includes('accompaniment');
	} catch (e) {
		if (e instanceof CaseLockedError) locked = caseLockedMessage(e);
		else refuse(e);
	}
	return { caseId: params.id, locked, covered, requested: url.searchParams.has('requested'), languages: SUGGESTED_LANGUAGES };
};

export const actions: Actions = {
	default: async ({ params, locals, request }) => {
		const form = await request.formData();
		const values = { appointmentAt: text(form, 'appointmentAt'), place: text(form, 'place'), language: text(form, 'language') };
		try {
			await requestAccompaniment(await getDb(), locals.principal, params.id, {
				appointmentAt: parseBerlinLocal(values.appointmentAt) ?? new Date(Number.NaN),
				place: values.place,
				language: values.language
			});
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: issueErrors(e.issues), values });
			if (e instanceof CaseLockedError) return fail(409, { errors: [{ field: 'case', id: 'case', message: caseLockedMessage(e) }], values });
			refuse(e);
		}
		redirect(303, `/${params.lang}/staff/cases/${params.id}/accompaniment?requested`);
	}
};
