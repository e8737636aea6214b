/**
 * Partizipation (issue 16) on the database the tests run on: anonymous feedback from an offer's
 * page and from a referral slip's token, its moderation and what the provider then sees; a
 * mapping campaign whose points are set by clicking the map, moderated, published only per cell
 * with at least k points (also as GeoJSON, checked by @placemarkio/check-geojson) and deleted
 * after the retention period; every bad input of the issue, and nothing stored when refused.
 */
import { check } from '@placemarkio/check-geojson';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, systemPrincipal, type Principal, type Role, type UserPrincipal } from '../../src/lib/server/access';
import { issueReferral } from '../../src/lib/server/casework/referrals';
import { AccessDeniedError, ValidationError } from '../../src/lib/server/core/errors';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { aggregateCampaign, createCampaign, enterPoints, findCampaign, moderatePoints, pendingPoints, purgeExpiredPoints, setPoint, type CampaignRow } from '../../src/lib/server/participation/campaigns';
import { approvedFeedback, feedbackCounts, feedbackQueue, moderateFeedback, sendOfferFeedback, sendSlipFeedback } from '../../src/lib/server/participation/feedback';
import { aggregateGeoJson } from '../../src/lib/server/participation/geojson';
import { campaignArea } from '../../src/lib/server/participation/campaigns';
import { toPixel } from '../../src/lib/server/participation/map';
import { participationRules } from '../../src/lib/server/participation/permissions';
import { campaignLinks, sendOfferFeedbackFromForm, setPointFromForm } from '../../src/lib/server/participation/pages/public';
import { countSubmission, resetThrottle } from '../../src/lib/server/participation/throttle';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

const NOW = new Date('2026-06-10T10:00:00Z');
const square = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

/** The ValidationError codes a call throws, as `field:code`. */
async function refused(work: () => Promise<unknown>): Promise<string[]> {
	try {
		await work();
	} catch (e) {
		if (e instanceof ValidationError) return e.issues.map((i) => `${i.field}:${i.code}`);
		throw e;
	}
	throw new Error('not refused');
}

const feedback = { kind: 'feedback', found: 'yes', understood: 'partly', helped: 'yes', comment: 'Freundlich.', language: 'ar' };

