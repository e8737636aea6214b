import { hsdsOpenApi } from '$lib/server/directory/hsds/openapi';
import type { RequestHandler } from './$types';

/**
 * The OpenAPI definition of the HSDS read API (`hsdsOpenApi`), with this server as the server.
 * Differences from the HSDS definition: `docs/hsds.md`.
 */
export const GET: RequestHandler = ({ url }) =>
	new Response(JSON.stringify(hsdsOpenApi(url.origin)), {
		headers: { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=3600' }
	});
