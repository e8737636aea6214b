import { fail, redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { offerPage, translateOffer } from '$lib/server/directory/pages/staff';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { entryActions } from '../../actions.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return {
			...(await offerPage(await getDb(), p, event.params.id, event.url.searchParams, event.locals.locale)),
			saved: event.url.searchParams.get('saved'),
			translated: event.url.searchParams.get('translated')
		};
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	...entryActions('service'),
	translate: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		let filled: number;
		try {
			filled = await translateOffer(await getDb(), p, event.params.id);
		} catch (e) {
			if (e instanceof Error && e.message.startsWith('machine translation failed')) return fail(502, { translateFailed: true });
			httpError(e);
		}
		redirect(303, `/${event.params.lang}/staff/directory/offers/${event.params.id}?translated=${filled}`);
	}
};
