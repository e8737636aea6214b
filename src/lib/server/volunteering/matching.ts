/**
 * Matching (issue 13 §5): for a need's next shift, the volunteers of the municipality ranked
 * with the reasons for each rank — language and level, same social space or district,
 * availability, activity, requirements met — and fairness: fewer recent hours rank higher,
 * above the load cap ranks last with a warning, paused volunteers are left out
 * (`rankCandidates` in model.ts). The candidates are read in a fixed number of queries whatever
 * their number (bench/volunteering.ts: 10,000 volunteers).
 */
import { and, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { AccessDeniedError } from '../core/errors';
import type { Principal } from '../access';
import { accountContacts } from '../accounts/volunteering-reads';
import type { DbOrTx } from '../db/client';
import { socialSpacePlaces } from '../geography/casework-reads';
import { addDays, addMonths, berlinDate, isoWeekday, rankCandidates, type AvailabilityWindow, type Candidate, type Ranked, type Requirement } from './model';
import { requirementOf, satisfies } from './checks';
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
 * Ranks the municipality's volunteers for a need (coordinators only); the first `limit` with
 * their names.
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
	const candidates = await loadCandidates(db, need, shift, now);
	const [space] = need.socialSpaceId ? await socialSpacePlaces(db, [need.socialSpaceId]) : [];
	const ranked = rankCandidates({ activity: need.activity, language: need.language, socialSpaceId: need.socialSpaceId, districtId: space?.districtId ?? null, requirements, shift }, candidates).slice(0, options.limit ?? 25);
	const userIds = new Map(candidates.map((c) => [c.profileId, (c as Candidate & { userId: string }).userId]));
	const names = await accountContacts(db, ranked.map((r) => userIds.get(r.profileId)!));
	return {
		need,
		shift,
		requirements,
		ranked: ranked.map((r) => ({ ...r, displayName: names.get(userIds.get(r.profileId)!)?.displayName ?? '' })),
		considered: candidates.length
	};
}

