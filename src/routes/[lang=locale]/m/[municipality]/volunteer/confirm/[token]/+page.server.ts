import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE, SESSION_HOURS } from '$lib/server/accounts/model';
import { createSession } from '$lib/server/accounts/sessions';
import { getDb } from '$lib/server/db';
import { handleForm } from '$lib/server/http/errors';
import { confirmFromForm, confirmPage } from '$lib/server/volunteering/pages/public';
import type { Actions, PageServerLoad } from './$types';

/**
 * Anmeldung abschließen (issue 13 §1): the emailed link turns a registration into a volunteer
 * account with the chosen password, once; the person is then signed in. Never cached.
 */
export const load: PageServerLoad = async ({ params, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const link = await confirmPage(await getDb(), params.token);
	return { locale: params.lang, link: link.status === 'valid' ? { status: link.status, email: link.email } : { status: link.status, email: '' } };
};

export const actions: Actions = {
	default: async ({ params, request, cookies, url }) => {
		const form = await request.formData();
		return handleForm(async () => {
			const db = await getDb();
			const { userId } = await confirmFromForm(db, params.token, form);
			// A new volunteer account has no second factor yet: the session is complete.
			const { token } = await createSession(db, userId, true);
			cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: SESSION_HOURS * 3600 });
			redirect(303, `/${params.lang}/volunteer`);
		});
	}
};
