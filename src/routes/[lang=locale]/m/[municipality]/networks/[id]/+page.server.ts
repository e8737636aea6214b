import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { publicNetworkPage } from '$lib/server/networks/pages/public-views';
import type { PageServerLoad } from './$types';

/** A public network: its public actors and meetings (issue 14 §3). */
export const load: PageServerLoad = async ({ parent, params, locals }) => {
	const { municipality } = await parent();
	try {
		return await publicNetworkPage(await getDb(), municipality.id, params.id, locals.locale);
	} catch (e) {
		httpError(e);
	}
};
