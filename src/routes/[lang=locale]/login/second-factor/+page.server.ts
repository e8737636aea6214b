import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { completeSecondFactor } from '$lib/server/accounts/sessions';
import { getDb } from '$lib/server/db';
import { clientIp, text } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, params }) => {
	if (!locals.secondFactorPending) redirect(303, `/${params.lang}/login`);
};

export const actions: Actions = {
	default: async ({ request, locals, params, getClientAddress }) => {
		const code = text(await request.formData(), 'code');
		if (!locals.sessionToken || !locals.secondFactorPending) redirect(303, `/${params.lang}/login`);
		const ok = await completeSecondFactor(await getDb(), locals.sessionToken, code, clientIp(getClientAddress));
		if (!ok) return fail(400, { error: m.totp_invalid() });
		redirect(303, `/${params.lang}/staff`);
	}
};
