import { oparlTextResponse } from '$lib/server/networks/oparl-http';
import { oparlFileText } from '$lib/server/networks/oparl';
import type { RequestHandler } from './$types';

/** The text of a published minutes version: the `accessUrl` of its OParl File (docs/oparl.md). */
export const GET: RequestHandler = (event) => oparlTextResponse((db) => oparlFileText(db, event.params.id));
