import type { Geometry } from 'geojson';
import { formatDateTime } from '$lib/format';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { THEME_FIELDS } from '$lib/server/directory/model';
import { drawAreas } from '$lib/server/geography/map';
import { listDistricts, listSocialSpaces } from '$lib/server/geography/service';
import { listInstances } from '$lib/server/instances/service';
import { NEEDS_STATUSES, NEEDS_URGENCIES, OPEN_NEEDS_STATUSES, listNeedsReports, type NeedsFilters } from '$lib/server/steering/needs';
import type { PageServerLoad } from './$types';

const FILTER_PARAMS = { status: 'status', field: 'themeField', space: 'socialSpaceId', district: 'districtId', instance: 'instanceId', urgency: 'urgency' } as const;

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const p = locals.principal!;
	const db = await getDb();
	const filters: NeedsFilters = { openOnly: url.searchParams.get('open') === '1' };
	const chosen: Record<string, string> = { open: filters.openOnly ? '1' : '' };
	for (const [param, key] of Object.entries(FILTER_PARAMS)) {
		const v = url.searchParams.get(param)?.trim() ?? '';
		chosen[param] = v;
		if (v) filters[key] = v;
	}
	const steer = can(p, 'needs:steer', { municipalityId: p.municipalityId });
	const [reports, districts, spaces, instances] = await Promise.all([
		listNeedsReports(db, p, filters),
		listDistricts(db, p.municipalityId),
		listSocialSpaces(db, { municipalityId: p.municipalityId, districtId: chosen.district || undefined, withBoundaries: true }),
		listInstances(db, p.municipalityId)
	]);
	const open = new Set<string>(OPEN_NEEDS_STATUSES);
	const perSpace = new Map<string, { open: number; closed: number }>();
	for (const r of reports) {
		for (const s of r.spaces) {
			const c = perSpace.get(s.id) ?? { open: 0, closed: 0 };
			if (open.has(r.status)) c.open++;
			else c.closed++;
			perSpace.set(s.id, c);
		}
	}
	// Each area links to the list filtered by that social space, keeping the other filters.
	const hrefFor = (spaceId: string) => {
		const q = new URLSearchParams(Object.entries(chosen).filter(([k, v]) => v && k !== 'space'));
		q.set('space', spaceId);
		return `/${params.lang}/staff/needs?${q}`;
	};
	let drawn = drawAreas(spaces.map((s) => ({ id: s.id, label: s.name, href: hrefFor(s.id), boundary: s.boundary as Geometry | null })));
	const counts = new Map(spaces.map((s) => [s.id, perSpace.get(s.id)]));
	// Where the social spaces have no boundaries (Düsseldorf's Stadtteile), the districts are
	// drawn instead, each with the reports of its social spaces (a report counts once per district).
	let byDistrict = false;
	if (!drawn && !chosen.district) {
		const withBoundaries = await listDistricts(db, p.municipalityId, { withBoundaries: true });
		const districtOf = new Map(spaces.map((s) => [s.id, s.districtId]));
		for (const d of withBoundaries) counts.set(d.id, { open: 0, closed: 0 });
		for (const r of reports) {
			for (const d of new Set(r.spaces.map((s) => districtOf.get(s.id)))) {
				const c = d && counts.get(d);
				if (c) c[open.has(r.status) ? 'open' : 'closed']++;
			}
		}
		const q = new URLSearchParams(Object.entries(chosen).filter(([k, v]) => v && k !== 'space' && k !== 'district'));
		drawn = drawAreas(withBoundaries.map((d) => ({ id: d.id, label: d.name, href: `/${params.lang}/staff/needs?${q}${q.size ? '&' : ''}district=${d.id}`, boundary: d.boundary as Geometry | null })));
		byDistrict = !!drawn;
	}
	return {
		canReport: p.instanceIds.some((i) => can(p, 'needs:report', { municipalityId: p.municipalityId, instanceId: i })) || steer,
		steer,
		chosen,
		reports: reports.map((r) => ({
			...r,
			createdAt: formatDateTime(r.createdAt, locals.locale),
			firstResponseAt: r.firstResponseAt ? formatDateTime(r.firstResponseAt, locals.locale) : null
		})),
		byDistrict,
		map: drawn && {
			...drawn,
			areas: drawn.areas.map((a) => {
				const c = counts.get(a.id);
				return { ...a, open: c?.open ?? 0, closed: c?.closed ?? 0 };
			})
		},
		spaceCounts: spaces
			.filter((s) => perSpace.has(s.id))
			.map((s) => ({ id: s.id, name: s.name, href: hrefFor(s.id), ...perSpace.get(s.id)! })),
		options: {
			statuses: ['open', 'closed', ...NEEDS_STATUSES],
			urgencies: [...NEEDS_URGENCIES],
			fields: THEME_FIELDS.map((t) => t.key),
			districts: districts.map((d) => ({ id: d.id, name: d.name })),
			spaces: spaces.map((s) => ({ id: s.id, name: s.name })),
			instances: instances
				.filter((i) => steer || can(p, 'needs:report', { municipalityId: p.municipalityId, instanceId: i.id }))
				.map((i) => ({ id: i.id, name: i.name }))
		}
	};
};
