import { getServiceAtLocationHsds } from '$lib/server/directory/hsds/api';
import { hsdsObject } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** HSDS `getServiceAtLocationWithNestedDataById`. */
export const GET: RequestHandler = (event) => hsdsObject(event, (db, q) => getServiceAtLocationHsds(db, event.params.id, q));
