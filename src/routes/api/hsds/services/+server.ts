import { listServices } from '$lib/server/directory/hsds/api';
import { hsdsList } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** HSDS `getPaginatedListOfServices`. */
export const GET: RequestHandler = (event) => hsdsList(event, listServices);
