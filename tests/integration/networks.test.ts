/**
 * Vernetzung (issue 14) on the world fixture: networks with the overlap warning, memberships,
 * meetings with agenda, attendance, minutes versions, decisions and carried-over action items,
 * escalation up to steering's needs reports and city-wide bodies (and the answer coming back
 * down), posts and digests, the invitation's iCalendar part (parsed by ical.js), the network map
 * — and every bad-input path the services handle, each refused naming the field with nothing
 * written.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import { AccessDeniedError, ConflictError, NotFoundError } from '../../src/lib/server/core/errors';
import { issuesOf } from '../helpers/errors';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { saveOrganization } from '../../src/lib/server/directory/service';
import { escalateToAgenda, escalateToNeedsReport, escalationsOf } from '../../src/lib/server/networks/escalations';
import { digestMail, invitationMail, meetingCalendar, runDigests } from '../../src/lib/server/networks/mails';
import { networkMap } from '../../src/lib/server/networks/map';
import {
	actionItemsAt,
	addActionItem,
	addAgendaItem,
	addDecision,
	changeAgendaItem,
	changeMinutesState,
	createMeeting,
	getMeeting,
	getMinutesVersion,
	proposeAgendaItem,
	recordAttendance,
	reopenMinutes,
	saveItemMinutes,
	setActionItemDone,
	setMeetingState
} from '../../src/lib/server/networks/meetings';
import { addMembership, createNetwork, endMembership, findOverlappingNetworks, listNetworks, membershipsOf, updateNetwork, type NetworkInput } from '../../src/lib/server/networks/networks';
import { createPost, dueDigests, postsFor, subscribe, unsubscribeByToken } from '../../src/lib/server/networks/posts';
import { createRelation } from '../../src/lib/server/networks/relations';
import { changeNeedsStatus, respondToNeedsReport } from '../../src/lib/server/steering/needs';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';
import { org } from '../helpers/directory';
import { buildWorld, type World } from '../helpers/world';

let h: DatabaseHandle;
let w: World;
const sys = systemPrincipal('test');
const T0 = new Date('2026-03-02T09:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

/** The issues of the ValidationError thrown by `work`. */
const refused = (work: () => Promise<unknown>) => issuesOf(work());

const local = (overrides: Partial<NetworkInput> = {}): NetworkInput => ({
	municipalityId: w.ids.k,
	name: 'Stadtteilkonferenz Kalk',
	kind: 'district_conference',
	level: 'local',
	coordinatingInstanceId: w.ids.a,
	socialSpaceIds: [w.ids.s1a],
	parentIds: [],
	themeFields: ['education'],
	visibility: 'internal',
	...overrides
});

let net: string;
let kita: string;
let school: string;
let memberB: string;
let external: string;
let consenting: string;
let city: string;

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	kita = (await saveOrganization(h.db, sys, w.ids.k, org({ name: 'Kita Regenbogen', actorType: 'kita', socialSpaceIds: [w.ids.s1a] }))).id;
	school = (await saveOrganization(h.db, sys, w.ids.k, org({ name: 'Grundschule Kalk', actorType: 'school', socialSpaceIds: [w.ids.s1a], email: 'schule@example.org' }))).id;
	net = (await createNetwork(h.db, w.who.staffA, local(), { now: T0 })).id;
	await addMembership(h.db, w.who.staffA, net, { organizationId: kita, role: 'member', startsOn: '2026-01-01' }, T0);
	await addMembership(h.db, w.who.staffA, net, { organizationId: school, role: 'chair', startsOn: '2026-01-01' }, T0);
	memberB = (await addMembership(h.db, w.who.staffA, net, { userId: w.who.staffB.userId, consentOn: '2026-01-10', role: 'member', startsOn: '2026-01-01' }, T0)).id;
	external = (await addMembership(h.db, w.who.staffA, net, { person: { name: 'Maria Muster', email: 'maria@example.org', consentOn: '2026-02-01' }, role: 'guest', startsOn: '2026-02-01' }, T0)).id;
	consenting = (await addMembership(h.db, w.who.staffA, net, { person: { name: 'Ali Beispiel', email: '', consentOn: '2026-02-01' }, publicationConsent: true, role: 'member', startsOn: '2026-02-01' }, T0)).id;
	city = (await createNetwork(h.db, w.who.admin, { ...local(), name: 'Koordinierungskreis Integration', kind: 'committee', level: 'city', coordinatingInstanceId: null, socialSpaceIds: [], visibility: 'public' }, { now: T0 })).id;
}, 60_000);

afterAll(async () => h.close());

