/**
 * Instances' fragment of the permission table (`instances/permissions.ts`) as a table: role ×
 * permission × scope → allowed; and the services that ask it refuse and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, systemPrincipal, type Permission } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import { AccessDeniedError, NotFoundError } from '../../src/lib/server/core/errors';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { instancesRules } from '../../src/lib/server/instances/permissions';
import { createInstance, findInstanceById, updateInstance, type InstanceInput } from '../../src/lib/server/instances/service';
import { toInput } from '../../src/lib/server/instances/pages/form';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { tableRows, tableWorld } from '../helpers/world';

/** permission → role → allowed on [own instance, other instance of the municipality, other municipality]. */
const EDIT = {
	'instance:edit': {
		municipality_admin: [true, true, false],
		instance_staff: [true, false, false],
		partner_editor: [false, false, false],
		volunteer: [false, false, false],
		anonymous: [false, false, false],
		system: [true, true, true]
	}
} satisfies Partial<Record<Permission, Record<string, [boolean, boolean, boolean]>>>;

/** role → `instance:edit` without an instance, i.e. creating one, in [own municipality, other municipality]. */
const CREATE: Record<string, [boolean, boolean]> = {
	municipality_admin: [true, false],
	instance_staff: [false, false],
	partner_editor: [false, false],
	volunteer: [false, false],
	anonymous: [false, false],
	system: [true, true]
};

const EDIT_ROWS = tableRows(EDIT);
const CREATE_ROWS = Object.entries(CREATE).flatMap(([role, allowed]) => (['own municipality', 'other municipality'] as const).map((m, i) => [role, m, allowed[i]] as const));

let h: DatabaseHandle;
let w: Awaited<ReturnType<typeof tableWorld>>;

beforeAll(async () => {
	h = await freshDatabase();
	w = await tableWorld(h.db);
});
afterAll(() => h?.close());

async function inputOf(id: string, changes: Partial<InstanceInput>): Promise<InstanceInput> {
	return { ...toInput((await findInstanceById(h.db, id))!), ...changes };
}

describe(`instance permissions on ${DB_KIND}`, () => {
	it('covers every permission of the fragment', () => {
		expect(Object.keys(EDIT)).toEqual(Object.keys(instancesRules));
	});

	it.each(EDIT_ROWS)('%s × %s × %s → %s', (role, permission, scope, allowed) => {
		expect(can(w.principal(role), permission, w.scope(scope))).toBe(allowed);
	});

	it.each(CREATE_ROWS)('%s × instance:edit (create) × %s → %s', (role, m, allowed) => {
		expect(can(w.principal(role), 'instance:edit', { municipalityId: m === 'own municipality' ? w.ids.k : w.ids.o })).toBe(allowed);
	});

	it('refuses writes to people without the permission, without saying whether an instance exists, and writes nothing', async () => {
		const before = await Promise.all(['instance', 'instance_social_space', 'instance_profile_value', 'audit_log'].map((t) => countRows(h, t)));
		const missing = '00000000-0000-4000-8000-000000000000';
		const attempts: [string, () => Promise<unknown>][] = [
			['staff edit another instance', async () => updateInstance(h.db, w.who.staffA, w.ids.b, await inputOf(w.ids.b, { name: 'Übernommen' }))],
			['another admin edits', async () => updateInstance(h.db, w.who.adminOther, w.ids.a, await inputOf(w.ids.a, { name: 'Übernommen' }))],
			['a partner edits', async () => updateInstance(h.db, w.who.partner, w.ids.a, await inputOf(w.ids.a, { name: 'Übernommen' }))],
			['staff name a missing instance', async () => updateInstance(h.db, w.who.staffA, missing, await inputOf(w.ids.a, {}))],
			['staff create an instance', async () => createInstance(h.db, w.who.staffA, { ...(await inputOf(w.ids.a, { socialSpaceIds: [] })), municipalityId: w.ids.k, slug: 'neu' })],
			['another admin creates one', async () => createInstance(h.db, w.who.adminOther, { ...(await inputOf(w.ids.a, { socialSpaceIds: [] })), municipalityId: w.ids.k, slug: 'neu' })]
		];
		for (const [label, attempt] of attempts) {
			expect(await attempt().catch((e) => e), label).toBeInstanceOf(AccessDeniedError);
		}
		expect(await updateInstance(h.db, systemPrincipal('t'), missing, await inputOf(w.ids.a, {})).catch((e) => e)).toBeInstanceOf(NotFoundError);
		expect(await updateInstance(h.db, w.who.staffA, 'not-a-uuid', await inputOf(w.ids.a, {})).catch((e) => e)).toBeInstanceOf(NotFoundError);
		expect(await Promise.all(['instance', 'instance_social_space', 'instance_profile_value', 'audit_log'].map((t) => countRows(h, t)))).toEqual(before);
	});

	it('lets staff edit their own instance and administrators create one, audited under their names', async () => {
		await updateInstance(h.db, w.who.staffA, w.ids.a, await inputOf(w.ids.a, { phone: '0221 4711' }));
		const [edit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'instance', entityId: w.ids.a });
		expect(edit).toMatchObject({ action: 'update', actorUserId: w.who.staffA.userId, actorLabel: null });
		expect(edit.changes.phone).toEqual(['', '0221 4711']);
		const created = await createInstance(h.db, w.who.admin, { ...(await inputOf(w.ids.a, { name: 'WP Vingst', socialSpaceIds: [w.ids.s1b] })), municipalityId: w.ids.k, slug: 'wp-vingst' });
		const [create] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'instance', entityId: created.id });
		expect(create).toMatchObject({ action: 'create', actorUserId: w.who.admin.userId, municipalityId: w.ids.k });
	});
});
