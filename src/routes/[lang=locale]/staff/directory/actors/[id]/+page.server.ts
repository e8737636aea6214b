import { getDb } from '$lib/server/db';
import { actorPage } from '$lib/server/directory/pages/staff';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { entryActions } from '../../actions.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return { ...(await actorPage(await getDb(), p, event.params.id, event.locals.locale)), saved: event.url.searchParams.get('saved') };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = entryActions('organization');
