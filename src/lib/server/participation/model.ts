/**
 * Partizipation's rules as data (issue 16): the mapping categories of the Nadelmethode, the
 * answers of the offer feedback, the optional facts a participant may add, the limits, the
 * test for text that looks like personal data, and the grid aggregation with k-anonymity that
 * every public output of a campaign goes through. Pure; no database.
 *
 * Seed 001: participants marked places they like, places they avoid and "Angst- und
 * Konflikträume"; young people prefer low-threshold, free places; life worlds are not the
 * administrative social spaces. Art. 5(1)(c), (e) GDPR: publish only aggregates of at least k,
 * keep exact points only until the campaign's end plus a retention period.
 */

/** The built-in categories (a campaign may reorder them, drop some and add its own). */
export const DEFAULT_CATEGORIES = ['liked', 'avoided', 'unsafe', 'meeting', 'offer_missing'] as const;

/** The category whose points steering shows as a layer on the coverage map. */
export const OFFER_MISSING = 'offer_missing';

/** Age groups a participant may give (optional). */
export const AGE_GROUPS = ['under_18', '18_26', '27_49', '50_plus'] as const;

/** "New here since" (optional): how long the participant has lived in the municipality. */
export const NEW_SINCE = ['under_1', '1_3', 'over_3', 'always'] as const;

/** Answers to "Did you find it / understand it / did it help?". */
export const ANSWERS = ['yes', 'partly', 'no'] as const;

/** Kinds of feedback: a rating, or a report that the place is closed or has moved. */
export const FEEDBACK_KINDS = ['feedback', 'closed', 'moved'] as const;

/** Moderation states; only `approved` entries are ever shown or counted publicly. */
export const MODERATION = ['pending', 'approved', 'rejected'] as const;
export type Moderation = (typeof MODERATION)[number];

/** Limits (characters, counts, metres, days). */
export const LIMITS = {
	comment: 500,
	feedbackComment: 1000,
	title: 200,
	categoryKey: 40,
	categories: 12,
	kMin: 2,
	kMax: 50,
	kDefault: 5,
	cellMin: 50,
	cellMax: 2000,
	cellDefault: 250,
	retentionMaxDays: 365,
	retentionDefaultDays: 90,
	bulkLines: 5000
} as const;

/** Submissions one browser may send in `windowMs` before it must wait (see throttle.ts). */
export const THROTTLE = { max: 10, windowMs: 10 * 60_000 } as const;

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]{2,}/;
// A run of 7+ digits, allowing the spaces, slashes, dots and dashes people write numbers with.
const PHONE = /(?:\+|\b)\d(?:[\s./-]?\d){6,}/;

/**
 * Whether a comment looks like it holds personal data — an email address or a phone number —
 * so moderation sees a warning before anything is published. A heuristic: it flags, it never
 * refuses.
 */
export function looksPersonal(text: string): boolean {
	return EMAIL.test(text) || PHONE.test(text);
}

/** Whether `key` is a usable own category key (lower-case letters, digits, underscore). */
export function isCategoryKey(key: string): boolean {
	return /^[a-z][a-z0-9_]*$/.test(key) && key.length <= LIMITS.categoryKey;
}

/** Metres per degree of latitude (mean Earth radius 6,371,008.8 m). */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

/**
 * The grid a campaign aggregates on: square cells of `cellMeters` from the south-west corner of
 * the campaign's area, east-west scaled by cos(latitude) at its centre (city scale).
 */
export interface Grid {
	minLon: number;
	minLat: number;
	/** Cells per degree of longitude / latitude. */
	perLon: number;
	perLat: number;
}

/** The grid of an area with bbox `[minLon, minLat, maxLon, maxLat]` and cells of `cellMeters`. */
export function gridFor(bbox: readonly [number, number, number, number], cellMeters: number): Grid {
	const kx = Math.cos((((bbox[1] + bbox[3]) / 2) * Math.PI) / 180);
	return { minLon: bbox[0], minLat: bbox[1], perLon: (M_PER_DEG * kx) / cellMeters, perLat: M_PER_DEG / cellMeters };
}

/** The cell `[ix, iy]` a point `[lon, lat]` falls in. */
export function cellOf(grid: Grid, lon: number, lat: number): [number, number] {
	return [Math.floor((lon - grid.minLon) * grid.perLon), Math.floor((lat - grid.minLat) * grid.perLat)];
}

/** A cell's outline as a closed GeoJSON ring (counter-clockwise, RFC 7946 §3.1.6), rounded to 6 decimals. */
export function cellRing(grid: Grid, ix: number, iy: number): [number, number][] {
	const r = (v: number) => Math.round(v * 1e6) / 1e6;
	const w = r(grid.minLon + ix / grid.perLon);
	const e = r(grid.minLon + (ix + 1) / grid.perLon);
	const s = r(grid.minLat + iy / grid.perLat);
	const n = r(grid.minLat + (iy + 1) / grid.perLat);
	return [
		[w, s],
		[e, s],
		[e, n],
		[w, n],
		[w, s]
	];
}

/** One published grid cell: its index, category and count (≥ k). */
export interface CellCount {
	ix: number;
	iy: number;
	category: string;
	n: number;
}

/** One published social-space count (≥ k), or a suppressed one (`n` null). */
export interface SpaceCount {
	socialSpaceId: string;
	category: string;
	n: number | null;
}

/**
 * What a campaign publishes: approved points counted per grid cell and per social space, each
 * count shown only when it reaches k; the rest is suppressed (`suppressed` counts how many
 * approved points fall in cells below k, so the total stays honest without placing them).
 */
export interface Aggregate {
	k: number;
	cellMeters: number;
	grid: Grid;
	cells: CellCount[];
	spaces: SpaceCount[];
	suppressed: number;
	total: number;
}

/** Keeps the cells that reach k; the points of the others count as suppressed. */
export function publishCells(rows: readonly CellCount[], k: number): { cells: CellCount[]; suppressed: number } {
	const cells: CellCount[] = [];
	let suppressed = 0;
	for (const r of rows) {
		if (r.n >= k) cells.push(r);
		else suppressed += r.n;
	}
	return { cells, suppressed };
}
