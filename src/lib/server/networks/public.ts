/**
 * What the public sees of Vernetzung (issue 14 §3, §5): public networks with their meetings, and
 * of each meeting only its public agenda items — with the minutes and decisions of its latest
 * approved version, never a draft — and the Atom feed of public posts (RFC 4287, made by the
 * `feed` package). No personal data: members are listed as actors (public ones) only.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { Feed } from 'feed';
import { NotFoundError } from '../core/errors';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { meetingPlacesById, networkActors, type MeetingPlace } from '../directory/networks-reads';
import type { Municipality } from '../geography/service';
import { publicPosts } from './posts';
import { agendaItem, meeting, minutesVersion, network, networkMembership, type MinutesSnapshot } from './schema';

/** The public networks of a municipality, by name. */
export function publicNetworks(db: DbOrTx, municipalityId: string) {
	return db
		.select({ id: network.id, name: network.name, kind: network.kind, level: network.level, description: network.description })
		.from(network)
		.where(and(eq(network.municipalityId, municipalityId), eq(network.visibility, 'public')))
		.orderBy(asc(network.name));
}

async function publicNetwork(db: DbOrTx, municipalityId: string, id: string) {
	const [row] = isUuid(id) ? await db.select().from(network).where(and(eq(network.id, id), eq(network.municipalityId, municipalityId), eq(network.visibility, 'public'))) : [];
	if (!row) throw new NotFoundError(`network ${id}`);
	return row;
}

/**
 * A public network with its public actor members and its meetings (newest first).
 * @throws NotFoundError (unknown, another municipality's, or not public).
 */
export async function publicNetworkView(db: DbOrTx, municipalityId: string, id: string) {
	const row = await publicNetwork(db, municipalityId, id);
	const [memberships, meetings] = await Promise.all([
		db.select({ organizationId: networkMembership.organizationId, role: networkMembership.role, endsOn: networkMembership.endsOn }).from(networkMembership).where(eq(networkMembership.networkId, row.id)),
		db.select({ id: meeting.id, name: meeting.name, startsAt: meeting.startsAt, state: meeting.state }).from(meeting).where(eq(meeting.networkId, row.id)).orderBy(desc(meeting.startsAt))
	]);
	const actors = (await networkActors(db, { ids: memberships.filter((m) => !m.endsOn).map((m) => m.organizationId).filter((x): x is string => !!x) })).filter((a) => a.visibility === 'public');
	return { network: row, actors: actors.map((a) => ({ id: a.id, name: a.name, actorType: a.actorType })), meetings };
}

/** A public meeting: its public items, and the minutes and decisions of the latest approved version. */
export interface PublicMeeting {
	network: { id: string; name: string };
	meeting: { id: string; name: string; startsAt: Date; endsAt: Date; state: string; placeText: string };
	place: MeetingPlace | null;
	approvedVersion: number | null;
	items: { id: string; position: number; title: string; minutes: string; decisions: MinutesSnapshot['items'][number]['decisions'] }[];
}

/**
 * A meeting of a public network as the public sees it.
 * @throws NotFoundError (unknown, or its network is not public or of another municipality).
 */
export async function publicMeetingView(db: DbOrTx, municipalityId: string, id: string): Promise<PublicMeeting> {
	const [row] = isUuid(id) ? await db.select().from(meeting).where(eq(meeting.id, id)) : [];
	if (!row) throw new NotFoundError(`meeting ${id}`);
	const net = await publicNetwork(db, municipalityId, row.networkId);
	const [items, [latest], places] = await Promise.all([
		db.select().from(agendaItem).where(and(eq(agendaItem.meetingId, row.id), eq(agendaItem.isPublic, true), eq(agendaItem.state, 'accepted'))).orderBy(asc(agendaItem.position)),
		db.select().from(minutesVersion).where(eq(minutesVersion.meetingId, row.id)).orderBy(desc(minutesVersion.version)).limit(1),
		row.locationId ? meetingPlacesById(db, [row.locationId]) : Promise.resolve([])
	]);
	const frozen = new Map((latest?.snapshot.items ?? []).filter((i) => i.isPublic).map((i) => [i.id, i]));
	return {
		network: { id: net.id, name: net.name },
		meeting: { id: row.id, name: row.name, startsAt: row.startsAt, endsAt: row.endsAt, state: row.state, placeText: row.placeText },
		place: places[0] ?? null,
		approvedVersion: latest?.version ?? null,
		items: items.map((i) => ({ id: i.id, position: i.position, title: frozen.get(i.id)?.title ?? i.title, minutes: frozen.get(i.id)?.minutes ?? '', decisions: frozen.get(i.id)?.decisions ?? [] }))
	};
}

/** Ids of public networks among `ids` (the archive links only those). */
export async function publicNetworkIds(db: DbOrTx, ids: string[]): Promise<Set<string>> {
	const valid = ids.filter(isUuid);
	if (!valid.length) return new Set();
	return new Set((await db.select({ id: network.id }).from(network).where(and(inArray(network.id, valid), eq(network.visibility, 'public')))).map((r) => r.id));
}

/**
 * The Atom feed (RFC 4287) of a municipality's public posts, newest first, at most 50: each entry
 * with a stable id (`urn:uuid:` of the post), its title, text, time and link to the archive.
 * @param origin the public address links start with.
 */
export async function postsFeed(db: DbOrTx, m: Municipality, origin: string): Promise<string> {
	const posts = await publicPosts(db, m.id);
	const archive = `${origin}/de/m/${m.slug}/networks/posts`;
	const feed = new Feed({
		id: `${origin}/api/networks/${m.slug}/posts.atom`,
		title: `${m.name}: Vernetzung – Beiträge`,
		link: archive,
		language: 'de',
		copyright: '',
		updated: posts[0]?.publishedAt ?? m.createdAt,
		feedLinks: { atom: `${origin}/api/networks/${m.slug}/posts.atom` },
		generator: 'anlaufstelle'
	});
	for (const p of posts) {
		feed.addItem({ id: `urn:uuid:${p.id}`, title: p.title, link: `${archive}#post-${p.id}`, description: p.body, content: p.body, date: p.updatedAt, published: p.publishedAt });
	}
	return feed.atom1();
}
