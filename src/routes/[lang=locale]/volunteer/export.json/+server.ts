import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { ownExport } from '$lib/server/volunteering/pages/certificate';
import type { RequestHandler } from './$types';

/** Everything stored about the signed-in volunteer as JSON (Art. 15, 20 GDPR). */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await ownExport(await getDb(), p);
	} catch (e) {
		httpError(e);
	}
};
