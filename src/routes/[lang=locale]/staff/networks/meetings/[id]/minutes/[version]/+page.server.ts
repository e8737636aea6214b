import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { minutesVersionPage } from '$lib/server/networks/pages/meeting';
import type { PageServerLoad } from './$types';

/** An approved, frozen version of a meeting's minutes (issue 14 §3). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await minutesVersionPage(await getDb(), p, event.params.id, event.params.version, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};
