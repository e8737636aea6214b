/**
 * The building blocks of the permission table: the scope a permission is asked for, and the
 * predicates the modules' `permissions.ts` fragments are written with. Role comparisons live
 * here and in those fragments only (architecture test).
 */
import type { Role, UserPrincipal } from './principal';

/** The resource a permission is asked for. */
export interface Scope {
	municipalityId?: string;
	/** The instance concerned; for `directory:edit`, null or absent means an entry of no instance. */
	instanceId?: string | null;
	/** For `cases:work`: the users a case is shared with by name. */
	caseSharedWith?: readonly string[];
	/** For own-account permissions: the account concerned. */
	userId?: string;
}

/** One rule of the table: whether a signed-in person holds a permission on a scope. */
export type Rule = (principal: UserPrincipal, scope: Scope) => boolean;

/** A module's fragment of the permission table. */
export type Rules<K extends string> = Record<K, Rule>;

/** The scope's municipality is the person's. */
export function inMunicipality(p: UserPrincipal, scope: Scope): boolean {
	return scope.municipalityId !== undefined && scope.municipalityId === p.municipalityId;
}

/** The person has one of the roles. */
export function hasRole(p: UserPrincipal, ...roles: Role[]): boolean {
	return roles.includes(p.role);
}

/** A municipality administrator of the scope's municipality. */
export function isAdminOf(p: UserPrincipal, scope: Scope): boolean {
	return p.role === 'municipality_admin' && inMunicipality(p, scope);
}

/** Instance staff of the scope's municipality (any of its instances). */
export function isStaffIn(p: UserPrincipal, scope: Scope): boolean {
	return p.role === 'instance_staff' && inMunicipality(p, scope);
}

/** Instance staff assigned to the scope's instance. */
export function isStaffOf(p: UserPrincipal, scope: Scope): boolean {
	return isStaffIn(p, scope) && !!scope.instanceId && p.instanceIds.includes(scope.instanceId);
}
