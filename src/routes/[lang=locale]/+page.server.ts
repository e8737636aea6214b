import { getDb } from '$lib/server/db';
import { listMunicipalities } from '$lib/server/geography/service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const municipalities = await listMunicipalities(await getDb());
	return { municipalities: municipalities.map((mu) => ({ slug: mu.slug, name: mu.name, isDemo: mu.isDemo })) };
};
