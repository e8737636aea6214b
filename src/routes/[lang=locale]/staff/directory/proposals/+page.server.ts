import { getDb } from '$lib/server/db';
import { proposalsPage } from '$lib/server/directory/pages/staff';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await proposalsPage(await getDb(), p, event.url.searchParams, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
