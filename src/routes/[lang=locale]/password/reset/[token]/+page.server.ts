import { fail } from '@sveltejs/kit';
import { isResetTokenValid, resetPassword } from '$lib/server/accounts/service';
import { getDb } from '$lib/server/db';
import { ValidationError } from '$lib/server/errors';
import { fieldErrors } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => ({
	valid: await isResetTokenValid(await getDb(), params.token)
});

export const actions: Actions = {
	default: async ({ request, params }) => {
		const form = await request.formData();
		const password = String(form.get('password') ?? '');
		try {
			await resetPassword(await getDb(), params.token, password);
		} catch (e) {
			if (e instanceof ValidationError) return fail(400, { errors: fieldErrors(e.issues) });
			throw e;
		}
		return { done: true };
	}
};
