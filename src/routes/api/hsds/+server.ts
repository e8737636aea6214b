import { hsdsRoot } from '$lib/server/directory/hsds/api';
import { hsdsObject } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** `/api/hsds/` and `/api/hsds`: both answer (HSDS clients append the paths to either). */
export const trailingSlash = 'ignore';

/** HSDS API root: version and OpenAPI definition (openapi.json `getAPIMetaInformation`). */
export const GET: RequestHandler = (event) => hsdsObject(event, () => hsdsRoot(event.url.origin));
