import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { ownCertificate } from '$lib/server/volunteering/pages/certificate';
import type { RequestHandler } from './$types';

/** The signed-in volunteer's Ehrenamtsnachweis for `?from=&to=`: confirmed hours, German and their language. */
export const GET: RequestHandler = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await ownCertificate(await getDb(), p, event.url.searchParams);
	} catch (e) {
		httpError(e);
	}
};
