import { adminPage } from '$lib/server/accounts/pages/admin';
import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await adminPage(await getDb(), p);
	} catch (e) {
		httpError(e);
	}
};
