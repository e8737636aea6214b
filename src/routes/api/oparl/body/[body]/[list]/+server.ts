import { oparlListResponse } from '$lib/server/networks/oparl-http';
import { oparlList } from '$lib/server/networks/oparl';
import type { RequestHandler } from './$types';

/** An external list of a Body (organizations, meetings, papers, …), paginated per OParl 1.1 §2.5 (docs/oparl.md). */
export const GET: RequestHandler = (event) => oparlListResponse(event, (db, base, q, self) => oparlList(db, base, event.params.body, event.params.list, q, self));
