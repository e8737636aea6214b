import { error } from '@sveltejs/kit';
import { berlinDate } from '$lib/server/casework/time';
import { getDb } from '$lib/server/db';
import { AccessDeniedError, ValidationError } from '$lib/server/core/errors';
import { instanceDashboard } from '$lib/server/steering/indicators';
import { msg } from '$lib/messages';
import type { PageServerLoad } from './$types';

/** The dashboard of one instance (issue 5 §4): `?year=YYYY`. */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	const yearText = url.searchParams.get('year') ?? berlinDate(new Date()).slice(0, 4);
	try {
		const dashboard = await instanceDashboard(await getDb(), locals.principal!, params.id, { year: /^\d{4}$/.test(yearText) ? Number(yearText) : NaN, locale: params.lang });
		return { dashboard };
	} catch (e) {
		if (e instanceof AccessDeniedError) error(403, 'Forbidden');
		if (e instanceof ValidationError) error(400, e.issues.map((i) => `${i.field}: ${msg(i.code, i.params)}`).join('; '));
		throw e;
	}
};
