import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { needsListPage } from '$lib/server/volunteering/pages/staff';
import type { PageServerLoad } from './$types';

/** Einsatzbedarfe (issue 13 §4): the municipality's needs, accompaniment requests brought in first. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await needsListPage(await getDb(), p, event.url.searchParams, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
