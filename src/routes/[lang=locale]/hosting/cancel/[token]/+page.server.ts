import { getDb } from '$lib/server/db';
import { cancelFromLink } from '$lib/server/hosting/pages/public';
import { handleForm } from '$lib/server/http/errors';
import type { Actions } from './$types';

/**
 * The cancellation link of a registration (issue 15 §3): opening it only shows the button, so a
 * mail program that follows links cancels nothing; the button cancels, and a second use says it
 * is already cancelled.
 */
export const actions: Actions = {
	default: async ({ params, request }) => {
		await request.arrayBuffer();
		return handleForm(async () => ({ result: await cancelFromLink(await getDb(), params.token) }));
	}
};
