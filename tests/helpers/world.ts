/**
 * The one fixture of the integration tests: a small municipality world in an empty database.
 * Köln-like municipality `k` with two districts (three social spaces), instances `a` (district 1)
 * and `b` (district 2), an actor and an offer; a second municipality `o` with instance `c` and an
 * actor; one signed-in principal per role and scope (`who`). `person()` adds more accounts.
 * Tests build on it instead of creating municipalities, instances and users themselves.
 */
import type { UserPrincipal, Role } from '../../src/lib/server/access';
import { systemPrincipal } from '../../src/lib/server/access';
import { createUser } from '../../src/lib/server/accounts/users';
import type { Db } from '../../src/lib/server/db/client';
import { saveOrganization, saveService } from '../../src/lib/server/directory/service';
import { createDistrict, createMunicipality, createSocialSpace } from '../../src/lib/server/geography/service';
import { createInstance, type InstanceInput } from '../../src/lib/server/instances/service';
import { offer, org } from './directory';

const blank: InstanceInput = {
	name: 'X', hostOrganization: '', description: {}, street: '', postalCode: '', city: '', latitude: null, longitude: null,
	phone: '', email: '', website: '', openingHours: [], languages: [], socialSpaceIds: [], profile: {}
};

/** Ids of the world and the principals acting in it. */
export interface World {
	ids: Record<'k' | 'o' | 'd1' | 'd2' | 's1a' | 's1b' | 's2a' | 'so' | 'a' | 'b' | 'c' | 'org' | 'offer' | 'orgOther', string>;
	who: Record<'staffA' | 'staffB' | 'staffC' | 'admin' | 'adminOther' | 'partner' | 'volunteer', UserPrincipal>;
}

