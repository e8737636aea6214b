import { oparlResponse } from '$lib/server/networks/oparl-http';
import { oparlObject } from '$lib/server/networks/oparl';
import type { RequestHandler } from './$types';

/** One published OParl object by type and id; 404 as JSON for unknown or unpublished ones (docs/oparl.md). */
export const GET: RequestHandler = (event) => oparlResponse(event, (db, base) => oparlObject(db, base, event.params.type, event.params.id));
