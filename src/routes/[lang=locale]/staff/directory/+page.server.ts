import { getDb } from '$lib/server/db';
import { directoryPage } from '$lib/server/directory/pages/staff';
import { formErrors, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const { filterIssues, ...page } = await directoryPage(await getDb(), p, event.url.searchParams, event.locals.locale);
		return { ...page, filterErrors: formErrors(filterIssues) };
	} catch (e) {
		httpError(e);
	}
};
