import { getReadDb } from '$lib/server/db';
import { districtAreasPage } from '$lib/server/geography/pages/areas';
import { httpError } from '$lib/server/http/errors';
import { instanceLinks } from '$lib/server/instances/pages/lists';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params }) => {
	const { municipality } = await parent();
	const db = await getReadDb();
	try {
		const areas = await districtAreasPage(db, municipality, params.district, params.lang);
		return { ...areas, instances: await instanceLinks(db, { districtId: areas.district.id }) };
	} catch (e) {
		httpError(e);
	}
};
