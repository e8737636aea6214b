import { redirect } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$lib/server/accounts/model';
import { deleteSession } from '$lib/server/accounts/sessions';
import { getDb } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params }) => {
	redirect(303, `/${params.lang}`);
};

export const actions: Actions = {
	default: async ({ locals, cookies, params }) => {
		if (locals.sessionToken) await deleteSession(await getDb(), locals.sessionToken);
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, `/${params.lang}`);
	}
};
