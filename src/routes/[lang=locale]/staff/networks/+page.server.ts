import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { networksListPage } from '$lib/server/networks/pages/staff';
import type { PageServerLoad } from './$types';

/** The networks and bodies the person may see (issue 14 §1). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await networksListPage(await getDb(), p);
	} catch (e) {
		httpError(e);
	}
};
