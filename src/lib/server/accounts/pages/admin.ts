/**
 * The administration page of a municipality (issue 2): its users without secrets, and the
 * latest entries of its audit log, each naming who acted (a person's name, or the system's label).
 */
import type { UserPrincipal } from '../../access';
import { listAudit } from '../../audit/service';
import type { DbOrTx } from '../../db/client';
import { listUsers } from '../users';

/** How many audit entries the page shows. */
const AUDIT_ROWS = 100;

/**
 * The page's data.
 * @throws AccessDeniedError without `municipality:administer` on the person's municipality.
 */
export async function adminPage(db: DbOrTx, principal: UserPrincipal) {
	const [users, audit] = await Promise.all([
		listUsers(db, principal, principal.municipalityId),
		listAudit(db, principal, { municipalityId: principal.municipalityId, limit: AUDIT_ROWS })
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
}
