import { redirect } from '@sveltejs/kit';
import { referralSlipPage } from '$lib/server/casework/pages/referrals';
import { getDb } from '$lib/server/db';
import { httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { PageServerLoad } from './$types';

/**
 * Verweiszettel for a referral to an actor, printed right after issuing it; needs the token
 * (`?ref=`). Referrals to an offer go to the offer's slip.
 */
export const load: PageServerLoad = async (event) => {
	event.setHeaders({ 'cache-control': 'no-store' });
	const p = requirePrincipal(event);
	const page = await referralSlipPage(await getDb(), p, event.params.id, event.url.searchParams.get('ref') ?? '', event.url.origin, event.locals.locale).catch(httpError);
	if (page.kind === 'offer') redirect(303, page.path);
	const { target, topic, contact, places, partner } = page;
	return { target, topic, contact, places, partner };
};
