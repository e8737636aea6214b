import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { exportFor } from '$lib/server/volunteering/pages/certificate';
import type { RequestHandler } from './$types';

/** Everything stored about a volunteer as JSON, for a request under Art. 15/20 GDPR; an audited read. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await exportFor(await getDb(), p, event.params.id);
	} catch (e) {
		httpError(e);
	}
};
