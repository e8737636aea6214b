import { listTaxonomyTerms } from '$lib/server/directory/hsds/api';
import { hsdsList } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** HSDS taxonomy term list (openapi.json `/taxonomy_terms`). */
export const GET: RequestHandler = (event) => hsdsList(event, (_db, q) => listTaxonomyTerms(q));
