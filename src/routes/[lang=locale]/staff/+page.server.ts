import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { requirePrincipal } from '$lib/server/http/principal';
import { listInstances } from '$lib/server/instances/service';
import { todayPage } from '$lib/server/steering/pages/today';
import type { PageServerLoad } from './$types';

/** The staff start page: "Heute" (what is waiting, as counts linking to the filtered lists, issue 12 §10), the areas of work, the person's instances, sign-in security. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	const db = await getDb();
	const instances = (await listInstances(db, p.municipalityId)).filter((i) =>
		can(p, 'instance:edit', { municipalityId: i.municipalityId, instanceId: i.id })
	);
	return {
		today: (await todayPage(db, p)).items,
		casework: p.instanceIds.some((instanceId) => can(p, 'contacts:record', { municipalityId: p.municipalityId, instanceId })),
		totpEnabled: p.totpEnabled,
		municipalitySlug: p.municipalitySlug,
		instances: instances.map((i) => ({ id: i.id, slug: i.slug, name: i.name, updatedAt: i.updatedAt.toISOString() }))
	};
};
