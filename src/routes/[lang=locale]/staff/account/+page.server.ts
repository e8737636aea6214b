/**
 * One's own account (every role; issue 11 §6, issue 12 §6): the password, and the second factor
 * with its QR code and recovery codes. Starting enrolment never switches an active factor off;
 * switching it off, new recovery codes and a new password need the current password.
 */
import { accountPage } from '$lib/server/accounts/pages/account';
import { changeOwnPassword } from '$lib/server/accounts/password-change';
import { beginTotpEnrolment, confirmTotp, disableTotp, renewRecoveryCodes } from '$lib/server/accounts/totp';
import { ValidationError } from '$lib/server/core/errors';
import { getDb } from '$lib/server/db';
import { handleForm, httpError, invalid } from '$lib/server/http/errors';
import { clientIp, text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return { ...(await accountPage(await getDb(), p)), welcome: event.url.searchParams.has('welcome') };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	password: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			await changeOwnPassword(await getDb(), p, {
				current: String(form.get('current') ?? ''),
				next: String(form.get('next') ?? ''),
				ip: clientIp(event.getClientAddress),
				sessionToken: event.locals.sessionToken
			});
			return { passwordChanged: true as const };
		});
	},
	begin: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		return handleForm(async () => {
			await beginTotpEnrolment(await getDb(), p);
			return { enrolling: true as const };
		});
	},
	confirm: async (event) => {
		const p = requirePrincipal(event);
		const code = text(await event.request.formData(), 'code');
		const codes = await confirmTotp(await getDb(), p, code);
		if (!codes) return invalid([{ field: 'code', code: 'totp_invalid' }]);
		return { enabled: true as const, recoveryCodes: codes };
	},
	codes: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(async () => {
			const codes = await renewRecoveryCodes(await getDb(), p, { password: String(form.get('password') ?? ''), ip: clientIp(event.getClientAddress) }).catch((e) => {
				// This form's password field is `codes.password`: the disable form has a `password` too.
				throw e instanceof ValidationError ? new ValidationError(e.issues.map((i) => ({ ...i, field: `codes.${i.field}` }))) : e;
			});
			return { recoveryCodes: codes };
		});
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
