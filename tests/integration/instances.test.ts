import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { ValidationError } from '../../src/lib/server/core/errors';
import { createDistrict, createMunicipality, createSocialSpace } from '../../src/lib/server/geography/service';
import {
	PROFILE_DIMENSIONS,
	dimensionsServedBy,
	normaliseProfile,
	unservedDimensions
} from '../../src/lib/server/instances/model';
import {
	createInstance,
	findInstanceById,
	getInstancesForComparison,
	updateInstance,
	type InstanceInput
} from '../../src/lib/server/instances/service';
import { DB_KIND, freshDatabase } from '../helpers/db';

let h: DatabaseHandle;
let mId: string;
let otherSpaceId: string;
let spaceIds: string[];
let slugCounter = 0;

const everyOption = Object.fromEntries(PROFILE_DIMENSIONS.map((d) => [d.key, d.options.map((o) => o.key)]));

function input(overrides: Partial<InstanceInput> = {}): InstanceInput {
	return {
		name: 'Welcome Point Test',
		hostOrganization: 'Träger e. V.',
		description: { de: 'Beschreibung', ar: 'وصف' },
		street: 'Teststraße 1',
		postalCode: '40472',
		city: 'Düsseldorf',
		latitude: null,
		longitude: null,
		phone: '',
		email: 'wp@example.org',
		website: 'https://example.org',
		openingHours: [{ day: 1, opens: '09:00', closes: '13:00' }],
		languages: ['de', 'ar'],
		socialSpaceIds: spaceIds,
		profile: {},
		...overrides
	};
}

beforeAll(async () => {
	h = await freshDatabase();
	const m = await createMunicipality(h.db, systemPrincipal('t'), { slug: 'd', name: 'Düsseldorf' });
	mId = m.id;
	const d = await createDistrict(h.db, systemPrincipal('t'), { municipalityId: m.id, name: 'Stadtbezirk 6', code: '6' });
	spaceIds = [(await createSocialSpace(h.db, systemPrincipal('t'), { districtId: d.id, name: 'Rath', code: '063' })).id, (await createSocialSpace(h.db, systemPrincipal('t'), { districtId: d.id, name: 'Unterrath', code: '062' })).id];
	const other = await createMunicipality(h.db, systemPrincipal('t'), { slug: 'k', name: 'Köln' });
	const od = await createDistrict(h.db, systemPrincipal('t'), { municipalityId: other.id, name: 'Kalk', code: '8' });
	otherSpaceId = (await createSocialSpace(h.db, systemPrincipal('t'), { districtId: od.id, name: 'Humboldt/Gremberg' })).id;
});
afterAll(() => h?.close());

describe('the Part I model as data', () => {
	it('maps theme fields to the integration dimensions they serve (seed 002)', () => {
		expect(dimensionsServedBy(['housing'])).toEqual(['placement', 'interaction', 'identification']);
		expect(dimensionsServedBy(['education'])).toEqual(['culturation', 'placement', 'interaction', 'identification']);
		expect(dimensionsServedBy([])).toEqual([]);
		expect(unservedDimensions({ integration_dimensions: ['culturation', 'placement'], theme_fields: ['labour'] })).toEqual(['culturation']);
	});

	it('adds Verweisen when Lotsen is chosen and drops unknown options', () => {
		const { profile, unknown } = normaliseProfile({ organisation_forms: ['guide'], staff: ['robots'], nonsense: ['x'] });
		expect(profile.organisation_forms).toEqual(['refer', 'guide']);
		expect(profile.staff).toEqual([]);
		expect(unknown).toEqual(['staff.robots', 'nonsense.x']);
	});
});