describe(`networks and memberships (${DB_KIND})`, () => {
	it('shows the existing networks that overlap a planned one: same social space and theme field', async () => {
		const overlaps = await findOverlappingNetworks(h.db, w.who.staffA, { municipalityId: w.ids.k, level: 'local', socialSpaceIds: [w.ids.s1a, w.ids.s1b], themeFields: ['education', 'labour'] }, T0);
		expect(overlaps.map((n) => n.id)).toEqual([net]);
		expect(overlaps[0].sharedSpaceIds).toEqual([w.ids.s1a]);
		expect(overlaps[0].sharedFields).toEqual(['education']);
		expect(await findOverlappingNetworks(h.db, w.who.staffA, { municipalityId: w.ids.k, level: 'local', socialSpaceIds: [w.ids.s2a], themeFields: ['education'] }, T0)).toEqual([]);
		const cityOverlap = await findOverlappingNetworks(h.db, w.who.admin, { municipalityId: w.ids.k, level: 'city', socialSpaceIds: [], themeFields: ['education'] }, T0);
		expect(cityOverlap.map((n) => n.id)).toEqual([city]);
	});

	it('keeps internal networks from people who are neither staff nor members', async () => {
		expect((await listNetworks(h.db, w.who.partner, w.ids.k, T0)).map((n) => n.id)).toEqual([city]);
		expect((await listNetworks(h.db, null, w.ids.k, T0)).map((n) => n.id)).toEqual([city]);
		expect((await listNetworks(h.db, w.who.staffB, w.ids.k, T0)).map((n) => n.id).sort()).toEqual([net, city].sort());
		expect(await listNetworks(h.db, w.who.adminOther, w.ids.k, T0)).toEqual([city].map((id) => expect.objectContaining({ id })));
	});

	it('lets only the coordinating instance or the administrators make and change a network', async () => {
		await expect(createNetwork(h.db, w.who.staffB, local())).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(createNetwork(h.db, w.who.partner, local({ coordinatingInstanceId: null }))).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(createNetwork(h.db, w.who.adminOther, local())).rejects.toBeInstanceOf(AccessDeniedError);
		await expect(updateNetwork(h.db, w.who.staffB, net, local())).rejects.toBeInstanceOf(AccessDeniedError);
		// Handing a network to another instance needs the right on that one too.
		await expect(updateNetwork(h.db, w.who.staffA, net, local({ coordinatingInstanceId: w.ids.b }))).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('refuses bad network input naming each field, and writes nothing', async () => {
		const before = await countRows(h, 'network');
		expect(await refused(() => createNetwork(h.db, w.who.staffA, local({ kind: 'temporary_group', occasion: '', endsOn: null })))).toEqual([
			{ field: 'occasion', code: 'nw_occasion_required' },
			{ field: 'endsOn', code: 'nw_end_required' }
		]);
		expect(await refused(() => createNetwork(h.db, w.who.staffA, local({ socialSpaceIds: [] })))).toEqual([{ field: 'socialSpaceIds', code: 'nw_space_required' }]);
		expect(await refused(() => createNetwork(h.db, w.who.staffA, local({ socialSpaceIds: [w.ids.so] })))).toEqual([{ field: 'socialSpaceIds', code: 'nw_space_other_municipality' }]);
		expect(await refused(() => createNetwork(h.db, w.who.admin, local({ level: 'city' })))).toEqual([{ field: 'socialSpaceIds', code: 'nw_spaces_local_only' }]);
		expect(await refused(() => createNetwork(h.db, w.who.staffA, local({ name: ' ', kind: 'club', level: 'planet', visibility: 'secret', themeFields: ['sports'] })))).toEqual([
			{ field: 'name', code: 'required' },
			{ field: 'kind', code: 'nw_unknown_kind', params: { value: 'club' } },
			{ field: 'level', code: 'nw_unknown_level', params: { value: 'planet' } },
			{ field: 'visibility', code: 'nw_unknown_visibility' },
			{ field: 'themeFields', code: 'nw_unknown_theme_field', params: { value: 'sports' } }
		]);
		expect(await refused(() => createNetwork(h.db, w.who.staffA, local({ name: 'x'.repeat(201), parentIds: ['not-a-network'], endsOn: '2026-02-30' })))).toEqual([
			{ field: 'name', code: 'too_long', params: { max: 200 } },
			{ field: 'endsOn', code: 'invalid_date' },
			{ field: 'parentIds', code: 'nw_unknown_parent' }
		]);
		expect(await refused(() => updateNetwork(h.db, w.who.staffA, net, local({ parentIds: [net] }), T0))).toEqual([{ field: 'parentIds', code: 'nw_parent_self' }]);
		expect(await countRows(h, 'network')).toBe(before);
	});

	it('refuses an actor of another municipality, a person without consent and bad dates as members', async () => {
		const before = await countRows(h, 'network_membership');
		expect(await refused(() => addMembership(h.db, w.who.staffA, net, { organizationId: w.ids.orgOther, role: 'member', startsOn: '2026-01-01' }))).toEqual([
			{ field: 'organizationId', code: 'nw_actor_other_municipality' }
		]);
		expect(await refused(() => addMembership(h.db, w.who.staffA, net, { person: { name: 'Ohne Einwilligung', email: 'x@example.org', consentOn: '' }, role: 'member', startsOn: '2026-01-01' }))).toEqual([
			{ field: 'consentOn', code: 'nw_consent_required' }
		]);
		expect(await refused(() => addMembership(h.db, w.who.staffA, net, { userId: w.who.staffC.userId, role: 'boss', startsOn: '2026-05-01', endsOn: '2026-04-01' }))).toEqual([
			{ field: 'userId', code: 'nw_person_other_municipality' },
			{ field: 'role', code: 'nw_unknown_role' },
			{ field: 'endsOn', code: 'nw_end_before_start' }
		]);
		expect(await refused(() => addMembership(h.db, w.who.staffA, net, { organizationId: kita, userId: w.who.staffB.userId, role: 'member', startsOn: '' }))).toEqual([
			{ field: 'member', code: 'required' },
			{ field: 'startsOn', code: 'required' }
		]);
		expect(await refused(() => addMembership(h.db, w.who.staffA, net, { person: { name: 'Ohne Adresse', email: 'keine-adresse', consentOn: '2026-01-01' }, role: 'member', startsOn: '2026-01-01' }))).toEqual([
			{ field: 'personEmail', code: 'invalid_email' }
		]);
		await expect(addMembership(h.db, w.who.staffB, net, { organizationId: kita, role: 'member', startsOn: '2026-01-01' })).rejects.toBeInstanceOf(AccessDeniedError);
		expect(await countRows(h, 'network_membership')).toBe(before);
		expect(await refused(() => endMembership(h.db, w.who.staffA, memberB, '2025-01-01'))).toEqual([{ field: 'endsOn', code: 'nw_end_before_start' }]);
	});
});

describe(`meetings (${DB_KIND})`, () => {
	let first: string;
	let item: string;

	it('refuses a meeting that ends before it starts, at an unknown place, or without a place', async () => {
		const before = await countRows(h, 'meeting');
		expect(await refused(() => createMeeting(h.db, w.who.staffA, net, { name: 'Treffen', startsAt: '2026-03-10T18:00', endsAt: '2026-03-10T17:00', placeText: 'Bürgerhaus' }))).toEqual([
			{ field: 'endsAt', code: 'nw_ends_before_start' }
		]);
		expect(await refused(() => createMeeting(h.db, w.who.staffA, net, { name: 'Treffen', startsAt: '2026-03-10 25:00', endsAt: 'morgen', locationId: '00000000-0000-4000-8000-000000000000' }))).toEqual([
			{ field: 'startsAt', code: 'nw_invalid_datetime' },
			{ field: 'endsAt', code: 'nw_invalid_datetime' },
			{ field: 'locationId', code: 'nw_unknown_place' }
		]);
		expect(await refused(() => createMeeting(h.db, w.who.staffA, net, { name: 'Treffen', startsAt: '2026-03-10T17:00', endsAt: '2026-03-12T17:00', proposalDeadline: '2026-03-11T10:00' }))).toEqual([
			{ field: 'endsAt', code: 'nw_meeting_too_long', params: { max: 24 } },
			{ field: 'proposalDeadline', code: 'nw_deadline_after_start' },
			{ field: 'placeText', code: 'nw_place_required' }
		]);
		expect(await countRows(h, 'meeting')).toBe(before);
	});

	it('warns when the place has no step-free access and shows its accessibility', async () => {
		const place = await saveOrganization(h.db, sys, w.ids.k, org({ name: 'Gemeindehaus', actorType: 'parish', locations: [{ name: 'Saal', street: 'Kirchweg 2', postalCode: '51103', city: 'Köln', latitude: null, longitude: null, accessibility: ['hearing_loop'], accessibilityNote: {}, directions: {} }] }));
		const detail = await import('../../src/lib/server/directory/networks-reads').then((r) => r.meetingPlaces(h.db, w.ids.k));
		const saal = detail.find((p) => p.organizationName === 'Gemeindehaus')!;
		const made = await createMeeting(h.db, w.who.staffA, net, { name: '1. Treffen', startsAt: '2026-03-10T17:00', endsAt: '2026-03-10T19:00', locationId: saal.id, newSeriesName: 'Monatstreffen' }, { now: T0 });
		expect(made.stepFreeWarning).toBe(true);
		first = made.id;
		const view = await getMeeting(h.db, w.who.staffA, first, T0);
		expect(view.place?.accessibility).toEqual(['hearing_loop']);
		expect(view.stepFreeWarning).toBe(true);
		expect(view.meeting.proposalDeadline.toISOString()).toBe('2026-03-07T16:00:00.000Z');
		expect(place.id).toBeTruthy();
	});

	it('takes agenda proposals from members before the deadline only, and never from non-members', async () => {
		item = (await proposeAgendaItem(h.db, w.who.staffB, first, { title: 'Hausaufgabenhilfe im Stadtteil', description: 'Es fehlen Plätze.' }, day(1))).id;
		expect(await refused(() => proposeAgendaItem(h.db, w.who.staffB, first, { title: 'Zu spät' }, day(6)))).toEqual([
			{ field: 'proposalDeadline', code: 'nw_deadline_passed', params: { deadline: '2026-03-07 17:00' } }
		]);
		// A partner of the municipality does not even see the internal network.
		await expect(proposeAgendaItem(h.db, w.who.partner, first, { title: 'Fremd' }, day(1))).rejects.toBeInstanceOf(NotFoundError);
		// Staff of another instance see the network (staff of the municipality) but are no members.
		await expect(proposeAgendaItem(h.db, w.who.volunteer, first, { title: 'Ehrenamt' }, day(1))).rejects.toBeInstanceOf(NotFoundError);
		const staffOther = await import('../helpers/world').then((x) => x.person(h.db, 'staffA2', 'instance_staff', { id: w.ids.k, slug: 'koeln' }, [w.ids.b]));
		expect(await refused(() => proposeAgendaItem(h.db, staffOther, first, { title: 'Idee' }, day(1)))).toEqual([{ field: 'proposer', code: 'nw_not_member' }]);
		expect(await refused(() => proposeAgendaItem(h.db, w.who.staffB, first, { title: 'x'.repeat(301) }, day(1)))).toEqual([{ field: 'title', code: 'too_long', params: { max: 300 } }]);
		const view = await getMeeting(h.db, w.who.staffB, first, day(1));
		expect(view.items.map((i) => [i.title, i.state])).toEqual([['Hausaufgabenhilfe im Stadtteil', 'proposed']]);
	});

	it('lets the coordinator accept, order and mark items public or internal', async () => {
		const second = (await addAgendaItem(h.db, w.who.staffA, first, { title: 'Begrüßung', isPublic: true }, day(2))).id;
		await changeAgendaItem(h.db, w.who.staffA, item, { state: 'accepted', isPublic: true }, day(2));
		await changeAgendaItem(h.db, w.who.staffA, second, { move: 'up' }, day(2));
		const view = await getMeeting(h.db, w.who.staffA, first, day(2));
		expect(view.items.map((i) => [i.title, i.state, i.isPublic])).toEqual([
			['Begrüßung', 'accepted', true],
			['Hausaufgabenhilfe im Stadtteil', 'accepted', true]
		]);
		expect(await refused(() => changeAgendaItem(h.db, w.who.staffA, item, { state: 'maybe' }, day(2)))).toEqual([{ field: 'state', code: 'nw_unknown_state' }]);
		await expect(changeAgendaItem(h.db, w.who.staffB, item, { isPublic: false }, day(2))).rejects.toBeInstanceOf(AccessDeniedError);
	});

	it('records attendance by organisation, persons only with consent', async () => {
		expect(await refused(() => recordAttendance(h.db, w.who.staffA, first, { organizationIds: [w.ids.orgOther], membershipIds: [] }, day(8)))).toEqual([
			{ field: 'organizationIds', code: 'nw_actor_other_municipality' }
		]);
		const noConsent = await addMembership(h.db, w.who.staffA, net, { userId: w.who.admin.userId, role: 'member', startsOn: '2026-01-01' }, T0);
		expect(await refused(() => recordAttendance(h.db, w.who.staffA, first, { organizationIds: [kita], membershipIds: [noConsent.id] }, day(8)))).toEqual([
			{ field: 'membershipIds', code: 'nw_no_consent', params: { name: 'admin' } }
		]);
		await recordAttendance(h.db, w.who.staffA, first, { organizationIds: [kita, school], membershipIds: [memberB] }, day(8));
		expect((await getMeeting(h.db, w.who.staffA, first, day(8))).attendance).toEqual({ organizationIds: expect.arrayContaining([kita, school]), membershipIds: [memberB] });
	});

	it('refuses a person’s name in public minutes without consent, and accepts it with consent', async () => {
		expect(await refused(() => saveItemMinutes(h.db, w.who.staffA, item, 'Frau maria muster berichtet über die Warteliste.', day(8)))).toEqual([
			{ field: 'minutes', code: 'nw_name_without_consent', params: { name: 'Maria Muster' } }
		]);
		await saveItemMinutes(h.db, w.who.staffA, item, 'Ali Beispiel berichtet: 40 Kinder warten auf einen Platz.', day(8));
		// Internal items may name members (the network's own record).
		const internal = (await addAgendaItem(h.db, w.who.staffA, first, { title: 'Interna' }, day(8))).id;
		await saveItemMinutes(h.db, w.who.staffA, internal, 'Maria Muster übernimmt die Liste.', day(8));
		expect(await refused(() => changeAgendaItem(h.db, w.who.staffA, internal, { isPublic: true }, day(8)))).toEqual([
			{ field: 'minutes', code: 'nw_name_without_consent', params: { name: 'Maria Muster' } }
		]);
	});

	it('records decisions with votes where taken, and refuses incomplete or bad votes', async () => {
		expect(await refused(() => addDecision(h.db, w.who.staffA, item, { text: '', result: 'won', votesFor: '-1', votesAgainst: '2' }, day(8)))).toEqual([
			{ field: 'text', code: 'required' },
			{ field: 'result', code: 'nw_unknown_result' },
			{ field: 'votesFor', code: 'nw_bad_votes', params: { max: 100000 } },
			{ field: 'votes', code: 'nw_votes_incomplete' }
		]);
		await addDecision(h.db, w.who.staffA, item, { text: 'Der Bedarf an Hausaufgabenhilfe wird an die Stadt gemeldet.', result: 'adopted', votesFor: '7', votesAgainst: '0', votesAbstain: '1' }, day(8));
		const view = await getMeeting(h.db, w.who.staffA, first, day(8));
		expect(view.items.find((i) => i.id === item)!.decisions.map((d) => [d.result, d.votesFor, d.votesAgainst, d.votesAbstain])).toEqual([['adopted', 7, 0, 1]]);
	});

	it('refuses an action item without an owner, and carries open ones over to the next meetings of the series until done', async () => {
		const before = await countRows(h, 'action_item');
		expect(await refused(() => addActionItem(h.db, w.who.staffA, first, { title: 'Liste erstellen', ownerMembershipId: '', dueOn: '2026-04-01' }, day(8)))).toEqual([
			{ field: 'ownerMembershipId', code: 'nw_owner_required' }
		]);
		expect(await refused(() => addActionItem(h.db, w.who.staffA, first, { title: '', ownerMembershipId: w.ids.org, dueOn: '2026-04-31' }, day(8)))).toEqual([
			{ field: 'title', code: 'required' },
			{ field: 'ownerMembershipId', code: 'nw_unknown_owner' },
			{ field: 'dueOn', code: 'invalid_date' }
		]);
		expect(await countRows(h, 'action_item')).toBe(before);
		const todo = (await addActionItem(h.db, w.who.staffA, first, { title: 'Liste der Wartenden erstellen', ownerMembershipId: memberB, dueOn: '2026-03-20', agendaItemId: item }, day(8))).id;
		const view1 = await getMeeting(h.db, w.who.staffA, first, day(8));
		const series = view1.meeting.seriesId!;
		const second = (await createMeeting(h.db, w.who.staffA, net, { name: '2. Treffen', startsAt: '2026-04-14T17:00', endsAt: '2026-04-14T19:00', placeText: 'Bürgerhaus Kalk', seriesId: series }, { now: day(9) })).id;
		const view2 = await getMeeting(h.db, w.who.staffA, second, day(30));
		expect(view2.actionItems.map((a) => [a.title, a.carried, a.overdue, a.ownerName])).toEqual([['Liste der Wartenden erstellen', true, true, 'staffB']]);
		// The owner marks it done after the second meeting: it shows there still, not at the third.
		await setActionItemDone(h.db, w.who.staffB, todo, true, new Date('2026-04-20T10:00:00Z'));
		const third = (await createMeeting(h.db, w.who.staffA, net, { name: '3. Treffen', startsAt: '2026-05-12T17:00', endsAt: '2026-05-12T19:00', placeText: 'Bürgerhaus Kalk', seriesId: series }, { now: day(60) })).id;
		expect((await getMeeting(h.db, w.who.staffA, second, day(60))).actionItems.map((a) => a.title)).toEqual(['Liste der Wartenden erstellen']);
		expect((await getMeeting(h.db, w.who.staffA, third, day(60))).actionItems).toEqual([]);
		await expect(setActionItemDone(h.db, w.who.volunteer, todo, false)).rejects.toBeInstanceOf(NotFoundError);
		const members = await membershipsOf(h.db, [net], '2026-06-01');
		expect((await actionItemsAt(h.db, (await getMeeting(h.db, w.who.staffA, second, day(60))).meeting, members, '2026-06-01'))[0].overdue).toBe(false);
	});

	it('approves minutes into a frozen version; an edit then answers 409 until a new version is opened', async () => {
		expect(await refused(() => changeMinutesState(h.db, w.who.staffA, first, 'approved', day(9)))).toEqual([{ field: 'minutesState', code: 'nw_transition', params: { from: 'draft', to: 'approved' } }]);
		await changeMinutesState(h.db, w.who.staffA, first, 'circulated', day(9));
		expect(await refused(() => changeMinutesState(h.db, w.who.staffA, first, 'approved', day(9)))).toEqual([{ field: 'minutesState', code: 'nw_meeting_not_held' }]);
		await setMeetingState(h.db, w.who.staffA, first, 'held', day(9));
		await changeMinutesState(h.db, w.who.staffA, first, 'approved', day(10));
		await expect(saveItemMinutes(h.db, w.who.staffA, item, 'Geändert', day(11))).rejects.toEqual(new ConflictError('nw_minutes_approved'));
		await expect(addDecision(h.db, w.who.staffA, item, { text: 'Noch einer', result: 'noted' }, day(11))).rejects.toBeInstanceOf(ConflictError);
		await expect(recordAttendance(h.db, w.who.staffA, first, { organizationIds: [], membershipIds: [] }, day(11))).rejects.toBeInstanceOf(ConflictError);
		await reopenMinutes(h.db, w.who.staffA, first, day(11));
		await saveItemMinutes(h.db, w.who.staffA, item, 'Ali Beispiel berichtet: 45 Kinder warten.', day(11));
		await changeMinutesState(h.db, w.who.staffA, first, 'circulated', day(11));
		await changeMinutesState(h.db, w.who.staffA, first, 'approved', day(12));
		const v1 = await getMinutesVersion(h.db, w.who.staffB, first, 1, day(12));
		const v2 = await getMinutesVersion(h.db, w.who.staffB, first, 2, day(12));
		expect(v1.snapshot.items.find((i) => i.id === item)!.minutes).toContain('40 Kinder');
		expect(v2.snapshot.items.find((i) => i.id === item)!.minutes).toContain('45 Kinder');
		expect((await getMeeting(h.db, w.who.staffA, first, day(12))).versions.map((v) => v.version)).toEqual([2, 1]);
	});

	it('writes an invitation whose iCalendar part is valid RFC 5545 for an independent parser', async () => {
		const view = await getMeeting(h.db, w.who.staffA, first, day(1));
		const ics = meetingCalendar(view, 3, day(1));
		const calendar = new ICAL.Component(ICAL.parse(ics));
		expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
		expect(calendar.getFirstPropertyValue('prodid')).toBeTruthy();
		expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
		const events = calendar.getAllSubcomponents('vevent');
		expect(events).toHaveLength(1);
		const event = new ICAL.Event(events[0]);
		expect(event.uid).toBe(`${first}@anlaufstelle.meeting`);
		expect(event.startDate.toJSDate().toISOString()).toBe('2026-03-10T16:00:00.000Z');
		expect(event.endDate.toJSDate().toISOString()).toBe('2026-03-10T18:00:00.000Z');
		expect(event.summary).toBe('Stadtteilkonferenz Kalk: 1. Treffen');
		expect(event.location).toContain('Gemeindehaus');
		expect(event.sequence).toBe(3);
		expect(events[0].getFirstPropertyValue('dtstamp')).toBeTruthy();
		// Every line is folded to at most 75 octets (RFC 5545 §3.1).
		expect(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
		// The mail around it writes the date and times as the recipient's language does.
		const de = invitationMail(view, 'a@example.org', 'de', 3, day(1));
		expect(de.text).toContain('Wann: 10.03.2026, 17:00–19:00 Uhr');
		expect(de.subject).toBe('Einladung: Stadtteilkonferenz Kalk am 10.03.2026');
		const fa = invitationMail(view, 'a@example.org', 'fa', 3, day(1));
		expect(fa.text).toContain('۱۰ مارس ۲۰۲۶');
		expect(fa.text).toContain('۱۷:۰۰–۱۹:۰۰');
		expect(`${fa.subject}\n${fa.text}`).not.toMatch(/\d{4}-\d{2}-\d{2}/);
	});
});

describe(`escalation up and down (${DB_KIND})`, () => {
	let decisionId: string;

	beforeAll(async () => {
		const m = (await createMeeting(h.db, w.who.staffA, net, { name: 'Sondersitzung', startsAt: '2026-06-02T17:00', endsAt: '2026-06-02T18:00', placeText: 'WP Kalk' }, { now: day(80) })).id;
		const i = (await addAgendaItem(h.db, w.who.staffA, m, { title: 'Sprachkurse für Eltern', isPublic: true }, day(92))).id;
		decisionId = (await addDecision(h.db, w.who.staffA, i, { text: 'Es fehlen Sprachkurse mit Kinderbetreuung.', result: 'adopted' }, day(92))).id;
	});

	it('raises a needs report from a decision, and its status and the municipality’s answer come back to the network', async () => {
		const before = await countRows(h, 'escalation');
		expect(await refused(() => escalateToNeedsReport(h.db, w.who.staffA, { decisionId }, { title: '', description: 'x', themeField: 'education', socialSpaceIds: [], urgency: 'high' }, 'Aus: Stadtteilkonferenz Kalk'))).toEqual(
			expect.arrayContaining([{ field: 'title', code: 'required' }, { field: 'socialSpaceIds', code: 'nr_space_required' }])
		);
		expect(await countRows(h, 'escalation')).toBe(before);
		expect(await countRows(h, 'needs_report')).toBe(0);
		await expect(escalateToNeedsReport(h.db, w.who.staffB, { decisionId }, { title: 'x', description: 'x', themeField: 'education', socialSpaceIds: [w.ids.s1a], urgency: 'high' }, '')).rejects.toBeInstanceOf(AccessDeniedError);
		const made = await escalateToNeedsReport(
			h.db,
			w.who.staffA,
			{ decisionId },
			{ title: 'Sprachkurse mit Kinderbetreuung', description: 'Beschluss der Stadtteilkonferenz.', themeField: 'education', subtopics: ['language_course'], socialSpaceIds: [w.ids.s1a], urgency: 'high' },
			'Aus dem Netzwerk „Stadtteilkonferenz Kalk“, Sondersitzung am 2026-06-02: /de/staff/networks/x',
			{ now: day(93) }
		);
		expect(made.reference).toMatch(/^B-2026-\d{4}$/);
		await changeNeedsStatus(h.db, w.who.admin, made.needsReportId, 'under_review', { body: 'Wir prüfen das mit dem Schulamt.', now: day(95) });
		await respondToNeedsReport(h.db, w.who.admin, made.needsReportId, 'Ein Kurs startet im Herbst.', day(96));
		const [e] = await escalationsOf(h.db, net);
		expect(e.kind).toBe('needs_report');
		expect(e.decisionId).toBe(decisionId);
		expect(e.report).toMatchObject({ reference: made.reference, status: 'under_review' });
		expect(e.report!.answers.map((a) => [a.kind, a.body])).toEqual([
			['status', 'Wir prüfen das mit dem Schulamt.'],
			['response', 'Ein Kurs startet im Herbst.']
		]);
	});

	it('proposes a decision on a city-wide body’s next open meeting, and refuses a local target or one without open meetings', async () => {
		expect(await refused(() => escalateToAgenda(h.db, w.who.staffA, { decisionId }, { targetNetworkId: city }, { now: day(93) }))).toEqual([{ field: 'targetNetworkId', code: 'nw_no_open_meeting' }]);
		const other = (await createNetwork(h.db, w.who.staffA, local({ name: 'Runder Tisch Vingst', kind: 'round_table', socialSpaceIds: [w.ids.s1b] }), { now: T0 })).id;
		expect(await refused(() => escalateToAgenda(h.db, w.who.staffA, { decisionId }, { targetNetworkId: other }, { now: day(93) }))).toEqual([{ field: 'targetNetworkId', code: 'nw_target_not_higher' }]);
		expect(await refused(() => escalateToAgenda(h.db, w.who.staffA, { decisionId }, { targetNetworkId: '' }, { now: day(93) }))).toEqual([{ field: 'targetNetworkId', code: 'required' }]);
		const kk = (await createMeeting(h.db, w.who.admin, city, { name: 'Sitzung Juli', startsAt: '2026-07-15T10:00', endsAt: '2026-07-15T12:00', placeText: 'Rathaus' }, { now: day(90) })).id;
		const made = await escalateToAgenda(h.db, w.who.staffA, { decisionId }, { targetNetworkId: city }, { now: day(93) });
		const view = await getMeeting(h.db, w.who.admin, kk, day(93));
		expect(view.items.map((i) => [i.title, i.state, i.proposedByNetworkId])).toEqual([['Stadtteilkonferenz Kalk: Sprachkurse für Eltern', 'proposed', net]]);
		await changeAgendaItem(h.db, w.who.admin, made.agendaItemId, { state: 'accepted' }, day(94));
		await addDecision(h.db, w.who.admin, made.agendaItemId, { text: 'Das Amt prüft ein Programm.', result: 'adopted' }, day(140));
		const back = (await escalationsOf(h.db, net)).find((e) => e.kind === 'agenda_proposal')!;
		expect(back.proposal).toMatchObject({ networkId: city, state: 'accepted', decisions: [{ text: 'Das Amt prüft ein Programm.', result: 'adopted' }] });
	});
});

describe(`posts and digests (${DB_KIND})`, () => {
	it('gathers the posts that reach each reader into a digest at their interval, with one-click unsubscribe', async () => {
		await subscribe(h.db, w.who.staffB, { intervalDays: 7, language: 'de' }, day(100));
		await subscribe(h.db, w.who.volunteer, { intervalDays: 1, language: 'ar' }, day(100));
		await createPost(h.db, w.who.admin, { municipalityId: w.ids.k, direction: 'down', title: 'Neue Förderrichtlinie', body: 'Ab Mai gilt …', language: 'de', isPublic: true, networkIds: [], socialSpaceIds: [], roles: [], languages: [] }, { now: day(101) });
		await createPost(h.db, w.who.staffA, { municipalityId: w.ids.k, direction: 'sideways', title: 'Nur für die Stadtteilkonferenz', body: 'Bitte Liste prüfen.', language: 'de', isPublic: false, networkIds: [net], socialSpaceIds: [], roles: [], languages: ['de'] }, { now: day(102) });
		await createPost(h.db, w.who.staffA, { municipalityId: w.ids.k, direction: 'up', title: 'Für Porz', body: 'Nur Porz.', language: 'de', isPublic: false, networkIds: [], socialSpaceIds: [w.ids.s2a], roles: ['instance_staff'], languages: [] }, { now: new Date(day(102).getTime() + 60_000) });
		const digests = await dueDigests(h.db, day(108));
		const b = digests.find((d) => d.email === 'staffb@example.org')!;
		expect(b.posts.map((p) => p.title)).toEqual(['Für Porz', 'Nur für die Stadtteilkonferenz', 'Neue Förderrichtlinie']);
		const v = digests.find((d) => d.email === 'volunteer@example.org')!;
		expect(v.posts.map((p) => p.title)).toEqual(['Neue Förderrichtlinie']);
		const mail = digestMail(b);
		expect(mail.subject).toBe('Newsletter: 3 neue Beiträge');
		expect(mail.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
		expect(mail.headers!['List-Unsubscribe']).toMatch(/^<https?:\/\/.+\/de\/networks\/unsubscribe\/[A-Za-z0-9_-]{22}>$/);
		expect(digestMail(v).subject).toBe('النشرة: منشور جديد واحد');
		// Each post's date as the reader's language writes it, not as ISO 8601.
		expect(mail.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
		expect(mail.text).toMatch(/\d{2}\.\d{2}\.2026 · /);
		const sent: string[] = [];
		expect(await runDigests(h.db, day(108), async (m) => void sent.push(m.to))).toEqual({ sent: 2, empty: 0, failed: 0 });
		expect(sent.sort()).toEqual(['staffb@example.org', 'volunteer@example.org']);
		expect(await runDigests(h.db, day(109), async (m) => void sent.push(m.to))).toEqual({ sent: 0, empty: 1, failed: 0 });
		const token = b.token;
		expect(await unsubscribeByToken(h.db, token, systemPrincipal('unsubscribe-link'))).toBe(true);
		expect(await unsubscribeByToken(h.db, token, systemPrincipal('unsubscribe-link'))).toBe(false);
		expect(await unsubscribeByToken(h.db, '../../etc', systemPrincipal('unsubscribe-link'))).toBe(false);
		expect((await dueDigests(h.db, day(200))).some((d) => d.email === 'staffb@example.org')).toBe(false);
		expect((await postsFor(h.db, w.who.partner, w.ids.k, 'de', day(110))).map((p) => p.title)).toEqual(['Neue Förderrichtlinie']);
	});

	it('refuses bad posts and subscriptions naming the field', async () => {
		expect(await refused(() => createPost(h.db, w.who.staffA, { municipalityId: w.ids.k, direction: 'diagonal', title: '', body: 'x', language: 'xx', isPublic: false, networkIds: [w.ids.a], socialSpaceIds: [w.ids.so], roles: ['mayor'], languages: ['la'] }))).toEqual([
			{ field: 'title', code: 'required' },
			{ field: 'direction', code: 'nw_unknown_direction' },
			{ field: 'language', code: 'nw_unknown_language' },
			{ field: 'languages', code: 'nw_unknown_language' },
			{ field: 'roles', code: 'nw_unknown_role' },
			{ field: 'networkIds', code: 'nw_unknown_network' },
			{ field: 'socialSpaceIds', code: 'nw_space_other_municipality' }
		]);
		await expect(createPost(h.db, w.who.partner, { municipalityId: w.ids.k, direction: 'up', title: 'x', body: 'x', language: 'de', isPublic: false, networkIds: [], socialSpaceIds: [], roles: [], languages: [] })).rejects.toBeInstanceOf(AccessDeniedError);
		expect(await refused(() => subscribe(h.db, w.who.partner, { intervalDays: 3, language: 'la' }))).toEqual([
			{ field: 'intervalDays', code: 'nw_unknown_interval' },
			{ field: 'language', code: 'nw_unknown_language' }
		]);
	});
});

describe(`relations and the network map (${DB_KIND})`, () => {
	it('records typed relations between actors of the municipality only', async () => {
		expect(await refused(() => createRelation(h.db, w.who.staffA, { municipalityId: w.ids.k, fromOrganizationId: kita, toOrganizationId: kita, kind: 'loves' }))).toEqual([
			{ field: 'toOrganizationId', code: 'nw_same_actor' },
			{ field: 'kind', code: 'nw_unknown_relation' }
		]);
		expect(await refused(() => createRelation(h.db, w.who.staffA, { municipalityId: w.ids.k, fromOrganizationId: kita, toOrganizationId: w.ids.orgOther, kind: 'funds', startsOn: '2026-05-01', endsOn: '2026-04-01' }))).toEqual([
			{ field: 'toOrganizationId', code: 'nw_actor_other_municipality' },
			{ field: 'endsOn', code: 'nw_end_before_start' }
		]);
		await expect(createRelation(h.db, w.who.volunteer, { municipalityId: w.ids.k, fromOrganizationId: kita, toOrganizationId: school, kind: 'cooperates' })).rejects.toBeInstanceOf(AccessDeniedError);
		await createRelation(h.db, w.who.staffA, { municipalityId: w.ids.k, fromOrganizationId: kita, toOrganizationId: school, kind: 'cooperates', startsOn: '2025-09-01' });
	});

	it('lists per social space the model’s actor types present in and missing from its local networks, draws the graph and counts the figures', async () => {
		const map = await networkMap(h.db, w.who.admin, w.ids.k, (c) => ({ title: 'Netzwerkkarte', description: `${c.actors} Akteure` }), { now: day(110) });
		const s1a = map.coverage.find((c) => c.socialSpaceId === w.ids.s1a)!;
		expect(s1a.present).toEqual(['kita', 'school']);
		expect(s1a.missing).toEqual(['volunteer_initiative', 'association', 'youth_centre', 'counselling_centre', 'parish', 'housing_company', 'migrant_organisation']);
		expect(s1a.localNetworks).toBe(1);
		expect(map.coverage.find((c) => c.socialSpaceId === w.ids.s2a)!.present).toEqual([]);
		expect(map.edges).toEqual(expect.arrayContaining([{ from: kita, to: school, kind: 'cooperates', weight: 1 }, { from: kita, to: net, kind: 'membership', weight: 1 }]));
		expect(map.svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="nw-map-title nw-map-desc"/);
		expect(map.svg).toContain('<title id="nw-map-title">Netzwerkkarte</title>');
		expect(map.unnetworked.map((a) => a.name)).toEqual(expect.arrayContaining(['Caritas Köln', 'Gemeindehaus']));
		const figures = map.figures.find((f) => f.networkId === net)!;
		expect(figures).toMatchObject({ meetingsPerYear: 1, attendanceRate: 1, openActions: 0, overdueActions: 0 });
		await expect(networkMap(h.db, w.who.partner, w.ids.k, () => ({ title: '', description: '' }))).rejects.toBeInstanceOf(AccessDeniedError);
	});
});

describe(`the people in it (${DB_KIND})`, () => {
	it('names members by kind and keeps consent on record', async () => {
		const members = await membershipsOf(h.db, [net], '2026-03-02');
		const byName = Object.fromEntries(members.map((m) => [m.name, m]));
		expect(byName['Grundschule Kalk']).toMatchObject({ kind: 'actor', role: 'chair', email: 'schule@example.org', consented: false });
		expect(byName['Maria Muster']).toMatchObject({ kind: 'person', consented: true, publicationConsent: false });
		expect(byName['Ali Beispiel']).toMatchObject({ kind: 'person', consented: true, publicationConsent: true });
		expect(byName.staffB).toMatchObject({ kind: 'account', consented: true });
		expect(members[0].role).toBe('chair');
		expect([byName['Maria Muster'].id, byName['Ali Beispiel'].id]).toEqual([external, consenting]);
	});
});
