/**
 * Matching (issue 13 §5): for a need's next shift, the volunteers of the municipality ranked
 * with the reasons for each rank — language and level, same social space or district,
 * availability, activity, requirements met — and fairness: fewer recent hours rank higher,
 * above the load cap ranks last with a warning, paused volunteers are left out.
 *
 * One query scores and orders every volunteer of the municipality in the database and returns
 * only the first `limit` with the facts their reasons are made of (`rankedOf` in model.ts), so
 * the time does not grow with what is read into the process (bench/volunteering.ts: 10,000
 * volunteers, budget p95 ≤ 100 ms on PostgreSQL).
 */
import { and, eq, gte, sql, type SQL } from 'drizzle-orm';
import { AccessDeniedError } from '../core/errors';
import type { Principal } from '../access';
import { accountContacts } from '../accounts/volunteering-reads';
import type { DbOrTx } from '../db/client';
import { socialSpacePlaces } from '../geography/casework-reads';
import { listSocialSpaces } from '../geography/service';
import { addDays, addMonths, berlinDate, MATCH_POINTS, rankedOf, shiftSlot, type MatchFacts, type Ranked, type Requirement } from './model';
import { needFor, needRequirements, type NeedRow, type ShiftRow } from './needs';
import { volunteerAssignment, volunteerAvailability, volunteerCheck, volunteerHours, volunteerInvitation, volunteerLanguage, volunteerProfile, volunteerShift, volunteerSpace } from './schema';
import { getSettings } from './settings';

/** Shifts lie within one day (a start and an end time on a date), so one that overlaps a shift began less than a day before it; the bound lets the start index narrow the clash query. */
const MAX_SHIFT_MS = 24 * 3_600_000;

/** The ranked list of a need. */
export interface MatchResult {
	need: NeedRow;
	shift: ShiftRow | null;
	requirements: Requirement[];
	ranked: (Ranked & { displayName: string })[];
	/** Candidates considered (not paused). */
	considered: number;
}

/**
 * Ranks the municipality's volunteers for a need (coordinators only); the first `limit`
 * (default 25) with their names. Order: can be invited, then lacking a check, then over the
 * load cap; within each by score (`MATCH_POINTS`), then fewer recent hours, then profile id.
 * @throws NotFoundError; AccessDeniedError without `volunteers:coordinate`.
 */
export async function matchNeed(db: DbOrTx, principal: Principal, needId: string, options: { limit?: number; now?: Date } = {}): Promise<MatchResult> {
	const now = options.now ?? new Date();
	const { need, coordinate } = await needFor(db, principal, needId);
	if (!coordinate) throw new AccessDeniedError();
	const [shift] = await db
		.select()
		.from(volunteerShift)
		.where(and(eq(volunteerShift.needId, need.id), eq(volunteerShift.status, 'scheduled'), gte(volunteerShift.startsAt, now)))
		.orderBy(volunteerShift.startsAt)
		.limit(1);
	const requirements = await needRequirements(db, need);
	if (!shift) return { need, shift: null, requirements, ranked: [], considered: 0 };
	const { rows, considered } = await topCandidates(db, need, shift, requirements, options.limit ?? 25, now);
	const names = await accountContacts(db, rows.map((r) => r.userId));
	const terms = { language: need.language, socialSpaceId: need.socialSpaceId, shift };
	return {
		need,
		shift,
		requirements,
		ranked: rows.map((r) => ({ ...rankedOf(terms, r), displayName: names.get(r.userId)?.displayName ?? '' })),
		considered
	};
}

