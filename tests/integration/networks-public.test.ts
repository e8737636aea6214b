/**
 * What the public sees of Vernetzung (issue 14 §3, §5): a public network with its public actors
 * and meetings, a meeting with only its public items and the minutes and decisions of the latest
 * approved version (never a draft), and the Atom feed of public posts — parsed by
 * @rowanmanning/feed-parser, an independent parser. Internal networks, other municipalities'
 * records and malformed ids are not found.
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { NotFoundError } from '../../src/lib/server/core/errors';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { saveOrganization } from '../../src/lib/server/directory/service';
import { addAgendaItem, addDecision, changeMinutesState, createMeeting, reopenMinutes, saveItemMinutes, setMeetingState } from '../../src/lib/server/networks/meetings';
import { addMembership, createNetwork } from '../../src/lib/server/networks/networks';
import { postsFeedResponse, unsubscribeFromLink } from '../../src/lib/server/networks/pages/public';
import { createPost, dueDigests, mySubscription, subscribe } from '../../src/lib/server/networks/posts';
import { publicMeetingView, publicNetworkIds, publicNetworkView, publicNetworks } from '../../src/lib/server/networks/public';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { org } from '../helpers/directory';
import { buildWorld, type World } from '../helpers/world';

let h: DatabaseHandle;
let w: World;
const sys = systemPrincipal('test');
const now = new Date('2026-03-20T10:00:00Z');
const ids: Record<string, string> = {};
const ORIGIN = 'https://anlaufstelle.example.org';

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	ids.kita = (await saveOrganization(h.db, sys, w.ids.k, org({ name: 'Kita Regenbogen', actorType: 'kita' }))).id;
	ids.informal = (await saveOrganization(h.db, sys, w.ids.k, org({ name: 'Nachbarschaftskreis', actorType: 'volunteer_initiative', visibility: 'network' }))).id;
	const base = { municipalityId: w.ids.k, coordinatingInstanceId: w.ids.a, parentIds: [], themeFields: ['education'], level: 'local', socialSpaceIds: [w.ids.s1a] };
	ids.net = (await createNetwork(h.db, sys, { ...base, name: 'Stadtteilkonferenz Kalk', kind: 'district_conference', visibility: 'public' }, { now })).id;
	ids.hidden = (await createNetwork(h.db, sys, { ...base, name: 'Interner Arbeitskreis', kind: 'working_circle', visibility: 'internal' }, { now })).id;
	ids.other = (await createNetwork(h.db, sys, { ...base, municipalityId: w.ids.o, coordinatingInstanceId: w.ids.c, socialSpaceIds: [w.ids.so], name: 'Stadtteilkonferenz Beuel', kind: 'district_conference', visibility: 'public' }, { now })).id;
	await addMembership(h.db, sys, ids.net, { organizationId: ids.kita, role: 'member', startsOn: '2026-01-01' }, now);
	await addMembership(h.db, sys, ids.net, { organizationId: ids.informal, role: 'member', startsOn: '2026-01-01' }, now);
	ids.meeting = (await createMeeting(h.db, sys, ids.net, { name: '1. Stadtteilkonferenz 2026', startsAt: '2026-03-10T17:00', endsAt: '2026-03-10T19:00', placeText: 'Bürgerhaus Kalk' }, { now })).id;
	ids.item = (await addAgendaItem(h.db, sys, ids.meeting, { title: 'Hausaufgabenhilfe', isPublic: true }, now)).id;
	ids.internalItem = (await addAgendaItem(h.db, sys, ids.meeting, { title: 'Personalien', isPublic: false }, now)).id;
	await saveItemMinutes(h.db, sys, ids.item, 'Die Warteliste ist lang.', now);
	await saveItemMinutes(h.db, sys, ids.internalItem, 'Vertraulich besprochen.', now);
	await addDecision(h.db, sys, ids.item, { text: 'Der Bedarf wird gemeldet.', result: 'adopted', votesFor: '9', votesAgainst: '0', votesAbstain: '1' }, now);
	await setMeetingState(h.db, sys, ids.meeting, 'held', now);
	await changeMinutesState(h.db, sys, ids.meeting, 'circulated', now);
	await changeMinutesState(h.db, sys, ids.meeting, 'approved', now);
	// A new draft after approval: the public keeps seeing the approved version.
	await reopenMinutes(h.db, sys, ids.meeting, now);
	await saveItemMinutes(h.db, sys, ids.item, 'Entwurf einer Korrektur.', now);
	ids.hiddenMeeting = (await createMeeting(h.db, sys, ids.hidden, { name: 'Klausur', startsAt: '2026-03-11T17:00', endsAt: '2026-03-11T19:00', placeText: 'WP Kalk' }, { now })).id;
	const post = { municipalityId: w.ids.k, language: 'de', networkIds: [], socialSpaceIds: [], roles: [], languages: [] };
	ids.publicPost = (await createPost(h.db, w.who.admin, { ...post, direction: 'down', title: 'Neue Förderrichtlinie', body: 'Ab Mai gilt <die neue> Richtlinie & mehr.', isPublic: true }, { now })).id;
	ids.internalPost = (await createPost(h.db, w.who.admin, { ...post, direction: 'down', title: 'Nur intern', body: 'Interna.', isPublic: false }, { now })).id;
}, 60_000);

afterAll(async () => h.close());

describe(`public networks (${DB_KIND})`, () => {
	it('lists only public networks of the municipality', async () => {
		expect((await publicNetworks(h.db, w.ids.k)).map((n) => n.name)).toEqual(['Stadtteilkonferenz Kalk']);
		expect([...(await publicNetworkIds(h.db, [ids.net, ids.hidden, ids.other, 'not-a-uuid']))].sort()).toEqual([ids.net, ids.other].sort());
	});

	it('shows a public network with its public actors only, and its meetings', async () => {
		const v = await publicNetworkView(h.db, w.ids.k, ids.net);
		expect(v.actors.map((a) => a.name)).toEqual(['Kita Regenbogen']);
		expect(v.meetings.map((m) => m.id)).toEqual([ids.meeting]);
	});

	it('does not find internal networks, those of another municipality, or malformed ids', async () => {
		for (const id of [ids.hidden, ids.other, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) await expect(publicNetworkView(h.db, w.ids.k, id), id).rejects.toThrow(NotFoundError);
		for (const id of [ids.hiddenMeeting, 'x']) await expect(publicMeetingView(h.db, w.ids.k, id), id).rejects.toThrow(NotFoundError);
	});

	it("shows a meeting's public items with the approved minutes and decisions, never the draft or internal items", async () => {
		const v = await publicMeetingView(h.db, w.ids.k, ids.meeting);
		expect(v.approvedVersion).toBe(1);
		expect(v.items.map((i) => i.title)).toEqual(['Hausaufgabenhilfe']);
		expect(v.items[0].minutes).toBe('Die Warteliste ist lang.');
		expect(v.items[0].decisions.map((d) => [d.text, d.result, d.votesFor])).toEqual([['Der Bedarf wird gemeldet.', 'adopted', 9]]);
		expect(JSON.stringify(v)).not.toMatch(/Vertraulich|Personalien|Entwurf/);
	});
});

describe(`Atom feed of public posts (${DB_KIND})`, () => {
	it('is a valid Atom feed of the public posts only, read by an independent parser', async () => {
		const res = await postsFeedResponse(h.db, 'koeln', ORIGIN);
		expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
		const feed = parseFeed(await res.text());
		expect(feed.meta.type).toBe('atom');
		expect(feed.title).toBe('Köln: Vernetzung – Beiträge');
		expect(feed.url).toBe(`${ORIGIN}/de/m/koeln/networks/posts`);
		expect(feed.items.map((i) => [i.id, i.title])).toEqual([[`urn:uuid:${ids.publicPost}`, 'Neue Förderrichtlinie']]);
		expect(feed.items[0].content).toContain('Ab Mai gilt <die neue> Richtlinie & mehr.');
		expect(feed.items[0].published?.toISOString()).toBe(now.toISOString());
	});

	it('answers an unknown municipality with not found', async () => {
		await expect(postsFeedResponse(h.db, 'atlantis', ORIGIN)).rejects.toThrow(NotFoundError);
	});
});

describe(`digest unsubscribe link (${DB_KIND})`, () => {
	it('ends the subscription of its token once, and refuses unknown or malformed tokens', async () => {
		await subscribe(h.db, w.who.staffA, { intervalDays: 7, language: 'ar' }, now);
		const digest = (await dueDigests(h.db, new Date(Date.now() + 8 * 86_400_000), w.ids.k)).find((d) => d.email === w.who.staffA.email)!;
		expect(digest.language).toBe('ar');
		expect(await unsubscribeFromLink(h.db, 'not-a-token')).toBe(false);
		expect(await unsubscribeFromLink(h.db, 'A'.repeat(22))).toBe(false);
		expect(await mySubscription(h.db, w.who.staffA)).not.toBeNull();
		expect(await unsubscribeFromLink(h.db, digest.token)).toBe(true);
		expect(await mySubscription(h.db, w.who.staffA)).toBeNull();
		expect(await unsubscribeFromLink(h.db, digest.token)).toBe(false);
	});
});
