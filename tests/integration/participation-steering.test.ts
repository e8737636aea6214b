/**
 * Partizipation into steering and the directory (issue 16 §1, §2, §4) on the database the tests
 * run on: editing a campaign's title and categories (own labels in several languages) and
 * closing it early, each bad input named per field with nothing changed; the steering panel,
 * the "offer missing here" layer of the coverage map and the report tables showing only
 * published counts (≥ k); "closed / moved" reports in the freshness view and feedback counts per
 * offer; participation results attached to a needs report as frozen evidence; the CLI commands.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, ValidationError } from '../../src/lib/server/core/errors';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { closeCampaign, updateCampaign } from '../../src/lib/server/participation/campaign-edit';
import { createCampaign, enterPoints, findCampaign, setPoint, type CampaignRow } from '../../src/lib/server/participation/campaigns';
import { commands } from '../../src/lib/server/participation/cli';
import { attachEvidence, detachEvidence, listEvidence } from '../../src/lib/server/participation/evidence';
import { moderateFeedback, sendOfferFeedback } from '../../src/lib/server/participation/feedback';
import { campaignEditPage, saveCampaignFromForm } from '../../src/lib/server/participation/pages/edit';
import { needsEvidenceCsv } from '../../src/lib/server/participation/pages/evidence';
import { freshnessReports, offerFeedbackCounts, offerMissingLayer, participationSteeringPanel, steeringReportTables } from '../../src/lib/server/participation/pages/steering';
import { participationCampaign } from '../../src/lib/server/participation/schema';
import { createNeedsReport } from '../../src/lib/server/steering/needs';
import { steeringReportResponse } from '../../src/lib/server/steering/pages/report';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { buildWorld, type World } from '../helpers/world';

const NOW = new Date('2026-06-10T10:00:00Z');
const square = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

/** The ValidationError issues a call throws, as `field:code`. */
async function refused(work: () => Promise<unknown>): Promise<string[]> {
	try {
		await work();
	} catch (e) {
		if (e instanceof ValidationError) return e.issues.map((i) => `${i.field}:${i.code}`);
		throw e;
	}
	throw new Error('not refused');
}

function form(entries: Record<string, string | string[]>): FormData {
	const f = new FormData();
	for (const [k, v] of Object.entries(entries)) for (const x of [v].flat()) f.append(k, x);
	return f;
}

