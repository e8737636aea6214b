/**
 * What Steuerung (issue 13 §9; issue 5 §3–§4) reads of Ehrenamt: aggregated statistics only —
 * volunteers by activity, social space and language, hours per month, needs filled and open,
 * time to fill, and the volunteer capacity per social space for the coverage view. Volunteers
 * who asked not to be counted (`count_in_statistics = false`) are left out of every figure;
 * counts from 1 to 4 are suppressed (null), as casework's reports do (SMALL_COUNT).
 * Steering's own server code sits left of this module, so the steering routes ask
 * `volunteering/pages/steering.ts`, which reads these.
 */
import { and, eq, gte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { addMonths, berlinDate, hoursOf, suppressed } from './model';
import { volunteerHours, volunteerNeed, volunteerProfile } from './schema';

/** A key with a (possibly suppressed) count. */
export interface KeyCount {
	key: string;
	count: number | null;
}

/** The statistics of a municipality's volunteering. */
export interface VolunteeringStatistics {
	/** Volunteers counted (not opted out), suppressed when small. */
	volunteers: number | null;
	byActivity: KeyCount[];
	bySocialSpace: KeyCount[];
	byLanguage: KeyCount[];
	/** Confirmed hours per month (`YYYY-MM`) of the last 12 months, of counted volunteers. */
	hoursByMonth: { month: string; hours: number | null }[];
	needsOpen: number;
	needsFilled: number;
	/** Median days from posting to filled, of needs filled in the last 12 months; null without any. */
	medianDaysToFill: number | null;
}

const rows = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** Statistics of one municipality at `now`. */
export async function volunteeringStatistics(db: DbOrTx, municipalityId: string, now: Date = new Date()): Promise<VolunteeringStatistics> {
	const counted = and(eq(volunteerProfile.municipalityId, municipalityId), eq(volunteerProfile.countInStatistics, true));
	const since = addMonths(`${berlinDate(now).slice(0, 7)}-01`, -11);
	const [total, activity, space, language, hours, needs, fill] = await Promise.all([
		db.$count(volunteerProfile, counted),
		db.execute(sql`select unnest(activities) as key, count(*)::int as n from volunteer_profile where municipality_id = ${municipalityId} and count_in_statistics group by 1 order by 1`),
		db.execute(sql`select s.social_space_id as key, count(*)::int as n from volunteer_space s join volunteer_profile p on p.id = s.profile_id where p.municipality_id = ${municipalityId} and p.count_in_statistics group by 1`),
		db.execute(sql`select split_part(l.language, '-', 1) as key, count(distinct l.profile_id)::int as n from volunteer_language l join volunteer_profile p on p.id = l.profile_id where p.municipality_id = ${municipalityId} and p.count_in_statistics group by 1 order by 1`),
		db
			.select({ month: sql<string>`to_char(${volunteerHours.workedOn}, 'YYYY-MM')`, minutes: sql<number>`sum(${volunteerHours.minutes})::int`, people: sql<number>`count(distinct ${volunteerHours.profileId})::int` })
			.from(volunteerHours)
			.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerHours.profileId))
			.where(and(eq(volunteerHours.municipalityId, municipalityId), eq(volunteerHours.status, 'confirmed'), eq(volunteerProfile.countInStatistics, true), gte(volunteerHours.workedOn, since)))
			.groupBy(sql`1`),
		db.select({ status: volunteerNeed.status, n: sql<number>`count(*)::int` }).from(volunteerNeed).where(eq(volunteerNeed.municipalityId, municipalityId)).groupBy(volunteerNeed.status),
		db.execute(
			sql`select percentile_cont(0.5) within group (order by extract(epoch from filled_at - created_at) / 86400) as median from volunteer_need where municipality_id = ${municipalityId} and filled_at is not null and filled_at >= ${new Date(`${since}T00:00:00Z`).toISOString()}::timestamptz`
		)
	]);
	const keyed = (r: unknown) => rows<{ key: string; n: number }>(r).map((x) => ({ key: x.key, count: suppressed(Number(x.n)) }));
	const months: { month: string; hours: number | null }[] = [];
	for (let i = 0; i < 12; i++) {
		const month = addMonths(since, i).slice(0, 7);
		const h = hours.find((x) => x.month === month);
		// Hours of fewer than SMALL_COUNT people would tell about those people: suppressed.
		months.push({ month, hours: !h ? 0 : suppressed(Number(h.people)) === null ? null : hoursOf(Number(h.minutes)) });
	}
	const status = (s: string) => Number(needs.find((x) => x.status === s)?.n ?? 0);
	const median = rows<{ median: number | null }>(fill)[0]?.median;
	return {
		volunteers: suppressed(Number(total)),
		byActivity: keyed(activity),
		bySocialSpace: keyed(space),
		byLanguage: keyed(language),
		hoursByMonth: months,
		needsOpen: status('open'),
		needsFilled: status('filled'),
		medianDaysToFill: median === null || median === undefined ? null : Math.round(Number(median) * 10) / 10
	};
}

/** Volunteer capacity of one social space: people who help there and the hours a month they offer. */
export interface SpaceCapacity {
	socialSpaceId: string;
	/** Counted volunteers not paused today (suppressed when small). */
	volunteers: number | null;
	/** Sum of their load caps (hours a month), of those who gave one; null when suppressed. */
	hoursPerMonth: number | null;
}

/** Capacity per social space of a municipality (only spaces with volunteers), for the coverage view. */
export async function capacityBySocialSpace(db: DbOrTx, municipalityId: string, now: Date = new Date()): Promise<SpaceCapacity[]> {
	const today = berlinDate(now);
	const result = await db.execute(sql`
		select s.social_space_id as id, count(*)::int as n, coalesce(sum(p.cap_hours_per_month), 0)::int as hours
		from volunteer_space s join volunteer_profile p on p.id = s.profile_id
		where p.municipality_id = ${municipalityId} and p.count_in_statistics
		  and not (p.paused_from is not null and p.paused_from <= ${today}::date and (p.paused_until is null or p.paused_until >= ${today}::date))
		group by 1`);
	return rows<{ id: string; n: number; hours: number }>(result).map((r) => {
		const count = suppressed(Number(r.n));
		return { socialSpaceId: r.id, volunteers: count, hoursPerMonth: count === null ? null : Number(r.hours) };
	});
}
