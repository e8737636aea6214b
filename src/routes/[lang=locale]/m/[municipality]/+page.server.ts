import { getDb } from '$lib/server/db';
import { drawAreas } from '$lib/server/geography/map';
import { listDistricts, listStatistics } from '$lib/server/geography/service';
import { listInstances } from '$lib/server/instances/service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params }) => {
	const { municipality } = await parent();
	const db = await getDb();
	const [districts, instances, statistics] = await Promise.all([
		listDistricts(db, municipality.id),
		listInstances(db, municipality.id),
		listStatistics(db, municipality.id, {})
	]);
	const base = `/${params.lang}/m/${municipality.slug}`;
	return {
		map: drawAreas(districts.map((d) => ({ id: d.id, label: d.name, href: `${base}/d/${d.slug}`, boundary: d.boundary }))),
		districts: districts.map((d) => ({ slug: d.slug, name: d.name, code: d.code, socialSpaceCount: d.socialSpaceCount })),
		instances: instances.map((i) => ({ slug: i.slug, name: i.name, isDemo: i.isDemo })),
		statistics
	};
};
