import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { networkPage } from '$lib/server/networks/pages/staff';
import type { PageServerLoad } from './$types';

/** One network (issue 14 §1, §4): its members, meetings and what it passed upward with the answers. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await networkPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
