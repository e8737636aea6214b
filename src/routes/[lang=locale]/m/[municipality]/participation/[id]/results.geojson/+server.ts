import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { resultsGeoJson } from '$lib/server/participation/pages/public';
import type { RequestHandler } from './$types';

/** The published result as GeoJSON (RFC 7946): grid cells with at least k approved points, never a point. */
export const GET: RequestHandler = async ({ params }) => {
	try {
		const body = await resultsGeoJson(await getDb(), params.municipality, params.id);
		return new Response(body, { headers: { 'content-type': 'application/geo+json; charset=utf-8', 'content-disposition': `attachment; filename="participation-${params.id}.geojson"` } });
	} catch (e) {
		httpError(e);
	}
};
