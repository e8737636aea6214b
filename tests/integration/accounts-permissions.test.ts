/**
 * Accounts' fragment of the permission table (`accounts/permissions.ts`) as a table: role ×
 * permission × scope → allowed; and the services that ask it (users, the audit log, one's own
 * second factor) refuse and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Permission, type Principal } from '../../src/lib/server/access';
import { beginTotpEnrolment } from '../../src/lib/server/accounts/totp';
import { createUser, listUsers } from '../../src/lib/server/accounts/users';
import { listAudit } from '../../src/lib/server/audit/service';
import { AccessDeniedError } from '../../src/lib/server/core/errors';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { tableRows, tableWorld, TEST_PASSWORD } from '../helpers/world';

/** permission → role → allowed on [own instance, other instance of the municipality, other municipality]. */
const TABLE = {
	'staff_area:enter': {
		municipality_admin: [true, true, true],
		instance_staff: [true, true, true],
		partner_editor: [false, false, false],
		volunteer: [false, false, false],
		anonymous: [false, false, false],
		system: [true, true, true]
	},
	'municipality:administer': {
		municipality_admin: [true, true, false],
		instance_staff: [false, false, false],
		partner_editor: [false, false, false],
		volunteer: [false, false, false],
		anonymous: [false, false, false],
		system: [true, true, true]
	}
} satisfies Partial<Record<Permission, Record<string, [boolean, boolean, boolean]>>>;

let h: DatabaseHandle;
let w: Awaited<ReturnType<typeof tableWorld>>;

beforeAll(async () => {
	h = await freshDatabase();
	w = await tableWorld(h.db);
});
afterAll(() => h?.close());

describe(`accounts' permissions on ${DB_KIND}`, () => {
	it.each(tableRows(TABLE))('%s: %s on %s → %s', (role, permission, scope, allowed) => {
		expect(can(w.principal(role), permission, w.scope(scope))).toBe(allowed);
	});

	it.each(['municipality_admin', 'instance_staff', 'partner_editor', 'volunteer'])('%s manages their own account and nobody else’s', (role) => {
		const p = w.principal(role) as Principal & { userId: string };
		expect(can(p, 'account:own', { userId: p.userId })).toBe(true);
		expect(can(p, 'account:own', { userId: w.who.admin.userId === p.userId ? w.who.staffA.userId : w.who.admin.userId })).toBe(false);
		expect(can(null, 'account:own', { userId: p.userId })).toBe(false);
	});

	it.each(['instance_staff', 'partner_editor', 'volunteer', 'anonymous'])('refuses %s to create users, list them or read the audit log, writing nothing', async (role) => {
		const p = w.principal(role);
		const users = await countRows(h, 'user_account');
		const input = { email: `new-${role}@example.org`, displayName: 'Neu', role: 'volunteer' as const, municipalityId: w.ids.k, password: TEST_PASSWORD };
		await expect(createUser(h.db, p as Principal, input)).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(listUsers(h.db, p as Principal, w.ids.k)).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(listAudit(h.db, p as Principal, { municipalityId: w.ids.k })).rejects.toBeInstanceOf(AccessDeniedError);
		expect(await countRows(h, 'user_account')).toBe(users);
	});

	it("refuses an administrator another municipality's users and audit log", async () => {
		await expect(listUsers(h.db, w.who.admin, w.ids.o)).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(listAudit(h.db, w.who.admin, { municipalityId: w.ids.o })).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(listAudit(h.db, w.who.admin, {})).rejects.toBeInstanceOf(AccessDeniedError);
		expect((await listUsers(h.db, w.who.admin, w.ids.k)).length).toBeGreaterThan(0);
	});

	it('lets every role start its own second factor', async () => {
		for (const role of ['partner_editor', 'volunteer'] as const) {
			const { uri } = await beginTotpEnrolment(h.db, w.principal(role) as Parameters<typeof beginTotpEnrolment>[1]);
			expect(uri).toMatch(/^otpauth:/);
		}
	});
});
