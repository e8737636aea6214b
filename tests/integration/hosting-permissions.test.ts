/**
 * Hosting's fragment of the permission table (hosting/permissions.ts) as a table: every role (and
 * nobody, and the system) × every hosting permission × own instance, another instance of the
 * municipality, an instance of another municipality.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Permission } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { hostingRules } from '../../src/lib/server/hosting/permissions';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { tableRows, tableWorld } from '../helpers/world';

const NEVER = [false, false, false] as [boolean, boolean, boolean];
const MUNICIPALITY = [true, true, false] as [boolean, boolean, boolean];
const EVERYWHERE = [true, true, true] as [boolean, boolean, boolean];

/** permission → role → allowed on [own instance, other instance of the municipality, other municipality]. */
const TABLE = {
	// Deciding on requests, own events and attendance: the instance's staff and the administrators.
	'hosting:manage': { municipality_admin: MUNICIPALITY, instance_staff: [true, false, false], partner_editor: NEVER, volunteer: NEVER, anonymous: NEVER, system: EVERYWHERE },
	// Asking for a room: partners (external providers), staff and administrators, in their municipality only.
	'hosting:request': { municipality_admin: MUNICIPALITY, instance_staff: MUNICIPALITY, partner_editor: MUNICIPALITY, volunteer: NEVER, anonymous: NEVER, system: EVERYWHERE },
	'hosting:see_internal': { municipality_admin: MUNICIPALITY, instance_staff: MUNICIPALITY, partner_editor: NEVER, volunteer: NEVER, anonymous: NEVER, system: EVERYWHERE }
} satisfies Record<keyof typeof hostingRules, Record<string, [boolean, boolean, boolean]>>;

let h: DatabaseHandle;
let w: Awaited<ReturnType<typeof tableWorld>>;

beforeAll(async () => {
	h = await freshDatabase();
	w = await tableWorld(h.db);
});
afterAll(() => h?.close());

describe(`hosting permissions on ${DB_KIND}`, () => {
	it('the table covers every permission of the fragment', () => {
		expect(Object.keys(TABLE).sort()).toEqual(Object.keys(hostingRules).sort());
	});

	it.each(tableRows(TABLE))('%s: %s on %s → %s', (role, permission, scope, allowed) => {
		expect(can(w.principal(role), permission as Permission, w.scope(scope))).toBe(allowed);
	});
});
