/**
 * The invited person's page (issue 12 §5): they set their own password through the mailed link,
 * are signed in, and continue to their account page, where they may enrol a second factor.
 */
import { redirect } from '@sveltejs/kit';
import { acceptInvitation, invitationFor } from '$lib/server/accounts/invitations';
import { SESSION_COOKIE, SESSION_HOURS } from '$lib/server/accounts/model';
import { createSession } from '$lib/server/accounts/sessions';
import { getDb } from '$lib/server/db';
import { handleForm } from '$lib/server/http/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => ({ invitation: await invitationFor(await getDb(), params.token) });

export const actions: Actions = {
	default: async ({ request, params, cookies, url }) => {
		const password = String((await request.formData()).get('password') ?? '');
		const db = await getDb();
		return handleForm(async () => {
			const userId = await acceptInvitation(db, params.token, password);
			// No second factor yet: the session is complete.
			const { token } = await createSession(db, userId, true);
			cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: SESSION_HOURS * 3600 });
			redirect(303, `/${params.lang}/staff/account?welcome=1`);
		});
	}
};