describe(`participation (${DB_KIND})`, () => {
	let h: DatabaseHandle;
	let w: World;
	let campaign: CampaignRow;

	beforeAll(async () => {
		h = await freshDatabase();
		w = await buildWorld(h.db);
		// Two neighbouring social spaces of 0.02° × 0.01° (about 1.4 km × 1.1 km) in Kalk.
		await h.db.execute(sql`update social_space set boundary = ${JSON.stringify(square(6.98, 50.93, 7.0, 50.94))}::jsonb where id = ${w.ids.s1a}`);
		await h.db.execute(sql`update social_space set boundary = ${JSON.stringify(square(7.0, 50.93, 7.02, 50.94))}::jsonb where id = ${w.ids.s1b}`);
		campaign = await createCampaign(h.db, w.who.staffA, { municipalityId: w.ids.k, title: 'Kalk kartiert', socialSpaceIds: [w.ids.s1a, w.ids.s1b], opensOn: '2026-06-01', closesOn: '2026-06-30' });
	});
	afterAll(async () => h?.close());

	describe('mapping', () => {
		async function click(lon: number, lat: number, extra: Partial<Parameters<typeof setPoint>[2]> = {}) {
			const { frame } = await campaignArea(h.db, campaign);
			const [x, y] = toPixel(frame, lon, lat);
			return setPoint(h.db, campaign.id, { x: String(Math.round(x)), y: String(Math.round(y)), category: 'unsafe', comment: '', ageGroup: '18_26', newSince: 'under_1', ...extra }, NOW);
		}

		it('stores a clicked point in the space it lies in, pending moderation', async () => {
			const p = await click(6.99, 50.935);
			expect(p.status).toBe('pending');
			expect(p.socialSpaceId).toBe(w.ids.s1a);
			expect(p.longitude).toBeCloseTo(6.99, 3);
			expect(p.latitude).toBeCloseTo(50.935, 3);
			expect((await pendingPoints(h.db, w.who.staffA, campaign)).map((r) => r.id)).toContain(p.id);
		});

		it('refuses a point outside the area, a closed campaign, an over-long comment and unknown options, storing nothing', async () => {
			const before = await countRows(h, 'participation_point');
			const { frame } = await campaignArea(h.db, campaign);
			// The map's padding corner lies outside both spaces.
			expect(await refused(() => setPoint(h.db, campaign.id, { x: '1', y: '1', category: 'liked', comment: '', ageGroup: '', newSince: '' }, NOW))).toEqual(['point:pa_outside_area']);
			expect(await refused(() => setPoint(h.db, campaign.id, { x: '', y: '', category: 'liked', comment: '', ageGroup: '', newSince: '' }, NOW))).toEqual(['point:required']);
			expect(await refused(() => click(6.99, 50.935, {}).then(() => setPoint(h.db, campaign.id, { x: '50', y: '50', category: 'liked', comment: '', ageGroup: '', newSince: '' }, new Date('2026-07-01T10:00:00Z'))))).toEqual(['campaign:pa_campaign_closed']);
			expect(await refused(() => click(6.99, 50.935, { comment: 'x'.repeat(501) }))).toEqual(['comment:too_long']);
			expect(await refused(() => click(6.99, 50.935, { category: 'beach', ageGroup: 'old', newSince: 'never' }))).toEqual(['category:unknown_option', 'ageGroup:unknown_option', 'newSince:unknown_option']);
			expect(frame.width).toBe(320);
			// The one stored point is the valid click inside the closed-campaign chain.
			expect(await countRows(h, 'participation_point')).toBe(before + 1);
		});

		it('flags a comment that looks like an email or a phone number', async () => {
			expect((await click(6.99, 50.935, { comment: 'Schreib mir: a.b@example.org' })).flagged).toBe(true);
			expect((await click(6.99, 50.935, { comment: 'Ruf an 0221 123 45 67' })).flagged).toBe(true);
			expect((await click(6.99, 50.935, { comment: 'Zu dunkel nach 20 Uhr' })).flagged).toBe(false);
		});

		it('publishes only cells with at least k approved points, as valid GeoJSON without any exact point', async () => {
			const pending = await pendingPoints(h.db, w.who.staffA, campaign);
			expect(await moderatePoints(h.db, w.who.staffA, campaign, pending.map((p) => p.id), 'rejected')).toBe(pending.length);
			// A paper workshop: 6 points in one cell (published), 3 in a far cell (suppressed).
			const dense = Array.from({ length: 6 }, (_, i) => ({ latitude: 50.9351 + i * 1e-5, longitude: 6.9901, category: 'meeting' }));
			const sparse = Array.from({ length: 3 }, () => ({ latitude: 50.9385, longitude: 7.0185, category: 'meeting' }));
			expect(await enterPoints(h.db, w.who.staffA, campaign.id, [...dense, ...sparse])).toBe(9);
			const agg = await aggregateCampaign(h.db, campaign);
			expect(agg.cells).toHaveLength(1);
			expect(agg.cells[0]).toMatchObject({ category: 'meeting', n: 6 });
			expect(agg.suppressed).toBe(3);
			expect(agg.spaces).toEqual(expect.arrayContaining([{ socialSpaceId: w.ids.s1a, category: 'meeting', n: 6 }, { socialSpaceId: w.ids.s1b, category: 'meeting', n: null }]));
			const text = JSON.stringify(aggregateGeoJson(agg, campaign.title));
			const parsed = check(text);
			expect(parsed.type).toBe('FeatureCollection');
			expect(text).not.toContain('6.9901');
			expect(text).not.toContain('50.9351');
			expect(text).not.toContain('7.0185');
		});

		it('refuses bad paper lines by line number, storing nothing', async () => {
			const before = await countRows(h, 'participation_point');
			expect(
				await refused(() =>
					enterPoints(h.db, w.who.staffA, campaign.id, [
						{ latitude: 50.935, longitude: 6.99, category: 'liked' },
						{ latitude: 'north', longitude: 6.99, category: 'liked' },
						{ latitude: 51.5, longitude: 6.99, category: 'liked' },
						{ latitude: 50.935, longitude: 6.99, category: 'liked', comment: 'y'.repeat(501) }
					])
				)
			).toEqual(['line 2: point:invalid', 'line 3: point:pa_outside_area', 'line 4: comment:too_long']);
			expect(await countRows(h, 'participation_point')).toBe(before);
		});

		it('refuses campaigns without a title, spaces, categories or valid dates', async () => {
			expect(
				await refused(() => createCampaign(h.db, w.who.staffA, { municipalityId: w.ids.k, title: ' ', socialSpaceIds: [w.ids.so], categories: ['Liked!'], opensOn: '2026-06-10', closesOn: '2026-06-01', k: 1 }))
			).toEqual(['title:required', 'socialSpaceIds:unknown_social_space', 'categories:pa_invalid_category', 'closesOn:pa_closes_before_opens', 'k:out_of_range']);
			expect(await refused(() => createCampaign(h.db, w.who.staffA, { municipalityId: w.ids.k, title: 'Porz', socialSpaceIds: [w.ids.s2a], opensOn: '2026-06-01', closesOn: '2026-06-30' }))).toEqual(['socialSpaceIds:pa_no_boundary']);
			await expect(createCampaign(h.db, w.who.staffC, { municipalityId: w.ids.k, title: 'X', socialSpaceIds: [w.ids.s1a], opensOn: '2026-06-01', closesOn: '2026-06-30' })).rejects.toThrow(AccessDeniedError);
		});

		it('deletes the exact points after the end plus retention and keeps the published aggregate', async () => {
			const before = await aggregateCampaign(h.db, campaign);
			expect(await purgeExpiredPoints(h.db, systemPrincipal('retention'), new Date('2026-09-27T10:00:00Z'))).toEqual({ campaigns: 0, points: 0 });
			const done = await purgeExpiredPoints(h.db, systemPrincipal('retention'), new Date('2026-09-28T10:00:00Z'));
			expect(done.campaigns).toBe(1);
			expect(await countRows(h, 'participation_point')).toBe(0);
			const after = await findCampaign(h.db, campaign.id);
			expect(await aggregateCampaign(h.db, after!)).toEqual(before);
			await expect(purgeExpiredPoints(h.db, w.who.admin)).rejects.toThrow(AccessDeniedError);
		});
	});

	describe('feedback', () => {
		it('takes feedback on a public offer into moderation; the provider sees it only when approved', async () => {
			const f = await sendOfferFeedback(h.db, w.ids.offer, feedback);
			expect(f.status).toBe('pending');
			expect(await approvedFeedback(h.db, w.who.partner, w.ids.k, w.ids.offer)).toEqual([]);
			expect((await feedbackQueue(h.db, w.who.staffA, w.ids.k)).map((r) => r.id)).toContain(f.id);
			await moderateFeedback(h.db, w.who.staffA, f.id, 'approved');
			expect((await approvedFeedback(h.db, w.who.partner, w.ids.k, w.ids.offer)).map((r) => r.comment)).toEqual(['Freundlich.']);
			expect(await refused(() => moderateFeedback(h.db, w.who.staffA, f.id, 'rejected'))).toEqual(['id:pa_already_moderated']);
			await expect(feedbackQueue(h.db, w.who.staffC, w.ids.k)).rejects.toThrow(AccessDeniedError);
		});

		it('takes one feedback per referral slip token, and refuses a used or expired token', async () => {
			const { token } = await issueReferral(h.db, w.who.staffA, { districtId: null, instanceId: w.ids.a, serviceId: w.ids.offer, topic: 'language_course' }, NOW);
			const f = await sendSlipFeedback(h.db, token, { ...feedback, kind: 'closed', comment: '' }, NOW);
			expect(f.via).toBe('slip');
			const before = await countRows(h, 'participation_feedback');
			expect(await refused(() => sendSlipFeedback(h.db, token, feedback, NOW))).toEqual(['token:pa_token_used']);
			const late = await issueReferral(h.db, w.who.staffA, { districtId: null, instanceId: w.ids.a, serviceId: w.ids.offer, topic: 'language_course' }, NOW);
			expect(await refused(() => sendSlipFeedback(h.db, late.token, feedback, new Date('2027-06-10T10:00:00Z')))).toEqual(['token:pa_token_expired']);
			await expect(sendSlipFeedback(h.db, 'x'.repeat(43), feedback, NOW)).rejects.toThrow();
			expect(await countRows(h, 'participation_feedback')).toBe(before);
			await moderateFeedback(h.db, w.who.admin, f.id, 'approved');
			expect(await feedbackCounts(h.db, w.who.admin, w.ids.k, [w.ids.offer])).toEqual([{ serviceId: w.ids.offer, feedback: 1, helped: 2, closed: 1, moved: 0 }]);
		});

		it('refuses empty feedback, unknown answers and an over-long comment, storing nothing', async () => {
			const before = await countRows(h, 'participation_feedback');
			expect(await refused(() => sendOfferFeedback(h.db, w.ids.offer, { ...feedback, found: '', understood: '', helped: '', comment: '' }))).toEqual(['found:pa_feedback_empty']);
			expect(await refused(() => sendOfferFeedback(h.db, w.ids.offer, { ...feedback, kind: 'rant', helped: 'maybe', comment: 'z'.repeat(1001) }))).toEqual(['kind:unknown_option', 'helped:unknown_option', 'comment:too_long']);
			await expect(sendOfferFeedback(h.db, '00000000-0000-4000-8000-000000000000', feedback)).rejects.toThrow();
			expect(await countRows(h, 'participation_feedback')).toBe(before);
		});

		it('has no column that could hold an IP address', async () => {
			const result = await h.db.execute(sql`select column_name from information_schema.columns where table_name like 'participation_%'`);
			const names = (result as unknown as { rows: { column_name: string }[] }).rows.map((r) => r.column_name);
			expect(names.filter((n) => /(^|_)ip($|_)|address|agent|hash/i.test(n))).toEqual([]);
		});
	});

	it('stores no address or browser of a request: the public forms hand them only to the in-memory throttle', async () => {
		resetThrottle();
		const today = new Date().toISOString().slice(0, 10);
		const open = await createCampaign(h.db, w.who.admin, { municipalityId: w.ids.k, title: 'Offen', socialSpaceIds: [w.ids.s1a], opensOn: today, closesOn: '2099-12-31' });
		const { frame } = await campaignArea(h.db, open);
		const [x, y] = toPixel(frame, 6.99, 50.935);
		const sender = { address: '198.51.100.77', userAgent: 'PlantedAgent/77' };
		const point = new FormData();
		for (const [k, v] of Object.entries({ 'pt.x': String(Math.round(x)), 'pt.y': String(Math.round(y)), category: 'liked', comment: '', ageGroup: '', newSince: '' })) point.set(k, v);
		await setPointFromForm(h.db, 'koeln', open.id, point, sender);
		const fb = new FormData();
		fb.set('found', 'yes');
		await sendOfferFeedbackFromForm(h.db, 'koeln', w.ids.offer, fb, 'tr', sender);
		const stored = await h.db.execute(sql`select (select json_agg(p) from participation_point p)::text as a, (select json_agg(f) from participation_feedback f)::text as b, (select json_agg(l) from audit_log l)::text as c`);
		const text = JSON.stringify((stored as unknown as { rows: unknown[] }).rows);
		expect(text).toContain(open.id);
		expect(text).not.toContain('198.51.100.77');
		expect(text).not.toContain('PlantedAgent');
	});

	it('takes a point for a whole social space without a pointer: counted per space, never in a cell', async () => {
		const today = new Date().toISOString().slice(0, 10);
		const c = await createCampaign(h.db, w.who.admin, { municipalityId: w.ids.k, title: 'Tastatur', socialSpaceIds: [w.ids.s1a, w.ids.s1b], opensOn: today, closesOn: '2099-12-31', k: 2 });
		const facts = { x: '', y: '', category: 'avoided', comment: '', ageGroup: '', newSince: '' };
		const before = await countRows(h, 'participation_point');
		expect(await refused(() => setPoint(h.db, c.id, { ...facts, space: '' }))).toEqual(['space:required']);
		expect(await refused(() => setPoint(h.db, c.id, { ...facts, space: w.ids.s2a }))).toEqual(['space:unknown_option']);
		expect(await countRows(h, 'participation_point')).toBe(before);
		const points = [await setPoint(h.db, c.id, { ...facts, space: w.ids.s1b }), await setPoint(h.db, c.id, { ...facts, space: w.ids.s1b })];
		expect(points.map((p) => [p.socialSpaceId, p.longitude, p.latitude])).toEqual([[w.ids.s1b, null, null], [w.ids.s1b, null, null]]);
		await moderatePoints(h.db, w.who.admin, c, points.map((p) => p.id), 'approved');
		const agg = await aggregateCampaign(h.db, c);
		expect(agg.cells).toEqual([]);
		expect(agg.spaces).toEqual([{ socialSpaceId: w.ids.s1b, category: 'avoided', n: 2 }]);
	});

	it('links the open campaigns from the municipality page, closing first first, then those closed in the last 90 days to their results', async () => {
		const make = (title: string, opensOn: string, closesOn: string) =>
			createCampaign(h.db, w.who.admin, { municipalityId: w.ids.k, title, socialSpaceIds: [w.ids.s1a], opensOn, closesOn });
		const soon = await make('Bald zu', '2026-06-05', '2026-06-15');
		const yesterday = await make('Gestern zu', '2026-05-01', '2026-06-09');
		const march = await make('Im März zu', '2026-02-01', '2026-03-31');
		await make('Lange her', '2026-01-01', '2026-03-11');
		await make('Später', '2026-07-01', '2026-07-31');
		const late = await make('Bis Monatsende', '2026-06-01', '2026-06-30');
		// At NOW (10 June 2026, Berlin): 90 days back is 12 March. Only this test's campaigns are compared.
		const mine = new Set([soon.id, yesterday.id, march.id, late.id]);
		const links = (await campaignLinks(h.db, w.ids.k, NOW)).filter((l) => mine.has(l.id) || ['Lange her', 'Später'].includes(l.title));
		expect(links).toEqual([
			{ id: soon.id, title: 'Bald zu', open: true },
			{ id: late.id, title: 'Bis Monatsende', open: true },
			{ id: yesterday.id, title: 'Gestern zu', open: false },
			{ id: march.id, title: 'Im März zu', open: false }
		]);
		expect(await campaignLinks(h.db, w.ids.o, NOW)).toEqual([]);
	});

	it('limits repeated submissions of one browser in memory', () => {
		resetThrottle();
		const t = Date.parse('2026-06-10T10:00:00Z');
		for (let i = 0; i < 10; i++) countSubmission('192.0.2.1', 'UA', t + i);
		expect(() => countSubmission('192.0.2.1', 'UA', t + 11)).toThrow(ValidationError);
		expect(() => countSubmission('192.0.2.2', 'UA', t + 12)).not.toThrow();
		expect(() => countSubmission('192.0.2.1', 'UA', t + 10 * 60_000)).not.toThrow();
	});
});

