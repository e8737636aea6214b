import { error } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { TARGET_GROUPS } from '$lib/server/directory/model';
import { ValidationError } from '$lib/server/core/errors';
import { COVERAGE_CLASSES, computeCoverage, coverageFiltersOf, listCoverageLanguages } from '$lib/server/steering/coverage';
import { msg } from '$lib/messages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	if (!can(p, 'steering:view', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	const db = await getDb();
	const filters = coverageFiltersOf(url.searchParams);
	const languages = await listCoverageLanguages(db, p.municipalityId);
	let matrix;
	let filterErrors: { field: string; message: string }[] = [];
	try {
		matrix = await computeCoverage(db, p.municipalityId, filters);
	} catch (e) {
		if (!(e instanceof ValidationError)) throw e;
		filterErrors = e.issues.map((i) => ({ field: i.field, message: msg(`cv_error_${i.code}`, i.params ?? {}, msg('cv_error_invalid')) }));
		matrix = await computeCoverage(db, p.municipalityId, {});
	}
	const districts: { id: string; name: string; spaces: typeof matrix.spaces }[] = [];
	for (const s of matrix.spaces) {
		const last = districts.at(-1);
		if (last && last.id === s.districtId) last.spaces.push(s);
		else districts.push({ id: s.districtId, name: s.districtName, spaces: [s] });
	}
	const query = new URLSearchParams();
	if (!filterErrors.length) {
		if (filters.targetGroup) query.set('target', filters.targetGroup);
		if (filters.language) query.set('language', filters.language);
	}
	return {
		matrix,
		districts,
		classes: COVERAGE_CLASSES,
		filters: filterErrors.length ? { targetGroup: null, language: null } : filters,
		filterErrors,
		targetGroups: TARGET_GROUPS.map((t) => t.key),
		languages,
		query: query.toString(),
		mayConfigure: can(p, 'programmes:manage', { municipalityId: p.municipalityId })
	};
};
