/**
 * The light SVG map under search results: district (or social space) boundaries with numbered
 * dots for the results, drawn on the server so it needs no JavaScript and no third-party tiles.
 * Uses the projection of the geography maps (`drawAreas` in ../geography/map: equirectangular,
 * scaled by cos(latitude) at the map's centre) but writes integer, relative SVG path data
 * simplified with Douglas–Peucker at sub-pixel tolerance: Köln's nine districts take about 1.5 KB
 * gzip instead of about 10 KB, which keeps the first results page within the 14 KB.
 * Source: issue 3 §5 and "Performance".
 */
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import type { DbOrTx } from '../../db/client';
import { areaOutlines, areaVersion, type AreaScope } from '../../geography/directory-reads';
import { bboxOf } from '../../geography/geojson';

/** One area of the map; `slug` lets the page link it to a filtered search. */
export interface CompactArea {
	id: string;
	slug: string;
	label: string;
	/** SVG path data: integer pixels, relative commands. */
	d: string;
}

/** A drawn map: `viewBox` size, areas, and the projection to place points on it. */
export interface CompactMap {
	width: number;
	height: number;
	areas: CompactArea[];
	/** Projection parameters: x = padding + (lon − minX)·kx·scale, y = padding + (maxY − lat)·scale. */
	frame: { minX: number; maxY: number; kx: number; scale: number; padding: number };
}

type Boundary = Polygon | MultiPolygon;
type Point = [number, number];

function distanceToSegment(p: Point, a: Point, b: Point): number {
	const dx = b[0] - a[0];
	const dy = b[1] - a[1];
	const length2 = dx * dx + dy * dy;
	const t = length2 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2)) : 0;
	return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** Douglas–Peucker line simplification (iterative, so long rings cannot overflow the stack). */
export function simplify(points: Point[], tolerance: number): Point[] {
	if (points.length < 3) return points;
	const keep = new Uint8Array(points.length);
	keep[0] = keep[points.length - 1] = 1;
	const stack: [number, number][] = [[0, points.length - 1]];
	while (stack.length) {
		const [first, last] = stack.pop()!;
		let index = -1;
		let max = tolerance;
		for (let i = first + 1; i < last; i++) {
			const d = distanceToSegment(points[i], points[first], points[last]);
			if (d > max) {
				max = d;
				index = i;
			}
		}
		if (index >= 0) {
			keep[index] = 1;
			stack.push([first, index], [index, last]);
		}
	}
	return points.filter((_, i) => keep[i]);
}

/**
 * Draws areas into a `width`-wide map (height from the areas' aspect ratio), each ring
 * projected, rounded to whole pixels and simplified with `tolerance` pixels.
 * @returns null when no area has a Polygon/MultiPolygon boundary.
 */
export function drawCompactAreas(
	items: { id: string; slug: string; label: string; boundary: Geometry | null }[],
	width = 400,
	tolerance = 0.7,
	padding = 6
): CompactMap | null {
	const drawable = items.filter(
		(i): i is typeof i & { boundary: Boundary } => !!i.boundary && (i.boundary.type === 'Polygon' || i.boundary.type === 'MultiPolygon')
	);
	if (!drawable.length) return null;
	let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
	for (const i of drawable) {
		const [a, b, c, d] = bboxOf(i.boundary);
		[minX, minY, maxX, maxY] = [Math.min(minX, a), Math.min(minY, b), Math.max(maxX, c), Math.max(maxY, d)];
	}
	const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
	const scale = (width - 2 * padding) / Math.max((maxX - minX) * kx, 1e-9);
	const frame = { minX, maxY, kx, scale, padding };
	const ring = (positions: Position[]): string => {
		const projected = positions.map((p) => projectWith(frame, p[0], p[1]));
		const deduplicated = projected.filter((p, i) => i === 0 || p[0] !== projected[i - 1][0] || p[1] !== projected[i - 1][1]);
		const pts = simplify(deduplicated, tolerance);
		if (pts.length < 4) return '';
		const steps = pts.slice(1, -1).map((p, i) => `${p[0] - pts[i][0]} ${p[1] - pts[i][1]}`);
		return `M${pts[0][0]} ${pts[0][1]}l${steps.join(' ')}z`.replace(/ -/g, '-');
	};
	return {
		width,
		height: Math.round((maxY - minY) * scale + 2 * padding),
		frame,
		areas: drawable.map((i) => {
			const polygons = i.boundary.type === 'Polygon' ? [i.boundary.coordinates] : i.boundary.coordinates;
			return { id: i.id, slug: i.slug, label: i.label, d: polygons.flatMap((p) => p.map(ring)).join('') };
		})
	};
}

function projectWith(frame: CompactMap['frame'], lon: number, lat: number): Point {
	return [
		Math.round(frame.padding + (lon - frame.minX) * frame.kx * frame.scale),
		Math.round(frame.padding + (frame.maxY - lat) * frame.scale)
	];
}

/** A WGS84 point in map pixels, or null when it falls outside the drawn frame. */
export function projectPoint(map: CompactMap, latitude: number, longitude: number): Point | null {
	const [x, y] = projectWith(map.frame, longitude, latitude);
	return x < 0 || y < 0 || x > map.width || y > map.height ? null : [x, y];
}

const cache = new Map<string, { version: string; dataVersion: string | undefined; value: Promise<CompactMap | null> }>();

/**
 * The results base map of a municipality's districts (`{ municipalityId }`) or of a district's
 * social spaces (`{ districtId }`), cached per process until the areas change (their count or
 * latest `updated_at`, as the geography maps do). With `dataVersion` (the municipality's data
 * version, `audit/versions.ts`, which the caller has read) the areas are checked only when it
 * differs from the one the map was last checked at (issue 17 §2: no statement per search).
 */
export async function resultsBaseMap(db: DbOrTx, scope: AreaScope, dataVersion?: string): Promise<CompactMap | null> {
	const key = 'municipalityId' in scope ? `m:${scope.municipalityId}` : `d:${scope.districtId}`;
	const cached = cache.get(key);
	if (cached && dataVersion !== undefined && cached.dataVersion === dataVersion) return cached.value;
	const version = await areaVersion(db, scope);
	if (cached?.version === version) {
		cached.dataVersion = dataVersion;
		return cached.value;
	}
	const value = areaOutlines(db, scope).then((rows) => drawCompactAreas(rows));
	cache.set(key, { version, dataVersion, value });
	value.catch(() => cache.delete(key));
	return value;
}