/** Creates the world in an empty database. */
export async function buildWorld(db: Db): Promise<World> {
	const k = await createMunicipality(db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' });
	const o = await createMunicipality(db, systemPrincipal('t'), { slug: 'bonn', name: 'Bonn' });
	const d1 = await createDistrict(db, systemPrincipal('t'), { municipalityId: k.id, name: 'Kalk', code: '8' });
	const d2 = await createDistrict(db, systemPrincipal('t'), { municipalityId: k.id, name: 'Porz', code: '7' });
	const dO = await createDistrict(db, systemPrincipal('t'), { municipalityId: o.id, name: 'Beuel', code: '1' });
	const s1a = await createSocialSpace(db, systemPrincipal('t'), { districtId: d1.id, name: 'Humboldt/Gremberg' });
	const s1b = await createSocialSpace(db, systemPrincipal('t'), { districtId: d1.id, name: 'Vingst' });
	const s2a = await createSocialSpace(db, systemPrincipal('t'), { districtId: d2.id, name: 'Porz-Mitte' });
	const so = await createSocialSpace(db, systemPrincipal('t'), { districtId: dO.id, name: 'Beuel-Mitte' });
	const a = await createInstance(db, systemPrincipal('t'), { ...blank, name: 'WP Kalk', socialSpaceIds: [s1a.id], municipalityId: k.id, slug: 'wp-kalk' });
	const b = await createInstance(db, systemPrincipal('t'), { ...blank, name: 'WP Porz', socialSpaceIds: [s2a.id], municipalityId: k.id, slug: 'wp-porz' });
	const c = await createInstance(db, systemPrincipal('t'), { ...blank, name: 'WP Beuel', socialSpaceIds: [so.id], municipalityId: o.id, slug: 'wp-beuel' });
	const actor = await saveOrganization(db, systemPrincipal('t'), k.id, org());
	const course = await saveService(db, systemPrincipal('t'), k.id, { ...offer(actor.id), locations: [], schedules: [] });
	const other = await saveOrganization(db, systemPrincipal('t'), o.id, org({ name: 'Caritas Bonn' }));
	const users: [keyof World['who'], Role, string, string[]][] = [
		['staffA', 'instance_staff', k.id, [a.id]],
		['staffB', 'instance_staff', k.id, [b.id]],
		['staffC', 'instance_staff', o.id, [c.id]],
		['admin', 'municipality_admin', k.id, []],
		['adminOther', 'municipality_admin', o.id, []],
		['partner', 'partner_editor', k.id, []],
		['volunteer', 'volunteer', k.id, []]
	];
	const who = {} as World['who'];
	for (const [key, role, m, instanceIds] of users) {
		who[key] = await person(db, key, role, { id: m, slug: m === k.id ? 'koeln' : 'bonn' }, instanceIds);
	}
	return {
		ids: { k: k.id, o: o.id, d1: d1.id, d2: d2.id, s1a: s1a.id, s1b: s1b.id, s2a: s2a.id, so: so.id, a: a.id, b: b.id, c: c.id, org: actor.id, offer: course.id, orgOther: other.id },
		who
	};
}

/** The password of every account `person()` creates. */
export const TEST_PASSWORD = 'long enough password';

/**
 * Creates an account and returns it as the signed-in principal (email `<key>@example.org`,
 * display name `key`).
 */
export async function person(db: Db, key: string, role: Role, municipality: { id: string; slug: string }, instanceIds: string[] = []): Promise<UserPrincipal> {
	const u = await createUser(db, systemPrincipal('test'), { email: `${key}@example.org`, displayName: key, role, municipalityId: municipality.id, instanceIds, password: TEST_PASSWORD });
	return { kind: 'user', userId: u.id, email: u.email, displayName: key, role, municipalityId: municipality.id, municipalitySlug: municipality.slug, instanceIds, totpEnabled: false };
}

/**
 * The world of a permission table (role × permission × scope): `principal(role)` for
 * `municipality_admin`, `instance_staff` (working for `a`), `partner_editor`, `volunteer` of `k`,
 * `anonymous` (null) and `system`; `scope(label)` for `own instance` (`a`), `other instance`
 * (`b`, same municipality) and `other municipality` (`c` of `o`).
 */
export async function tableWorld(db: Db) {
	const w = await buildWorld(db);
	const roles = new Map<string, import('../../src/lib/server/access').Principal | null>([
		['municipality_admin', w.who.admin],
		['instance_staff', w.who.staffA],
		['partner_editor', w.who.partner],
		['volunteer', w.who.volunteer],
		['anonymous', null],
		['system', systemPrincipal('test')]
	]);
	const scopes = new Map<string, import('../../src/lib/server/access').Scope>([
		['own instance', { municipalityId: w.ids.k, instanceId: w.ids.a }],
		['other instance', { municipalityId: w.ids.k, instanceId: w.ids.b }],
		['other municipality', { municipalityId: w.ids.o, instanceId: w.ids.c }]
	]);
	const lookup = <T>(map: Map<string, T>, key: string): T => {
		if (!map.has(key)) throw new Error(`no ${key} in the permission table's world`);
		return map.get(key)!;
	};
	return { ...w, principal: (role: string) => lookup(roles, role), scope: (label: string) => lookup(scopes, label) };
}

/** The scopes of a permission table, in the order of its columns. */
export const TABLE_SCOPES = ['own instance', 'other instance', 'other municipality'] as const;

/**
 * A permission table written as `permission → role → allowed per scope (TABLE_SCOPES order)`
 * as `it.each` rows `[role, permission, scope, allowed]`.
 */
export function tableRows<P extends string>(table: Record<P, Record<string, readonly [boolean, boolean, boolean]>>) {
	return (Object.entries(table) as [P, Record<string, readonly [boolean, boolean, boolean]>][]).flatMap(([permission, byRole]) =>
		Object.entries(byRole).flatMap(([role, allowed]) => TABLE_SCOPES.map((scope, i) => [role, permission, scope, allowed[i]] as const))
	);
}
