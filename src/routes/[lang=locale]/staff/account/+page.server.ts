/**
 * One's own account (every role, issue 11 §6): the second factor. Starting enrolment never
 * switches an active factor off; switching it off needs the password and a current code.
 */
import { beginTotpEnrolment, confirmTotp, disableTotp } from '$lib/server/accounts/totp';
import { getDb } from '$lib/server/db';
import { handleForm, invalid } from '$lib/server/http/errors';
import { clientIp, text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => ({ totpEnabled: requirePrincipal(event).totpEnabled });

export const actions: Actions = {
	begin: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		return handleForm(async () => ({ enrolling: true as const, ...(await beginTotpEnrolment(await getDb(), p)) }));
	},
	confirm: async (event) => {
		const p = requirePrincipal(event);
		const code = text(await event.request.formData(), 'code');
		if (!(await confirmTotp(await getDb(), p, code))) return invalid([{ field: 'code', code: 'totp_invalid' }], { enrolling: true as const });
		return { enabled: true as const };
	},
	disable: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await disableTotp(await getDb(), p, { password: String(form.get('password') ?? ''), code: text(form, 'code'), ip: clientIp(event.getClientAddress) });
			return { disabled: true as const };
		});
	}
};
