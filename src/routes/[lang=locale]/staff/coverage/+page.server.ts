import { getDb } from '$lib/server/db';
import { formErrors, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { coveragePage } from '$lib/server/steering/pages/coverage';
import type { PageServerLoad } from './$types';

/** The coverage matrix (issue 5 §3); refused filter values are named above the matrix. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const { filterIssues, ...page } = await coveragePage(await getDb(), p, event.url.searchParams);
		return { ...page, filterErrors: formErrors(filterIssues) };
	} catch (e) {
		httpError(e);
	}
};
