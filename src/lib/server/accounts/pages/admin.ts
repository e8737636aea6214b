/**
 * The administration start page of a municipality (issue 2; issue 12 §5): its accounts without
 * secrets — role, instances, whether invited, disabled or with a second factor — and the ways to
 * invite people, open and retire instances, upload areas and statistics, and read the audit log.
 */
import type { UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import { listInstances } from '../../instances/service';
import { m } from '../../../paraglide/messages.js';
import { listUsers, type UserSummary } from '../users';

/** The state of an account as the list shows it. */
export type AccountState = 'invited' | 'disabled' | 'active';

/** The state of an account: disabled wins over invited. */
export function accountState(u: Pick<UserSummary, 'disabledAt' | 'invited'>): AccountState {
	return u.disabledAt ? 'disabled' : u.invited ? 'invited' : 'active';
}

/** The state's words in the request's language. */
export function accountStateLabel(state: AccountState): string {
	return { invited: m.adm_state_invited(), disabled: m.adm_state_disabled(), active: m.adm_state_active() }[state];
}

/**
 * The page's data: the municipality's accounts by name, each with its state and the names of
 * its instances.
 * @throws AccessDeniedError without `municipality:administer` on the person's municipality.
 */
export async function adminPage(db: DbOrTx, principal: UserPrincipal) {
	const [users, instances] = await Promise.all([listUsers(db, principal, principal.municipalityId), listInstances(db, principal.municipalityId)]);
	const instanceName = new Map(instances.map((i) => [i.id, i.name]));
	return {
		users: users.map((u) => {
			const state = accountState(u);
			return {
				id: u.id,
				displayName: u.displayName,
				email: u.email,
				role: u.role,
				instances: u.instanceIds.map((id) => instanceName.get(id) ?? '').filter(Boolean),
				state,
				stateLabel: accountStateLabel(state),
				totpEnabled: u.totpEnabled
			};
		})
	};
}
