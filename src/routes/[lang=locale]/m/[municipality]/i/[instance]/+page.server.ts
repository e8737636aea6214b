import { getReadDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { instanceProfilePage } from '$lib/server/instances/pages/profile';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params, locals }) => {
	const { municipality } = await parent();
	try {
		return await instanceProfilePage(await getReadDb(), municipality.id, params.instance, locals.locale);
	} catch (e) {
		httpError(e);
	}
};
