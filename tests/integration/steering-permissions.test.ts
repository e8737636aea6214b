/**
 * Steuerung's fragment of the permission table (steering/permissions.ts) as a table: every role
 * (and nobody, and the system) × every steering permission × the scope asked for — an instance of
 * the person's own (instance staff work for instance A), another instance of the same
 * municipality, an instance of another municipality.
 */
import { describe, expect, it } from 'vitest';
import { can, systemPrincipal, type Principal, type Role, type UserPrincipal } from '../../src/lib/server/access';
import { steeringRules } from '../../src/lib/server/steering/permissions';

const M = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';
const A = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-0000000000a2';
const C = '00000000-0000-4000-8000-0000000000b1';

const SCOPES = {
	own: { municipalityId: M, instanceId: A },
	otherInstance: { municipalityId: M, instanceId: B },
	otherMunicipality: { municipalityId: OTHER, instanceId: C }
} as const;
type ScopeName = keyof typeof SCOPES;

function user(role: Role): UserPrincipal {
	return {
		kind: 'user',
		userId: '00000000-0000-4000-8000-000000000001',
		email: `${role}@example.org`,
		displayName: role,
		role,
		municipalityId: M,
		municipalitySlug: 'm',
		instanceIds: role === 'instance_staff' ? [A] : [],
		totpEnabled: false
	};
}

const WHO: Record<string, Principal | null> = {
	municipality_admin: user('municipality_admin'),
	instance_staff: user('instance_staff'),
	partner_editor: user('partner_editor'),
	volunteer: user('volunteer'),
	anonymous: null,
	system: systemPrincipal('cli')
};

type Permission = keyof typeof steeringRules;

/** Allowed in [own instance, other instance, other municipality]. */
type Allowed = [boolean, boolean, boolean];
const NEVER: Allowed = [false, false, false];

/**
 * The table. Partner editors, volunteers and nobody hold no steering permission anywhere; the
 * system (command line, demo loader) holds every one everywhere.
 */
const ALLOWED: Record<Permission, { municipality_admin: Allowed; instance_staff: Allowed }> = {
	'needs:report': { municipality_admin: NEVER, instance_staff: [true, false, false] },
	'needs:read': { municipality_admin: [true, true, false], instance_staff: [true, false, false] },
	'needs:steer': { municipality_admin: [true, true, false], instance_staff: NEVER },
	'programmes:manage': { municipality_admin: [true, true, false], instance_staff: NEVER },
	'steering:view': { municipality_admin: [true, true, false], instance_staff: [true, true, false] },
	'assessment:submit': { municipality_admin: NEVER, instance_staff: [true, false, false] }
};

const ROWS: [string, Permission, ScopeName, boolean][] = (Object.keys(ALLOWED) as Permission[]).flatMap((permission) => {
	const byRole: Record<keyof typeof WHO, Allowed> = { ...ALLOWED[permission], partner_editor: NEVER, volunteer: NEVER, anonymous: NEVER, system: [true, true, true] };
	return Object.entries(byRole).flatMap(([role, allowed]) => (Object.keys(SCOPES) as ScopeName[]).map((scope, i): [string, Permission, ScopeName, boolean] => [role, permission, scope, allowed[i]]));
});

describe('steering permissions', () => {
	it('the table covers every permission of the fragment, every role and every scope', () => {
		expect(Object.keys(ALLOWED).sort()).toEqual(Object.keys(steeringRules).sort());
		expect(ROWS).toHaveLength(Object.keys(steeringRules).length * Object.keys(WHO).length * Object.keys(SCOPES).length);
	});

	it.each(ROWS)('%s · %s · %s → %s', (role, permission, scope, allowed) => {
		expect(can(WHO[role], permission, SCOPES[scope])).toBe(allowed);
	});

	it('a needs report of the municipality itself (no instance) is read by its administrators only', () => {
		const report = { municipalityId: M, instanceId: null };
		expect(can(WHO.municipality_admin, 'needs:read', report)).toBe(true);
		expect(can(WHO.instance_staff, 'needs:read', report)).toBe(false);
	});
});
