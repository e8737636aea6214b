/**
 * The public pages of places (MODEL.md §4 "Geography"): the start page's municipalities, the
 * municipality of every `/{lang}/m/{municipality}` page, a municipality's districts with their
 * map and statistics, and a district's social spaces with their map and statistics per space.
 * The instances shown beside them come from `instances/pages/lists.ts`.
 */
import { currentDataVersion } from '../../audit/versions';
import { NotFoundError } from '../../core/errors';
import { perDatabase } from '../../core/memo';
import type { DbOrTx } from '../../db/client';
import { linkAreas } from '../map';
import { DEMO_BOUNDARY_SOURCES } from '../model';
import { areaMap, findDistrict, findMunicipality, listDistricts, listMunicipalities, listSocialSpaces, listStatistics } from '../service';

/** The municipality as every page under `/{lang}/m/{municipality}` knows it. */
export interface MunicipalityRef {
	id: string;
	slug: string;
	name: string;
	isDemo: boolean;
}

/** Where a municipality's boundaries come from, for the line under its maps; null when not known. */
function boundarySource(municipality: Pick<MunicipalityRef, 'slug' | 'isDemo'>): string | null {
	return municipality.isDemo ? (DEMO_BOUNDARY_SOURCES[municipality.slug] ?? null) : null;
}

/**
 * Metrics of social spaces in the order a reader compares them: residents first, then who they
 * are, then eligible voters (a proxy, never the population); any other metric after them by name.
 */
const METRIC_ORDER = ['population', 'migration_background', 'share_migration_background', 'eligible_voters'];

function metricRank(metric: string): number {
	const i = METRIC_ORDER.indexOf(metric);
	return i < 0 ? METRIC_ORDER.length : i;
}

/** The start page: every municipality, by name. */
export async function homePage(db: DbOrTx): Promise<{ municipalities: Omit<MunicipalityRef, 'id'>[] }> {
	const municipalities = await listMunicipalities(db);
	return { municipalities: municipalities.map((mu) => ({ slug: mu.slug, name: mu.name, isDemo: mu.isDemo })) };
}

/** Per database handle and slug: the municipality as pages know it, with its data version when it was read. */
const layoutsIn = perDatabase(() => new Map<string, { ref: MunicipalityRef; version: string }>());

/**
 * The municipality of a page, held per slug while the municipality's data version stays (a
 * rename or a change of slug raises it): on the embedded database no statement, on PostgreSQL
 * the shared version read (`currentDataVersion`) instead of the lookup. Source: issue 17 §2.
 * @throws NotFoundError when no municipality has this slug.
 */
export async function municipalityLayout(db: DbOrTx, slug: string): Promise<{ municipality: MunicipalityRef }> {
	const layouts = layoutsIn(db);
	const held = layouts.get(slug);
	if (held && (await currentDataVersion(db, held.ref.id)) === held.version) return { municipality: held.ref };
	const found = await findMunicipality(db, slug);
	if (!found) {
		layouts.delete(slug);
		throw new NotFoundError('municipality');
	}
	// The version first, then the row: a write in between raises the version past the one held.
	const version = await currentDataVersion(db, found.id);
	const m = (await findMunicipality(db, slug)) ?? found;
	const ref = { id: m.id, slug: m.slug, name: m.name, isDemo: m.isDemo };
	if (layouts.size > 10_000) layouts.clear();
	layouts.set(slug, { ref, version });
	return { municipality: ref };
}

/**
 * The municipality page's places: the district map (each district linking its page) with the
 * source of its boundaries, the districts with their number of social spaces, and the
 * statistics of the whole municipality.
 * @param lang the UI language of the links.
 */
export async function municipalityAreasPage(db: DbOrTx, municipality: Pick<MunicipalityRef, 'id' | 'slug' | 'isDemo'>, lang: string) {
	const [districts, statistics, map] = await Promise.all([
		listDistricts(db, municipality.id),
		listStatistics(db, municipality.id, {}),
		areaMap(db, { municipalityId: municipality.id })
	]);
	const base = `/${lang}/m/${municipality.slug}`;
	return {
		map: linkAreas(map, (slug) => `${base}/d/${slug}`),
		boundarySource: boundarySource(municipality),
		districts: districts.map((d) => ({ slug: d.slug, name: d.name, code: d.code, socialSpaceCount: d.socialSpaceCount })),
		statistics
	};
}

/**
 * The district page's places: the district, the map of its social spaces (each linking its row
 * of the table) with the source of its boundaries, the district's statistics, and per metric
 * reported for social spaces (residents first, eligible voters after the population figures)
 * its latest value per space.
 * @param lang the UI language of the links.
 * @throws NotFoundError when the municipality has no district with this slug.
 */
export async function districtAreasPage(db: DbOrTx, municipality: Pick<MunicipalityRef, 'id' | 'slug' | 'isDemo'>, districtSlug: string, lang: string) {
	const district = await findDistrict(db, municipality.id, districtSlug);
	if (!district) throw new NotFoundError('district');
	const spaces = await listSocialSpaces(db, { municipalityId: municipality.id, districtId: district.id });
	const [districtStats, spaceStats, map] = await Promise.all([
		listStatistics(db, municipality.id, { districtId: district.id }),
		listStatistics(db, municipality.id, { socialSpaceIds: spaces.map((s) => s.id) }),
		areaMap(db, { districtId: district.id })
	]);
	const base = `/${lang}/m/${municipality.slug}/d/${district.slug}`;
	const metrics = [...new Set(spaceStats.map((s) => s.metric))].sort((a, b) => metricRank(a) - metricRank(b) || a.localeCompare(b));
	return {
		district: { id: district.id, name: district.name, code: district.code, slug: district.slug },
		map: linkAreas(map, (slug) => `${base}#space-${slug}`),
		boundarySource: boundarySource(municipality),
		statistics: districtStats,
		metrics: metrics.map((metric) => {
			const rows = spaceStats.filter((s) => s.metric === metric);
			return { metric, unit: rows[0].unit, asOf: rows[0].asOf, source: rows[0].source };
		}),
		spaces: spaces.map((s) => ({
			slug: s.slug,
			name: s.name,
			code: s.code,
			values: metrics.map((metric) => spaceStats.find((st) => st.socialSpaceId === s.id && st.metric === metric) ?? null)
		}))
	};
}
