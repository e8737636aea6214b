import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { beginTotpEnrolment, confirmTotp, disableTotp } from '$lib/server/accounts/service';
import { getDb } from '$lib/server/db';
import { text } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ totpEnabled: locals.principal!.totpEnabled });

export const actions: Actions = {
	begin: async ({ locals }) => {
		const { secret, uri } = await beginTotpEnrolment(await getDb(), locals.principal!.userId);
		return { enrolling: true, secret, uri };
	},
	confirm: async ({ locals, request }) => {
		const code = text(await request.formData(), 'code');
		const ok = await confirmTotp(await getDb(), locals.principal!.userId, code);
		if (!ok) return fail(400, { enrolling: true, error: m.totp_invalid() });
		return { enabled: true };
	},
	disable: async ({ locals }) => {
		await disableTotp(await getDb(), locals.principal!.userId);
		return { disabled: true };
	}
};
