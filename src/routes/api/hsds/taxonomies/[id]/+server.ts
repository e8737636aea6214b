import { getTaxonomyHsds } from '$lib/server/directory/hsds/api';
import { hsdsObject } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** HSDS `getTaxonomyById`. */
export const GET: RequestHandler = (event) => hsdsObject(event, (_db, q) => getTaxonomyHsds(event.params.id, q));