describe('participation permissions', () => {
	const M = '00000000-0000-4000-8000-00000000000a';
	const user = (role: Role): UserPrincipal => ({ kind: 'user', userId: '00000000-0000-4000-8000-000000000001', email: 'x@example.org', displayName: role, role, municipalityId: M, municipalitySlug: 'm', instanceIds: role === 'instance_staff' ? ['00000000-0000-4000-8000-0000000000a1'] : [], totpEnabled: false });
	const WHO: Record<string, Principal | null> = { municipality_admin: user('municipality_admin'), instance_staff: user('instance_staff'), partner_editor: user('partner_editor'), volunteer: user('volunteer'), nobody: null };
	const EXPECTED: Record<keyof typeof participationRules, string[]> = {
		'participation:moderate': ['municipality_admin', 'instance_staff'],
		'participation:campaigns': ['municipality_admin', 'instance_staff'],
		'participation:feedback_read': ['municipality_admin', 'instance_staff', 'partner_editor'],
		'participation:surveys': ['municipality_admin', 'instance_staff']
	};
	for (const [permission, allowed] of Object.entries(EXPECTED) as [keyof typeof participationRules, string[]][]) {
		it(`${permission}: ${allowed.join(', ')} in their municipality, nobody in another, the system always`, () => {
			for (const [name, p] of Object.entries(WHO)) {
				expect(can(p, permission, { municipalityId: M }), name).toBe(allowed.includes(name));
				expect(can(p, permission, { municipalityId: '00000000-0000-4000-8000-00000000000b' }), name).toBe(false);
			}
			expect(can(systemPrincipal('t'), permission, {})).toBe(true);
		});
	}
});
