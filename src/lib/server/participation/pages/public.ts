/**
 * The public pages of Partizipation (issue 16): a campaign's map form, which works without
 * JavaScript (an `<input type="image">` sends the click), its published result (heat map per
 * category as SVG with a table, counts per social space) and GeoJSON; the feedback form of an
 * offer and of a referral slip's token. No page shows an exact point; every form counts the
 * browser in the in-memory throttle, never storing its address.
 */
import { m } from '../../../paraglide/messages.js';
import { berlinDate } from '../../casework/time';
import { NotFoundError, ValidationError } from '../../core/errors';
import { formText } from '../../core/form';
import type { Db, DbOrTx } from '../../db/client';
import { getService } from '../../directory/service';
import { pickText } from '../../directory/texts';
import { indexAreas } from '../../geography/geojson';
import { requireMunicipality } from '../../geography/service';
import { aggregateCampaign, campaignArea, findCampaign, isOpen, recentCampaigns, setPoint, type CampaignRow } from '../campaigns';
import { sendOfferFeedback, sendSlipFeedback, slipTarget, type FeedbackInput } from '../feedback';
import { aggregateGeoJson } from '../geojson';
import { campaignMapSvg, drawCampaignAreas, toPixel } from '../map';
import { cellPlaces } from '../map';
import { cellRing, LIMITS } from '../model';
import { countSubmission } from '../throttle';
import { categoryChoices, categoryLabel, vocabularies } from './labels';

/** Who sends a public form, for the throttle only (never stored). */
export interface Sender {
	address: string;
	userAgent: string;
}

async function publicCampaign(db: DbOrTx, municipalitySlug: string, id: string): Promise<CampaignRow> {
	const municipality = await requireMunicipality(db, municipalitySlug);
	const c = await findCampaign(db, id);
	if (!c || c.municipalityId !== municipality.id) throw new NotFoundError('participation_campaign');
	return c;
}

/**
 * The campaign page: what to mark, the categories and optional facts, and the map size (the
 * image is `map.svg` next to the page).
 * @throws NotFoundError for an unknown municipality or campaign, or one of another municipality.
 */
export async function campaignPage(db: DbOrTx, municipalitySlug: string, id: string, locale: string, now: Date = new Date()) {
	const c = await publicCampaign(db, municipalitySlug, id);
	const { areas, frame } = await campaignArea(db, c);
	return {
		campaign: { id: c.id, title: c.title, intro: c.intro[locale] ?? c.intro.de ?? '', open: isOpen(c, now), closesOn: c.closesOn },
		categories: categoryChoices(c, locale),
		...vocabularies(),
		map: { width: frame.width, height: frame.height },
		commentMax: LIMITS.comment,
		spaces: areas.map((a) => ({ value: a.id, label: a.label }))
	};
}

/** Days after its close that a campaign's results stay linked from the municipality's page. */
const RESULTS_LINKED_DAYS = 90;

/**
 * The campaigns a municipality's public page links to (Beteiligung: the campaign and results
 * pages are public): those taking points on the Berlin date of `now`, the one closing first
 * first, then those closed in the last 90 days, to their results, the latest first.
 * @returns `{ id, title, open }` per campaign; the title as staff wrote it (one language).
 */
export async function campaignLinks(db: DbOrTx, municipalityId: string, now: Date = new Date()): Promise<{ id: string; title: string; open: boolean }[]> {
	const today = berlinDate(now);
	const open: Awaited<ReturnType<typeof recentCampaigns>> = [];
	const closed: typeof open = [];
	for (const c of await recentCampaigns(db, municipalityId, berlinDate(new Date(now.getTime() - RESULTS_LINKED_DAYS * 86_400_000)))) {
		if (isOpen(c, now)) open.push(c);
		// Closed: past its last day, or its points deleted early; its results stay public.
		else if (c.opensOn <= today) closed.push(c);
	}
	open.sort((a, b) => a.closesOn.localeCompare(b.closesOn));
	closed.sort((a, b) => b.closesOn.localeCompare(a.closesOn));
	return [...open.map((c) => ({ id: c.id, title: c.title, open: true })), ...closed.map((c) => ({ id: c.id, title: c.title, open: false }))];
}

