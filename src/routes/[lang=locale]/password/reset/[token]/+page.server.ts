import { isResetTokenValid, resetPassword } from '$lib/server/accounts/reset';
import { getDb } from '$lib/server/db';
import { handleForm } from '$lib/server/http/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => ({
	valid: await isResetTokenValid(await getDb(), params.token)
});

export const actions: Actions = {
	default: async ({ request, params }) => {
		const password = String((await request.formData()).get('password') ?? '');
		return handleForm(async () => {
			await resetPassword(await getDb(), params.token, password);
			return { done: true };
		});
	}
};
