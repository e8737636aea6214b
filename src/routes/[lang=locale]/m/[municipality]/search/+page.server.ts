import { getReadDb } from '$lib/server/db';
import { SUBTOPICS, TARGET_GROUPS, THEME_FIELDS } from '$lib/server/directory/model';
import { readSaved } from '$lib/server/directory/pages/saved';
import { publicSearch } from '$lib/server/directory/pages/search';
import { visibleLevels } from '$lib/server/directory/service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, url, locals, cookies, setHeaders }) => {
	const { municipality } = await parent();
	// The page shows the size of this device's saved list: not for shared caches.
	setHeaders({ 'cache-control': 'private, no-cache' });
	const search = await publicSearch(await getReadDb(), municipality.id, url.searchParams, locals.locale, visibleLevels(locals.principal, municipality.id));
	return {
		search,
		savedCount: readSaved(cookies).length,
		vocabulary: {
			themeFields: THEME_FIELDS.map((t) => ({ key: t.key, subtopics: SUBTOPICS[t.key as keyof typeof SUBTOPICS].map((s) => s.key) })),
			targetGroups: TARGET_GROUPS.map((t) => t.key)
		}
	};
};
