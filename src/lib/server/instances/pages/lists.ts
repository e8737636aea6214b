/**
 * Instance lists of the public area pages: the instances of a municipality, or those serving a
 * district, as links with the demo badge.
 */
import type { DbOrTx } from '../../db/client';
import { listInstances, listInstancesServingDistrict } from '../service';

/** One instance as a link of an area page. */
export interface InstanceLink {
	slug: string;
	name: string;
	isDemo: boolean;
}

/** The working instances of a municipality, or those serving a social space of a district, by name (retired ones are left out). */
export async function instanceLinks(db: DbOrTx, area: { municipalityId: string } | { districtId: string }): Promise<InstanceLink[]> {
	const rows = 'municipalityId' in area ? await listInstances(db, area.municipalityId) : await listInstancesServingDistrict(db, area.districtId);
	return rows.filter((i) => !i.retiredAt).map((i) => ({ slug: i.slug, name: i.name, isDemo: i.isDemo }));
}
