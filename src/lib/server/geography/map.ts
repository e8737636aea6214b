/**
 * Server-side SVG maps of areas. Projects WGS84 boundaries with an equirectangular projection
 * scaled by cos(latitude) at the map's centre — accurate enough at city scale — and draws SVG
 * path data with d3-geo's path generator (1 decimal place, to keep pages small).
 */
import { geoPath, geoTransform } from 'd3-geo';
import type { Geometry } from 'geojson';
import { bboxOf } from './geojson';

/** One drawable area with its link. */
export interface MapArea {
	id: string;
	label: string;
	href: string;
	/** SVG path data in the map's coordinates. */
	d: string;
	/** Label anchor (area centroid) in map coordinates. */
	cx: number;
	cy: number;
}

/** A drawn map: `viewBox` size and areas. Areas without a boundary are left out. */
export interface DrawnMap {
	width: number;
	height: number;
	areas: MapArea[];
}

/**
 * Draws areas into a `width`-wide map whose height follows the areas' aspect ratio.
 * @returns null when no area has a Polygon/MultiPolygon boundary.
 */
export function drawAreas(
	items: { id: string; label: string; href: string; boundary: Geometry | null }[],
	width = 640,
	padding = 8
): DrawnMap | null {
	const drawable = items.filter(
		(i): i is typeof i & { boundary: Extract<Geometry, { type: 'Polygon' | 'MultiPolygon' }> } =>
			!!i.boundary && (i.boundary.type === 'Polygon' || i.boundary.type === 'MultiPolygon')
	);
	if (drawable.length === 0) return null;
	let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
	for (const i of drawable) {
		const [a, b, c, d] = bboxOf(i.boundary);
		minX = Math.min(minX, a);
		minY = Math.min(minY, b);
		maxX = Math.max(maxX, c);
		maxY = Math.max(maxY, d);
	}
	const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
	const scale = (width - 2 * padding) / Math.max((maxX - minX) * kx, 1e-9);
	const height = Math.round((maxY - minY) * scale + 2 * padding);
	const projection = geoTransform({
		point(lon, lat) {
			this.stream.point(padding + (lon - minX) * kx * scale, padding + (maxY - lat) * scale);
		}
	});
	const path = geoPath(projection).digits(1);
	return {
		width,
		height,
		areas: drawable.map((i) => {
			const [cx, cy] = path.centroid(i.boundary);
			return { id: i.id, label: i.label, href: i.href, d: path(i.boundary) ?? '', cx: Math.round(cx), cy: Math.round(cy) };
		})
	};
}

/** The map with each area's `href` (its slug, as `areaMap` draws it) turned into a link. */
export function linkAreas(map: DrawnMap | null, hrefFor: (slug: string) => string): DrawnMap | null {
	return map && { ...map, areas: map.areas.map((a) => ({ ...a, href: hrefFor(a.href) })) };
}
