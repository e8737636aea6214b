import { getDb } from '$lib/server/db';
import { publicNetworksPage } from '$lib/server/networks/pages/public-views';
import type { PageServerLoad } from './$types';

/** The municipality's public networks and bodies (issue 14 §1), without login. */
export const load: PageServerLoad = async ({ parent }) => {
	const { municipality } = await parent();
	return publicNetworksPage(await getDb(), municipality.id);
};
