import { error, redirect } from '@sveltejs/kit';
import { ValidationError } from '$lib/server/core/errors';
import { getDb } from '$lib/server/db';
import { correctionFromForm, correctionIssues, verifyPage } from '$lib/server/directory/pages/verify';
import { LinkUnusableError, confirmByLink, correctByLink, resolveLink } from '$lib/server/directory/verification';
import { handleForm } from '$lib/server/http/errors';
import type { Actions, PageServerLoad } from './$types';

/** Unusable links answer 410 Gone (expired, used) or 404 (unknown); the error page says which. */
function unusable(status: 'expired' | 'used' | 'unknown'): never {
	error(status === 'unknown' ? 404 : 410, { message: `verification_link_${status}` });
}

export const load: PageServerLoad = async ({ params, locals }) => {
	const page = await verifyPage(await getDb(), params.token, locals.locale);
	if (page.status !== 'valid') unusable(page.status);
	return { entry: page.entry, expires: page.expires };
};

export const actions: Actions = {
	confirm: async ({ params, request }) => {
		await request.arrayBuffer();
		try {
			await confirmByLink(await getDb(), params.token);
		} catch (e) {
			if (e instanceof LinkUnusableError) unusable(e.status);
			throw e;
		}
		redirect(303, `/${params.lang}/verify/thanks?result=confirmed`);
	},
	correct: async ({ params, request }) => {
		const form = await request.formData();
		const db = await getDb();
		const state = await resolveLink(db, params.token);
		if (state.status !== 'valid') unusable(state.status);
		const { correction, issues } = correctionFromForm(form, state.linked.kind);
		return handleForm(
			async () => {
				try {
					if (issues.length) throw new ValidationError(issues);
					await correctByLink(db, params.token, correction);
				} catch (e) {
					if (e instanceof LinkUnusableError) unusable(e.status);
					// Schedules are posted as `slots.<i>`; the service names them `schedules.<i>`.
					if (e instanceof ValidationError) throw new ValidationError(correctionIssues(e.issues));
					throw e;
				}
				redirect(303, `/${params.lang}/verify/thanks?result=corrected`);
			},
			() => ({ correction })
		);
	}
};
