import { oparlListResponse } from '$lib/server/networks/oparl-http';
import { oparlBodies } from '$lib/server/networks/oparl';
import type { RequestHandler } from './$types';

/** OParl 1.1 list of Body objects: one per municipality (docs/oparl.md). */
export const GET: RequestHandler = (event) => oparlListResponse(event, oparlBodies);