/**
 * The campaign's map as an SVG image (areas and names, no points).
 * @throws NotFoundError as `campaignPage`.
 */
export async function campaignMapImage(db: DbOrTx, municipalitySlug: string, id: string): Promise<string> {
	const c = await publicCampaign(db, municipalitySlug, id);
	const { areas } = await campaignArea(db, c);
	const map = drawCampaignAreas(areas);
	if (!map) throw new NotFoundError('boundary');
	return campaignMapSvg(map, c.title);
}

/**
 * A point sent by the map form: the click (`pt.x`, `pt.y`) and the facts.
 * @throws as `setPoint` and `countSubmission`.
 */
export async function setPointFromForm(db: Db, municipalitySlug: string, id: string, form: FormData, sender: Sender): Promise<void> {
	const c = await publicCampaign(db, municipalitySlug, id);
	countSubmission(sender.address, sender.userAgent);
	await setPoint(db, c.id, {
		x: formText(form, 'pt.x'),
		y: formText(form, 'pt.y'),
		// Only the button of the keyboard alternative sends `whole`; a map click ignores the select.
		space: formText(form, 'whole') ? formText(form, 'space') : undefined,
		category: formText(form, 'category'),
		comment: formText(form, 'comment'),
		ageGroup: formText(form, 'ageGroup'),
		newSince: formText(form, 'newSince')
	});
}

/** The facts the map form is drawn with again after an error. */
export function enteredPoint(form: FormData) {
	return { space: formText(form, 'space'), category: formText(form, 'category'), comment: formText(form, 'comment'), ageGroup: formText(form, 'ageGroup'), newSince: formText(form, 'newSince') };
}

/** Fill shades of the heat map, lightest first (contrast of the darkest against white ≥ 3:1, WCAG 1.4.11). */
const SHADES = ['#fde0c5', '#facba6', '#f59e72', '#e8654a', '#b3361f'];

/**
 * The published result: per category the heat map (the campaign's areas with the cells that
 * reached k, as SVG path data) and its table, and the counts per social space (suppressed below
 * k). Exact points never leave `aggregateCampaign`.
 * @throws NotFoundError as `campaignPage`.
 */
export async function resultsPage(db: DbOrTx, municipalitySlug: string, id: string, locale: string) {
	const c = await publicCampaign(db, municipalitySlug, id);
	const [{ areas, frame }, agg] = await Promise.all([campaignArea(db, c), aggregateCampaign(db, c)]);
	const drawn = drawCampaignAreas(areas);
	const max = Math.max(1, ...agg.cells.map((x) => x.n));
	const names = new Map(areas.map((a) => [a.id, a.label]));
	const index = indexAreas(areas, (a) => a.boundary);
	const categories = c.categories.map((key) => {
		const cells = agg.cells.filter((x) => x.category === key);
		return {
			key,
			label: categoryLabel(c, key, locale),
			cells: cells.map((x, i) => {
				const lonLat = cellRing(agg.grid, x.ix, x.iy);
				const ring = lonLat.map(([lon, lat]) => toPixel(frame, lon, lat));
				// The social spaces the cell's centre and corners fall in: more than one shows a life world across a boundary.
				const places = cellPlaces(index, lonLat);
				return {
					label: m.pa_cell_label({ number: i + 1 }),
					places,
					straddles: places.length > 1,
					n: x.n,
					d: `M${ring.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join('L')}Z`,
					fill: SHADES[Math.min(SHADES.length - 1, Math.floor(((x.n - 1) / max) * SHADES.length))]
				};
			}),
			spaces: agg.spaces.filter((s) => s.category === key).map((s) => ({ name: names.get(s.socialSpaceId) ?? '', n: s.n }))
		};
	});
	return {
		campaign: { id: c.id, title: c.title },
		k: agg.k,
		cellMeters: agg.cellMeters,
		suppressed: agg.suppressed,
		total: agg.total,
		map: drawn && { width: drawn.width, height: drawn.height, areas: drawn.areas.map((a) => ({ id: a.id, label: a.label, d: a.d, cx: a.cx, cy: a.cy })) },
		categories
	};
}

