import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, NotFoundError, ValidationError } from '../../src/lib/server/core/errors';
import {
	INSTANCE_LIMITS,
	PROFILE_DIMENSIONS,
	dimensionsServedBy,
	normaliseProfile,
	pickLanguage,
	unservedDimensions
} from '../../src/lib/server/instances/model';
import {
	createInstance,
	findInstanceById,
	getInstancesForComparison,
	listInstancesServingDistrict,
	updateInstance,
	type InstanceInput
} from '../../src/lib/server/instances/service';
import { comparePage } from '../../src/lib/server/instances/pages/compare';
import { instanceEditPage } from '../../src/lib/server/instances/pages/edit';
import { instanceProfilePage } from '../../src/lib/server/instances/pages/profile';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

let h: DatabaseHandle;
let w: World;
let mId: string;
let otherSpaceId: string;
let spaceIds: string[];
let slugCounter = 0;
const system = systemPrincipal('t');

const everyOption = Object.fromEntries(PROFILE_DIMENSIONS.map((d) => [d.key, d.options.map((o) => o.key)]));

function input(overrides: Partial<InstanceInput> = {}): InstanceInput {
	return {
		name: 'Welcome Point Test',
		hostOrganization: 'Träger e. V.',
		description: { de: 'Beschreibung', ar: 'وصف' },
		street: 'Teststraße 1',
		postalCode: '51103',
		city: 'Köln',
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
	w = await buildWorld(h.db);
	mId = w.ids.k;
	spaceIds = [w.ids.s1a, w.ids.s1b];
	otherSpaceId = w.ids.so;
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
		expect(read.socialSpaces.map((s) => s.name)).toEqual(['Humboldt/Gremberg', 'Vingst']);
		expect(read.languages).toEqual(['de', 'ar']);
		expect(read.description).toEqual({ de: 'Beschreibung', ar: 'وصف' });
	});

	it('records each changed field, old → new, in the audit log', async () => {
		const created = await createInstance(h.db, systemPrincipal('test'), { ...input(), municipalityId: mId, slug: 'wp-audit' });
		await updateInstance(h.db, systemPrincipal('editor'), created.id, input({ name: 'Neuer Name', profile: { methods: ['casework'] } }));
		const [entry] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'instance', entityId: created.id });
		expect(entry.action).toBe('update');
		expect(entry.actorLabel).toBe('editor');
		expect(entry.changes.name).toEqual(['Welcome Point Test', 'Neuer Name']);
		expect((entry.changes.profile as unknown[])[1]).toMatchObject({ methods: ['casework'] });
		expect(entry.changes.email).toBeUndefined();
	});

	it('compares instances in the order asked, ignoring unknown ids', async () => {
		const a = await createInstance(h.db, system, { ...input({ name: 'A', profile: { staff: ['paid'] } }), municipalityId: mId, slug: 'cmp-a' });
		const b = await createInstance(h.db, system, { ...input({ name: 'B', profile: { staff: ['volunteer'] } }), municipalityId: mId, slug: 'cmp-b' });
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
		['a social space of another municipality', { socialSpaceIds: ['OTHER'] }, 'socialSpaces', 'unknown_social_space'],
		['a social space id that is not a UUID', { socialSpaceIds: ['NOT-A-UUID'] }, 'socialSpaces', 'unknown_social_space'],
		['an over-long host organisation', { hostOrganization: 'x'.repeat(INSTANCE_LIMITS.hostOrganization + 1) }, 'hostOrganization', 'too_long'],
		['an over-long street', { street: 'x'.repeat(INSTANCE_LIMITS.street + 1) }, 'street', 'too_long'],
		['an over-long city', { city: 'x'.repeat(INSTANCE_LIMITS.city + 1) }, 'city', 'too_long'],
		['an over-long phone number', { phone: '0'.repeat(INSTANCE_LIMITS.phone + 1) }, 'phone', 'too_long'],
		['an over-long email address', { email: `${'a'.repeat(INSTANCE_LIMITS.email)}@example.org` }, 'email', 'too_long'],
		['an over-long website', { website: `https://example.org/${'a'.repeat(INSTANCE_LIMITS.website)}` }, 'website', 'too_long'],
		['an over-long description', { description: { de: 'x'.repeat(INSTANCE_LIMITS.description + 1) } }, 'description.de', 'too_long'],
		['a time past midnight', { openingHours: [{ day: 4, opens: '09:00', closes: '24:00' }] }, 'openingHours.4', 'invalid_time']
	])('refuses %s and writes nothing', async (_label, overrides, field, code) => {
		const base = await createInstance(h.db, system, { ...input(), municipalityId: mId, slug: `v-${++slugCounter}` });
		const patched = { ...overrides } as Partial<InstanceInput>;
		if (patched.socialSpaceIds?.[0] === 'OTHER') patched.socialSpaceIds = [otherSpaceId];
		const err = await updateInstance(h.db, system, base.id, input(patched)).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect((err as ValidationError).issues).toContainEqual(expect.objectContaining({ field, code }));
		const after = (await findInstanceById(h.db, base.id))!;
		expect(after.name).toBe('Welcome Point Test');
		expect(after.socialSpaces).toHaveLength(2);
	});

	it('refuses a taken slug', async () => {
		await createInstance(h.db, system, { ...input(), municipalityId: mId, slug: 'dup' });
		const err = await createInstance(h.db, system, { ...input(), municipalityId: mId, slug: 'dup' }).catch((e) => e);
		expect(err.issues).toContainEqual({ field: 'slug', code: 'taken' });
	});

	it('refuses a malformed slug and an unknown municipality, writing nothing', async () => {
		const before = await countRows(h, 'instance');
		const bad = await createInstance(h.db, system, { ...input(), municipalityId: mId, slug: 'Welcome Point!' }).catch((e) => e);
		expect(bad.issues).toContainEqual({ field: 'slug', code: 'invalid_slug' });
		const nowhere = await createInstance(h.db, system, { ...input({ socialSpaceIds: [] }), municipalityId: '00000000-0000-4000-8000-000000000000', slug: 'nowhere' }).catch((e) => e);
		expect(nowhere).toBeInstanceOf(NotFoundError);
		expect(await countRows(h, 'instance')).toBe(before);
	});

	it('lists the instances serving a district', async () => {
		expect((await listInstancesServingDistrict(h.db, w.ids.d2)).map((i) => i.name)).toEqual(['WP Porz']);
		expect(await listInstancesServingDistrict(h.db, 'not-a-uuid')).toEqual([]);
	});
});

