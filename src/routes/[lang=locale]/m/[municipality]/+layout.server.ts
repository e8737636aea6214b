import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { findMunicipality } from '$lib/server/geography/service';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ params }) => {
	const municipality = await findMunicipality(await getDb(), params.municipality);
	if (!municipality) error(404, 'Not Found');
	return { municipality: { id: municipality.id, slug: municipality.slug, name: municipality.name, isDemo: municipality.isDemo } };
};
