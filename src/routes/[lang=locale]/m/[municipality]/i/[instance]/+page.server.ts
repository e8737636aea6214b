import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { findInstanceBySlug, locatedSocialSpace } from '$lib/server/instances/service';
import { publicInstanceView } from '$lib/server/instances/view';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, params, locals }) => {
	const { municipality } = await parent();
	const db = await getDb();
	const inst = await findInstanceBySlug(db, municipality.id, params.instance);
	if (!inst) error(404, 'Not Found');
	const located = await locatedSocialSpace(db, inst);
	return { instance: publicInstanceView(inst, locals.locale), located: located ? { name: located.name } : null };
};