describe(`instances on ${DB_KIND}`, () => {
	it('stores every option of every Part I dimension and reads it back', async () => {
		const created = await createInstance(h.db, systemPrincipal('test'), { ...input({ profile: everyOption }), municipalityId: mId, slug: 'wp-all' });
		const read = (await findInstanceById(h.db, created.id))!;
		for (const d of PROFILE_DIMENSIONS) {
			expect(read.profile[d.key]).toEqual(d.options.map((o) => o.key));
		}
		expect(read.socialSpaces.map((s) => s.name)).toEqual(['Rath', 'Unterrath']);
		expect(read.languages).toEqual(['de', 'ar']);
		expect(read.description).toEqual({ de: 'Beschreibung', ar: 'وصف' });
	});

	it('records each changed field, old → new, in the audit log', async () => {
		const created = await createInstance(h.db, systemPrincipal('test'), { ...input(), municipalityId: mId, slug: 'wp-audit' });
		await updateInstance(h.db, systemPrincipal('editor'), created.id, input({ name: 'Neuer Name', profile: { methods: ['casework'] } }));
		const [entry] = await listAudit(h.db, { entityType: 'instance', entityId: created.id });
		expect(entry.action).toBe('update');
		expect(entry.actorLabel).toBe('editor');
		expect(entry.changes.name).toEqual(['Welcome Point Test', 'Neuer Name']);
		expect((entry.changes.profile as unknown[])[1]).toMatchObject({ methods: ['casework'] });
		expect(entry.changes.email).toBeUndefined();
	});

	it('compares instances in the order asked, ignoring unknown ids', async () => {
		const a = await createInstance(h.db, systemPrincipal('t'), { ...input({ name: 'A', profile: { staff: ['paid'] } }), municipalityId: mId, slug: 'cmp-a' });
		const b = await createInstance(h.db, systemPrincipal('t'), { ...input({ name: 'B', profile: { staff: ['volunteer'] } }), municipalityId: mId, slug: 'cmp-b' });
		const result = await getInstancesForComparison(h.db, [b.id, 'not-a-uuid', '00000000-0000-0000-0000-000000000000', a.id]);
		expect(result.map((r) => [r.name, r.profile.staff])).toEqual([['B', ['volunteer']], ['A', ['paid']]]);
	});

	it.each([
		['an empty name', { name: '  ' }, 'name', 'required'],
		['a bad email', { email: 'nope' }, 'email', 'invalid_email'],
		['a non-http website', { website: 'javascript:alert(1)' }, 'website', 'invalid_url'],
		['a bad postal code', { postalCode: '4047' }, 'postalCode', 'invalid_postal_code'],
		['only a latitude', { latitude: 51.2 }, 'coordinates', 'invalid_coordinates'],
		['a latitude out of range', { latitude: 95, longitude: 6 }, 'coordinates', 'invalid_coordinates'],
		['a malformed language tag', { languages: ['de', 'not a tag!'] }, 'languages', 'invalid_language'],
		['a bad time', { openingHours: [{ day: 2, opens: '9 Uhr', closes: '13:00' }] }, 'openingHours.2', 'invalid_time'],
		['closing before opening', { openingHours: [{ day: 3, opens: '13:00', closes: '09:00' }] }, 'openingHours.3', 'closes_before_opens'],
		['an option not in the model', { profile: { site: ['moon'] } }, 'profile', 'unknown_option'],
		['a social space of another municipality', { socialSpaceIds: ['OTHER'] }, 'socialSpaces', 'unknown_social_space']
	])('refuses %s and writes nothing', async (_label, overrides, field, code) => {
		const base = await createInstance(h.db, systemPrincipal('t'), { ...input(), municipalityId: mId, slug: `v-${++slugCounter}` });
		const patched = { ...overrides } as Partial<InstanceInput>;
		if (patched.socialSpaceIds) patched.socialSpaceIds = [otherSpaceId];
		const err = await updateInstance(h.db, systemPrincipal('t'), base.id, input(patched)).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect((err as ValidationError).issues).toContainEqual(expect.objectContaining({ field, code }));
		const after = (await findInstanceById(h.db, base.id))!;
		expect(after.name).toBe('Welcome Point Test');
		expect(after.socialSpaces).toHaveLength(2);
	});

	it('refuses a taken slug', async () => {
		await createInstance(h.db, systemPrincipal('t'), { ...input(), municipalityId: mId, slug: 'dup' });
		const err = await createInstance(h.db, systemPrincipal('t'), { ...input(), municipalityId: mId, slug: 'dup' }).catch((e) => e);
		expect(err.issues).toContainEqual({ field: 'slug', code: 'taken' });
	});
});
