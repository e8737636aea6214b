/**
 * Vernetzung's fragment of the permission table (networks/permissions.ts) as a table: every role
 * (and nobody, and the system) × every networks permission × the scope asked for — an instance of
 * the person's own (instance staff work for instance A), another instance of the same
 * municipality, an instance of another municipality.
 */
import { describe, expect, it } from 'vitest';
import { can, systemPrincipal, type Principal, type Role, type UserPrincipal } from '../../src/lib/server/access';
import { networksRules } from '../../src/lib/server/networks/permissions';

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

type Permission = keyof typeof networksRules;

/** Allowed in [own instance, other instance, other municipality]. */
type Allowed = [boolean, boolean, boolean];
const NEVER: Allowed = [false, false, false];
const MUNICIPALITY: Allowed = [true, true, false];

/**
 * The table. Nobody holds a networks permission outside their municipality; the system (command
 * line, demo loader, jobs) holds every one everywhere. `networks:coordinate` is asked with the
 * coordinating instance as `instanceId`: its staff coordinate, other instances' staff do not.
 */
const ALLOWED: Record<Permission, Record<'municipality_admin' | 'instance_staff' | 'partner_editor' | 'volunteer', Allowed>> = {
	'networks:take_part': { municipality_admin: MUNICIPALITY, instance_staff: MUNICIPALITY, partner_editor: MUNICIPALITY, volunteer: MUNICIPALITY },
	'networks:see_internal': { municipality_admin: MUNICIPALITY, instance_staff: MUNICIPALITY, partner_editor: NEVER, volunteer: NEVER },
	'networks:coordinate': { municipality_admin: MUNICIPALITY, instance_staff: [true, false, false], partner_editor: NEVER, volunteer: NEVER },
	'networks:relate': { municipality_admin: MUNICIPALITY, instance_staff: MUNICIPALITY, partner_editor: NEVER, volunteer: NEVER },
	'networks:post': { municipality_admin: MUNICIPALITY, instance_staff: MUNICIPALITY, partner_editor: NEVER, volunteer: NEVER },
	'networks:map': { municipality_admin: MUNICIPALITY, instance_staff: MUNICIPALITY, partner_editor: NEVER, volunteer: NEVER }
};

const ROWS: [string, Permission, ScopeName, boolean][] = (Object.keys(ALLOWED) as Permission[]).flatMap((permission) => {
	const byRole: Record<keyof typeof WHO, Allowed> = { ...ALLOWED[permission], anonymous: NEVER, system: [true, true, true] };
	return Object.entries(byRole).flatMap(([role, allowed]) => (Object.keys(SCOPES) as ScopeName[]).map((scope, i): [string, Permission, ScopeName, boolean] => [role, permission, scope, allowed[i]]));
});

describe('networks permissions', () => {
	it('the table covers every permission of the fragment, every role and every scope', () => {
		expect(Object.keys(ALLOWED).sort()).toEqual(Object.keys(networksRules).sort());
		expect(ROWS).toHaveLength(Object.keys(networksRules).length * Object.keys(WHO).length * Object.keys(SCOPES).length);
	});

	it.each(ROWS)('%s · %s · %s → %s', (role, permission, scope, allowed) => {
		expect(can(WHO[role], permission, SCOPES[scope])).toBe(allowed);
	});

	it('a network coordinated by the municipality (no instance) is coordinated by its administrators only', () => {
		expect(can(WHO.municipality_admin, 'networks:coordinate', { municipalityId: M, instanceId: null })).toBe(true);
		expect(can(WHO.instance_staff, 'networks:coordinate', { municipalityId: M, instanceId: null })).toBe(false);
	});
});