describe(`instance pages on ${DB_KIND}`, () => {
	it('shows a profile and answers an unknown slug with NotFoundError', async () => {
		const page = await instanceProfilePage(h.db, mId, 'wp-kalk', 'de');
		expect(page.instance).toMatchObject({ id: w.ids.a, name: 'WP Kalk', socialSpaces: [{ name: 'Humboldt/Gremberg', slug: 'humboldt-gremberg' }] });
		await expect(instanceProfilePage(h.db, mId, 'atlantis', 'de')).rejects.toBeInstanceOf(NotFoundError);
		await expect(instanceProfilePage(h.db, w.ids.o, 'wp-kalk', 'de')).rejects.toBeInstanceOf(NotFoundError);
	});

	it('compares a municipality’s instances and refuses ids that are not UUIDs and unknown municipalities', async () => {
		const page = await comparePage(h.db, new URLSearchParams(`municipality=bonn&i=${w.ids.a}&i=00000000-0000-4000-8000-000000000000`));
		expect(page.columns.map((c) => [c.name, c.href])).toEqual([['WP Kalk', 'koeln/i/wp-kalk'], ['WP Beuel', 'bonn/i/wp-beuel']]);
		const notUuid = await comparePage(h.db, new URLSearchParams('i=1')).catch((e) => e);
		expect(notUuid).toBeInstanceOf(ValidationError);
		expect(notUuid.issues).toEqual([{ field: 'i', code: 'invalid_id' }]);
		const nowhere = await comparePage(h.db, new URLSearchParams('municipality=atlantis')).catch((e) => e);
		expect(nowhere.issues).toEqual([{ field: 'municipality', code: 'not_found' }]);
	});

	it('opens the edit page to the instance’s staff only, a foreign or missing instance alike, and 404 for a non-UUID', async () => {
		const page = await instanceEditPage(h.db, w.who.staffA, w.ids.a, ['de', 'en']);
		expect(page.instance.name).toBe('WP Kalk');
		expect(page.districts.map((d) => [d.name, d.spaces.map((s) => s.name)])).toEqual([['Porz', ['Porz-Mitte']], ['Kalk', ['Humboldt/Gremberg', 'Vingst']]]);
		const entered = input({ name: 'Entwurf' });
		expect((await instanceEditPage(h.db, w.who.staffA, w.ids.a, ['de'], entered)).input).toBe(entered);
		await expect(instanceEditPage(h.db, w.who.staffA, w.ids.b, ['de'])).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(instanceEditPage(h.db, w.who.staffA, '00000000-0000-4000-8000-000000000000', ['de'])).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(instanceEditPage(h.db, w.who.staffA, 'not-a-uuid', ['de'])).rejects.toBeInstanceOf(NotFoundError);
	});

	it('picks the reader’s language, else German, else any', () => {
		expect(pickLanguage({ de: 'Hallo', ar: 'مرحبا' }, 'ar')).toEqual({ text: 'مرحبا', lang: 'ar', fallback: false });
		expect(pickLanguage({ de: 'Hallo', ar: 'مرحبا' }, 'uk')).toEqual({ text: 'Hallo', lang: 'de', fallback: true });
		expect(pickLanguage({ tr: 'Merhaba' }, 'en')).toEqual({ text: 'Merhaba', lang: 'tr', fallback: true });
		expect(pickLanguage({}, 'de')).toBeNull();
	});
});