/** `HH:MM` of minutes after midnight (`24:00` for 1440, later than any stored end). */
function clockText(minutes: number): string {
	return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Row of the matching query. */
type CandidateRow = {
	id: string;
	user_id: string;
	cap: number | null;
	spoken_language: string | null;
	spoken_level: string | null;
	same_space: boolean;
	same_district: boolean;
	available: boolean;
	activity: boolean;
	clash: boolean;
	invited: boolean;
	recent_minutes: number;
	month_minutes: number;
	missing: string[];
};

/**
 * The first `limit` volunteers of the need's municipality not paused on the shift's day, scored
 * and ordered in SQL, with the facts of their reasons; and how many were considered.
 */
async function topCandidates(db: DbOrTx, need: NeedRow, shift: ShiftRow, requirements: Requirement[], limit: number, now: Date): Promise<{ rows: (MatchFacts & { userId: string })[]; considered: number }> {
	const m = need.municipalityId;
	const slot = shiftSlot(shift.startsAt, shift.endsAt);
	const day = slot.day;
	const settings = await getSettings(db, m);
	const fairnessFrom = addDays(berlinDate(now), -settings.fairnessDays);
	const monthFrom = `${day.slice(0, 7)}-01`;
	const monthTo = addMonths(monthFrom, 1);
	const shiftHours = (shift.endsAt.getTime() - shift.startsAt.getTime()) / 3_600_000;
	const [space] = need.socialSpaceId ? await socialSpacePlaces(db, [need.socialSpaceId]) : [];
	const districtSpaces = space ? (await listSocialSpaces(db, { municipalityId: space.municipalityId, districtId: space.districtId })).map((s) => s.id) : [];

	const levelScore = (level: SQL) => sql`(case ${level} ${sql.join(
		Object.entries(MATCH_POINTS.level).map(([key, points]) => sql`when ${key} then ${sql.raw(String(points))}`),
		sql` `
	)} else 0 end)`;

	// The language that fits: the same tag first, else the same primary language at the best level.
	const language = need.language
		? sql`left join (
				select distinct on (l.profile_id) l.profile_id, l.language, l.level
				from ${volunteerLanguage} l
				where split_part(l.language, '-', 1) = ${need.language.split('-')[0]}
				order by l.profile_id, (l.language = ${need.language}) desc, ${levelScore(sql`l.level`)} desc, l.language
			) l on l.profile_id = p.id`
		: sql`left join (select null::uuid as profile_id, null::text as language, null::text as level) l on false`;
	const sameSpace = need.socialSpaceId ? sql`p.id in (select s.profile_id from ${volunteerSpace} s where s.social_space_id = ${need.socialSpaceId}::uuid)` : sql`false`;
	const sameDistrict = districtSpaces.length ? sql`p.id in (select s.profile_id from ${volunteerSpace} s where s.social_space_id = any(${`{${districtSpaces.join(',')}}`}::uuid[]))` : sql`false`;
	// A window covers the whole shift (a shift past midnight is covered by none; times are stored
	// as `HH:MM`, so they compare as text byte by byte): a single date
	// on the day; or a weekly pattern running on the day, on its weekday, in a week of its
	// interval counted from the Monday of its first day.
	const monday = addDays(day, 1 - slot.weekday);
	const available =
		slot.to < 0
			? sql`false`
			: sql`p.id in (
				select a.profile_id from ${volunteerAvailability} a
				where a.start_time <= ${clockText(slot.from)} collate "C" and a.end_time >= ${clockText(slot.to)} collate "C"
				and ((a.kind = 'date' and a.starts_on = ${day}::date)
					or (a.kind = 'weekly' and a.starts_on <= ${day}::date and (a.ends_on is null or a.ends_on >= ${day}::date) and ${slot.weekday}::int = any(a.weekdays)
						and (a.interval_weeks <= 1 or ((${monday}::date - (a.starts_on - (extract(isodow from a.starts_on)::int - 1))) / 7) % a.interval_weeks = 0))))`;
	// The overlapping shifts first (start index), then their confirmed volunteers (shift index).
	const clash = sql`p.id in (
		select a.profile_id from ${volunteerAssignment} a
		where a.status = 'confirmed' and a.shift_id = any(array(
			select s.id from ${volunteerShift} s
			where s.municipality_id = ${m}::uuid and s.id <> ${shift.id}::uuid
				and s.starts_at < ${shift.endsAt.toISOString()}::timestamptz and s.starts_at >= ${new Date(shift.startsAt.getTime() - MAX_SHIFT_MS).toISOString()}::timestamptz
				and s.ends_at > ${shift.startsAt.toISOString()}::timestamptz)))`;
	const invited = sql`p.id in (select i.profile_id from ${volunteerInvitation} i where i.need_id = ${need.id}::uuid and i.status in ('invited', 'accepted'))`;
	// A requirement is met by its check valid on the shift's day: a Führungszeugnis without a
	// catalogue offence and not due for renewal; any other check not expired (`satisfies` in checks.ts).
	const missing = requirements.length
		? sql`array_remove(array[${sql.join(
				requirements.map((r) => {
					const [kind, training] = r.startsWith('training:') ? ['training', r.slice('training:'.length)] : [r, null];
					const valid = kind === 'criminal_record' ? sql`c.no_catalogue_offence is true and c.valid_until >= ${day}::date` : sql`(c.valid_until is null or c.valid_until >= ${day}::date)`;
					return sql`case when p.id in (select c.profile_id from ${volunteerCheck} c where c.kind = ${kind} ${training === null ? sql`` : sql`and c.training = ${training}`} and ${valid}) then null else ${r} end`;
				}),
				sql`, `
			)}]::text[], null)`
		: sql`'{}'::text[]`;
	const notPaused = sql`not (p.paused_from is not null and p.paused_from <= ${day}::date and (p.paused_until is null or p.paused_until >= ${day}::date))`;

	// The facts once per candidate (`offset 0` keeps the subquery from being merged into the
	// outer query, which would evaluate them again in the sort key), then score, tier and order.
	const result = await db.execute<CandidateRow>(sql`
		select facts.*,
			${levelScore(sql`spoken_level`)}
			+ case when same_space then ${sql.raw(String(MATCH_POINTS.sameSpace))} when same_district then ${sql.raw(String(MATCH_POINTS.sameDistrict))} else 0 end
			+ case when available then ${sql.raw(String(MATCH_POINTS.available))} else 0 end
			+ case when activity then ${sql.raw(String(MATCH_POINTS.activity))} else 0 end
			+ case when clash then ${sql.raw(String(MATCH_POINTS.clash))} else 0 end as score,
			case when cap is not null and month_minutes::float8 / 60 + ${shiftHours}::float8 > cap then 2 when cardinality(missing) > 0 then 1 else 0 end as tier
		from (
			select p.id, p.user_id, p.cap_hours_per_month as cap, l.language as spoken_language, l.level as spoken_level,
				${sameSpace} as same_space, ${sameDistrict} as same_district, ${available} as available,
				${need.activity} = any(p.activities) as activity, ${clash} as clash, ${invited} as invited,
				coalesce(h.recent, 0)::int as recent_minutes, (coalesce(h.month, 0) + coalesce(u.minutes, 0))::int as month_minutes,
				${missing} as missing
			from ${volunteerProfile} p
			${language}
			left join (
				select profile_id,
					sum(minutes) filter (where worked_on >= ${fairnessFrom}::date) as recent,
					sum(minutes) filter (where worked_on >= ${monthFrom}::date and worked_on < ${monthTo}::date) as month
				from ${volunteerHours}
				where municipality_id = ${m}::uuid and status <> 'rejected' and worked_on >= ${fairnessFrom < monthFrom ? fairnessFrom : monthFrom}::date
				group by profile_id
			) h on h.profile_id = p.id
			left join (
				select a.profile_id, sum(extract(epoch from s.ends_at - s.starts_at) / 60)::int as minutes
				from ${volunteerAssignment} a join ${volunteerShift} s on s.id = a.shift_id
				where a.profile_id = any(array(select id from ${volunteerProfile} where municipality_id = ${m}::uuid and cap_hours_per_month is not null))
					and s.municipality_id = ${m}::uuid and a.status = 'confirmed' and s.starts_at >= ${now.toISOString()}::timestamptz
					and s.starts_at >= ${`${monthFrom}T00:00:00Z`}::timestamptz and s.starts_at < ${`${monthTo}T00:00:00Z`}::timestamptz
				group by a.profile_id
			) u on u.profile_id = p.id
			where p.municipality_id = ${m}::uuid and ${notPaused}
			offset 0
		) facts
		order by tier, score desc, recent_minutes, id
		limit ${limit}::int`);
	const rows = result.rows;
	const [count] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from ${volunteerProfile} p where p.municipality_id = ${m}::uuid and ${notPaused}`)).rows;
	return {
		considered: count?.n ?? 0,
		rows: rows.map((r) => ({
			profileId: r.id,
			userId: r.user_id,
			spoken: r.spoken_language && r.spoken_level ? { language: r.spoken_language, level: r.spoken_level } : null,
			place: r.same_space ? 'space' : r.same_district ? 'district' : null,
			available: r.available,
			activity: r.activity,
			clash: r.clash,
			recentHours: Number(r.recent_minutes) / 60,
			monthHours: Number(r.month_minutes) / 60,
			capHoursPerMonth: r.cap,
			missing: r.missing as Requirement[],
			invited: r.invited
		}))
	};
}
