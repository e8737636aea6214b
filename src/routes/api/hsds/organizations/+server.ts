import { listOrganizations } from '$lib/server/directory/hsds/api';
import { hsdsList } from '$lib/server/directory/hsds/http';
import type { RequestHandler } from './$types';

/** HSDS `getPaginatedListOfOrganizations`. */
export const GET: RequestHandler = (event) => hsdsList(event, listOrganizations);
