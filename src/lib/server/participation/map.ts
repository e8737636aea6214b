/**
 * The server-drawn campaign map (issue 16 §2): the campaign's social spaces drawn as SVG with
 * geography's `drawAreas`, and the frame that maps between map pixels and WGS84, so the click
 * coordinates an `<input type="image">` sends (no JavaScript) become a point, and published grid
 * cells are drawn on the same map. The frame repeats `drawAreas`' projection (equirectangular,
 * scaled by cos(latitude) at the centre) so both agree to the pixel.
 */
import type { Geometry } from 'geojson';
import { bboxOf, findContaining, type BBox, type IndexedArea } from '../geography/geojson';
import { drawAreas, type DrawnMap } from '../geography/map';

/** Width of the participation map in CSS pixels: it fits a 360 px phone without scaling, so the clicked pixel is the drawn pixel. */
export const MAP_WIDTH = 320;
const PADDING = 8;

/** The projection of one map. */
export interface Frame {
	bbox: BBox;
	kx: number;
	scale: number;
	width: number;
	height: number;
}

/** An area of the campaign with its boundary. */
export interface CampaignArea {
	id: string;
	label: string;
	boundary: Geometry | null;
}

/** The bbox of all areas with a Polygon/MultiPolygon boundary, or null when none has one. */
export function areasBbox(areas: readonly CampaignArea[]): BBox | null {
	let box: BBox | null = null;
	for (const a of areas) {
		if (!a.boundary || (a.boundary.type !== 'Polygon' && a.boundary.type !== 'MultiPolygon')) continue;
		const [w, s, e, n] = bboxOf(a.boundary);
		box = box ? [Math.min(box[0], w), Math.min(box[1], s), Math.max(box[2], e), Math.max(box[3], n)] : [w, s, e, n];
	}
	return box;
}

/** The frame `drawAreas(…, width, PADDING)` draws a map of `bbox` with. */
export function frameFor(bbox: BBox, width = MAP_WIDTH): Frame {
	const kx = Math.cos((((bbox[1] + bbox[3]) / 2) * Math.PI) / 180);
	const scale = (width - 2 * PADDING) / Math.max((bbox[2] - bbox[0]) * kx, 1e-9);
	return { bbox, kx, scale, width, height: Math.round((bbox[3] - bbox[1]) * scale + 2 * PADDING) };
}

/** Map pixel `[x, y]` of a WGS84 point. */
export function toPixel(f: Frame, lon: number, lat: number): [number, number] {
	return [PADDING + (lon - f.bbox[0]) * f.kx * f.scale, PADDING + (f.bbox[3] - lat) * f.scale];
}

/** WGS84 `[lon, lat]` of a map pixel (the click of an `<input type="image">`). */
export function fromPixel(f: Frame, x: number, y: number): [number, number] {
	return [f.bbox[0] + (x - PADDING) / (f.kx * f.scale), f.bbox[3] - (y - PADDING) / f.scale];
}

/** The campaign's areas drawn at `MAP_WIDTH` (hrefs empty: the map is a click target, not links). */
export function drawCampaignAreas(areas: readonly CampaignArea[]): DrawnMap | null {
	return drawAreas(areas.map((a) => ({ id: a.id, label: a.label, href: '', boundary: a.boundary })), MAP_WIDTH, PADDING);
}

function escapeXml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * The map as a standalone SVG image (the `src` of the `<input type="image">`): the areas with
 * their names, at `MAP_WIDTH` × its height in CSS pixels.
 */
export function campaignMapSvg(map: DrawnMap, title: string): string {
	const areas = map.areas
		.map((a) => `<path d="${a.d}" fill="#e8f0e4" stroke="#35602a" stroke-width="1.5"/><text x="${a.cx}" y="${a.cy}" font-size="11" text-anchor="middle" fill="#1b3314">${escapeXml(a.label)}</text>`)
		.join('');
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${map.width}" height="${map.height}" viewBox="0 0 ${map.width} ${map.height}" role="img"><title>${escapeXml(title)}</title><rect width="100%" height="100%" fill="#f7f7f2"/>${areas}</svg>`;
}

/**
 * The labels of the areas a grid cell's centre and corners fall in (`ring` as `cellRing` gives
 * it), in that order, each once: a cell in more than one social space shows a life world
 * across an administrative boundary (seed 001).
 */
export function cellPlaces(index: IndexedArea<CampaignArea>[], ring: readonly [number, number][]): string[] {
	const [w, s] = ring[0];
	const [e, n] = ring[2];
	const probes: [number, number][] = [[(w + e) / 2, (s + n) / 2], ...ring.slice(0, 4)];
	return [...new Set(probes.map((pt) => findContaining(index, pt)?.label).filter((x): x is string => !!x))];
}
