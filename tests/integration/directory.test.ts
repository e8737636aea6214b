import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { listAudit } from '../../src/lib/server/audit/service';
import { createMunicipality } from '../../src/lib/server/geography/service';
import {
	deleteEntry,
	getOrganization,
	getService,
	markVerified,
	saveOrganization,
	saveService,
	saveServices,
	serviceToInput,
} from '../../src/lib/server/directory/service';
import { searchEntry, searchWord } from '../../src/lib/server/directory/schema';
import { effectiveStatus, originalText, pickText, withVersion } from '../../src/lib/server/directory/texts';
import { ValidationError } from '../../src/lib/server/core/errors';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { importKoelnAreas } from '../helpers/files';
import { offer, org } from '../helpers/directory';

let handle: DatabaseHandle;
let municipalityId: string;

beforeAll(async () => {
	handle = await freshDatabase();
	municipalityId = (await createMunicipality(handle.db, systemPrincipal('t'), { slug: 'koeln', name: 'Köln' })).id;
	await importKoelnAreas(handle.db);
});
afterAll(() => handle.close());

describe(`directory entries (${DB_KIND})`, () => {
	it('places an offer in its Stadtteil, derives the theme field from the sub-topic and indexes it', async () => {
		const { id: orgId } = await saveOrganization(handle.db, systemPrincipal('test'), municipalityId, org());
		const { id } = await saveService(handle.db, systemPrincipal('test'), municipalityId, offer(orgId));
		const s = await getService(handle.db, id, ['public']);
		expect(s?.themeFields).toEqual(['education']);
		expect(s?.locations[0].socialSpace?.name).toBe('Kalk');
		expect(s?.schedules).toHaveLength(1);
		const [entry] = await handle.db.select().from(searchEntry).where(and(eq(searchEntry.kind, 'service'), eq(searchEntry.entityId, id)));
		expect(entry.organizationName).toBe('Caritas Köln');
		expect(entry.stepFree).toBe(true);
		expect(await handle.db.select().from(searchWord).where(eq(searchWord.word, 'deutschkurs'))).toHaveLength(1);
		const o = await getOrganization(handle.db, orgId, ['public']);
		expect(o?.services.map((x) => x.id)).toEqual([id]);
		expect(o?.socialSpaces).toEqual([]);
	});

	it('saves several offers in one transaction with their search entries, or none of them, naming the failing one', async () => {
		const { id: orgId } = await saveOrganization(handle.db, systemPrincipal('test'), municipalityId, org({ name: 'Batch' }));
		const outside = offer(orgId, { name: originalText('de', 'Batch drei') });
		outside.locations[0].latitude = 48.137;
		outside.locations[0].longitude = 11.575;
		const before = await countRows(handle, 'service');
		const err = await saveServices(handle.db, systemPrincipal('test'), municipalityId, [
			{ input: offer(orgId, { name: originalText('de', 'Batch eins') }) },
			{ input: offer(orgId, { name: originalText('de', 'Batch zwei') }) },
			{ input: outside }
		]).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect(err.issues).toContainEqual({ field: '2.locations.0.coordinates', code: 'outside_municipality' });
		expect(await countRows(handle, 'service')).toBe(before);
		const saved = await saveServices(handle.db, systemPrincipal('test'), municipalityId, [
			{ input: offer(orgId, { name: originalText('de', 'Batch eins') }), options: { verifiedBy: 'Test' } },
			{ input: offer(orgId, { name: originalText('de', 'Batch zwei') }) }
		]);
		expect(saved).toHaveLength(2);
		const entries = await handle.db.select().from(searchEntry).where(inArray(searchEntry.entityId, [...saved.map((s) => s.id), orgId]));
		expect(entries.map((e) => e.kind).sort()).toEqual(['organization', 'service', 'service']);
		expect((await getService(handle.db, saved[0].id, ['public']))?.lastVerifiedBy).toBe('Test');
		expect((await getService(handle.db, saved[1].id, ['public']))?.lastVerifiedBy).toBeNull();
	});

	it('refuses coordinates outside the municipality and names the field', async () => {
		const { id: orgId } = await saveOrganization(handle.db, systemPrincipal('test'), municipalityId, org({ name: 'Outside' }));
		const input = offer(orgId);
		input.locations[0].latitude = 48.137;
		input.locations[0].longitude = 11.575;
		const err = await saveService(handle.db, systemPrincipal('test'), municipalityId, input).catch((e) => e);
		expect(err).toBeInstanceOf(ValidationError);
		expect(err.issues).toContainEqual({ field: 'locations.0.coordinates', code: 'outside_municipality' });
	});

	it('reports each bad field and writes nothing', async () => {
		const { id: orgId } = await saveOrganization(handle.db, systemPrincipal('test'), municipalityId, org({ name: 'Bad input' }));
		const bad = offer(orgId, {
			name: {},
			subtopics: ['astrology'],
			minimumAge: 20,
			maximumAge: 10,
			languages: ['not a tag!'],
			costKind: 'expensive',
			schedules: [{ weekday: 8, opensAt: '12:00', closesAt: '09:00', validFrom: '2026-13-01', validTo: null, appointmentOnly: false, note: {}, location: 3 }]
		});
		const err = await saveService(handle.db, systemPrincipal('test'), municipalityId, bad).catch((e) => e);
		const fields = (err as ValidationError).issues.map((i) => `${i.field}:${i.code}`);
		expect(fields).toEqual(
			expect.arrayContaining([
				'name:required',
				'subtopics:unknown_option',
				'maximumAge:age_range',
				'languages:invalid_language',
				'costKind:unknown_option',
				'schedules.0.weekday:invalid_time',
				'schedules.0:closes_before_opens',
				'schedules.0:invalid_date',
				'schedules.0:unknown_location'
			])
		);
		const o = await getOrganization(handle.db, orgId, ['public']);
		expect(o?.services).toEqual([]);
	});

	it('records every change field by field and hides non-public entries from the public', async () => {
		const { id: orgId } = await saveOrganization(handle.db, systemPrincipal('test'), municipalityId, org({ name: 'Initiative Nachbarn', actorType: 'volunteer_initiative', visibility: 'network' }));
		const { id } = await saveService(handle.db, systemPrincipal('test'), municipalityId, offer(orgId));
		const current = (await getService(handle.db, id, ['public', 'network', 'internal']))!;
		const input = serviceToInput(current);
		input.costKind = 'paid';
		input.costAmountCents = 1500;
		await saveService(handle.db, systemPrincipal('editor'), municipalityId, input, { id });
		const entries = await listAudit(handle.db, systemPrincipal('test'), { entityType: 'service', entityId: id });
		expect(entries[0].action).toBe('update');
		expect(entries[0].changes).toEqual({ costKind: ['free', 'paid'], costAmountCents: [null, 1500] });
		expect(await getService(handle.db, id, ['public'])).toBeNull();
		expect(await getOrganization(handle.db, orgId, ['public'])).toBeNull();
		const [entry] = await handle.db.select().from(searchEntry).where(eq(searchEntry.entityId, id));
		expect(entry.visibility).toBe('network');
	});

	it('saving unchanged input records nothing; verification is stamped and audited', async () => {
		const { id: orgId } = await saveOrganization(handle.db, systemPrincipal('test'), municipalityId, org({ name: 'Unchanged' }));
		const { id } = await saveService(handle.db, systemPrincipal('test'), municipalityId, offer(orgId));
		const before = (await listAudit(handle.db, systemPrincipal('test'), { entityType: 'service', entityId: id })).length;
		await saveService(handle.db, systemPrincipal('test'), municipalityId, serviceToInput((await getService(handle.db, id, ['public']))!), { id });
		expect((await listAudit(handle.db, systemPrincipal('test'), { entityType: 'service', entityId: id })).length).toBe(before);
		await markVerified(handle.db, systemPrincipal('test'), 'service', id, 'Anna Beispiel');
		const s = await getService(handle.db, id, ['public']);
		expect(s?.lastVerifiedBy).toBe('Anna Beispiel');
		expect(s?.lastVerifiedAt).toBeInstanceOf(Date);
		await deleteEntry(handle.db, systemPrincipal('test'), 'service', id);
		expect(await getService(handle.db, id, ['public'])).toBeNull();
		expect(await handle.db.select().from(searchEntry).where(eq(searchEntry.entityId, id))).toEqual([]);
	});
});

