import { getServiceHsds } from '$lib/server/directory/hsds/api';
import { hsdsObject } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** HSDS `getFullyNestedServiceById`. */
export const GET: RequestHandler = (event) => hsdsObject(event, (db, q) => getServiceHsds(db, event.params.id, q));
