import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { offerFeedbackCounts } from '$lib/server/participation/pages/steering';
import { coverageCellPage } from '$lib/server/steering/pages/coverage';
import type { PageServerLoad } from './$types';

/** The drill-down of one cell of the coverage matrix (`?space=&field=`, with the matrix's filters), with the feedback counts per offer. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		const page = await coverageCellPage(db, p, event.url.searchParams, event.locals.locale);
		// Partizipation's approved feedback per offer (issue 16 §1): steering imports nothing of it.
		return { ...page, feedback: await offerFeedbackCounts(db, p, page.detail.offers.map((o) => o.id)) };
	} catch (e) {
		httpError(e);
	}
};
