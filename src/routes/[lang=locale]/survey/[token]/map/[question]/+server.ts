import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { surveyMapImage } from '$lib/server/participation/pages/survey-public';
import type { RequestHandler } from './$types';

/** The map image of a map question (areas and names; the click target of the answering form). */
export const GET: RequestHandler = async ({ params }) => {
	try {
		return new Response(await surveyMapImage(await getDb(), params.token, params.question, params.lang), { headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'public, max-age=300' } });
	} catch (e) {
		httpError(e);
	}
};
