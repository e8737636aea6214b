/**
 * The OpenAPI 3.1 definition of our HSDS read API: the specification's `openapi.json`
 * (`data/hsds/schema/`) with what it leaves to each publisher filled in — title, licence (with
 * its URL), this server — and what this API does beyond it declared: the `lang` and
 * `municipality` query parameters, the JSON error answers 400 (bad parameter) and 404 (unknown
 * id), and that no authentication is needed. Linted in `tests/integration/hsds-openapi.test.ts`
 * with swagger-parser and Redocly. Source: issue 12 §9; OpenAPI 3.1.0.
 */
import openapi from '../../../../../data/hsds/schema/openapi.json';
import type { Json } from './mapping';

/** The JSON body of a 400 or 404 answer (`http.ts`). */
const ERROR_SCHEMA = {
	type: 'object',
	required: ['error'],
	properties: {
		error: { type: 'string', description: 'What was wrong, in English.', examples: ['page must be a whole number from 1 to 1000000'] },
		parameter: { type: 'string', description: 'The query parameter that was wrong (400 only).', examples: ['page'] }
	}
};

const PARAMETERS = {
	lang: {
		name: 'lang',
		in: 'query',
		required: false,
		description:
			'Language of the texts, a BCP 47 tag (de, de-x-ls for Leichte Sprache, en, ar, fa, uk, tr, ru). Without it: the first content language of Accept-Language, else German. A text missing in that language falls back to Leichte Sprache, German, the original, English.',
		schema: { type: 'string', examples: ['ar'] }
	},
	municipality: {
		name: 'municipality',
		in: 'query',
		required: false,
		description: 'Only entries of the municipality with this slug (an extension of this API). An unknown slug answers 400.',
		schema: { type: 'string', examples: ['koeln'] }
	}
};

const RESPONSES = {
	BadRequest: {
		description: 'A query parameter is malformed or out of range; `parameter` names it.',
		content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
	},
	NotFound: {
		description: 'No public record with this id.',
		content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
	}
};

type Operation = { parameters?: unknown[]; responses: Record<string, unknown> };

/**
 * The API definition as `/api/hsds/openapi.json` serves it.
 * @param origin the server's origin (`https://…`), for `servers`.
 */
export function hsdsOpenApi(origin: string): Json {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const [path, item] of Object.entries(openapi.paths as Record<string, Record<string, unknown>>)) {
		const withId = path.endsWith('{id}');
		const isList = path !== '/' && !withId;
		const out: Record<string, unknown> = { ...item };
		const get = item.get as Operation;
		out.get = {
			...get,
			parameters: [
				...(get.parameters ?? []),
				...(path === '/' ? [] : [{ $ref: '#/components/parameters/lang' }]),
				...(isList ? [{ $ref: '#/components/parameters/municipality' }] : [])
			],
			responses: {
				...get.responses,
				// Every endpoint reads the query (paging, filters, lang) and refuses what is malformed.
				400: { $ref: '#/components/responses/BadRequest' },
				...(withId ? { 404: { $ref: '#/components/responses/NotFound' } } : {})
			}
		};
		paths[path] = out;
	}
	return {
		...openapi,
		info: {
			title: 'anlaufstelle Wegweiser: Open Referral HSDS 3.0 API',
			version: '1.0',
			summary: 'Public actors and offers of the directory, read-only',
			description:
				'Actors (organization) and offers (service, service_at_location) of the municipalities on this server, with their vocabularies as taxonomies. Only public entries, no authentication. Texts in one language: ?lang= or Accept-Language. Extension: ?municipality=<slug>. Entries taken from OpenStreetMap carry their attribution (ODbL 1.0) as an attribute.',
			license: {
				name: 'CC BY-SA 4.0: this definition, derived from the Open Referral Human Services Data Specification',
				url: 'https://creativecommons.org/licenses/by-sa/4.0/'
			}
		},
		servers: [{ url: `${origin}/api/hsds`, description: 'This server' }],
		// Public read-only data: the empty requirement says that no authentication is needed.
		security: [{}],
		paths,
		components: {
			...openapi.components,
			schemas: { ...openapi.components.schemas, Error: ERROR_SCHEMA },
			parameters: { ...openapi.components.parameters, ...PARAMETERS },
			responses: RESPONSES
		}
	};
}
