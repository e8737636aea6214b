import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { getOrganization, visibleLevels } from '$lib/server/directory/service';
import { actorJsonLd, actorView, jsonLdText } from '$lib/server/wegweiser/entries';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params, locals, url }) => {
	const { municipality } = await parent();
	const detail = await getOrganization(await getDb(), params.id, visibleLevels(locals.principal, municipality.id));
	if (!detail || detail.municipalityId !== municipality.id) error(404, 'Not Found');
	const actor = actorView(detail, locals.locale);
	const page = `${url.origin}/${params.lang}/m/${municipality.slug}/a/${detail.id}`;
	return { actor, jsonLd: jsonLdText(actorJsonLd(actor, page, municipality.name)) };
};
