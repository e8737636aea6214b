import { getDb } from '$lib/server/db';
import { directoryPage } from '$lib/server/directory/pages/staff';
import { formErrors, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { offerFeedbackCounts } from '$lib/server/participation/pages/steering';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		const { filterIssues, ...page } = await directoryPage(db, p, event.url.searchParams, event.locals.locale);
		// Partizipation's approved feedback per offer (issue 16 §1): the directory imports nothing of it.
		const feedback = await offerFeedbackCounts(db, p, page.rows.filter((r) => r.kind === 'service').map((r) => r.id));
		return { ...page, filterErrors: formErrors(filterIssues), feedback };
	} catch (e) {
		httpError(e);
	}
};
