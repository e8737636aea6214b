/**
 * Authorisation: the one place that decides what a principal may do. Routes and services ask
 * `can`/`authorize`; nothing else compares roles. Scope rules (issue 2):
 * - municipality administrators act within their municipality;
 * - instance staff act on the instances they are assigned to, nothing else;
 * - partner editors and volunteers have no staff rights over instances.
 */
import { AccessDeniedError } from '../errors';
import type { Principal } from './service';

export type Permission =
	/** Enter the staff area at all. */
	| 'staff_area:enter'
	/** View and edit an instance's staff data (profile editing). */
	| 'instance:edit'
	/** Manage users and read the audit log of a municipality. */
	| 'municipality:administer';

/** The resource a permission is asked for. */
export interface Scope {
	municipalityId?: string;
	instanceId?: string;
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
				return sameMunicipality && scope.instanceId !== undefined && principal.instanceIds.includes(scope.instanceId);
			}
			return false;
		case 'municipality:administer':
			return principal.role === 'municipality_admin' && sameMunicipality;
	}
}

/** Like `can`, but throws. @throws AccessDeniedError (mapped to HTTP 403). */
export function authorize(principal: Principal | null | undefined, permission: Permission, scope: Scope = {}): void {
	if (!can(principal, permission, scope)) throw new AccessDeniedError();
}
