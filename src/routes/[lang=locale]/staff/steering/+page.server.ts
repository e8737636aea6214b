import { error } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { berlinDate } from '$lib/server/casework/time';
import { getDb } from '$lib/server/db';
import { AccessDeniedError, ValidationError } from '$lib/server/core/errors';
import { listInstances } from '$lib/server/instances/service';
import { municipalityDashboard } from '$lib/server/steering/indicators';
import { msg } from '$lib/messages';
import type { PageServerLoad } from './$types';

/** The municipality dashboard (issue 5 §4): `?year=YYYY&district=<id>`. */
export const load: PageServerLoad = async ({ locals, url, params }) => {
	const principal = locals.principal!;
	const db = await getDb();
	const yearText = url.searchParams.get('year') ?? berlinDate(new Date()).slice(0, 4);
	const districtId = url.searchParams.get('district') || null;
	try {
		const dashboard = await municipalityDashboard(db, principal, { year: /^\d{4}$/.test(yearText) ? Number(yearText) : NaN, districtId, locale: params.lang });
		const instances = (await listInstances(db, principal.municipalityId))
			.filter((i) => can(principal, 'statistics:instance', { municipalityId: principal.municipalityId, instanceId: i.id }))
			.map((i) => ({ id: i.id, name: i.name }));
		return { dashboard, instances };
	} catch (e) {
		if (e instanceof AccessDeniedError) error(403, 'Forbidden');
		if (e instanceof ValidationError) error(400, e.issues.map((i) => `${i.field}: ${msg(i.code, i.params)}`).join('; '));
		throw e;
	}
};
