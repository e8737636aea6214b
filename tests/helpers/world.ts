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
	const k = await createMunicipality(db, { slug: 'koeln', name: 'Köln' });
	const o = await createMunicipality(db, { slug: 'bonn', name: 'Bonn' });
	const d1 = await createDistrict(db, k.id, { name: 'Kalk', code: '8' });
	const d2 = await createDistrict(db, k.id, { name: 'Porz', code: '7' });
	const dO = await createDistrict(db, o.id, { name: 'Beuel', code: '1' });
	const s1a = await createSocialSpace(db, d1, { name: 'Humboldt/Gremberg' });
	const s1b = await createSocialSpace(db, d1, { name: 'Vingst' });
	const s2a = await createSocialSpace(db, d2, { name: 'Porz-Mitte' });
	const so = await createSocialSpace(db, dO, { name: 'Beuel-Mitte' });
	const a = await createInstance(db, k.id, 'wp-kalk', { ...blank, name: 'WP Kalk', socialSpaceIds: [s1a.id] }, { label: 't' });
	const b = await createInstance(db, k.id, 'wp-porz', { ...blank, name: 'WP Porz', socialSpaceIds: [s2a.id] }, { label: 't' });
	const c = await createInstance(db, o.id, 'wp-beuel', { ...blank, name: 'WP Beuel', socialSpaceIds: [so.id] }, { label: 't' });
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
