/**
 * What steering's dashboards read of Vernetzung (issue 14 §6: "these figures join the steering
 * dashboards"): counts of a municipality's networks by level, their meetings and action items,
 * the actors in no network, and the social spaces whose local networks miss actor types of the
 * model. Counts only; the steering page that shows them authorises (`steering:view`).
 */
import { and, eq, gte, isNull, or, sql } from 'drizzle-orm';
import { berlinDate } from '../casework/time';
import type { DbOrTx } from '../db/client';
import { networkActors } from '../directory/networks-reads';
import { listSocialSpaces } from '../geography/service';
import { MODEL_LOCAL_ACTOR_TYPES } from './model';
import { actionItem, escalation, meeting, network, networkMembership, networkSpace } from './schema';

/** The networks' figures of one municipality for the steering dashboard. */
export interface NetworkDashboardFigures {
	/** Active networks per level key. */
	networksByLevel: Record<string, number>;
	/** Meetings held in the last 365 days. */
	meetingsHeld: number;
	openActions: number;
	overdueActions: number;
	/** Escalations to needs reports and agenda proposals, in all. */
	escalations: number;
	actors: number;
	actorsInNoNetwork: number;
	/** Social spaces with at least one local network, and those whose local networks miss at least one model actor type. */
	spacesWithLocalNetwork: number;
	spacesMissingTypes: number;
	spaces: number;
}

/** The figures at `now` (see `NetworkDashboardFigures`). */
export async function networkDashboardFigures(db: DbOrTx, municipalityId: string, now: Date = new Date()): Promise<NetworkDashboardFigures> {
	const today = berlinDate(now);
	const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
	const [levels, [held], [actions], [esc], actors, members, spaces, localSpaces] = await Promise.all([
		db.select({ level: network.level, n: sql<number>`count(*)::int` }).from(network).where(and(eq(network.municipalityId, municipalityId), isNull(network.dissolvedOn))).groupBy(network.level),
		db.select({ n: sql<number>`count(*)::int` }).from(meeting).innerJoin(network, eq(network.id, meeting.networkId)).where(and(eq(network.municipalityId, municipalityId), eq(meeting.state, 'held'), gte(meeting.startsAt, yearAgo))),
		db
			.select({ open: sql<number>`count(*) filter (where ${actionItem.doneAt} is null)::int`, overdue: sql<number>`count(*) filter (where ${actionItem.doneAt} is null and ${actionItem.dueOn} < ${today})::int` })
			.from(actionItem)
			.innerJoin(network, eq(network.id, actionItem.networkId))
			.where(eq(network.municipalityId, municipalityId)),
		db.select({ n: sql<number>`count(*)::int` }).from(escalation).innerJoin(network, eq(network.id, escalation.networkId)).where(eq(network.municipalityId, municipalityId)),
		networkActors(db, { municipalityId }),
		db
			.select({ organizationId: networkMembership.organizationId, networkId: networkMembership.networkId, level: network.level })
			.from(networkMembership)
			.innerJoin(network, eq(network.id, networkMembership.networkId))
			.where(and(eq(network.municipalityId, municipalityId), isNull(network.dissolvedOn), or(isNull(networkMembership.endsOn), gte(networkMembership.endsOn, today)))),
		listSocialSpaces(db, { municipalityId }),
		db.select({ networkId: networkSpace.networkId, socialSpaceId: networkSpace.socialSpaceId }).from(networkSpace).innerJoin(network, eq(network.id, networkSpace.networkId)).where(and(eq(network.municipalityId, municipalityId), eq(network.level, 'local'), isNull(network.dissolvedOn)))
	]);
	const typeOf = new Map(actors.map((a) => [a.id, a.actorType]));
	const networked = new Set(members.map((m) => m.organizationId).filter((x): x is string => !!x));
	const typesOfNetwork = new Map<string, Set<string>>();
	for (const m of members) if (m.organizationId && typeOf.has(m.organizationId)) (typesOfNetwork.get(m.networkId) ?? typesOfNetwork.set(m.networkId, new Set()).get(m.networkId)!).add(typeOf.get(m.organizationId)!);
	const typesOfSpace = new Map<string, Set<string>>();
	for (const l of localSpaces) {
		const set = typesOfSpace.get(l.socialSpaceId) ?? typesOfSpace.set(l.socialSpaceId, new Set()).get(l.socialSpaceId)!;
		for (const t of typesOfNetwork.get(l.networkId) ?? []) set.add(t);
	}
	return {
		networksByLevel: Object.fromEntries(levels.map((l) => [l.level, Number(l.n)])),
		meetingsHeld: Number(held?.n ?? 0),
		openActions: Number(actions?.open ?? 0),
		overdueActions: Number(actions?.overdue ?? 0),
		escalations: Number(esc?.n ?? 0),
		actors: actors.length,
		actorsInNoNetwork: actors.filter((a) => !networked.has(a.id)).length,
		spacesWithLocalNetwork: typesOfSpace.size,
		spacesMissingTypes: [...typesOfSpace.values()].filter((types) => MODEL_LOCAL_ACTOR_TYPES.some((t) => !types.has(t))).length,
		spaces: spaces.length
	};
}
