/**
 * The public pages of Vernetzung (issue 14 §3, §5), in the reader's language: the public
 * networks of a municipality, one public network with its public actors and meetings, a meeting
 * with only its public items (minutes and decisions of the latest approved version), and the
 * archive of public posts the Atom feed links to. No login; nothing personal.
 */
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import type { DbOrTx } from '../../db/client';
import { publicPosts } from '../posts';
import { publicMeetingView, publicNetworks, publicNetworkView } from '../public';
import { shapePost } from './posts';

/** The public networks of a municipality, with their kinds and levels in the reader's language. */
export async function publicNetworksPage(db: DbOrTx, municipalityId: string) {
	const rows = await publicNetworks(db, municipalityId);
	return { networks: rows.map((n) => ({ ...n, kindLabel: msg(`nw_kind_${n.kind}`), levelLabel: msg(`nw_level_${n.level}`) })) };
}

/** One public network: its public actor members and its meetings. @throws NotFoundError (unknown, not public, another municipality's). */
export async function publicNetworkPage(db: DbOrTx, municipalityId: string, id: string, locale: string) {
	const view = await publicNetworkView(db, municipalityId, id);
	return {
		network: { id: view.network.id, name: view.network.name, description: view.network.description, kindLabel: msg(`nw_kind_${view.network.kind}`), levelLabel: msg(`nw_level_${view.network.level}`) },
		actors: view.actors.map((a) => ({ ...a, typeLabel: msg(`actor_type_${a.actorType}`) })),
		meetings: view.meetings.map((x) => ({ id: x.id, name: x.name, when: formatDateTime(x.startsAt, locale), stateLabel: msg(`nw_meeting_${x.state}`) }))
	};
}

/** A meeting of a public network with its public items only. @throws NotFoundError. */
export async function publicMeetingPage(db: DbOrTx, municipalityId: string, id: string, locale: string) {
	const view = await publicMeetingView(db, municipalityId, id);
	return {
		network: view.network,
		meeting: { id: view.meeting.id, name: view.meeting.name, when: formatDateTime(view.meeting.startsAt, locale), stateLabel: msg(`nw_meeting_${view.meeting.state}`) },
		place: view.place
			? { label: [view.place.organizationName, view.place.name, view.place.street, [view.place.postalCode, view.place.city].filter(Boolean).join(' ')].filter(Boolean).join(', '), accessibility: view.place.accessibility.map((a) => msg(`access_${a}`)), stepFree: view.place.accessibility.includes('step_free') }
			: { label: view.meeting.placeText, accessibility: [] as string[], stepFree: false },
		approvedVersion: view.approvedVersion,
		items: view.items.map((i) => ({ ...i, decisions: i.decisions.map((d) => ({ ...d, resultLabel: msg(`nw_result_${d.result}`) })) }))
	};
}

/** The archive of a municipality's public posts (the feed's entries link here). */
export async function publicPostsPage(db: DbOrTx, municipalityId: string, locale: string) {
	return { posts: (await publicPosts(db, municipalityId)).map((p) => shapePost(p, locale)) };
}
