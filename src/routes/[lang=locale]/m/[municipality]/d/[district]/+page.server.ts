import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { linkAreas } from '$lib/server/geography/map';
import { areaMap, findDistrict, listSocialSpaces, listStatistics } from '$lib/server/geography/service';
import { listInstancesServingDistrict } from '$lib/server/instances/service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params }) => {
	const { municipality } = await parent();
	const db = await getDb();
	const district = await findDistrict(db, municipality.id, params.district);
	if (!district) error(404, 'Not Found');
	const spaces = await listSocialSpaces(db, { municipalityId: municipality.id, districtId: district.id });
	const [districtStats, spaceStats, instances, map] = await Promise.all([
		listStatistics(db, municipality.id, { districtId: district.id }),
		listStatistics(db, municipality.id, { socialSpaceIds: spaces.map((s) => s.id) }),
		listInstancesServingDistrict(db, district.id),
		areaMap(db, { districtId: district.id })
	]);
	const base = `/${params.lang}/m/${municipality.slug}/d/${district.slug}`;
	// Metrics reported per social space, each with its latest value per space.
	const metrics = [...new Set(spaceStats.map((s) => s.metric))];
	return {
		district: { name: district.name, code: district.code, slug: district.slug },
		map: linkAreas(map, (slug) => `${base}#space-${slug}`),
		statistics: districtStats,
		metrics: metrics.map((metric) => {
			const rows = spaceStats.filter((s) => s.metric === metric);
			return { metric, unit: rows[0].unit, asOf: rows[0].asOf, source: rows[0].source };
		}),
		spaces: spaces.map((s) => ({
			slug: s.slug,
			name: s.name,
			code: s.code,
			values: metrics.map((metric) => spaceStats.find((st) => st.socialSpaceId === s.id && st.metric === metric) ?? null)
		})),
		instances: instances.map((i) => ({ slug: i.slug, name: i.name, isDemo: i.isDemo }))
	};
};