/** Every volunteer of the need's municipality not paused on the shift's day, as a matching candidate for `shift`. */
async function loadCandidates(db: DbOrTx, need: NeedRow, shift: ShiftRow, now: Date): Promise<(Candidate & { userId: string })[]> {
	const m = need.municipalityId;
	const day = berlinDate(shift.startsAt);
	const settings = await getSettings(db, m);
	const fairnessFrom = addDays(berlinDate(now), -settings.fairnessDays);
	const monthFrom = `${day.slice(0, 7)}-01`;
	const monthTo = addMonths(monthFrom, 1);
	const inMunicipality = eq(volunteerProfile.municipalityId, m);
	// Paused people are left out here; languages and social spaces come as arrays with their
	// profile (one row per volunteer), and only windows of the shift's weekday or date are read.
	const notPaused = sql`not (${volunteerProfile.pausedFrom} is not null and ${volunteerProfile.pausedFrom} <= ${day} and (${volunteerProfile.pausedUntil} is null or ${volunteerProfile.pausedUntil} >= ${day}))`;
	const [profiles, windows, hours, upcoming, checks, invited, clashes] = await Promise.all([
		db
			.select({
				id: volunteerProfile.id,
				userId: volunteerProfile.userId,
				activities: volunteerProfile.activities,
				pausedFrom: volunteerProfile.pausedFrom,
				pausedUntil: volunteerProfile.pausedUntil,
				cap: volunteerProfile.capHoursPerMonth,
				languages: sql<string[]>`array(select ${volunteerLanguage.language} || ':' || ${volunteerLanguage.level} from ${volunteerLanguage} where ${volunteerLanguage.profileId} = ${volunteerProfile.id})`,
				spaces: sql<string[]>`array(select ${volunteerSpace.socialSpaceId}::text from ${volunteerSpace} where ${volunteerSpace.profileId} = ${volunteerProfile.id})`
			})
			.from(volunteerProfile)
			.where(and(inMunicipality, notPaused)),
		db
			.select({ profileId: volunteerAvailability.profileId, kind: volunteerAvailability.kind, weekdays: volunteerAvailability.weekdays, intervalWeeks: volunteerAvailability.intervalWeeks, startsOn: volunteerAvailability.startsOn, endsOn: volunteerAvailability.endsOn, startTime: volunteerAvailability.startTime, endTime: volunteerAvailability.endTime })
			.from(volunteerAvailability)
			.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerAvailability.profileId))
			.where(and(inMunicipality, sql`((${volunteerAvailability.kind} = 'weekly' and ${isoWeekday(day)}::int = any(${volunteerAvailability.weekdays})) or ${volunteerAvailability.startsOn} = ${day})`)),
		db
			.select({
				profileId: volunteerHours.profileId,
				recent: sql<number>`sum(case when ${volunteerHours.workedOn} >= ${fairnessFrom} then ${volunteerHours.minutes} else 0 end)::int`,
				month: sql<number>`sum(case when ${volunteerHours.workedOn} >= ${monthFrom} and ${volunteerHours.workedOn} < ${monthTo} then ${volunteerHours.minutes} else 0 end)::int`
			})
			.from(volunteerHours)
			.where(and(eq(volunteerHours.municipalityId, m), ne(volunteerHours.status, 'rejected'), gte(volunteerHours.workedOn, fairnessFrom < monthFrom ? fairnessFrom : monthFrom)))
			.groupBy(volunteerHours.profileId),
		db
			.select({ profileId: volunteerAssignment.profileId, minutes: sql<number>`sum(extract(epoch from ${volunteerShift.endsAt} - ${volunteerShift.startsAt}) / 60)::int` })
			.from(volunteerAssignment)
			.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
			.where(and(eq(volunteerShift.municipalityId, m), eq(volunteerAssignment.status, 'confirmed'), gte(volunteerShift.startsAt, now), lt(volunteerShift.startsAt, new Date(`${monthTo}T00:00:00Z`)), gte(volunteerShift.startsAt, new Date(`${monthFrom}T00:00:00Z`))))
			.groupBy(volunteerAssignment.profileId),
		db
			.select({ profileId: volunteerCheck.profileId, kind: volunteerCheck.kind, training: volunteerCheck.training, noCatalogueOffence: volunteerCheck.noCatalogueOffence, validUntil: volunteerCheck.validUntil })
			.from(volunteerCheck)
			.innerJoin(volunteerProfile, eq(volunteerProfile.id, volunteerCheck.profileId))
			.where(inMunicipality),
		db.select({ profileId: volunteerInvitation.profileId }).from(volunteerInvitation).where(and(eq(volunteerInvitation.needId, need.id), inArray(volunteerInvitation.status, ['invited', 'accepted']))),
		db
			.select({ profileId: volunteerAssignment.profileId })
			.from(volunteerAssignment)
			.innerJoin(volunteerShift, eq(volunteerShift.id, volunteerAssignment.shiftId))
			.where(and(eq(volunteerShift.municipalityId, m), eq(volunteerAssignment.status, 'confirmed'), lt(volunteerShift.startsAt, shift.endsAt), gte(volunteerShift.startsAt, new Date(shift.startsAt.getTime() - MAX_SHIFT_MS)), sql`${volunteerShift.endsAt} > ${shift.startsAt.toISOString()}::timestamptz`, ne(volunteerShift.id, shift.id)))
	]);
	const group = <T extends { profileId: string }>(rows: T[]) => {
		const map = new Map<string, T[]>();
		for (const r of rows) {
			const list = map.get(r.profileId);
			if (list) list.push(r);
			else map.set(r.profileId, [r]);
		}
		return map;
	};
	const byWindow = group(windows);
	const hoursBy = new Map(hours.map((h) => [h.profileId, h]));
	const upcomingBy = new Map(upcoming.map((u) => [u.profileId, Number(u.minutes)]));
	const met = new Map<string, Set<string>>();
	for (const c of checks) {
		if (!satisfies(c, day)) continue;
		const key = requirementOf(c);
		const set = met.get(c.profileId);
		if (set) set.add(key);
		else met.set(c.profileId, new Set([key]));
	}
	const invitedSet = new Set(invited.map((i) => i.profileId));
	const clashSet = new Set(clashes.map((c) => c.profileId));
	const spaceIds = [...new Set(profiles.flatMap((p) => p.spaces))];
	const districtOf = new Map((await socialSpacePlaces(db, spaceIds)).map((s) => [s.id, s.districtId]));
	return profiles.map((p) => {
		const h = hoursBy.get(p.id);
		return {
			profileId: p.id,
			userId: p.userId,
			displayName: '',
			languages: p.languages.map((l) => {
				const at = l.lastIndexOf(':');
				return { language: l.slice(0, at), level: l.slice(at + 1) };
			}),
			socialSpaceIds: p.spaces,
			districtIds: [...new Set(p.spaces.map((s) => districtOf.get(s)).filter((d): d is string => !!d))],
			activities: p.activities,
			windows: (byWindow.get(p.id) ?? []) as unknown as AvailabilityWindow[],
			pausedFrom: p.pausedFrom,
			pausedUntil: p.pausedUntil,
			capHoursPerMonth: p.cap,
			recentHours: (h?.recent ?? 0) / 60,
			monthHours: ((h?.month ?? 0) + (upcomingBy.get(p.id) ?? 0)) / 60,
			met: met.get(p.id) ?? new Set<string>(),
			invited: invitedSet.has(p.id),
			clash: clashSet.has(p.id)
		};
	});
}
