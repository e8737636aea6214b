/**
 * Authorisation: the one place that decides what a principal may do. The permission table is
 * put together from the modules' fragments (`<module>/permissions.ts`, where each permission is
 * documented); services and routes ask `can` / `authorize`, and nothing else compares roles.
 * The system principal (command line, importers, jobs, checked confirmation links) may do
 * everything: it acts for an operator or for code that checked its own token.
 */
import { accountsRules } from '../accounts/permissions';
import { caseworkRules } from '../casework/permissions';
import { AccessDeniedError } from '../core/errors';
import { directoryRules } from '../directory/permissions';
import { geographyRules } from '../geography/permissions';
import { hostingRules } from '../hosting/permissions';
import { instancesRules } from '../instances/permissions';
import { networksRules } from '../networks/permissions';
import { participationRules } from '../participation/permissions';
import { steeringRules } from '../steering/permissions';
import { volunteeringRules } from '../volunteering/permissions';
import type { Principal } from './principal';
import type { Rule, Scope } from './rules';

const TABLE = {
	...accountsRules,
	...geographyRules,
	...instancesRules,
	...directoryRules,
	...caseworkRules,
	...steeringRules,
	...networksRules,
	...volunteeringRules,
	...hostingRules,
	...participationRules
};

/** Every permission of every module. */
export type Permission = keyof typeof TABLE;

/** The permission names, for tests that walk the whole table. */
export const PERMISSIONS = Object.keys(TABLE) as Permission[];

/** Whether the principal holds the permission on the scope. No principal: never. */
export function can(principal: Principal | null | undefined, permission: Permission, scope: Scope = {}): boolean {
	if (!principal) return false;
	if (principal.kind === 'system') return true;
	return (TABLE[permission] as Rule)(principal, scope);
}

/** Like `can`, but throws. @throws AccessDeniedError (mapped to HTTP 403). */
export function authorize(principal: Principal | null | undefined, permission: Permission, scope: Scope = {}): void {
	if (!can(principal, permission, scope)) throw new AccessDeniedError();
}

export type { Scope } from './rules';
export { actingUserId, auditActor, isUser, systemPrincipal, worksForInstances, type Principal, type Role, type SystemPrincipal, type UserPrincipal } from './principal';
