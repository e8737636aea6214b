/**
 * The directory's permission fragment (`directory/permissions.ts`) as a table: every role, the
 * anonymous reader and the system × every directory permission × scope → allowed. Scopes: an
 * entry of Welcome Point Kalk (the staff member's own instance), of Welcome Point Porz (another
 * instance of the same municipality), of no instance, and of Bonn (another municipality).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, PERMISSIONS, systemPrincipal, type Permission, type Principal, type Scope } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

let h: DatabaseHandle;
let w: World;

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
});
afterAll(() => h?.close());

const ACTORS = ['municipality_admin', 'instance_staff', 'partner_editor', 'volunteer', 'anonymous', 'system'] as const;
type Actor = (typeof ACTORS)[number];

const SCOPES = ['own instance', 'other instance', 'no instance', 'other municipality'] as const;
type ScopeName = (typeof SCOPES)[number];

/** Allowed per scope, in the order of `SCOPES` (Y allowed, N refused). */
const TABLE: Record<Actor, Record<string, string>> = {
	municipality_admin: {
		'directory:edit': 'YYYN',
		'directory:propose': 'YYYN',
		'directory:review': 'YYYN',
		'directory:see_network': 'YYYN',
		'directory:see_internal': 'YYYN',
		'directory:configure': 'YYYN'
	},
	instance_staff: {
		'directory:edit': 'YNYN',
		'directory:propose': 'YYYN',
		'directory:review': 'YYYN',
		'directory:see_network': 'YYYN',
		'directory:see_internal': 'YYYN',
		'directory:configure': 'NNNN'
	},
	partner_editor: {
		'directory:edit': 'NNNN',
		'directory:propose': 'YYYN',
		'directory:review': 'NNNN',
		'directory:see_network': 'YYYN',
		'directory:see_internal': 'NNNN',
		'directory:configure': 'NNNN'
	},
	volunteer: {
		'directory:edit': 'NNNN',
		'directory:propose': 'NNNN',
		'directory:review': 'NNNN',
		'directory:see_network': 'YYYN',
		'directory:see_internal': 'NNNN',
		'directory:configure': 'NNNN'
	},
	anonymous: {
		'directory:edit': 'NNNN',
		'directory:propose': 'NNNN',
		'directory:review': 'NNNN',
		'directory:see_network': 'NNNN',
		'directory:see_internal': 'NNNN',
		'directory:configure': 'NNNN'
	},
	system: {
		'directory:edit': 'YYYY',
		'directory:propose': 'YYYY',
		'directory:review': 'YYYY',
		'directory:see_network': 'YYYY',
		'directory:see_internal': 'YYYY',
		'directory:configure': 'YYYY'
	}
};

const DIRECTORY_PERMISSIONS = PERMISSIONS.filter((p) => p.startsWith('directory:'));

const ROWS: [Actor, Permission, ScopeName, boolean][] = ACTORS.flatMap((actor) =>
	DIRECTORY_PERMISSIONS.flatMap((permission) => SCOPES.map((scope, i): [Actor, Permission, ScopeName, boolean] => [actor, permission, scope, TABLE[actor][permission][i] === 'Y']))
);

/** The principal of a row: the world's Kalk staff member for instance staff. */
function principalOf(actor: Actor): Principal | null {
	if (actor === 'anonymous') return null;
	if (actor === 'system') return systemPrincipal('test');
	return { municipality_admin: w.who.admin, instance_staff: w.who.staffA, partner_editor: w.who.partner, volunteer: w.who.volunteer }[actor];
}

function scopeOf(name: ScopeName): Scope {
	return {
		'own instance': { municipalityId: w.ids.k, instanceId: w.ids.a },
		'other instance': { municipalityId: w.ids.k, instanceId: w.ids.b },
		'no instance': { municipalityId: w.ids.k, instanceId: null },
		'other municipality': { municipalityId: w.ids.o, instanceId: w.ids.c }
	}[name];
}

describe(`directory permissions (${DB_KIND})`, () => {
	it('the table covers every directory permission', () => {
		expect(DIRECTORY_PERMISSIONS.sort()).toEqual(Object.keys(TABLE.system).sort());
	});

	it.each(ROWS)('%s, %s, %s → %s', (actor, permission, scope, allowed) => {
		expect(can(principalOf(actor), permission, scopeOf(scope))).toBe(allowed);
	});
});
