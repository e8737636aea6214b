import { oparlResponse } from '$lib/server/networks/oparl-http';
import { oparlSystem } from '$lib/server/networks/oparl';
import type { RequestHandler } from './$types';

/** OParl 1.1 System object: the entry point of the API (docs/oparl.md). */
export const GET: RequestHandler = (event) => oparlResponse(event, (_db, base) => oparlSystem(base));
