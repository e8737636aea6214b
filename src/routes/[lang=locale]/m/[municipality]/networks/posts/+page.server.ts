import { getDb } from '$lib/server/db';
import { publicPostsPage } from '$lib/server/networks/pages/public-views';
import type { PageServerLoad } from './$types';

/** The archive of public posts (issue 14 §5); the Atom feed's entries link here. */
export const load: PageServerLoad = async ({ parent, locals }) => {
	const { municipality } = await parent();
	return publicPostsPage(await getDb(), municipality.id, locals.locale);
};
