/**
 * Demo counselling contacts (issue 4): a few hundred invented, anonymous contacts over the last
 * 12 months for the demo instances Anlaufstelle Kalk (Köln) and Welcome Points 5 and 6
 * (Düsseldorf), some with referrals to demo actors and partner feedback, so the contact list and
 * the statistics have something to show. Generated from a fixed seed (the same choices on every
 * install; dates relative to the day of loading). Idempotent: an instance that already has
 * contacts (raw or folded into monthly aggregates) is left alone. Contacts hold no personal data by design; referral tokens of demo
 * referrals are random and never shown.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { organizationNames } from '../directory/casework-reads';
import { SUBTOPIC_FIELD } from '../directory/model';
import { findMunicipality } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';
import { CONTACT_ATTRIBUTES, CONTACT_CHANNELS, REFERRAL_FAILURE_REASONS, REFERRAL_STATUSES } from './model';
import { hashReferralToken } from './referrals';
import { contactAggregate, counsellingContact, referral } from './schema';

const DEMO_INSTANCES = [
	{ municipality: 'koeln', slug: 'anlaufstelle-kalk', contacts: 240, languages: ['de', 'tr', 'ar', 'ar', 'bg', 'ro', 'fa'] },
	{ municipality: 'duesseldorf', slug: 'welcome-point-5', contacts: 300, languages: ['de', 'ar', 'ar', 'fa', 'tr', 'en', 'ti'] },
	{ municipality: 'duesseldorf', slug: 'welcome-point-6', contacts: 260, languages: ['de', 'uk', 'uk', 'ru', 'ar', 'en'] }
];

/** mulberry32: a small seeded generator, so the demo is the same on every install. */
function seeded(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Loads the demo contacts where missing. `now` anchors the 12 months. */
export async function loadCaseworkDemo(db: Db, now: Date = new Date()): Promise<void> {
	const subtopics = Object.keys(SUBTOPIC_FIELD);
	const channels = CONTACT_CHANNELS.map((c) => c.key);
	for (const [n, demo] of DEMO_INSTANCES.entries()) {
		const m = await findMunicipality(db, demo.municipality);
		const inst = m && (await findInstanceBySlug(db, m.id, demo.slug));
		if (!m || !inst) continue;
		// Folded months count too: after the retention job ran, past contacts live only as aggregates.
		const [existing] = await db.select({ id: counsellingContact.id }).from(counsellingContact).where(eq(counsellingContact.instanceId, inst.id)).limit(1);
		const [folded] = await db.select({ id: contactAggregate.id }).from(contactAggregate).where(eq(contactAggregate.instanceId, inst.id)).limit(1);
		if (existing || folded) continue;
		// The instance's Sozialräume by name, as the contact form counts districts.
		const spaces = inst.socialSpaces.map((s) => ({ id: s.id, districtId: s.districtId }));
		const orgs = await organizationNames(db, m.id, { limit: 12 });
		const random = seeded(4000 + n);
		const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
		await db.transaction(async (tx) => {
			for (let i = 0; i < demo.contacts; i++) {
				// Opening hours on weekdays, 9–16 h Berlin (about 7–14 h UTC).
				const day = new Date(now.getTime() - Math.floor(random() * 364 + 1) * 86_400_000);
				day.setUTCHours(7 + Math.floor(random() * 7), Math.floor(random() * 60), 0, 0);
				const topics = [pick(subtopics), ...(random() < 0.3 ? [pick(subtopics)] : [])];
				const unmet = random() < 0.12 ? [topics[0]] : [];
				const space = spaces.length && random() < 0.6 ? pick(spaces) : null;
				const [contact] = await tx
					.insert(counsellingContact)
					.values({
						municipalityId: m.id,
						instanceId: inst.id,
						districtId: space?.districtId ?? spaces[0]?.districtId ?? null,
						socialSpaceId: space?.id ?? null,
						contactedAt: day,
						channel: random() < 0.5 ? 'walk_in' : pick(channels),
						language: pick(demo.languages),
						interpreterNeeded: random() < 0.25,
						themeFields: [...new Set(topics.map((t) => SUBTOPIC_FIELD[t]))],
						subTopics: [...new Set(topics)],
						attributes: {
							age_band: pick(CONTACT_ATTRIBUTES.age_band).key,
							household_type: pick(CONTACT_ATTRIBUTES.household_type).key,
							new_arrival: random() < 0.4 ? 'yes' : 'no'
						},
						unmetTopics: unmet,
						createdAt: day
					})
					.returning({ id: counsellingContact.id, districtId: counsellingContact.districtId });
				if (orgs.length && !unmet.length && random() < 0.3) {
					const status = pick(REFERRAL_STATUSES);
					const target = pick(orgs);
					await tx.insert(referral).values({
						municipalityId: m.id,
						instanceId: inst.id,
						districtId: contact.districtId,
						contactId: contact.id,
						organizationId: target.id,
						targetLabel: target.name,
						topic: topics[0],
						tokenHash: hashReferralToken(randomBytes(32).toString('base64url')),
						status,
						failureReason: status === 'not_possible' ? pick(REFERRAL_FAILURE_REASONS).key : null,
						statusChangedAt: day,
						expiresAt: new Date(day.getTime() + 90 * 86_400_000),
						createdAt: day
					});
				}
			}
		});
	}
}
