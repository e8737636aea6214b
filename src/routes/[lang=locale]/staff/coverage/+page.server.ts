import { getDb } from '$lib/server/db';
import { formErrors, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { coveragePage } from '$lib/server/steering/pages/coverage';
import { coverageCapacity } from '$lib/server/volunteering/pages/steering';
import type { PageServerLoad } from './$types';

/** The coverage matrix (issue 5 §3); refused filter values are named above the matrix. Below it, Ehrenamt's capacity per social space (issue 13 §9). */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		const [{ filterIssues, ...page }, volunteerCapacity] = await Promise.all([coveragePage(db, p, event.url.searchParams), coverageCapacity(db, p, event.params.lang)]);
		return { ...page, filterErrors: formErrors(filterIssues), volunteerCapacity };
	} catch (e) {
		httpError(e);
	}
};
