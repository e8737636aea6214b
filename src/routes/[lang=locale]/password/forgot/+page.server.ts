import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import type { Locale } from '$lib/paraglide/runtime';
import { requestPasswordReset } from '$lib/server/accounts/reset';
import { errorFields, log } from '$lib/server/core/log';
import { getDb } from '$lib/server/db';
import { clientIp, text } from '$lib/server/http/forms';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ request, url, params, getClientAddress }) => {
		const email = text(await request.formData(), 'email');
		if (!email) return fail(400, { error: m.error_required() });
		const result = await requestPasswordReset(await getDb(), {
			email,
			ip: clientIp(getClientAddress),
			locale: params.lang,
			// The link opens the reset page in the mail's language.
			linkFor: (token, locale) => `${url.origin}/${locale}/password/reset/${token}`,
			texts: (locale) => ({ subject: m.reset_mail_subject({}, { locale: locale as Locale }), body: (link) => m.reset_mail_body({ link }, { locale: locale as Locale }) })
		});
		if (result.status === 'rate_limited') return fail(429, { error: m.login_rate_limited() });
		// The answer does not wait for the lookup and the mail, so it takes the same time whether
		// or not the address has an account.
		result.delivery.catch((e) => log.error(errorFields(e), 'password reset mail failed'));
		return { sent: true };
	}
};
