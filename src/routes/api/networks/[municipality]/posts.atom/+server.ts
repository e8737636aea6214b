import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { postsFeedResponse } from '$lib/server/networks/pages/public';
import type { RequestHandler } from './$types';

/** Public Atom feed of a municipality's public network posts (issue 14 §5). */
export const GET: RequestHandler = async ({ params, url }) => {
	try {
		return await postsFeedResponse(await getDb(), params.municipality, url.origin);
	} catch (e) {
		httpError(e);
	}
};
