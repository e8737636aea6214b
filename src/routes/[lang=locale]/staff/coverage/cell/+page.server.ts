import { error } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { pickTitle } from '$lib/server/steering/coverage-view';
import { NotFoundError, ValidationError } from '$lib/server/core/errors';
import { coverageFiltersOf, getCoverageCell } from '$lib/server/steering/coverage';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	if (!can(p, 'steering:view', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	const filters = coverageFiltersOf(url.searchParams);
	try {
		const detail = await getCoverageCell(await getDb(), p.municipalityId, url.searchParams.get('space') ?? '', url.searchParams.get('field') ?? '', filters);
		const query = new URLSearchParams();
		if (filters.targetGroup) query.set('target', filters.targetGroup);
		if (filters.language) query.set('language', filters.language);
		return {
			detail: { ...detail, offers: detail.offers.map((o) => ({ ...o, name: pickTitle(o.title, locals.locale) })) },
			query: query.toString()
		};
	} catch (e) {
		if (e instanceof NotFoundError) error(404, 'Not found');
		if (e instanceof ValidationError) error(400, 'Bad request');
		throw e;
	}
};
