/**
 * What Steuerung (issue 5) reads of the geography: the social spaces of the coverage matrix with
 * their districts and population (§3), and the statistics of the dashboards' areas (§4). Public
 * reference data (areas and official statistics), no personal data.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { compareAreas, compareNames } from '../../format';
import type { DbOrTx } from '../db/client';
import type { StatisticInput } from './importers';
import { district, socialSpace } from './schema';

/** A social space with its district, as the coverage matrix lists it. */
export interface SpaceWithDistrict {
	id: string;
	name: string;
	districtId: string;
	districtName: string;
}

/**
 * The social spaces of a municipality (or only `spaceId` of it) with their district, in the
 * city's order: districts by code ("Stadtbezirk 2" before "10"), then spaces by name
 * (`compareAreas`, `compareNames`).
 */
export async function spacesWithDistricts(db: DbOrTx, municipalityId: string, spaceId?: string): Promise<SpaceWithDistrict[]> {
	const where: SQL = spaceId ? and(eq(socialSpace.municipalityId, municipalityId), eq(socialSpace.id, spaceId))! : eq(socialSpace.municipalityId, municipalityId);
	const rows = await db
		.select({ id: socialSpace.id, name: socialSpace.name, districtId: district.id, districtName: district.name, districtCode: district.code })
		.from(socialSpace)
		.innerJoin(district, eq(district.id, socialSpace.districtId))
		.where(where);
	return rows
		.sort((a, b) => compareAreas({ code: a.districtCode, name: a.districtName }, { code: b.districtCode, name: b.districtName }) || compareNames(a.name, b.name))
		.map((r) => ({ id: r.id, name: r.name, districtId: r.districtId, districtName: r.districtName }));
}

/** The population figure of a social space: `population`, or `eligible_voters` as a proxy. */
export interface SpacePopulation {
	socialSpaceId: string;
	metric: 'population' | 'eligible_voters';
	value: number;
	/** The statistic's date as imported (`YYYY`, `YYYY-MM-DD`). */
	asOf: string;
}

/**
 * The newest population statistic of every social space of the municipality that has one; where
 * a space has no `population`, its newest `eligible_voters` (labelled so).
 */
export async function spacePopulations(db: DbOrTx, municipalityId: string): Promise<SpacePopulation[]> {
	const result = await db.execute<{ social_space_id: string; metric: SpacePopulation['metric']; value: number; as_of: string }>(sql`
		select distinct on (social_space_id) social_space_id, metric, value, as_of from statistic
		where municipality_id = ${municipalityId} and social_space_id is not null and metric in ('population', 'eligible_voters')
		order by social_space_id, (metric = 'population') desc, as_of desc`);
	return result.rows.map((r) => ({ socialSpaceId: r.social_space_id, metric: r.metric, value: Number(r.value), asOf: r.as_of }));
}

/** Every statistic of the given districts and social spaces of the municipality, oldest first. */
export async function areaStatistics(db: DbOrTx, municipalityId: string, areaIds: readonly string[]): Promise<StatisticInput[]> {
	if (!areaIds.length) return [];
	const ids = sql.join(areaIds.map((i) => sql`${i}::uuid`), sql`, `);
	const result = await db.execute<{ district_id: string | null; social_space_id: string | null; metric: string; value: number; unit: string; as_of: string; source: string }>(sql`
		select district_id, social_space_id, metric, value, unit, as_of, source from statistic
		where municipality_id = ${municipalityId}
		  and (social_space_id in (${ids}) or district_id in (${ids}))
		order by as_of`);
	return result.rows.map((r) => ({ districtId: r.district_id, socialSpaceId: r.social_space_id, metric: r.metric, value: Number(r.value), unit: r.unit, asOf: r.as_of, source: r.source }));
}
