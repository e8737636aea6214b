import { getDb } from '$lib/server/db';
import { linkAreas } from '$lib/server/geography/map';
import { areaMap, listDistricts, listStatistics } from '$lib/server/geography/service';
import { listInstances } from '$lib/server/instances/service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params }) => {
	const { municipality } = await parent();
	const db = await getDb();
	const [districts, instances, statistics, map] = await Promise.all([
		listDistricts(db, municipality.id),
		listInstances(db, municipality.id),
		listStatistics(db, municipality.id, {}),
		areaMap(db, { municipalityId: municipality.id })
	]);
	const base = `/${params.lang}/m/${municipality.slug}`;
	return {
		map: linkAreas(map, (slug) => `${base}/d/${slug}`),
		districts: districts.map((d) => ({ slug: d.slug, name: d.name, code: d.code, socialSpaceCount: d.socialSpaceCount })),
		instances: instances.map((i) => ({ slug: i.slug, name: i.name, isDemo: i.isDemo })),
		statistics
	};
};
