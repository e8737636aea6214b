import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { SESSION_COOKIE, SESSION_HOURS } from '$lib/server/accounts/model';
import { checkPassword, createSession } from '$lib/server/accounts/sessions';
import { getDb } from '$lib/server/db';
import { clientIp, text } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, params }) => {
	if (locals.principal) redirect(303, `/${params.lang}/staff`);
	if (locals.secondFactorPending) redirect(303, `/${params.lang}/login/second-factor`);
};

export const actions: Actions = {
	default: async ({ request, cookies, params, getClientAddress, url }) => {
		const form = await request.formData();
		const email = text(form, 'email');
		const password = form.get('password');
		if (!email || typeof password !== 'string' || !password) {
			return fail(400, { email, error: m.login_missing() });
		}
		const db = await getDb();
		const result = await checkPassword(db, email, password, clientIp(getClientAddress));
		if (result.status === 'rate_limited') return fail(429, { email, error: m.login_rate_limited() });
		if (result.status === 'invalid') return fail(400, { email, error: m.login_invalid() });
		const { token } = await createSession(db, result.userId, !result.needsSecondFactor);
		// Secure wherever the page was reached over HTTPS. Without ORIGIN the server is reached
		// over plain http (localhost, 127.0.0.1, a LAN address), where a Secure cookie would not
		// come back and signing in would silently fail.
		cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', maxAge: SESSION_HOURS * 3600 });
		// The staff start page sends partner editors and volunteers on to their own area.
		redirect(303, result.needsSecondFactor ? `/${params.lang}/login/second-factor` : `/${params.lang}/staff`);
	}
};
