/**
 * Who acts: a signed-in person (`UserPrincipal`), or the system acting for an operator or a job
 * (`SystemPrincipal`: the command line, importers, the demo loader, the deletion schedule, a
 * provider's or partner's confirmation link that the service has checked). Services take either
 * and decide with `can()`; the audit log names the person or the system's label.
 * Roles: MODEL.md §4 (integration office, Welcome Point staff, partner organisations, volunteers).
 */

/** Roles of signed-in people. */
export const ROLES = ['municipality_admin', 'instance_staff', 'partner_editor', 'volunteer'] as const;
export type Role = (typeof ROLES)[number];

/** Whether accounts of this role work for named instances (and need at least one). */
export function worksForInstances(role: Role): boolean {
	return role === 'instance_staff';
}

/** The signed-in person as every authorisation check sees them. */
export interface UserPrincipal {
	kind: 'user';
	userId: string;
	email: string;
	displayName: string;
	role: Role;
	municipalityId: string;
	municipalitySlug: string;
	/** Instances an `instance_staff` account works for (empty for other roles). */
	instanceIds: string[];
	totpEnabled: boolean;
}

/**
 * The system acting on its own or for an operator. `label` names it in the audit log, e.g.
 * `cli`, `demo-loader`, `retention`, `import:osm`, `provider-link`, `partner-link`.
 */
export interface SystemPrincipal {
	kind: 'system';
	label: string;
}

/** Whoever calls a service. */
export type Principal = UserPrincipal | SystemPrincipal;

/** A system principal with this audit label. */
export function systemPrincipal(label: string): SystemPrincipal {
	return { kind: 'system', label };
}

/** The audit log's actor columns for a principal: the user's id, or the system's label. */
export function auditActor(principal: Principal): { actorUserId?: string; actorLabel?: string } {
	return principal.kind === 'user' ? { actorUserId: principal.userId } : { actorLabel: principal.label };
}

/** The acting person's user id for `created_by`-style columns; null for the system (a job, the CLI). */
export function actingUserId(principal: Principal | null | undefined): string | null {
	return principal?.kind === 'user' ? principal.userId : null;
}

/** True for a signed-in person (narrows the type). */
export function isUser(principal: Principal | null | undefined): principal is UserPrincipal {
	return principal?.kind === 'user';
}
