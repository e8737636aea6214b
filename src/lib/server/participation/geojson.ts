/**
 * The GeoJSON export of a campaign's published result (issue 16 §2): one Feature per grid cell
 * and category that reached k, a Polygon (RFC 7946, WGS84, counter-clockwise) with the count.
 * Only the aggregate goes in; no exact point, comment or other fact of a participant.
 */
import type { FeatureCollection, Polygon } from 'geojson';
import { cellRing, type Aggregate } from './model';

/** Properties of one exported cell. */
export interface CellProperties {
	category: string;
	count: number;
	cellMeters: number;
	k: number;
}

/** The published cells of an aggregate as a GeoJSON FeatureCollection. */
export function aggregateGeoJson(agg: Aggregate, campaignTitle: string): FeatureCollection<Polygon, CellProperties> & { name: string } {
	return {
		type: 'FeatureCollection',
		name: campaignTitle,
		features: agg.cells.map((c) => ({
			type: 'Feature',
			id: `${c.category}:${c.ix}:${c.iy}`,
			geometry: { type: 'Polygon', coordinates: [cellRing(agg.grid, c.ix, c.iy)] },
			properties: { category: c.category, count: c.n, cellMeters: agg.cellMeters, k: agg.k }
		}))
	};
}
