import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { systemPrincipal } from '../../src/lib/server/access';
import { listAudit } from '../../src/lib/server/audit/service';
import { deleteContact, listRecentContacts, recordContact, type ContactInput } from '../../src/lib/server/casework/contacts';
import { findReferralByToken } from '../../src/lib/server/casework/referrals';
import { caseworkSetting, contactAggregate, counsellingContact, referral } from '../../src/lib/server/casework/schema';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { AccessDeniedError, NotFoundError } from '../../src/lib/server/core/errors';
import { issuesOf } from '../helpers/errors';
import { DB_KIND, countRows, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

let h: DatabaseHandle;
let w: World;
/** Tuesday 17 March 2026, 11:00 in Köln. */
const NOW = new Date('2026-03-17T10:00:00Z');

function input(overrides: Partial<ContactInput> = {}): ContactInput {
	return {
		instanceId: w.ids.a,
		contactedAt: new Date('2026-03-17T09:30:00Z'),
		channel: 'walk_in',
		language: 'ar',
		interpreterNeeded: false,
		topics: ['language_course'],
		attributes: { age_band: '27_44' },
		unmetTopics: [],
		socialSpaceId: null,
		referrals: [],
		...overrides
	};
}

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
});
afterAll(() => h?.close());

describe(`recording a counselling contact (${DB_KIND})`, () => {
	it('stores an anonymous contact: a sub-topic implies its theme field, the language is canonical, the district is the instance’s', async () => {
		const { contact, referrals } = await recordContact(h.db, w.who.staffA, input({ language: 'AR', topics: ['language_course', 'housing'], interpreterNeeded: true }), NOW);
		expect(referrals).toEqual([]);
		expect(contact.themeFields.sort()).toEqual(['education', 'housing']);
		expect(contact.subTopics).toEqual(['language_course']);
		expect(contact.language).toBe('ar');
		expect(contact.interpreterNeeded).toBe(true);
		expect(contact.districtId).toBe(w.ids.d1);
		expect(contact.attributes).toEqual({ age_band: '27_44' });
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'counselling_contact', entityId: contact.id });
		expect(audit.action).toBe('create');
		expect(audit.actorUserId).toBe(w.who.staffA.userId);
		expect(audit.changes.channel).toEqual([null, 'walk_in']);
	});

	it('counts the contact for the district of the Sozialraum the person lives in', async () => {
		const { contact } = await recordContact(h.db, w.who.staffA, input({ socialSpaceId: w.ids.s2a }), NOW);
		expect(contact.districtId).toBe(w.ids.d2);
		expect(contact.socialSpaceId).toBe(w.ids.s2a);
	});

	it('issues referrals to an offer and an actor in the same transaction, with tokens and reference codes', async () => {
		const { contact, referrals } = await recordContact(
			h.db,
			w.who.staffA,
			input({
				topics: ['language_course', 'social_counselling'],
				unmetTopics: ['housing_search'],
				referrals: [
					{ serviceId: w.ids.offer, topic: 'language_course' },
					{ organizationId: w.ids.org, topic: 'social_counselling' }
				]
			}),
			NOW
		);
		expect(contact.unmetTopics).toEqual(['housing_search']);
		// The unmet topic counts as a topic of the contact.
		expect(contact.subTopics.sort()).toEqual(['housing_search', 'language_course', 'social_counselling']);
		expect(contact.themeFields.sort()).toEqual(['civil_society', 'education', 'housing']);
		expect(referrals).toHaveLength(2);
		for (const r of referrals) {
			expect(r.referral.contactId).toBe(contact.id);
			expect(r.referral.districtId).toBe(w.ids.d1);
			expect(r.referral.referenceCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
			expect((await findReferralByToken(h.db, r.token))?.id).toBe(r.referral.id);
		}
		expect(referrals[0].referral.targetLabel).toBe('Deutschkurs für Anfänger');
		expect(referrals[1].referral.targetLabel).toBe('Caritas Köln');
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'counselling_contact', entityId: contact.id });
		expect(audit.changes.referralIds).toEqual([null, referrals.map((r) => r.referral.id)]);
		expect(JSON.stringify(audit.changes)).not.toContain(referrals[0].token);
	});

	it('names every bad field at once and writes nothing', async () => {
		const before = [await countRows(h, 'counselling_contact'), await countRows(h, 'referral'), await countRows(h, 'audit_log')];
		const issues = await issuesOf(
			recordContact(
				h.db,
				w.who.staffA,
				input({
					contactedAt: null,
					channel: 'fax',
					language: 'not a tag!',
					topics: ['cooking'],
					attributes: { age_band: 'ancient', religion: 'x' },
					unmetTopics: ['nothing'],
					socialSpaceId: w.ids.so,
					referrals: [{ topic: 'language_course' }, { serviceId: w.ids.offer, topic: 'knitting' }]
				}),
				NOW
			)
		);
		expect(issues.map((i) => `${i.field}:${i.code}`).sort()).toEqual(
			[
				'attributes.age_band:unknown_value',
				'attributes.religion:unknown_attribute',
				'channel:unknown_value',
				'contactedAt:required',
				'language:invalid_language',
				'referrals.0.target:required',
				'referrals.1.topic:unknown_value',
				'socialSpaceId:unknown_social_space',
				'topics:unknown_value',
				'unmetTopics:unknown_value'
			].sort()
		);
		expect([await countRows(h, 'counselling_contact'), await countRows(h, 'referral'), await countRows(h, 'audit_log')]).toEqual(before);
	});

	it.each([
		['a date in the future', { contactedAt: new Date(NOW.getTime() + 60_000) }, 'contactedAt:date_in_future'],
		['an invalid date', { contactedAt: new Date('nonsense') }, 'contactedAt:invalid_date'],
		['no channel', { channel: '' }, 'channel:required'],
		['no language', { language: ' ' }, 'language:required'],
		['no topic', { topics: [] }, 'topics:required'],
		['a malformed social space id', { socialSpaceId: 'abc' }, 'socialSpaceId:unknown_social_space'],
		['a referral without a topic', { referrals: [{ serviceId: 'x', topic: '' }] }, 'referrals.0.topic:required'],
		['a referral with both an offer and an actor', { referrals: [{ serviceId: 'x', organizationId: 'y', topic: 'housing' }] }, 'referrals.0.target:required']
	] as [string, Partial<ContactInput>, string][])('refuses %s', async (_name, overrides, expected) => {
		const issues = await issuesOf(recordContact(h.db, w.who.staffA, input(overrides), NOW));
		expect(issues.map((i) => `${i.field}:${i.code}`)).toEqual([expected]);
	});

	it('refuses a referral to an actor of another municipality and rolls the contact back', async () => {
		const before = [await countRows(h, 'counselling_contact'), await countRows(h, 'referral')];
		const issues = await issuesOf(
			recordContact(h.db, w.who.staffA, input({ referrals: [{ serviceId: w.ids.offer, topic: 'language_course' }, { organizationId: w.ids.orgOther, topic: 'housing' }] }), NOW)
		);
		expect(issues).toEqual([{ field: 'referrals.1.target', code: 'unknown_value' }]);
		expect([await countRows(h, 'counselling_contact'), await countRows(h, 'referral')]).toEqual(before);
	});

	it('refuses attributes the municipality has switched off', async () => {
		await h.db.insert(caseworkSetting).values({ municipalityId: w.ids.k, contactAttributes: ['age_band'] });
		try {
			const issues = await issuesOf(recordContact(h.db, w.who.staffA, input({ attributes: { age_band: '18_26', new_arrival: 'yes' } }), NOW));
			expect(issues).toEqual([{ field: 'attributes.new_arrival', code: 'unknown_attribute' }]);
		} finally {
			await h.db.delete(caseworkSetting).where(eq(caseworkSetting.municipalityId, w.ids.k));
		}
	});

	it('refuses a date in a month already folded into aggregates', async () => {
		await h.db.insert(contactAggregate).values({ municipalityId: w.ids.k, instanceId: w.ids.a, districtId: w.ids.d1, month: '2025-11-01', dimension: 'total', value: '', count: 7 });
		const issues = await issuesOf(recordContact(h.db, w.who.staffA, input({ contactedAt: new Date('2025-11-30T22:30:00Z') }), NOW));
		expect(issues).toEqual([{ field: 'contactedAt', code: 'month_closed' }]);
		// 30 Nov 23:30 UTC is already 1 December in Köln: that month is still open.
		const { contact } = await recordContact(h.db, w.who.staffA, input({ contactedAt: new Date('2025-11-30T23:30:00Z') }), NOW);
		expect(contact.id).toBeTruthy();
	});

	it.each([
		['staff of another instance', 'staffB'],
		['staff of another municipality', 'staffC'],
		['a municipality administrator', 'admin'],
		['a partner', 'partner'],
		['a volunteer', 'volunteer']
	] as const)('refuses %s', async (_name, key) => {
		await expect(recordContact(h.db, w.who[key], input(), NOW)).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('refuses an unknown instance like a foreign one', async () => {
		await expect(recordContact(h.db, w.who.staffA, input({ instanceId: '00000000-0000-4000-8000-000000000000' }), NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(recordContact(h.db, w.who.staffA, input({ instanceId: 'nonsense' }), NOW)).rejects.toBeInstanceOf(AccessDeniedError);
	});
});

describe(`contacts: bad input and the system principal (${DB_KIND})`, () => {
	it('refuses an over-long or malformed language at its field, writing nothing', async () => {
		const before = [await countRows(h, 'counselling_contact'), await countRows(h, 'audit_log')];
		for (const language of ['x'.repeat(300), 'de_DE!', '\u{1F600}']) {
			const issues = await issuesOf(recordContact(h.db, w.who.staffA, input({ language }), NOW));
			expect(issues.map((i) => `${i.field}:${i.code}`)).toEqual(['language:invalid_language']);
		}
		expect([await countRows(h, 'counselling_contact'), await countRows(h, 'audit_log')]).toEqual(before);
	});

	it('refuses a malformed instance id in the list like a foreign one', async () => {
		await expect(listRecentContacts(h.db, w.who.staffA, 'nonsense', { now: NOW })).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('records for the system with its label in the audit log and no person as recorder', async () => {
		const { contact } = await recordContact(h.db, systemPrincipal('cli'), input(), NOW);
		expect(contact.recordedBy).toBeNull();
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'counselling_contact', entityId: contact.id });
		expect([audit.actorUserId, audit.actorLabel]).toEqual([null, 'cli']);
	});
});

describe(`today's contacts and deleting a mistake (${DB_KIND})`, () => {
	it('lists today’s contacts of the instance with their referral codes, newest first, for own staff only', async () => {
		const yesterday = await recordContact(h.db, w.who.staffA, input({ contactedAt: new Date('2026-03-16T15:00:00Z') }), NOW);
		const today = await recordContact(h.db, w.who.staffA, input({ contactedAt: new Date('2026-03-17T09:55:00Z'), referrals: [{ organizationId: w.ids.org, topic: 'housing' }] }), NOW);
		await recordContact(h.db, w.who.staffB, input({ instanceId: w.ids.b }), NOW);
		const list = await listRecentContacts(h.db, w.who.staffA, w.ids.a, { now: NOW });
		expect(list[0].id).toBe(today.contact.id);
		expect(list[0].referrals).toEqual([expect.objectContaining({ referenceCode: today.referrals[0].referral.referenceCode, targetLabel: 'Caritas Köln', status: 'issued' })]);
		expect(list.map((c) => c.id)).not.toContain(yesterday.contact.id);
		expect(list.every((c) => c.instanceId === w.ids.a)).toBe(true);
		await expect(listRecentContacts(h.db, w.who.staffB, w.ids.a, { now: NOW })).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(listRecentContacts(h.db, w.who.admin, w.ids.a, { now: NOW })).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('deletes a contact recorded today with its unanswered referrals, audited', async () => {
		const { contact, referrals } = await recordContact(h.db, w.who.staffA, input({ referrals: [{ organizationId: w.ids.org, topic: 'housing' }] }), NOW);
		await expect(deleteContact(h.db, w.who.staffB, contact.id, NOW)).rejects.toBeInstanceOf(AccessDeniedError);
		await deleteContact(h.db, w.who.staffA, contact.id, new Date('2026-03-17T22:59:00Z'));
		expect(await h.db.select().from(counsellingContact).where(eq(counsellingContact.id, contact.id))).toEqual([]);
		expect(await h.db.select().from(referral).where(eq(referral.id, referrals[0].referral.id))).toEqual([]);
		const [audit] = await listAudit(h.db, systemPrincipal('test'), { entityType: 'counselling_contact', entityId: contact.id });
		expect(audit.action).toBe('delete');
	});

	it('keeps referrals a partner has already answered when deleting', async () => {
		const { contact, referrals } = await recordContact(h.db, w.who.staffA, input({ referrals: [{ organizationId: w.ids.org, topic: 'housing' }] }), NOW);
		await h.db.update(referral).set({ status: 'received' }).where(eq(referral.id, referrals[0].referral.id));
		await deleteContact(h.db, w.who.staffA, contact.id, NOW);
		const [kept] = await h.db.select().from(referral).where(eq(referral.id, referrals[0].referral.id));
		expect(kept.contactId).toBeNull();
	});

	it('refuses to delete on a later day, and unknown contacts', async () => {
		const { contact } = await recordContact(h.db, w.who.staffA, input(), NOW);
		// 23:00 UTC on 17 March is already 18 March in Köln.
		const issues = await issuesOf(deleteContact(h.db, w.who.staffA, contact.id, new Date('2026-03-17T23:00:00Z')));
		expect(issues).toEqual([{ field: 'contact', code: 'not_same_day' }]);
		await expect(deleteContact(h.db, w.who.staffA, '00000000-0000-4000-8000-000000000000', NOW)).rejects.toBeInstanceOf(NotFoundError);
		await expect(deleteContact(h.db, w.who.staffA, 'nonsense', NOW)).rejects.toBeInstanceOf(NotFoundError);
	});
});
