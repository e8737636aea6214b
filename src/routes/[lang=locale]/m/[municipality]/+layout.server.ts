import { getReadDb } from '$lib/server/db';
import { municipalityLayout } from '$lib/server/geography/pages/areas';
import { httpError } from '$lib/server/http/errors';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ params }) => {
	try {
		return await municipalityLayout(await getReadDb(), params.municipality);
	} catch (e) {
		httpError(e);
	}
};
