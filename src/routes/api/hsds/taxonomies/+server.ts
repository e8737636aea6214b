import { listTaxonomies } from '$lib/server/directory/hsds/api';
import { hsdsList } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** HSDS `getPaginatedListOfTaxonomies`. */
export const GET: RequestHandler = (event) => hsdsList(event, (_db, q) => listTaxonomies(q));
