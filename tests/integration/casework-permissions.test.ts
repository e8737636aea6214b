/**
 * Casework's fragment of the permission table (issue 4 §6; `casework/permissions.ts`) as a
 * table: role × permission × scope → allowed. Scopes: an instance the staff member works for
 * (own), another instance of the same municipality (other), an instance of another
 * municipality (foreign); for `cases:work` also a case of another instance shared by name
 * (shared) and such a case of another municipality (foreign, shared).
 */
import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, systemPrincipal, type Permission, type Principal, type Role, type Scope, type UserPrincipal } from '../../src/lib/server/access';
import { caseworkRules } from '../../src/lib/server/casework/permissions';

const K = '00000000-0000-4000-8000-00000000000a';
const O = '00000000-0000-4000-8000-00000000000b';
const A = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-0000000000b1';
const C = '00000000-0000-4000-8000-0000000000c1';
const ME = '00000000-0000-4000-8000-0000000000ff';

function user(role: Role): UserPrincipal {
	return {
		kind: 'user',
		userId: ME,
		email: `${role}@example.org`,
		displayName: role,
		role,
		municipalityId: K,
		municipalitySlug: 'koeln',
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

const SCOPES: Record<string, Scope> = {
	own: { municipalityId: K, instanceId: A },
	other: { municipalityId: K, instanceId: B },
	foreign: { municipalityId: O, instanceId: C },
	shared: { municipalityId: K, instanceId: B, caseSharedWith: [ME] },
	'foreign, shared': { municipalityId: O, instanceId: C, caseSharedWith: [ME] }
};

type Scopes = (keyof typeof SCOPES)[];
const ALL: Scopes = ['own', 'other', 'foreign'];

/**
 * Per permission, the scopes it is asked in and, per role, those in which it holds; a role not
 * named holds it nowhere. The system principal holds everything everywhere.
 */
const TABLE: Record<string, { scopes: Scopes; allowed: Partial<Record<keyof typeof WHO, Scopes>> }> = {
	'contacts:record': { scopes: ALL, allowed: { instance_staff: ['own'] } },
	'cases:work': { scopes: [...ALL, 'shared', 'foreign, shared'], allowed: { instance_staff: ['own', 'shared'] } },
	'statistics:instance': { scopes: ALL, allowed: { municipality_admin: ['own', 'other'], instance_staff: ['own'] } },
	'statistics:exact': { scopes: ALL, allowed: { instance_staff: ['own'] } },
	'statistics:municipality': { scopes: ALL, allowed: { municipality_admin: ['own', 'other'] } },
	'casework:configure': { scopes: ALL, allowed: { municipality_admin: ['own', 'other'] } },
	// A volunteer's own appointments: the rule asks for the role only (the guard and the list
	// narrow it to the person), so it holds in every scope.
	'accompaniment:volunteer': { scopes: ALL, allowed: { volunteer: ALL } }
};

const CASES = Object.entries(TABLE).flatMap(([permission, { scopes, allowed }]) =>
	Object.keys(WHO).flatMap((role) =>
		scopes.map((scope) => [role, permission, scope, role === 'system' || !!allowed[role as keyof typeof WHO]?.includes(scope)] as const)
	)
);

describe('casework permissions', () => {
	it('covers every casework permission of the table', () => {
		expect(Object.keys(TABLE).sort()).toEqual(Object.keys(caseworkRules).sort());
		for (const p of Object.keys(TABLE)) expect(PERMISSIONS).toContain(p);
	});

	it.each(CASES)('%s × %s × %s → %s', (role, permission, scope, allowed) => {
		expect(can(WHO[role], permission as Permission, SCOPES[scope])).toBe(allowed);
	});
});
