import { error } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { THEME_FIELDS } from '$lib/server/directory/model';
import { ValidationError } from '$lib/server/core/errors';
import { drawAreas } from '$lib/server/geography/map';
import { COVERAGE_CLASSES, computeCoverage, coverageFiltersOf } from '$lib/server/steering/coverage';
import { spaceBoundaries } from '$lib/server/steering/coverage-view';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	if (!can(p, 'steering:view', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	const fields = THEME_FIELDS.map((f) => f.key);
	const field = url.searchParams.get('field') || fields[0];
	if (!fields.includes(field)) error(400, 'Bad request');
	const filters = coverageFiltersOf(url.searchParams);
	const db = await getDb();
	let matrix;
	try {
		matrix = await computeCoverage(db, p.municipalityId, filters);
	} catch (e) {
		if (e instanceof ValidationError) error(400, 'Bad request');
		throw e;
	}
	const query = new URLSearchParams();
	if (filters.targetGroup) query.set('target', filters.targetGroup);
	if (filters.language) query.set('language', filters.language);
	const col = matrix.fields.indexOf(field);
	const rows = matrix.spaces.map((s) => ({ id: s.id, name: s.name, districtName: s.districtName, cell: s.cells[col] }));
	const classOf = new Map(rows.map((r) => [r.id, r.cell.class]));
	const boundaries = new Map((await spaceBoundaries(db, p.municipalityId)).map((b) => [b.id, b.boundary]));
	const cellQuery = (spaceId: string) => {
		const q = new URLSearchParams(query);
		q.set('space', spaceId);
		q.set('field', field);
		return q.toString();
	};
	const map = drawAreas(rows.map((r) => ({ id: r.id, label: r.name, href: `/${locals.locale}/staff/coverage/cell?${cellQuery(r.id)}`, boundary: boundaries.get(r.id) ?? null })));
	return {
		field,
		fields,
		rows: rows.map((r) => ({ ...r, href: `/${locals.locale}/staff/coverage/cell?${cellQuery(r.id)}` })),
		map: map && { ...map, areas: map.areas.map((a) => ({ ...a, cls: classOf.get(a.id)! })) },
		classes: COVERAGE_CLASSES,
		totals: Object.fromEntries(COVERAGE_CLASSES.map((c) => [c, rows.filter((r) => r.cell.class === c).length])),
		query: query.toString()
	};
};
