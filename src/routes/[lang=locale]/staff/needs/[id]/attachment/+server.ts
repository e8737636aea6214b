import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { needsAttachmentResponse } from '$lib/server/steering/pages/needs';
import type { RequestHandler } from './$types';

/** The report's attachment as a download, for those who may read the report. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await needsAttachmentResponse(await getDb(), p, event.params.id);
	} catch (e) {
		httpError(e);
	}
};
