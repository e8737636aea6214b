import { listUsers } from '$lib/server/accounts/users';
import { listAudit } from '$lib/server/audit/service';
import { getDb } from '$lib/server/db';
import { requirePrincipal } from '$lib/server/http/principal';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	const db = await getDb();
	const [users, audit] = await Promise.all([
		listUsers(db, p, p.municipalityId),
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
