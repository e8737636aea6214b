/**
 * The network map and its figures (issue 14 §6):
 * - per social space, which of the model's local actor types (seed 002: Ehrenamtliche, Vereine,
 *   Kitas, JFE, Schulen, Beratungsstellen, Kirchengemeinden, Wohnungsgesellschaften,
 *   Migrantenorganisationen) take part in a local network working there, and which are missing;
 * - a graph of actors, networks and instances with their relations — recorded ones, memberships
 *   (actors sharing a network meet at its node), referrals of the instances to actors (casework)
 *   and offers held at another actor's place (directory) — drawn on the server as SVG, with a
 *   table of the same edges as its text version;
 * - per network: members, meetings per year, attendance rate, open and overdue action items;
 * - the actors in no network.
 *
 * The layout is deterministic and linear in the graph's size (rings: instances inside, networks,
 * then actors grouped by type in sectors), so the same data always gives the same picture and a
 * municipality of thousands of actors draws in well under a second (bench/networks.ts).
 * Aggregates of the municipality only: `networks:map` (administrators and instance staff).
 */
import { and, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import { authorize, type Principal } from '../access';
import { berlinDate } from '../casework/time';
import { referralPairs } from '../casework/networks-reads';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { hostedOfferPairs, networkActors, type NetworkActor } from '../directory/networks-reads';
import { listDistricts, listSocialSpaces } from '../geography/service';
import { listInstances } from '../instances/service';
import { MODEL_LOCAL_ACTOR_TYPES } from './model';
import { actionItem, actorRelation, attendance, meeting, network, networkMembership, networkSpace } from './schema';

/** Kinds of edges on the map: the recorded relation kinds and the derived ones. */
export type EdgeKind = 'cooperates' | 'member_of' | 'funds' | 'hosts_offers' | 'refers_to' | 'membership' | 'referrals' | 'hosted_offer';

/** A node of the map. `group`: the actor type, the network level, or `instance`. */
export interface MapNode {
	id: string;
	kind: 'actor' | 'network' | 'instance';
	label: string;
	group: string;
	x: number;
	y: number;
}

/** An edge of the map; `weight` counts referrals or hosted offers (1 otherwise). */
export interface MapEdge {
	from: string;
	to: string;
	kind: EdgeKind;
	weight: number;
}

/** The model's actor types present in and missing from the local networks of one social space. */
export interface SpaceCoverage {
	socialSpaceId: string;
	name: string;
	districtName: string;
	localNetworks: number;
	present: string[];
	missing: string[];
}

/** The figures of one network. */
export interface NetworkFigures {
	networkId: string;
	name: string;
	level: string;
	members: number;
	/** Meetings held in the last 365 days. */
	meetingsPerYear: number;
	/** Share of the actor members that attended the held meetings of the last 365 days (0–1), null without such meetings. */
	attendanceRate: number | null;
	openActions: number;
	overdueActions: number;
}

/** Everything the map page shows. */
export interface NetworkMap {
	nodes: MapNode[];
	edges: MapEdge[];
	svg: string;
	coverage: SpaceCoverage[];
	figures: NetworkFigures[];
	unnetworked: { id: string; name: string; actorType: string }[];
	actorCount: number;
}

/** The map's options: restrict to one social space (its actors and the networks working there). */
export interface MapOptions {
	socialSpaceId?: string;
	now?: Date;
}

/** Size of the SVG's square view box, in user units. */
const VIEW = 1000;

/** Edge colours and dash patterns per kind (the legend names them; colour is never the only cue). */
export const EDGE_STYLE: Record<EdgeKind, { stroke: string; dash: string }> = {
	cooperates: { stroke: '#1b5e20', dash: '' },
	member_of: { stroke: '#4a148c', dash: '6 3' },
	funds: { stroke: '#b71c1c', dash: '2 2' },
	hosts_offers: { stroke: '#0d47a1', dash: '8 2 2 2' },
	refers_to: { stroke: '#e65100', dash: '1 3' },
	membership: { stroke: '#757575', dash: '' },
	referrals: { stroke: '#bf360c', dash: '4 4' },
	hosted_offer: { stroke: '#01579b', dash: '10 4' }
};

const round = (n: number) => Math.round(n * 10) / 10;

/** Places nodes on rings: instances, networks, then actors in sectors by type. Deterministic. */
function layout(actors: NetworkActor[], networks: { id: string; name: string; level: string }[], instances: { id: string; name: string }[]): MapNode[] {
	const c = VIEW / 2;
	const ring = <T>(items: T[], radius: number, start = 0, span = Math.PI * 2) =>
		items.map((item, i) => {
			const a = start + (span * (i + 0.5)) / Math.max(items.length, 1) - Math.PI / 2;
			return { item, x: round(c + radius * Math.cos(a)), y: round(c + radius * Math.sin(a)) };
		});
	const nodes: MapNode[] = [];
	for (const p of ring(instances, instances.length > 1 ? 70 : 0)) nodes.push({ id: p.item.id, kind: 'instance', label: p.item.name, group: 'instance', x: p.x, y: p.y });
	for (const p of ring(networks, 190)) nodes.push({ id: p.item.id, kind: 'network', label: p.item.name, group: p.item.level, x: p.x, y: p.y });
	const byType = new Map<string, NetworkActor[]>();
	for (const a of actors) (byType.get(a.actorType) ?? byType.set(a.actorType, []).get(a.actorType)!).push(a);
	const types = [...byType.keys()].sort();
	const rings = Math.max(1, Math.ceil(actors.length / 360));
	let start = 0;
	for (const t of types) {
		const members = byType.get(t)!;
		const span = (Math.PI * 2 * members.length) / Math.max(actors.length, 1);
		members.forEach((a, i) => {
			const angle = start + (span * (i + 0.5)) / members.length - Math.PI / 2;
			const radius = 300 + ((i % rings) * 180) / rings;
			nodes.push({ id: a.id, kind: 'actor', label: a.name, group: t, x: round(c + radius * Math.cos(angle)), y: round(c + radius * Math.sin(angle)) });
		});
		start += span;
	}
	return nodes;
}

/** Escapes text for SVG/XML content and attributes. */
function xml(text: string): string {
	return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/** Largest graph whose nodes get their names as tooltips and labels in the SVG (beyond, the table names them). */
const LABEL_LIMIT = 80;

/**
 * The map as SVG: edges as one path per kind, nodes as one path per node kind (circles for
 * actors, squares for networks, diamonds for instances), accessible name and description from
 * `texts`; names as labels only for small graphs. Sized for the page by CSS (viewBox).
 */
export function drawMapSvg(nodes: MapNode[], edges: MapEdge[], texts: { title: string; description: string }): string {
	const at = new Map(nodes.map((n) => [n.id, n]));
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${VIEW} ${VIEW}" role="img" aria-labelledby="nw-map-title nw-map-desc" class="network-map">`,
		`<title id="nw-map-title">${xml(texts.title)}</title><desc id="nw-map-desc">${xml(texts.description)}</desc>`,
		'<rect width="100%" height="100%" fill="#fff"/>'
	];
	const byKind = new Map<EdgeKind, string[]>();
	for (const e of edges) {
		const a = at.get(e.from);
		const b = at.get(e.to);
		if (!a || !b) continue;
		(byKind.get(e.kind) ?? byKind.set(e.kind, []).get(e.kind)!).push(`M${a.x} ${a.y}L${b.x} ${b.y}`);
	}
	for (const [kind, segments] of byKind) {
		const s = EDGE_STYLE[kind];
		out.push(`<path d="${segments.join('')}" fill="none" stroke="${s.stroke}" stroke-width="${kind === 'membership' ? 0.6 : 1.2}" stroke-opacity="0.7"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
	}
	const shapes = { actor: [] as string[], network: [] as string[], instance: [] as string[] };
	for (const n of nodes) {
		if (n.kind === 'actor') shapes.actor.push(`M${round(n.x - 3)} ${n.y}a3 3 0 1 0 6 0a3 3 0 1 0 -6 0`);
		else if (n.kind === 'network') shapes.network.push(`M${round(n.x - 6)} ${round(n.y - 6)}h12v12h-12z`);
		else shapes.instance.push(`M${n.x} ${round(n.y - 9)}l9 9l-9 9l-9 -9z`);
	}
	out.push(`<path d="${shapes.actor.join('')}" fill="#37474f"/>`);
	out.push(`<path d="${shapes.network.join('')}" fill="#6a1b9a" stroke="#fff" stroke-width="1"/>`);
	out.push(`<path d="${shapes.instance.join('')}" fill="#e65100" stroke="#fff" stroke-width="1"/>`);
	if (nodes.length <= LABEL_LIMIT) {
		for (const n of nodes) out.push(`<text x="${n.x}" y="${round(n.y - 10)}" font-size="13" text-anchor="middle" fill="#212121">${xml(n.label.length > 40 ? `${n.label.slice(0, 39)}…` : n.label)}</text>`);
	}
	out.push('</svg>');
	return out.join('');
}

/**
 * The network map of a municipality (or of one social space of it) with its figures.
 * @param texts the SVG's accessible title and description (the page writes them in the reader's language).
 * @throws AccessDeniedError without `networks:map`.
 */
export async function networkMap(
	db: DbOrTx,
	principal: Principal,
	municipalityId: string,
	texts: (counts: { actors: number; networks: number; instances: number; edges: number }) => { title: string; description: string },
	options: MapOptions = {}
): Promise<NetworkMap> {
	authorize(principal, 'networks:map', { municipalityId });
	const now = options.now ?? new Date();
	const today = berlinDate(now);
	const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
	const space = options.socialSpaceId && isUuid(options.socialSpaceId) ? options.socialSpaceId : null;
	const [allActors, networks, spaceLinks, memberships, relations, referrals, hosted, instances, spaces, districts] = await Promise.all([
		networkActors(db, { municipalityId }),
		db.select({ id: network.id, name: network.name, level: network.level }).from(network).where(and(eq(network.municipalityId, municipalityId), isNull(network.dissolvedOn))),
		db.select({ networkId: networkSpace.networkId, socialSpaceId: networkSpace.socialSpaceId }).from(networkSpace).innerJoin(network, eq(network.id, networkSpace.networkId)).where(eq(network.municipalityId, municipalityId)),
		db
			.select({ networkId: networkMembership.networkId, organizationId: networkMembership.organizationId, userId: networkMembership.userId, personName: networkMembership.personName })
			.from(networkMembership)
			.innerJoin(network, eq(network.id, networkMembership.networkId))
			.where(and(eq(network.municipalityId, municipalityId), isNull(network.dissolvedOn), or(isNull(networkMembership.endsOn), gte(networkMembership.endsOn, today)))),
		db
			.select({ from: actorRelation.fromOrganizationId, to: actorRelation.toOrganizationId, kind: actorRelation.kind })
			.from(actorRelation)
			.where(and(eq(actorRelation.municipalityId, municipalityId), or(isNull(actorRelation.endsOn), gte(actorRelation.endsOn, today)))),
		referralPairs(db, municipalityId, { since: yearAgo }),
		hostedOfferPairs(db, municipalityId),
		listInstances(db, municipalityId),
		listSocialSpaces(db, { municipalityId }),
		listDistricts(db, municipalityId)
	]);
	const spacesOf = new Map<string, string[]>();
	for (const l of spaceLinks) (spacesOf.get(l.networkId) ?? spacesOf.set(l.networkId, []).get(l.networkId)!).push(l.socialSpaceId);
	const levelOf = new Map(networks.map((n) => [n.id, n.level]));
	const actorById = new Map(allActors.map((a) => [a.id, a]));

	// Per social space: actor types of the actor members of local networks working there.
	const present = new Map<string, Set<string>>();
	const localCount = new Map<string, number>();
	for (const [networkId, ids] of spacesOf) {
		if (levelOf.get(networkId) !== 'local') continue;
		for (const s of ids) localCount.set(s, (localCount.get(s) ?? 0) + 1);
	}
	for (const m of memberships) {
		if (!m.organizationId || levelOf.get(m.networkId) !== 'local') continue;
		const type = actorById.get(m.organizationId)?.actorType;
		if (!type) continue;
		for (const s of spacesOf.get(m.networkId) ?? []) (present.get(s) ?? present.set(s, new Set()).get(s)!).add(type);
	}
	const districtName = new Map(districts.map((d) => [d.id, d.name]));
	const coverage = spaces
		.filter((s) => !space || s.id === space)
		.map((s) => {
			const types = present.get(s.id) ?? new Set<string>();
			return {
				socialSpaceId: s.id,
				name: s.name,
				districtName: districtName.get(s.districtId) ?? '',
				localNetworks: localCount.get(s.id) ?? 0,
				present: MODEL_LOCAL_ACTOR_TYPES.filter((t) => types.has(t)),
				missing: MODEL_LOCAL_ACTOR_TYPES.filter((t) => !types.has(t))
			};
		});

	// The graph, restricted to one social space when asked.
	const shownNetworks = space ? networks.filter((n) => (spacesOf.get(n.id) ?? []).includes(space)) : networks;
	const shownNetworkIds = new Set(shownNetworks.map((n) => n.id));
	const actors = space ? allActors.filter((a) => a.socialSpaceIds.includes(space)) : allActors;
	const shownActorIds = new Set(actors.map((a) => a.id));
	const edges: MapEdge[] = [];
	for (const m of memberships) if (m.organizationId && shownActorIds.has(m.organizationId) && shownNetworkIds.has(m.networkId)) edges.push({ from: m.organizationId, to: m.networkId, kind: 'membership', weight: 1 });
	for (const r of relations) if (shownActorIds.has(r.from) && shownActorIds.has(r.to)) edges.push({ from: r.from, to: r.to, kind: r.kind as EdgeKind, weight: 1 });
	for (const h of hosted) if (shownActorIds.has(h.hostId) && shownActorIds.has(h.offeringId)) edges.push({ from: h.hostId, to: h.offeringId, kind: 'hosted_offer', weight: h.offers });
	const shownInstances = instances.filter((i) => referrals.some((r) => r.instanceId === i.id && shownActorIds.has(r.organizationId)));
	for (const r of referrals) if (shownActorIds.has(r.organizationId) && shownInstances.some((i) => i.id === r.instanceId)) edges.push({ from: r.instanceId, to: r.organizationId, kind: 'referrals', weight: r.referrals });
	// Actors with no edge stay off the picture (the table of actors in no network lists them).
	const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
	const graphActors = actors.filter((a) => linked.has(a.id));
	const nodes = layout(graphActors, shownNetworks, shownInstances);
	const svg = drawMapSvg(nodes, edges, texts({ actors: graphActors.length, networks: shownNetworks.length, instances: shownInstances.length, edges: edges.length }));

	const networked = new Set(memberships.map((m) => m.organizationId).filter((x): x is string => !!x));
	const unnetworked = actors.filter((a) => !networked.has(a.id)).map((a) => ({ id: a.id, name: a.name, actorType: a.actorType }));
	return { nodes, edges, svg, coverage, figures: await figuresOf(db, shownNetworks, memberships, now), unnetworked, actorCount: actors.length };
}

/** Members, meeting frequency, attendance rate and action items of networks (see `NetworkFigures`). */
async function figuresOf(
	db: DbOrTx,
	networks: { id: string; name: string; level: string }[],
	memberships: { networkId: string; organizationId: string | null; userId: string | null; personName: string | null }[],
	now: Date
): Promise<NetworkFigures[]> {
	if (!networks.length) return [];
	const ids = networks.map((n) => n.id);
	const today = berlinDate(now);
	const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
	const [held, present, actions] = await Promise.all([
		db
			.select({ networkId: meeting.networkId, n: sql<number>`count(*)::int` })
			.from(meeting)
			.where(and(inArray(meeting.networkId, ids), eq(meeting.state, 'held'), gte(meeting.startsAt, yearAgo)))
			.groupBy(meeting.networkId),
		db
			.select({ networkId: meeting.networkId, n: sql<number>`count(${attendance.organizationId})::int` })
			.from(attendance)
			.innerJoin(meeting, eq(meeting.id, attendance.meetingId))
			.where(and(inArray(meeting.networkId, ids), eq(meeting.state, 'held'), gte(meeting.startsAt, yearAgo)))
			.groupBy(meeting.networkId),
		db
			.select({
				networkId: actionItem.networkId,
				open: sql<number>`count(*) filter (where ${actionItem.doneAt} is null)::int`,
				overdue: sql<number>`count(*) filter (where ${actionItem.doneAt} is null and ${actionItem.dueOn} < ${today})::int`
			})
			.from(actionItem)
			.where(inArray(actionItem.networkId, ids))
			.groupBy(actionItem.networkId)
	]);
	return networks
		.map((n) => {
			const members = memberships.filter((m) => m.networkId === n.id);
			const actorMembers = members.filter((m) => m.organizationId).length;
			const meetings = Number(held.find((h) => h.networkId === n.id)?.n ?? 0);
			const attended = Number(present.find((p) => p.networkId === n.id)?.n ?? 0);
			const a = actions.find((x) => x.networkId === n.id);
			return {
				networkId: n.id,
				name: n.name,
				level: n.level,
				members: members.length,
				meetingsPerYear: meetings,
				attendanceRate: meetings && actorMembers ? Math.min(1, attended / (meetings * actorMembers)) : null,
				openActions: Number(a?.open ?? 0),
				overdueActions: Number(a?.overdue ?? 0)
			};
		})
		.sort((x, y) => x.name.localeCompare(y.name, 'de'));
}
