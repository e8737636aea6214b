import { getDb } from '$lib/server/db';
import { historyPage } from '$lib/server/directory/pages/staff';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await historyPage(await getDb(), p, event.params.kind, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
