/**
 * Partizipation in steering and the directory's staff pages (issue 16 §1, §4): the panel of
 * published campaign results per social space and the feedback counts on the steering
 * dashboard, the "offer missing here" cells as a layer on the coverage map, the approved
 * "closed / moved" reports in the directory's freshness view, and the feedback counts per offer
 * in the staff lists and the coverage drill-down. Steering and the directory import nothing of
 * Partizipation: their routes join these parts to their pages. Only published aggregates (≥ k)
 * and approved feedback are shown; no exact point is read.
 */
import { can, type UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import { entryNames } from '../../directory/entries';
import { indexAreas } from '../../geography/geojson';
import { getSocialSpaces } from '../../geography/service';
import { m } from '../../../paraglide/messages.js';
import type { locales } from '../../../paraglide/runtime.js';
import { aggregateCampaign, listCampaigns, type CampaignRow } from '../campaigns';
import { feedbackCounts, feedbackReports } from '../feedback';
import { areasBbox, cellPlaces, frameFor, toPixel, type CampaignArea } from '../map';
import { cellRing, OFFER_MISSING, type Aggregate } from '../model';
import { categoryLabel } from './labels';

/** One published campaign with its aggregate. */
interface Published {
	campaign: CampaignRow;
	agg: Aggregate;
}

/** The municipality's campaigns with their aggregates; `category` keeps only campaigns that have it (no aggregate for the others). */
async function publishedCampaigns(db: DbOrTx, municipalityId: string, category?: string): Promise<Published[]> {
	const campaigns = (await listCampaigns(db, municipalityId)).filter((c) => !category || c.categories.includes(category));
	return Promise.all(campaigns.map(async (campaign) => ({ campaign, agg: await aggregateCampaign(db, campaign) })));
}

/** One row of the steering panel: a social space, a campaign's category and its published count. */
interface SpaceResultRow {
	space: string;
	campaign: string;
	category: string;
	/** Null where fewer than k points fall (suppressed). */
	n: number | null;
	k: number;
}

/**
 * The participation panel of the steering dashboard: published counts per social space,
 * campaign and category (suppressed below k), and the approved feedback of the municipality by
 * kind. Null for a person who may not read participation results.
 */
export async function participationSteeringPanel(db: DbOrTx, p: UserPrincipal, locale: string) {
	const o = { locale: locale as (typeof locales)[number] };
	if (!can(p, 'participation:campaigns', { municipalityId: p.municipalityId })) return null;
	const published = await publishedCampaigns(db, p.municipalityId);
	const spaces = await getSocialSpaces(db, [...new Set(published.flatMap((x) => x.campaign.socialSpaceIds))]);
	const names = new Map(spaces.map((s) => [s.id, s.name]));
	const rows: SpaceResultRow[] = published.flatMap(({ campaign, agg }) =>
		agg.spaces.map((s) => ({ space: names.get(s.socialSpaceId) ?? '', campaign: campaign.title, category: categoryLabel(campaign, s.category, locale), n: s.n, k: agg.k }))
	);
	rows.sort((a, b) => a.space.localeCompare(b.space, locale) || a.campaign.localeCompare(b.campaign, locale) || a.category.localeCompare(b.category, locale));
	const counts = await feedbackCounts(db, p, p.municipalityId, null);
	const totals = counts.reduce((t, c) => ({ feedback: t.feedback + c.feedback, helped: t.helped + c.helped, closed: t.closed + c.closed, moved: t.moved + c.moved }), { feedback: 0, helped: 0, closed: 0, moved: 0 });
	return {
		rows,
		feedback: [
			{ key: 'feedback', label: m.ps_feedback_total({}, o), value: totals.feedback },
			{ key: 'helped', label: m.ps_feedback_helped({}, o), value: totals.helped },
			{ key: 'closed', label: m.ps_feedback_closed({}, o), value: totals.closed },
			{ key: 'moved', label: m.ps_feedback_moved({}, o), value: totals.moved },
			{ key: 'offers', label: m.ps_feedback_offers({}, o), value: counts.length }
		]
	};
}

/** A value of a report table: a count, or the text of a suppressed one. */
type ReportValue = { t: 'n'; n: number; unit: 'count' } | { t: 'text'; s: string };

/**
 * The participation tables of the steering report downloads (PDF, XLSX, CSV; section
 * `participation`), in `locale`: published counts per social space, campaign and category, and
 * the feedback counts. Shaped as steering's `IndicatorTable`, which the route passes to
 * `steeringReportResponse`. Empty for a person who may not read participation results.
 */
export async function steeringReportTables(db: DbOrTx, p: UserPrincipal, locale: string) {
	const panel = await participationSteeringPanel(db, p, locale);
	if (!panel) return [];
	const o = { locale: locale as (typeof locales)[number] };
	const count = (n: number): ReportValue => ({ t: 'n', n, unit: 'count' });
	return [
		{
			key: 'participation_spaces',
			section: 'participation' as const,
			title: m.ps_panel_title({}, o),
			columns: [
				{ key: 'campaign', label: m.ps_col_campaign({}, o) },
				{ key: 'category', label: m.ps_col_category({}, o) },
				{ key: 'count', label: m.ps_col_count({}, o) }
			],
			rows: panel.rows.map((r, i) => ({
				key: `row_${i + 1}`,
				label: r.space,
				cells: [{ t: 'text', s: r.campaign } as ReportValue, { t: 'text', s: r.category } as ReportValue, r.n === null ? ({ t: 'text', s: m.ps_suppressed({ k: r.k }, o) } as ReportValue) : count(r.n)]
			})),
			chart: null,
			note: m.ps_panel_intro({}, o)
		},
		{
			key: 'participation_feedback',
			section: 'participation' as const,
			title: m.ps_feedback_title({}, o),
			columns: [{ key: 'value', label: m.ps_value({}, o) }],
			rows: panel.feedback.map((f) => ({ key: f.key, label: f.label, cells: [count(f.value)] })),
			chart: null
		}
	];
}

/**
 * The "offer missing here" layer of the coverage map: the published cells (≥ k) of that
 * category of every campaign, drawn in the frame of the map of `spaceIds` (as `drawAreas` draws
 * it at `width`), and a table naming the social spaces each cell touches. Null for a person who
 * may not read participation results, or when the spaces have no boundary.
 */
export async function offerMissingLayer(db: DbOrTx, p: UserPrincipal, spaceIds: readonly string[], width = 640) {
	if (!can(p, 'participation:campaigns', { municipalityId: p.municipalityId })) return null;
	const spaces = await getSocialSpaces(db, spaceIds);
	const areas: CampaignArea[] = spaces.map((s) => ({ id: s.id, label: s.name, boundary: s.boundary ?? null }));
	const bbox = areasBbox(areas);
	if (!bbox) return null;
	const frame = frameFor(bbox, width);
	const index = indexAreas(areas, (a) => a.boundary);
	const published = await publishedCampaigns(db, p.municipalityId, OFFER_MISSING);
	let number = 0;
	const cells = published.flatMap(({ campaign, agg }) =>
		agg.cells
			.filter((c) => c.category === OFFER_MISSING)
			.map((c) => {
				const ring = cellRing(agg.grid, c.ix, c.iy);
				number += 1;
				return {
					label: m.ps_cell_label({ number }),
					campaign: campaign.title,
					n: c.n,
					places: cellPlaces(index, ring),
					d: `M${ring.map(([lon, lat]) => toPixel(frame, lon, lat).map((v) => v.toFixed(1)).join(',')).join('L')}Z`
				};
			})
	);
	return { cells };
}

/**
 * The approved "closed" and "moved" reports for the directory's freshness view: per offer its
 * name, the counts and the link to its feedback. Null for a person who may not read feedback.
 */
export async function freshnessReports(db: DbOrTx, p: UserPrincipal, locale: string) {
	if (!can(p, 'participation:feedback_read', { municipalityId: p.municipalityId })) return null;
	const reports = await feedbackReports(db, p, p.municipalityId);
	const names = await entryNames(db, reports.map((r) => ({ kind: 'service' as const, id: r.serviceId })), locale);
	return reports.map((r) => ({ serviceId: r.serviceId, name: names.get(r.serviceId) ?? '', closed: r.closed, moved: r.moved, latest: r.latest }));
}

/**
 * Approved feedback counts of the listed offers (staff directory list, coverage drill-down), as
 * id → counts; empty for a person who may not read feedback.
 */
export async function offerFeedbackCounts(db: DbOrTx, p: UserPrincipal, serviceIds: readonly string[]) {
	if (!can(p, 'participation:feedback_read', { municipalityId: p.municipalityId }) || !serviceIds.length) return {};
	const counts = await feedbackCounts(db, p, p.municipalityId, serviceIds);
	return Object.fromEntries(counts.map((c) => [c.serviceId, c]));
}
