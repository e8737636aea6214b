import { getDb } from '$lib/server/db';
import { unsubscribeFromLink } from '$lib/server/networks/pages/public';
import type { Actions } from './$types';

export const actions: Actions = {
	/**
	 * Ends the digest subscription of the link (issue 14 §5). Only a POST ends it, so mail
	 * scanners that open links do not unsubscribe anyone.
	 */
	default: async ({ params, request }) => {
		await request.arrayBuffer();
		return { done: await unsubscribeFromLink(await getDb(), params.token) };
	}
};
