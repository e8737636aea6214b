/**
 * Authorisation: the one place that decides what a principal may do. Routes and services ask
 * `can`/`authorize`; nothing else compares roles. Scope rules (issue 2):
 * - municipality administrators act within their municipality;
 * - instance staff act on the instances they are assigned to, nothing else;
 * - partner editors and volunteers have no staff rights over instances.
 * Directory (Wegweiser, issue 3 §6; design):
 * - `directory:edit` — write actors and offers directly. Municipality administrators: every entry
 *   of their municipality. Instance staff: entries kept by one of their instances, and entries
 *   kept by no instance (most actors of a city, e.g. imported OSM actors, belong to none; the
 *   Welcome Points are the ones who know them). An entry kept by another instance is that
 *   instance's. Moving an entry between instances needs the right on both (the caller asks twice).
 * - `directory:propose` — submit change proposals: partner editors of the municipality, and
 *   everyone who may edit (staff may use the same queue).
 * - `directory:review` — see the proposal queue and publish or reject: administrators and
 *   instance staff of the municipality; publishing also needs `directory:edit` on the entry.
 * Lotsen work (issue 4 §6; design):
 * - `contacts:record` — staff of the instance record its counselling contacts and referrals.
 * - `cases:work` — read and write a case: staff of the holding instance, and instance staff of
 *   the municipality the case is shared with by name. Municipality administrators never see
 *   cases; partners and volunteers never do either.
 * - `statistics:instance` — an instance's reports: its staff (exact counts on screen) and the
 *   municipality administrators (small counts suppressed, see `statisticsExact`).
 * - `statistics:municipality` — city-wide reports across instances and districts: administrators.
 * - `casework:configure` — the contact attributes and the deletion schedule: administrators.
 * - `accompaniment:volunteer` — a volunteer sees the appointments assigned to them.
 * Steuerung (issue 5; design):
 * - `needs:report` — an instance's staff report needs for it and answer on their reports.
 * - `needs:steer` — see every needs report of the municipality, move it through the workflow,
 *   respond and link offers or programmes: administrators.
 * - `programmes:manage` — keep the programme registry and the self-assessment catalogue, set
 *   the coverage rules: administrators. Reading programmes, coverage and the municipality
 *   dashboard needs `steering:view`.
 * - `steering:view` — the coverage matrix, the programme registry and the municipality
 *   dashboard: administrators and instance staff of the municipality (all aggregated).
 * - `assessment:submit` — an instance's staff assess their instance against the catalogue.
 */
import { AccessDeniedError } from '../errors';
import type { Principal } from './service';

export type Permission =
	/** Enter the staff area at all. */
	| 'staff_area:enter'
	/** View and edit an instance's staff data (profile editing). */
	| 'instance:edit'
	/** Manage users and read the audit log of a municipality. */
	| 'municipality:administer'
	/** Create and change directory entries directly (scope: municipality, the entry's instance or null). */
	| 'directory:edit'
	/** Propose new directory entries or changes for review (scope: municipality). */
	| 'directory:propose'
	/** Review, publish and reject proposals (scope: municipality). */
	| 'directory:review'
	/** Record counselling contacts and referrals of an instance (scope: instance). */
	| 'contacts:record'
	/** Read and write a case (scope: the holding instance, plus `caseSharedWith`). */
	| 'cases:work'
	/** See an instance's statistics (scope: instance). */
	| 'statistics:instance'
	/** See city-wide statistics (scope: municipality). */
	| 'statistics:municipality'
	/** Configure contact attributes and the deletion schedule (scope: municipality). */
	| 'casework:configure'
	/** See the accompaniments assigned to oneself (volunteers). */
	| 'accompaniment:volunteer'
	/** Report needs for an instance and respond on its reports (scope: instance). */
	| 'needs:report'
	/** Work on every needs report of a municipality (scope: municipality). */
	| 'needs:steer'
	/** Keep programmes, the assessment catalogue and the coverage rules (scope: municipality). */
	| 'programmes:manage'
	/** See coverage, programmes and the municipality dashboard (scope: municipality). */
	| 'steering:view'
	/** Fill in an instance's self-assessment (scope: instance). */
	| 'assessment:submit';

