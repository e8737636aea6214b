import { getOrganizationHsds } from '$lib/server/directory/hsds/api';
import { hsdsObject } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** HSDS `getOrganizationById`. */
export const GET: RequestHandler = (event) => hsdsObject(event, (db, q) => getOrganizationHsds(db, event.params.id, q));
