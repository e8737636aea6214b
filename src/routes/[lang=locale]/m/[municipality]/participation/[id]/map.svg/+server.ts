import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { campaignMapImage } from '$lib/server/participation/pages/public';
import type { RequestHandler } from './$types';

/** The campaign's map image (areas and names only), the click target of the map form. */
export const GET: RequestHandler = async ({ params }) => {
	try {
		const svg = await campaignMapImage(await getDb(), params.municipality, params.id);
		return new Response(svg, { headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'public, max-age=300' } });
	} catch (e) {
		httpError(e);
	}
};