describe(`participation in steering (${DB_KIND})`, () => {
	let h: DatabaseHandle;
	let w: World;
	let campaign: CampaignRow;
	// Points exactly as entered; none of them may appear in any output below.
	const exact = [
		// Three "offer missing" points near the boundary of the two spaces (lon 7.0): one cell across it.
		...[6.9995, 6.9996, 7.0004].map((lon) => ({ latitude: 50.9351, longitude: lon, category: 'offer_missing' })),
		// Two "liked" points deep in s1a; one "unsafe" alone (below k).
		{ latitude: 50.9352, longitude: 6.9851, category: 'liked' },
		{ latitude: 50.9353, longitude: 6.9852, category: 'liked' },
		{ latitude: 50.9354, longitude: 7.0151, category: 'unsafe' }
	];

	beforeAll(async () => {
		h = await freshDatabase();
		w = await buildWorld(h.db);
		await h.db.execute(sql`update social_space set boundary = ${JSON.stringify(square(6.98, 50.93, 7.0, 50.94))}::jsonb where id = ${w.ids.s1a}`);
		await h.db.execute(sql`update social_space set boundary = ${JSON.stringify(square(7.0, 50.93, 7.02, 50.94))}::jsonb where id = ${w.ids.s1b}`);
		campaign = await createCampaign(h.db, w.who.staffA, { municipalityId: w.ids.k, title: 'Kalk kartiert', socialSpaceIds: [w.ids.s1a, w.ids.s1b], opensOn: '2026-06-01', closesOn: '2026-06-30', k: 2, cellMeters: 500 });
		await enterPoints(h.db, w.who.staffA, campaign.id, exact);
		campaign = (await findCampaign(h.db, campaign.id))!;
	});
	afterAll(async () => h?.close());

	describe('editing a campaign', () => {
		it('changes title and categories, with own categories labelled in several languages', async () => {
			const c = await updateCampaign(h.db, w.who.staffA, campaign.id, {
				title: 'Kalk kartiert 2026',
				categories: ['liked', 'unsafe', 'offer_missing', 'spielplatz'],
				categoryLabels: { spielplatz: { de: ' Spielplatz ', ar: 'ملعب', en: '' } }
			});
			expect(c.title).toBe('Kalk kartiert 2026');
			expect(c.categories).toEqual(['liked', 'unsafe', 'offer_missing', 'spielplatz']);
			expect(c.categoryLabels).toEqual({ spielplatz: { de: 'Spielplatz', ar: 'ملعب' } });
			const page = await campaignEditPage(h.db, w.who.staffA, campaign.id, 'ar');
			expect(page.values.own[0]).toMatchObject({ key: 'spielplatz', labels: { de: 'Spielplatz', ar: 'ملعب' } });
			// Two blank rows for new own categories.
			expect(page.values.own.map((r) => r.key)).toEqual(['spielplatz', '', '']);
		});

		it('names each bad field and changes nothing', async () => {
			const before = await findCampaign(h.db, campaign.id);
			expect(await refused(() => updateCampaign(h.db, w.who.staffA, campaign.id, { title: ' ', categories: [], categoryLabels: {} }))).toEqual(['title:required', 'categories:required']);
			// An own category without a German label; a label over 200 characters.
			expect(await refused(() => updateCampaign(h.db, w.who.staffA, campaign.id, { title: 'x', categories: ['liked', 'unsafe', 'offer_missing', 'bank'], categoryLabels: { bank: { en: 'Bench' } } }))).toEqual(['categories:pa_invalid_category']);
			expect(await refused(() => updateCampaign(h.db, w.who.staffA, campaign.id, { title: 'x', categories: ['liked', 'unsafe', 'offer_missing', 'bank'], categoryLabels: { bank: { de: 'Bank', fa: 'x'.repeat(201) } } }))).toEqual(['label.bank.fa:too_long']);
			// "liked" holds points: it cannot be dropped.
			expect(await refused(() => updateCampaign(h.db, w.who.staffA, campaign.id, { title: 'x', categories: ['unsafe', 'offer_missing'], categoryLabels: {} }))).toEqual(['categories:pa_category_in_use']);
			// The form: a row with labels but no key is an invalid category, not silently dropped.
			expect(await refused(() => saveCampaignFromForm(h.db, w.who.staffA, campaign.id, form({ title: 'x', categories: ['liked', 'unsafe', 'offer_missing'], 'own.0.key': '', 'own.0.de': 'Ohne Schlüssel' })))).toEqual(['categories:pa_invalid_category']);
			expect(await findCampaign(h.db, campaign.id)).toEqual(before);
			await expect(updateCampaign(h.db, w.who.partner, campaign.id, { title: 'x', categories: ['liked'], categoryLabels: {} })).rejects.toBeInstanceOf(AccessDeniedError);
			await expect(updateCampaign(h.db, w.who.adminOther, campaign.id, { title: 'x', categories: ['liked'], categoryLabels: {} })).rejects.toBeInstanceOf(AccessDeniedError);
		});

		it('closes a campaign early: no point from today on, closing twice is refused', async () => {
			const other = await createCampaign(h.db, w.who.staffA, { municipalityId: w.ids.k, title: 'Kurz', socialSpaceIds: [w.ids.s1a], opensOn: '2026-06-10', closesOn: '2026-07-30' });
			const closed = await closeCampaign(h.db, w.who.staffA, other.id, NOW);
			expect(closed.closesOn).toBe('2026-06-09');
			expect(closed.opensOn).toBe('2026-06-09');
			expect(await refused(() => setPoint(h.db, other.id, { x: '100', y: '100', space: w.ids.s1a, category: 'liked', comment: '', ageGroup: '', newSince: '' }, NOW))).toEqual(['campaign:pa_campaign_closed']);
			expect(await refused(() => closeCampaign(h.db, w.who.staffA, other.id, NOW))).toEqual(['campaign:pa_campaign_closed']);
			await h.db.delete(participationCampaign).where(eq(participationCampaign.id, other.id));
		});
	});

	describe('steering and the directory', () => {
		it('shows published counts per social space on the steering panel, below k as suppressed, and no point', async () => {
			const panel = (await participationSteeringPanel(h.db, w.who.admin, 'de'))!;
			const row = (space: string, category: string) => panel.rows.find((r) => r.space === space && r.category === category);
			const [s1a, s1b] = [(await h.db.execute<{ name: string }>(sql`select name from social_space where id = ${w.ids.s1a}`)).rows[0].name, (await h.db.execute<{ name: string }>(sql`select name from social_space where id = ${w.ids.s1b}`)).rows[0].name];
			expect(row(s1a, 'Ein Ort, den ich mag')?.n).toBe(2);
			expect(row(s1a, 'Hier fehlt ein Angebot')?.n).toBe(2);
			expect(row(s1b, 'Hier fehlt ein Angebot')?.n).toBeNull();
			expect(row(s1b, 'Ein Ort, an dem ich mich unsicher fühle')).toMatchObject({ n: null });
			expect(await participationSteeringPanel(h.db, w.who.partner, 'de')).toBeNull();
			const text = JSON.stringify(panel) + JSON.stringify(await steeringReportTables(h.db, w.who.admin, 'de'));
			for (const p of exact) expect(text).not.toContain(p.longitude.toFixed(4));
		});

		it('draws the published "offer missing here" cells on the coverage map, naming both spaces of a cell across the boundary', async () => {
			const layer = (await offerMissingLayer(h.db, w.who.admin, [w.ids.s1a, w.ids.s1b], 640))!;
			expect(layer.cells).toHaveLength(1);
			expect(layer.cells[0].n).toBe(3);
			expect(layer.cells[0].places).toHaveLength(2);
			expect(layer.cells[0].d).toMatch(/^M[\d.,L]+Z$/);
			expect(await offerMissingLayer(h.db, w.who.partner, [w.ids.s1a], 640)).toBeNull();
		});

		it('puts the report tables into the steering CSV download', async () => {
			const tables = await steeringReportTables(h.db, w.who.admin, 'en');
			expect(tables.map((t) => t.key)).toEqual(['participation_spaces', 'participation_feedback']);
			const res = await steeringReportResponse(h.db, w.who.admin, new URLSearchParams('kind=annual&year=2026&format=csv'), 'en', tables);
			const csv = await res.text();
			expect(csv).toContain('participation,participation_spaces,row_1,');
			expect(csv).toContain('participation,participation_feedback,feedback,');
		});

		it('lists approved "closed / moved" reports in the freshness view and counts feedback per offer', async () => {
			const closed = await sendOfferFeedback(h.db, w.ids.offer, { kind: 'closed', found: '', understood: '', helped: '', comment: '', language: 'de' });
			const moved = await sendOfferFeedback(h.db, w.ids.offer, { kind: 'moved', found: '', understood: '', helped: '', comment: '', language: 'de' });
			const rated = await sendOfferFeedback(h.db, w.ids.offer, { kind: 'feedback', found: 'yes', understood: 'yes', helped: 'yes', comment: '', language: 'de' });
			// Pending reports are not shown.
			expect(await freshnessReports(h.db, w.who.staffA, 'de')).toEqual([]);
			for (const f of [closed, rated]) await moderateFeedback(h.db, w.who.staffA, f.id, 'approved');
			await moderateFeedback(h.db, w.who.staffA, moved.id, 'rejected');
			const reports = (await freshnessReports(h.db, w.who.staffA, 'de'))!;
			expect(reports).toHaveLength(1);
			expect(reports[0]).toMatchObject({ serviceId: w.ids.offer, closed: 1, moved: 0 });
			expect(reports[0].name).not.toBe('');
			expect(await offerFeedbackCounts(h.db, w.who.partner, [w.ids.offer])).toEqual({ [w.ids.offer]: { serviceId: w.ids.offer, feedback: 1, helped: 1, closed: 1, moved: 0 } });
			expect(await freshnessReports(h.db, w.who.volunteer, 'de')).toBeNull();
			expect(await offerFeedbackCounts(h.db, w.who.volunteer, [w.ids.offer])).toEqual({});
		});
	});

	describe('evidence on a needs report', () => {
		let reportId: string;
		beforeAll(async () => {
			const r = await createNeedsReport(h.db, w.who.staffA, {
				municipalityId: w.ids.k,
				instanceId: w.ids.a,
				title: 'Fehlendes Angebot an der Grenze',
				description: 'Beteiligte nennen ein fehlendes Angebot.',
				themeField: 'housing',
				subtopics: ['housing_search'],
				targetGroups: ['people_in_space'],
				socialSpaceIds: [w.ids.s1b],
				urgency: 'high',
				evidenceNote: ''
			}, { now: NOW });
			reportId = r.id;
		});

		it('attaches a campaign result and the feedback counts, frozen, and lists them as CSV', async () => {
			await attachEvidence(h.db, w.who.admin, reportId, campaign.id);
			await attachEvidence(h.db, w.who.admin, reportId, 'feedback');
			// Later points do not change the attached figures.
			await enterPoints(h.db, w.who.staffA, campaign.id, [{ latitude: 50.9355, longitude: 6.9853, category: 'liked' }]);
			const list = await listEvidence(h.db, w.who.staffA, reportId);
			expect(list.map((e) => e.snapshot.kind)).toEqual(['campaign', 'feedback']);
			const snap = list[0].snapshot;
			expect(snap.kind === 'campaign' && snap.rows.find((r) => r.category === 'liked')?.n).toBe(2);
			expect(list[1].snapshot).toMatchObject({ feedback: 1, helped: 1, closed: 1, moved: 0, offers: 1 });
			const csv = await (await needsEvidenceCsv(h.db, w.who.staffA, reportId, 'de')).text();
			expect(csv).toContain('Kampagne: Kalk kartiert 2026');
			for (const p of exact) expect(csv).not.toContain(p.longitude.toFixed(4));
		});

		it('refuses twice the same, an unknown source and people who do not steer, storing nothing', async () => {
			const before = await countRows(h, 'participation_evidence');
			expect(await refused(() => attachEvidence(h.db, w.who.admin, reportId, campaign.id))).toEqual(['source:pa_evidence_twice']);
			expect(await refused(() => attachEvidence(h.db, w.who.admin, reportId, ''))).toEqual(['source:required']);
			expect(await refused(() => attachEvidence(h.db, w.who.admin, reportId, '00000000-0000-4000-8000-000000000000'))).toEqual(['source:unknown_option']);
			await expect(attachEvidence(h.db, w.who.staffA, reportId, 'feedback')).rejects.toBeInstanceOf(AccessDeniedError);
			await expect(attachEvidence(h.db, w.who.adminOther, reportId, 'feedback')).rejects.toBeInstanceOf(AccessDeniedError);
			expect(await countRows(h, 'participation_evidence')).toBe(before);
		});

		it('removes an evidence', async () => {
			const [first] = await listEvidence(h.db, w.who.admin, reportId);
			await expect(detachEvidence(h.db, w.who.staffA, reportId, first.id)).rejects.toBeInstanceOf(AccessDeniedError);
			await detachEvidence(h.db, w.who.admin, reportId, first.id);
			expect((await listEvidence(h.db, w.who.admin, reportId)).map((e) => e.snapshot.kind)).toEqual(['feedback']);
		});
	});

	describe('command line', () => {
		async function run(name: string, positionals: string[], values: Record<string, string> = {}): Promise<string> {
			const lines: string[] = [];
			const log = console.log;
			console.log = (...a: unknown[]) => lines.push(a.join(' '));
			try {
				await commands.find((c) => c.name === name)!.run({ values, positionals, withDatabase: (fn) => fn(h) });
			} finally {
				console.log = log;
			}
			return lines.join('\n');
		}

		it('lists campaigns, exports the published GeoJSON without points, closes early and purges after retention', async () => {
			expect(await run('participation campaigns', [], { municipality: 'koeln' })).toContain(`${campaign.id}\t2026-06-01..2026-06-30`);
			const geojson = JSON.parse(await run('participation export', [campaign.id]));
			expect(geojson.type).toBe('FeatureCollection');
			expect(geojson.features.length).toBeGreaterThan(0);
			for (const p of exact) expect(JSON.stringify(geojson)).not.toContain(p.longitude.toFixed(4));
			expect(await run('participation close', [campaign.id], { now: NOW.toISOString() })).toBe(`closed: ${campaign.id} (last day 2026-06-09)`);
			expect(await run('participation retention', [], { now: '2026-09-06T10:00:00Z' })).toBe('campaigns: 0\npoints deleted: 0');
			expect(await run('participation retention', [], { now: '2026-09-07T10:00:00Z' })).toMatch(/^campaigns: 1\npoints deleted: 7$/);
			expect(await countRows(h, 'participation_point')).toBe(0);
			await expect(run('participation close', [], {})).rejects.toThrow(/usage/);
		});
	});
});
