import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { certificateFor } from '$lib/server/volunteering/pages/certificate';
import type { RequestHandler } from './$types';

/** The Ehrenamtsnachweis of a volunteer for `?from=&to=` (confirmed hours only); an audited read. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await certificateFor(await getDb(), p, event.params.id, event.url.searchParams);
	} catch (e) {
		httpError(e);
	}
};
