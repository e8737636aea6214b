/**
 * The localized "no access" page (403). The guard in `hooks.server.ts` renders it in place of a
 * signed-in area the person may not enter, so the refused route itself never runs.
 */
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = () => {
	error(403, 'Forbidden');
};
