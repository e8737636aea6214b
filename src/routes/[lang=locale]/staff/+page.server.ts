import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { requirePrincipal } from '$lib/server/http/principal';
import { listInstances } from '$lib/server/instances/service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	const instances = (await listInstances(await getDb(), p.municipalityId)).filter((i) =>
		can(p, 'instance:edit', { municipalityId: i.municipalityId, instanceId: i.id })
	);
	return {
		casework: p.instanceIds.some((instanceId) => can(p, 'contacts:record', { municipalityId: p.municipalityId, instanceId })),
		totpEnabled: p.totpEnabled,
		municipalitySlug: p.municipalitySlug,
		instances: instances.map((i) => ({ id: i.id, slug: i.slug, name: i.name, updatedAt: i.updatedAt.toISOString() }))
	};
};
