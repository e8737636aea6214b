/**
 * Display helpers of the coverage pages (issue 5 §3): the title of an offer from its search
 * entry in the reader's language, and the social spaces' boundaries for the choropleth.
 */
import { eq } from 'drizzle-orm';
import type { Geometry } from 'geojson';
import type { DbOrTx } from '../db/client';
import { socialSpace } from '../geography/schema';

/** The title in `locale`, else German, else the first one there is; '' when there is none. */
export function pickTitle(title: Record<string, string>, locale: string): string {
	return title[locale] || title.de || Object.values(title)[0] || '';
}

/** One social space's boundary, for the choropleth (`drawAreas`). */
export interface SpaceBoundary {
	id: string;
	boundary: Geometry | null;
}

/** The boundaries of the municipality's social spaces (read-only from geography's schema). */
export async function spaceBoundaries(db: DbOrTx, municipalityId: string): Promise<SpaceBoundary[]> {
	return db.select({ id: socialSpace.id, boundary: socialSpace.boundary }).from(socialSpace).where(eq(socialSpace.municipalityId, municipalityId));
}
