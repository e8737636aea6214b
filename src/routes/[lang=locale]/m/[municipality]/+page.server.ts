import { getReadDb } from '$lib/server/db';
import { municipalityAreasPage } from '$lib/server/geography/pages/areas';
import { instanceLinks } from '$lib/server/instances/pages/lists';
import { campaignLinks } from '$lib/server/participation/pages/public';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params }) => {
	const { municipality } = await parent();
	const db = await getReadDb();
	const [areas, instances, campaigns] = await Promise.all([
		municipalityAreasPage(db, municipality, params.lang),
		instanceLinks(db, { municipalityId: municipality.id }),
		campaignLinks(db, municipality.id)
	]);
	return { ...areas, instances, campaigns };
};