/**
 * The published result as GeoJSON (RFC 7946): cells that reached k only.
 * @throws NotFoundError as `campaignPage`.
 */
export async function resultsGeoJson(db: DbOrTx, municipalitySlug: string, id: string): Promise<string> {
	const c = await publicCampaign(db, municipalitySlug, id);
	return JSON.stringify(aggregateGeoJson(await aggregateCampaign(db, c), c.title));
}

function feedbackInput(form: FormData, locale: string): FeedbackInput {
	return {
		kind: formText(form, 'kind') || 'feedback',
		found: formText(form, 'found'),
		understood: formText(form, 'understood'),
		helped: formText(form, 'helped'),
		comment: formText(form, 'comment'),
		language: locale
	};
}

/** The feedback form's values drawn again after an error. */
export function enteredFeedback(form: FormData) {
	return { kind: formText(form, 'kind'), found: formText(form, 'found'), understood: formText(form, 'understood'), helped: formText(form, 'helped'), comment: formText(form, 'comment') };
}

/**
 * The feedback page of a public offer.
 * @throws NotFoundError when the offer is missing, not public or of another municipality.
 */
export async function offerFeedbackPage(db: DbOrTx, municipalitySlug: string, serviceId: string, locale: string) {
	const municipality = await requireMunicipality(db, municipalitySlug);
	const offer = await getService(db, serviceId, ['public']);
	if (!offer || offer.municipalityId !== municipality.id) throw new NotFoundError('service');
	return { offer: { id: offer.id, name: pickText(offer.name, locale)?.text ?? '' }, ...vocabularies(), commentMax: LIMITS.feedbackComment };
}

/** Feedback sent from an offer's page. @throws as `offerFeedbackPage`, `sendOfferFeedback`, `countSubmission`. */
export async function sendOfferFeedbackFromForm(db: Db, municipalitySlug: string, serviceId: string, form: FormData, locale: string, sender: Sender): Promise<void> {
	await offerFeedbackPage(db, municipalitySlug, serviceId, locale);
	countSubmission(sender.address, sender.userAgent);
	await sendOfferFeedback(db, serviceId, feedbackInput(form, locale));
}

/**
 * The feedback page of a referral slip's token: the offer it names, or `offer: null` once feedback was
 * sent with it (also what the page shows right after its own successful POST, when SvelteKit
 * loads it again).
 * @throws NotFoundError, ValidationError (`token` pa_token_expired) as `slipTarget`.
 */
export async function slipFeedbackPage(db: DbOrTx, token: string, locale: string) {
	const page = { ...vocabularies(), commentMax: LIMITS.feedbackComment };
	let target;
	try {
		target = await slipTarget(db, token);
	} catch (e) {
		if (e instanceof ValidationError && e.issues[0]?.code === 'pa_token_used') return { ...page, offer: null };
		throw e;
	}
	const offer = await getService(db, target.serviceId, ['public', 'network', 'internal']);
	if (!offer) throw new NotFoundError('service');
	return { ...page, offer: { id: offer.id, name: pickText(offer.name, locale)?.text ?? '' } };
}

/** Feedback sent through a referral slip's token. @throws as `sendSlipFeedback`, `countSubmission`. */
export async function sendSlipFeedbackFromForm(db: Db, token: string, form: FormData, locale: string, sender: Sender): Promise<void> {
	countSubmission(sender.address, sender.userAgent);
	await sendSlipFeedback(db, token, feedbackInput(form, locale));
}
