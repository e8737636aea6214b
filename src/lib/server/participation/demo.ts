/**
 * The participation demo (issue 16 §5): a finished Nadelmethode campaign in Düsseldorf's
 * Stadtbezirk 6 with generated points — clustered around a few places per category, so the
 * published heat map shows cells above k and suppresses the scattered rest — all marked as demo
 * and approved, and moderated feedback on a few Köln offers (plus one waiting in the queue).
 * Points are drawn with a fixed seed, so every installation shows the same result.
 *
 * Idempotent: a municipality that already has demo campaigns or demo feedback is left alone.
 * Dates are relative to the day of loading. Needs the geography and directory demos.
 */
import { and, eq } from 'drizzle-orm';
import { systemPrincipal } from '../access';
import { berlinDate } from '../casework/time';
import type { Db } from '../db/client';
import { listEntryIds } from '../directory/service';
import { findContaining, indexAreas } from '../geography/geojson';
import { findMunicipality, listDistricts, listSocialSpaces } from '../geography/service';
import { campaignArea, createCampaign, enterPoints, type BulkPoint } from './campaigns';
import { moderateFeedback, sendOfferFeedback } from './feedback';
import { DEFAULT_CATEGORIES } from './model';
import { participationCampaign, participationFeedback } from './schema';
import { loadSurveyDemo, random } from './survey-demo';

const DEMO = systemPrincipal('demo-loader');


/** Loads the campaign in Düsseldorf's Stadtbezirk 6 and the Köln feedback, where missing. */
export async function loadParticipationDemo(db: Db, now: Date = new Date()): Promise<void> {
	await loadCampaignDemo(db, now);
	await loadFeedbackDemo(db);
	await loadSurveyDemo(db);
}

async function loadCampaignDemo(db: Db, now: Date): Promise<void> {
	const d = await findMunicipality(db, 'duesseldorf');
	if (!d) return;
	const [existing] = await db
		.select({ id: participationCampaign.id })
		.from(participationCampaign)
		.where(and(eq(participationCampaign.municipalityId, d.id), eq(participationCampaign.isDemo, true)))
		.limit(1);
	if (existing) return;
	const sb6 = (await listDistricts(db, d.id)).find((x) => x.code === '6');
	if (!sb6) return;
	const spaces = (await listSocialSpaces(db, { municipalityId: d.id, districtId: sb6.id })).filter((s) => s.hasBoundary);
	if (!spaces.length) return;
	const day = (n: number) => berlinDate(new Date(now.getTime() + n * 86_400_000));
	const campaign = await createCampaign(db, DEMO, {
		municipalityId: d.id,
		title: 'Orte im Stadtbezirk 6 (Demo)',
		intro: { de: 'Demo-Inhalt: Wo treffen Sie sich, welche Orte meiden Sie, wo fehlt ein Angebot?', en: 'Demo content: where do you meet, which places do you avoid, where is an offer missing?' },
		socialSpaceIds: spaces.map((s) => s.id),
		opensOn: day(-60),
		closesOn: day(-30),
		isDemo: true
	});
	const { areas, frame } = await campaignArea(db, campaign);
	const index = indexAreas(areas, (a) => a.boundary);
	const rnd = random('participation-demo');
	const [w, s, e, n] = frame.bbox;
	const inside = (): [number, number] => {
		for (;;) {
			const p: [number, number] = [w + rnd() * (e - w), s + rnd() * (n - s)];
			if (findContaining(index, p)) return p;
		}
	};
	const points: BulkPoint[] = [];
	// Per category three places where many agree (6–20 points within about 80 m), and 15 scattered points below k.
	for (const category of DEFAULT_CATEGORIES) {
		for (let h = 0; h < 3; h++) {
			const [lon, lat] = inside();
			const count = 6 + Math.floor(rnd() * 15);
			for (let i = 0; i < count; i++) {
				const p: [number, number] = [lon + (rnd() - 0.5) * 0.0012, lat + (rnd() - 0.5) * 0.0008];
				if (findContaining(index, p)) points.push({ longitude: p[0], latitude: p[1], category, ageGroup: rnd() < 0.4 ? '18_26' : '', newSince: rnd() < 0.5 ? 'under_1' : '' });
			}
		}
		for (let i = 0; i < 15; i++) {
			const [lon, lat] = inside();
			points.push({ longitude: lon, latitude: lat, category });
		}
	}
	await enterPoints(db, DEMO, campaign.id, points, { isDemo: true });
}

const FEEDBACK = [
	{ kind: 'feedback', found: 'yes', understood: 'yes', helped: 'yes', comment: 'Demo-Inhalt: Sehr freundlich, der Termin kam schnell.', language: 'de' },
	{ kind: 'feedback', found: 'partly', understood: 'yes', helped: 'partly', comment: 'Demo content: the entrance is at the back of the building.', language: 'en' },
	{ kind: 'feedback', found: 'yes', understood: 'no', helped: '', comment: 'محتوى تجريبي: كنت بحاجة إلى مترجم.', language: 'ar' },
	{ kind: 'moved', found: 'no', understood: '', helped: '', comment: 'Demo-Inhalt: Das Büro ist in die Nachbarstraße umgezogen.', language: 'de' }
];

async function loadFeedbackDemo(db: Db): Promise<void> {
	const k = await findMunicipality(db, 'koeln');
	if (!k) return;
	const [existing] = await db
		.select({ id: participationFeedback.id })
		.from(participationFeedback)
		.where(and(eq(participationFeedback.municipalityId, k.id), eq(participationFeedback.isDemo, true)))
		.limit(1);
	if (existing) return;
	const { serviceIds } = await listEntryIds(db, k.id, ['public']);
	if (!serviceIds.length) return;
	for (const [i, f] of FEEDBACK.entries()) {
		const sent = await sendOfferFeedback(db, serviceIds[i % serviceIds.length], { ...f, isDemo: true });
		await moderateFeedback(db, DEMO, sent.id, 'approved');
	}
	// One waits in the queue, so the moderation page has something to show.
	await sendOfferFeedback(db, serviceIds[0], { kind: 'feedback', found: 'yes', understood: 'partly', helped: '', comment: 'Demo-Inhalt: Bitte mehr Termine am Nachmittag.', language: 'de', isDemo: true });
}
