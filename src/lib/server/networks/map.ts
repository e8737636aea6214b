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
 * municipality of thousands of actors draws in well under a second (bench/networks.ts). A map of
 * more than `SINGLE_ACTOR_LIMIT` actors (a whole city) draws them per social space instead —
 * one circle per social space sized by its actors, the edges between them summed, the strongest
 * `SUMMED_EDGE_LIMIT` lines drawn — so that it stays light enough for a phone; choosing a social
 * space draws its actors one by one.
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

/**
 * A node of the map. `group`: the actor type, the network level, `instance`, or `space` for the
 * actors of one social space drawn as one node (`id` `space:<id>`, or `space:none` for actors
 * without one; `count` actors).
 */
export interface MapNode {
	id: string;
	kind: 'actor' | 'network' | 'instance' | 'space';
	label: string;
	group: string;
	x: number;
	y: number;
	count?: number;
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
	/**
	 * Set when the SVG draws the actors per social space (`nodes` then hold `space` nodes; `edges`
	 * stay the single edges): how many summed lines there are and how many of them are drawn.
	 */
	aggregated: { lines: number; drawn: number } | null;
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

/** Most actors a map draws one by one; a larger map draws them per social space. */
export const SINGLE_ACTOR_LIMIT = 300;

/** Coordinates are whole user units: a thousandth of the picture is finer than a phone shows. */
const round = (n: number) => Math.round(n);
const CENTRE = VIEW / 2;

/** Places `items` evenly on a circle of `radius` around the centre, from the top. */
function ring<T>(items: T[], radius: number): { item: T; x: number; y: number }[] {
	return items.map((item, i) => {
		const a = (Math.PI * 2 * (i + 0.5)) / Math.max(items.length, 1) - Math.PI / 2;
		return { item, x: round(CENTRE + radius * Math.cos(a)), y: round(CENTRE + radius * Math.sin(a)) };
	});
}

/** The inner rings: instances, then networks. */
function innerNodes(networks: { id: string; name: string; level: string }[], instances: { id: string; name: string }[]): MapNode[] {
	const nodes: MapNode[] = [];
	for (const p of ring(instances, instances.length > 1 ? 70 : 0)) nodes.push({ id: p.item.id, kind: 'instance', label: p.item.name, group: 'instance', x: p.x, y: p.y });
	for (const p of ring(networks, 190)) nodes.push({ id: p.item.id, kind: 'network', label: p.item.name, group: p.item.level, x: p.x, y: p.y });
	return nodes;
}

/** Places nodes on rings: instances, networks, then actors in sectors by type. Deterministic. */
function layout(actors: NetworkActor[], networks: { id: string; name: string; level: string }[], instances: { id: string; name: string }[]): MapNode[] {
	const c = CENTRE;
	const nodes = innerNodes(networks, instances);
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

/** Largest graph whose nodes get their names as labels in the SVG (beyond, the table names them). */
const LABEL_LIMIT = 80;

/** Radius of the ring of social spaces at city scale. */
const SPACE_RING = 400;

/** Most summed lines a city-scale picture draws (the strongest; the page says how many of all). */
export const SUMMED_EDGE_LIMIT = 500;

/**
 * The city-scale picture: each actor counted in its first social space by name (or in
 * `space:none`), one node per social space on the outer ring, and the edges between different
 * nodes summed per kind and pair (a line shows no direction, so both directions add up); of
 * those lines the `SUMMED_EDGE_LIMIT` strongest are drawn. Edges within one social space are not
 * drawn; the table lists them.
 */
function aggregate(
	actors: NetworkActor[],
	edges: MapEdge[],
	networks: { id: string; name: string; level: string }[],
	instances: { id: string; name: string }[],
	spaces: { id: string; name: string }[],
	noSpace: string
): { nodes: MapNode[]; edges: MapEdge[]; lines: number } {
	const spaceName = new Map(spaces.map((s) => [s.id, s.name]));
	const groupOf = new Map<string, string>();
	const count = new Map<string, number>();
	for (const a of actors) {
		const [first] = a.socialSpaceIds.filter((id) => spaceName.has(id)).sort((x, y) => spaceName.get(x)!.localeCompare(spaceName.get(y)!, 'de') || (x < y ? -1 : 1));
		const g = `space:${first ?? 'none'}`;
		groupOf.set(a.id, g);
		count.set(g, (count.get(g) ?? 0) + 1);
	}
	const groups = [...count.keys()].map((id) => ({ id, name: id === 'space:none' ? noSpace : spaceName.get(id.slice(6))! })).sort((x, y) => x.name.localeCompare(y.name, 'de'));
	const nodes = innerNodes(networks, instances);
	for (const p of ring(groups, SPACE_RING)) nodes.push({ id: p.item.id, kind: 'space', label: p.item.name, group: 'space', x: p.x, y: p.y, count: count.get(p.item.id) });
	const summed = new Map<string, MapEdge>();
	for (const e of edges) {
		const [from, to] = [groupOf.get(e.from) ?? e.from, groupOf.get(e.to) ?? e.to].sort();
		if (from === to) continue;
		const key = `${from} ${to} ${e.kind}`;
		const s = summed.get(key);
		if (s) s.weight += e.weight;
		else summed.set(key, { from, to, kind: e.kind, weight: e.weight });
	}
	const strongest = [...summed.entries()]
		.sort(([k1, a], [k2, b]) => b.weight - a.weight || (k1 < k2 ? -1 : 1))
		.slice(0, SUMMED_EDGE_LIMIT)
		.map(([, e]) => e);
	return { nodes, edges: strongest, lines: summed.size };
}

/** Stroke width of an edge by its weight (referrals, offers, or edges summed per social space): three steps. */
function edgeWidth(kind: EdgeKind, weight: number): number {
	const base = kind === 'membership' ? 0.6 : 1.2;
	return weight >= 10 ? base * 3 : weight > 1 ? base * 2 : base;
}

/**
 * The map as SVG: edges as one path per kind and stroke width, actors as round dots of one path
 * (zero-length strokes with round caps), networks as squares the same way, instances as
 * diamonds, social spaces (city scale) as circles sized by their actors; accessible name and
 * description from `texts`; names as labels only for small graphs. Sized for the page by CSS
 * (viewBox).
 */
export function drawMapSvg(nodes: MapNode[], edges: MapEdge[], texts: { title: string; description: string }): string {
	const at = new Map(nodes.map((n) => [n.id, n]));
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${VIEW} ${VIEW}" role="img" aria-labelledby="nw-map-title nw-map-desc" class="network-map">`,
		`<title id="nw-map-title">${xml(texts.title)}</title><desc id="nw-map-desc">${xml(texts.description)}</desc>`,
		'<rect width="100%" height="100%" fill="#fff"/>'
	];
	const paths = new Map<string, { kind: EdgeKind; width: number; d: string[] }>();
	for (const e of edges) {
		const a = at.get(e.from);
		const b = at.get(e.to);
		if (!a || !b) continue;
		const width = edgeWidth(e.kind, e.weight);
		const key = `${e.kind} ${width}`;
		(paths.get(key) ?? paths.set(key, { kind: e.kind, width, d: [] }).get(key)!).d.push(`M${a.x} ${a.y}L${b.x} ${b.y}`);
	}
	for (const { kind, width, d } of paths.values()) {
		const s = EDGE_STYLE[kind];
		out.push(`<path d="${d.join('')}" fill="none" stroke="${s.stroke}" stroke-width="${Math.round(width * 10) / 10}" stroke-opacity="0.7"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
	}
	const dots = (kind: MapNode['kind']) =>
		nodes
			.filter((n) => n.kind === kind)
			.map((n) => `M${n.x} ${n.y}h0`)
			.join('');
	const spaces = nodes.filter((n) => n.kind === 'space');
	// A social space's circle grows with its actors, but never into its neighbours on the ring.
	const widest = Math.max(3, Math.min(30, Math.floor((Math.PI * SPACE_RING) / Math.max(spaces.length, 1)) - 2));
	const radius = (n: MapNode) => Math.min(widest, Math.round(4 + 2 * Math.sqrt(n.count ?? 1)));
	if (spaces.length) out.push(`<g fill="#37474f" fill-opacity="0.85">${spaces.map((n) => `<circle cx="${n.x}" cy="${n.y}" r="${radius(n)}"/>`).join('')}</g>`);
	const actors = dots('actor');
	if (actors) out.push(`<path d="${actors}" stroke="#37474f" stroke-width="6" stroke-linecap="round"/>`);
	const networks = dots('network');
	if (networks) out.push(`<path d="${networks}" stroke="#6a1b9a" stroke-width="12" stroke-linecap="square"/>`);
	const instances = nodes.filter((n) => n.kind === 'instance');
	if (instances.length) out.push(`<path d="${instances.map((n) => `M${n.x} ${n.y - 9}l9 9l-9 9l-9 -9z`).join('')}" fill="#e65100" stroke="#fff" stroke-width="1"/>`);
	if (nodes.length <= LABEL_LIMIT) {
		for (const n of nodes) out.push(`<text x="${n.x}" y="${n.y - (n.kind === 'space' ? radius(n) + 4 : 10)}" font-size="13" text-anchor="middle" fill="#212121">${xml(n.label.length > 40 ? `${n.label.slice(0, 39)}…` : n.label)}</text>`);
	}
	out.push('</svg>');
	return out.join('');
}

/**
 * The network map of a municipality (or of one social space of it) with its figures.
 * @param texts the SVG's accessible title and description, and the name of the node of actors
 *   without a social space at city scale (the page writes them in the reader's language).
 * @throws AccessDeniedError without `networks:map`.
 */
export async function networkMap(
	db: DbOrTx,
	principal: Principal,
	municipalityId: string,
	texts: (counts: { actors: number; networks: number; instances: number; edges: number }) => { title: string; description: string; noSpace?: string },
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
	const words = texts({ actors: graphActors.length, networks: shownNetworks.length, instances: shownInstances.length, edges: edges.length });
	const summed = !space && graphActors.length > SINGLE_ACTOR_LIMIT ? aggregate(graphActors, edges, shownNetworks, shownInstances, spaces, words.noSpace ?? '') : null;
	const drawn = summed ?? { nodes: layout(graphActors, shownNetworks, shownInstances), edges };
	const svg = drawMapSvg(drawn.nodes, drawn.edges, words);
	const aggregated = summed ? { lines: summed.lines, drawn: summed.edges.length } : null;

	const networked = new Set(memberships.map((m) => m.organizationId).filter((x): x is string => !!x));
	const unnetworked = actors.filter((a) => !networked.has(a.id)).map((a) => ({ id: a.id, name: a.name, actorType: a.actorType }));
	return { nodes: drawn.nodes, edges, svg, coverage, figures: await figuresOf(db, shownNetworks, memberships, now), unnetworked, actorCount: actors.length, aggregated };
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
