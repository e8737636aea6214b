import { error, redirect } from '@sveltejs/kit';
import { can } from '$lib/server/accounts/authz';
import { listUsers } from '$lib/server/accounts/service';
import { listAudit } from '$lib/server/audit/service';
import { getDb } from '$lib/server/db';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const p = locals.principal;
	if (!p) redirect(303, `/${params.lang}/login`);
	if (!can(p, 'municipality:administer', { municipalityId: p.municipalityId })) error(403, 'Forbidden');
	const db = await getDb();
	const [users, audit] = await Promise.all([
		listUsers(db, p.municipalityId),
		listAudit(db, { municipalityId: p.municipalityId, limit: 100 })
	]);
	const names = new Map(users.map((u) => [u.id, u.displayName]));
	return {
		users: users.map((u) => ({ ...u, disabledAt: u.disabledAt?.toISOString() ?? null })),
		audit: audit.map((a) => ({
			id: a.id,
			at: a.at.toISOString(),
			actor: a.actorUserId ? (names.get(a.actorUserId) ?? a.actorUserId) : (a.actorLabel ?? '–'),
			action: a.action,
			entity: `${a.entityType}${a.entityId ? ` ${a.entityId.slice(0, 8)}` : ''}`,
			fields: Object.keys(a.changes).join(', ')
		}))
	};
};
