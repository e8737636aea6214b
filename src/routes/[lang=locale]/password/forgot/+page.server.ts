import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { requestPasswordReset } from '$lib/server/accounts/service';
import { getDb } from '$lib/server/db';
import { text } from '$lib/server/forms';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ request, url, params }) => {
		const email = text(await request.formData(), 'email');
		if (!email) return fail(400, { error: m.error_required() });
		await requestPasswordReset(await getDb(), email, (token) => `${url.origin}/${params.lang}/password/reset/${token}`, {
			subject: m.reset_mail_subject(),
			body: (link) => m.reset_mail_body({ link })
		});
		// The same answer whether or not the address has an account.
		return { sent: true };
	}
};
