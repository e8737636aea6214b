import openapi from '../../../../../data/hsds/schema/openapi.json';
import type { RequestHandler } from './$types';

/**
 * The HSDS 3.0 OpenAPI definition this API follows (`data/hsds/schema/openapi.json`), with its
 * information filled in and this server as the server. Differences: `docs/hsds.md`.
 */
export const GET: RequestHandler = ({ url }) =>
	new Response(
		JSON.stringify({
			...openapi,
			info: {
				title: 'anlaufstelle Wegweiser: Open Referral HSDS 3.0 API',
				version: '1.0',
				summary: 'Public actors and offers of the directory, read-only',
				description:
					'Actors (organization) and offers (service, service_at_location) of the municipalities on this server, with their vocabularies as taxonomies. Only public entries. Texts in one language: ?lang= or Accept-Language. Extensions: ?municipality=<slug>.',
				license: { name: 'Entries derived from OpenStreetMap: ODbL 1.0 (see their attribution attribute); others as published by the municipality' }
			},
			servers: [{ url: `${url.origin}/api/hsds` }]
		}),
		{ headers: { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=3600' } }
	);
