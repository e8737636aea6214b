import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { answerFromForm, invitationPage } from '$lib/server/volunteering/pages/public';
import type { Actions, PageServerLoad } from './$types';

/**
 * Einladung (issue 13 §5): the volunteer answers an emailed invitation without signing in; the
 * secret token is the permission. Never cached, so the token stays out of shared caches.
 */
export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	try {
		return await invitationPage(await getDb(), params.token, locals.locale);
	} catch (e) {
		httpError(e);
	}
};

async function answer(token: string, lang: string, choice: 'accept' | 'decline') {
	return handleForm(async () => {
		await answerFromForm(await getDb(), token, choice);
		redirect(303, `/${lang}/v/${token}`);
	});
}

export const actions: Actions = {
	accept: ({ params }) => answer(params.token, params.lang, 'accept'),
	decline: ({ params }) => answer(params.token, params.lang, 'decline')
};
