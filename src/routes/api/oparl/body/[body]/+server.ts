import { oparlResponse } from '$lib/server/networks/oparl-http';
import { oparlBody } from '$lib/server/networks/oparl';
import type { RequestHandler } from './$types';

/** OParl 1.1 Body: a municipality by its slug, 404 as JSON when unknown (docs/oparl.md). */
export const GET: RequestHandler = (event) => oparlResponse(event, (db, base) => oparlBody(db, base, event.params.body));
