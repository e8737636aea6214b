import { getReadDb } from '$lib/server/db';
import { homePage } from '$lib/server/geography/pages/areas';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => homePage(await getReadDb());