/** The resource a permission is asked for. */
export interface Scope {
	municipalityId?: string;
	/** The instance concerned; for `directory:edit`, null or absent means an entry of no instance. */
	instanceId?: string | null;
	/** For `cases:work`: the users a case is shared with by name. */
	caseSharedWith?: readonly string[];
}

/** Whether the principal holds the permission on the scope. No principal: never. */
export function can(principal: Principal | null | undefined, permission: Permission, scope: Scope = {}): boolean {
	if (!principal) return false;
	const sameMunicipality = scope.municipalityId !== undefined && scope.municipalityId === principal.municipalityId;
	switch (permission) {
		case 'staff_area:enter':
			return principal.role === 'municipality_admin' || principal.role === 'instance_staff';
		case 'instance:edit':
			if (principal.role === 'municipality_admin') return sameMunicipality;
			if (principal.role === 'instance_staff') {
				return sameMunicipality && !!scope.instanceId && principal.instanceIds.includes(scope.instanceId);
			}
			return false;
		case 'municipality:administer':
			return principal.role === 'municipality_admin' && sameMunicipality;
		case 'directory:edit':
			if (!sameMunicipality) return false;
			if (principal.role === 'municipality_admin') return true;
			return principal.role === 'instance_staff' && (!scope.instanceId || principal.instanceIds.includes(scope.instanceId));
		case 'directory:propose':
			return sameMunicipality && ['municipality_admin', 'instance_staff', 'partner_editor'].includes(principal.role);
		case 'directory:review':
			return sameMunicipality && (principal.role === 'municipality_admin' || principal.role === 'instance_staff');
		case 'contacts:record':
			return isInstanceStaff(principal, sameMunicipality, scope.instanceId);
		case 'cases:work':
			return (
				isInstanceStaff(principal, sameMunicipality, scope.instanceId) ||
				(principal.role === 'instance_staff' && sameMunicipality && !!scope.caseSharedWith?.includes(principal.userId))
			);
		case 'statistics:instance':
			return (principal.role === 'municipality_admin' && sameMunicipality) || isInstanceStaff(principal, sameMunicipality, scope.instanceId);
		case 'statistics:municipality':
		case 'casework:configure':
			return principal.role === 'municipality_admin' && sameMunicipality;
		case 'accompaniment:volunteer':
			return principal.role === 'volunteer';
		case 'needs:report':
		case 'assessment:submit':
			return isInstanceStaff(principal, sameMunicipality, scope.instanceId);
		case 'needs:steer':
		case 'programmes:manage':
			return principal.role === 'municipality_admin' && sameMunicipality;
		case 'steering:view':
			return sameMunicipality && (principal.role === 'municipality_admin' || principal.role === 'instance_staff');
	}
}

function isInstanceStaff(principal: Principal, sameMunicipality: boolean, instanceId: string | null | undefined): boolean {
	return principal.role === 'instance_staff' && sameMunicipality && !!instanceId && principal.instanceIds.includes(instanceId);
}

/**
 * Whether the principal sees an instance's statistics with exact counts. Only the instance's own
 * staff do, and only on screen: everything that leaves the instance (downloads, city views) has
 * counts under `SMALL_COUNT_THRESHOLD` suppressed (issue 4 §7).
 */
export function statisticsExact(principal: Principal | null | undefined, instanceId: string, municipalityId: string): boolean {
	return !!principal && isInstanceStaff(principal, principal.municipalityId === municipalityId, instanceId);
}

/** Like `can`, but throws. @throws AccessDeniedError (mapped to HTTP 403). */
export function authorize(principal: Principal | null | undefined, permission: Permission, scope: Scope = {}): void {
	if (!can(principal, permission, scope)) throw new AccessDeniedError();
}
