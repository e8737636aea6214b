import { getReadDb } from '$lib/server/db';
import { actorPage } from '$lib/server/directory/pages/public';
import { httpError } from '$lib/server/http/errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params, locals, url }) => {
	const { municipality } = await parent();
	try {
		return await actorPage(await getReadDb(), locals.principal, municipality, params.id, locals.locale, `${url.origin}/${params.lang}/m/${municipality.slug}`);
	} catch (e) {
		httpError(e);
	}
};
