import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { offerMissingLayer } from '$lib/server/participation/pages/steering';
import { coverageMapPage } from '$lib/server/steering/pages/coverage';
import type { PageServerLoad } from './$types';

/** The choropleth of one theme field (`?field`, with the matrix's filters), with the "offer missing here" layer. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const db = await getDb();
		const page = await coverageMapPage(db, p, event.url.searchParams, event.locals.locale);
		// Partizipation's "offer missing here" cells (issue 16 §4), drawn in the same frame: steering imports nothing of it.
		return { ...page, missing: page.map ? await offerMissingLayer(db, p, page.rows.map((r) => r.id), page.map.width) : null };
	} catch (e) {
		httpError(e);
	}
};
