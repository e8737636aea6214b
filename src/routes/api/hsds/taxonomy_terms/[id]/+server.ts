import { getTaxonomyTermHsds } from '$lib/server/directory/hsds/api';
import { hsdsObject } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** HSDS taxonomy term by id (openapi.json `/taxonomy_terms/{id}`). */
export const GET: RequestHandler = (event) => hsdsObject(event, (_db, q) => getTaxonomyTermHsds(event.params.id, q));