describe('translated texts', () => {
	it('marks a translation outdated when the original changes and falls back visibly', () => {
		let t = originalText('de', 'Sprachkurs am Montag');
		t = withVersion(t, 'ar', 'دورة لغة يوم الاثنين');
		expect(effectiveStatus(t, 'ar')).toBe('human');
		t = withVersion(t, 'de', 'Sprachkurs am Dienstag');
		expect(effectiveStatus(t, 'ar')).toBe('outdated');
		expect(pickText(t, 'ar')).toMatchObject({ lang: 'ar', fallback: false, status: 'outdated' });
		expect(pickText(t, 'uk')).toMatchObject({ lang: 'de', fallback: true, text: 'Sprachkurs am Dienstag' });
		expect(pickText(t, 'de-x-ls')).toMatchObject({ lang: 'de', fallback: true });
		expect(pickText({}, 'de')).toBeNull();
	});
});

describe(`search (${DB_KIND})`, () => {
	it('finds offers with a typo, by a compound part, in Arabic labels and by filters; open now in Berlin time', async () => {
		const { searchDirectory } = await import('../../src/lib/server/directory/search');
		const { id: orgId } = await saveOrganization(handle.db, systemPrincipal('test'), municipalityId, org({ name: 'Sprachschule Kalk' }));
		const { id } = await saveService(handle.db, systemPrincipal('test'), municipalityId, offer(orgId));
		const base = { municipalityId, lang: 'de', levels: ['public' as const], sort: 'relevance' as const, page: 1, perPage: 20 };
		const ids = async (extra: Record<string, unknown>) => (await searchDirectory(handle.db, { ...base, text: '', ...extra })).hits.map((h) => h.id);
		expect(await ids({ text: 'Deutchkurs' })).toContain(id);
		expect(await ids({ text: 'kurs' })).toContain(id);
		expect(await ids({ text: 'دورة لغة', lang: 'ar' })).toContain(id);
		expect(await ids({ text: 'Deutschkurs', language: 'ar', lowThreshold: true, stepFree: true, cost: 'free' })).toContain(id);
		expect(await ids({ text: 'Deutschkurs', language: 'tr' })).not.toContain(id);
		// Tuesday 10:30 in Berlin is 09:30 UTC in winter (CET) and 08:30 UTC in summer (CEST).
		expect(await ids({ openNow: true, now: new Date('2026-11-24T09:30:00Z') })).toContain(id);
		expect(await ids({ openNow: true, now: new Date('2026-11-24T11:30:00Z') })).not.toContain(id);
		expect(await ids({ openNow: true, now: new Date('2026-07-07T08:30:00Z') })).toContain(id);
		expect(await ids({ openNow: true, now: new Date('2026-07-07T10:30:00Z') })).not.toContain(id);
	});
});
