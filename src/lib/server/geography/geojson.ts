/**
 * GeoJSON (RFC 7946) checks and point-in-polygon for boundaries. Geometry maths comes from
 * Turf (`@turf/boolean-point-in-polygon`); this file only validates shapes and keeps a bbox
 * pre-filter so a lookup over a city's areas stays cheap.
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Feature, Geometry, MultiPolygon, Polygon, Position } from 'geojson';

/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number];

/** Why a geometry is not a usable boundary: a code with its parameters (texts: the importers, the upload page). */
export interface BoundaryIssue {
	code: 'geometry_missing' | 'geometry_type' | 'no_coordinates' | 'no_rings' | 'ring_too_short' | 'position_not_numbers' | 'position_outside_wgs84' | 'ring_not_closed';
	params?: Record<string, string | number>;
}

/**
 * Why a geometry is not a usable boundary, or null if it is one. A boundary is a Polygon or
 * MultiPolygon whose rings are closed, have ≥ 4 positions, and lie in WGS84 lon/lat ranges.
 */
export function boundaryIssue(geometry: unknown): BoundaryIssue | null {
	if (!geometry || typeof geometry !== 'object') return { code: 'geometry_missing' };
	const g = geometry as { type?: unknown; coordinates?: unknown };
	if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
		return { code: 'geometry_type', params: { type: JSON.stringify(g.type) ?? 'undefined' } };
	}
	if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) {
		return { code: 'no_coordinates' };
	}
	const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown[];
	for (const polygon of polygons) {
		if (!Array.isArray(polygon) || polygon.length === 0) return { code: 'no_rings' };
		for (const ring of polygon) {
			if (!Array.isArray(ring) || ring.length < 4) return { code: 'ring_too_short' };
			for (const pos of ring) {
				if (
					!Array.isArray(pos) ||
					pos.length < 2 ||
					typeof pos[0] !== 'number' ||
					typeof pos[1] !== 'number' ||
					!Number.isFinite(pos[0]) ||
					!Number.isFinite(pos[1])
				) {
					return { code: 'position_not_numbers' };
				}
				if (pos[0] < -180 || pos[0] > 180 || pos[1] < -90 || pos[1] > 90) {
					return { code: 'position_outside_wgs84', params: { lon: pos[0], lat: pos[1] } };
				}
			}
			const first = ring[0] as Position;
			const last = ring[ring.length - 1] as Position;
			if (first[0] !== last[0] || first[1] !== last[1]) return { code: 'ring_not_closed' };
		}
	}
	return null;
}

/** Bounding box of a Polygon/MultiPolygon. */
export function bboxOf(geometry: Polygon | MultiPolygon): BBox {
	let minX = Infinity;
	let minY = Infinity;
	let maxX = -Infinity;
	let maxY = -Infinity;
	const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
	for (const polygon of polygons) {
		for (const [x, y] of polygon[0]) {
			if (x < minX) minX = x;
			if (x > maxX) maxX = x;
			if (y < minY) minY = y;
			if (y > maxY) maxY = y;
		}
	}
	return [minX, minY, maxX, maxY];
}

/** An area prepared for repeated point lookups. */
export interface IndexedArea<T> {
	item: T;
	geometry: Polygon | MultiPolygon;
	bbox: BBox;
}

/** Prepares areas with boundaries for `findContaining`; areas without a boundary are left out. */
export function indexAreas<T>(items: T[], geometryOf: (item: T) => Geometry | null): IndexedArea<T>[] {
	const out: IndexedArea<T>[] = [];
	for (const item of items) {
		const g = geometryOf(item);
		if (g && (g.type === 'Polygon' || g.type === 'MultiPolygon')) {
			out.push({ item, geometry: g, bbox: bboxOf(g) });
		}
	}
	return out;
}

/**
 * The first area whose boundary contains the point (boundary edges count as inside), or null.
 * @param point [longitude, latitude] in WGS84 degrees.
 */
export function findContaining<T>(areas: IndexedArea<T>[], point: [number, number]): T | null {
	const [x, y] = point;
	for (const area of areas) {
		const [minX, minY, maxX, maxY] = area.bbox;
		if (x < minX || x > maxX || y < minY || y > maxY) continue;
		const feature: Feature<Polygon | MultiPolygon> = {
			type: 'Feature',
			properties: {},
			geometry: area.geometry
		};
		if (booleanPointInPolygon(point, feature)) return area.item;
	}
	return null;
}
