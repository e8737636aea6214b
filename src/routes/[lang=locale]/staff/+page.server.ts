import { can } from '$lib/server/accounts/authz';
import { getDb } from '$lib/server/db';
import { listInstances } from '$lib/server/instances/service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const p = locals.principal!;
	const instances = (await listInstances(await getDb(), p.municipalityId)).filter((i) =>
		can(p, 'instance:edit', { municipalityId: i.municipalityId, instanceId: i.id })
	);
	return {
		totpEnabled: p.totpEnabled,
		municipalitySlug: p.municipalitySlug,
		instances: instances.map((i) => ({ id: i.id, slug: i.slug, name: i.name, updatedAt: i.updatedAt.toISOString() }))
	};
};
