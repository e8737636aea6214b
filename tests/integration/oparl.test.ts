/**
 * The OParl 1.1 export (issue 14 §7, docs/oparl.md): every list and object validated with ajv
 * against the official OParl 1.1.1 schemas (data/oparl), pagination as the specification says,
 * filters, 400 for bad paging or filter parameters, 404 for unknown ids — and only public
 * networks, public items, approved decisions, public actors and persons who consented appear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { saveOrganization } from '../../src/lib/server/directory/service';
import { addActionItem, addAgendaItem, addDecision, changeMinutesState, createMeeting, recordAttendance, saveItemMinutes, setMeetingState } from '../../src/lib/server/networks/meetings';
import { addMembership, createNetwork } from '../../src/lib/server/networks/networks';
import { OPARL_LISTS, OparlError, oparlBodies, oparlBody, oparlFileText, oparlList, oparlObject, oparlSystem, parseListQuery } from '../../src/lib/server/networks/oparl';
import { DB_KIND, freshDatabase } from '../helpers/db';
import { org } from '../helpers/directory';
import { oparlPageProblems, oparlProblems } from '../helpers/oparl';
import { buildWorld, type World } from '../helpers/world';

const BASE = 'https://anlaufstelle.example.org/api/oparl';
const TYPE_OF_LIST: Record<string, string> = {
	organizations: 'Organization',
	memberships: 'Membership',
	persons: 'Person',
	meetings: 'Meeting',
	agendaItems: 'AgendaItem',
	papers: 'Paper',
	consultations: 'Consultation',
	files: 'File'
};

let h: DatabaseHandle;
let w: World;
const sys = systemPrincipal('test');
const now = new Date('2026-03-20T10:00:00Z');
const ids: Record<string, string> = {};

const q = (params = '') => parseListQuery(new URLSearchParams(params));
const self = (list: string, params = '') => new URL(`${BASE}/body/koeln/${list}${params ? `?${params}` : ''}`);

beforeAll(async () => {
	h = await freshDatabase();
	w = await buildWorld(h.db);
	ids.kita = (await saveOrganization(h.db, sys, w.ids.k, org({ name: 'Kita Regenbogen', actorType: 'kita' }))).id;
	ids.informal = (await saveOrganization(h.db, sys, w.ids.k, org({ name: 'Nachbarschaftskreis', actorType: 'volunteer_initiative', visibility: 'network' }))).id;
	const base = { municipalityId: w.ids.k, coordinatingInstanceId: w.ids.a, parentIds: [], themeFields: ['education'] };
	ids.parent = (await createNetwork(h.db, sys, { ...base, name: 'Koordinierungskreis Integration', kind: 'committee', level: 'city', socialSpaceIds: [], visibility: 'public', coordinatingInstanceId: null }, { now })).id;
	ids.net = (await createNetwork(h.db, sys, { ...base, name: 'Stadtteilkonferenz Kalk', shortName: 'STK Kalk', kind: 'district_conference', level: 'local', socialSpaceIds: [w.ids.s1a], visibility: 'public', parentIds: [ids.parent] }, { now })).id;
	ids.hidden = (await createNetwork(h.db, sys, { ...base, name: 'Interner Arbeitskreis', kind: 'working_circle', level: 'local', socialSpaceIds: [w.ids.s1a], visibility: 'internal' }, { now })).id;
	ids.kitaMember = (await addMembership(h.db, sys, ids.net, { organizationId: ids.kita, role: 'member', startsOn: '2026-01-01' }, now)).id;
	ids.informalMember = (await addMembership(h.db, sys, ids.net, { organizationId: ids.informal, role: 'member', startsOn: '2026-01-01' }, now)).id;
	ids.ali = (await addMembership(h.db, sys, ids.net, { person: { name: 'Ali Beispiel', email: 'ali@example.org', consentOn: '2026-01-01' }, publicationConsent: true, role: 'chair', startsOn: '2026-01-01' }, now)).id;
	ids.maria = (await addMembership(h.db, sys, ids.net, { person: { name: 'Maria Muster', email: 'maria@example.org', consentOn: '2026-01-01' }, role: 'member', startsOn: '2026-01-01' }, now)).id;
	ids.account = (await addMembership(h.db, sys, ids.net, { userId: w.who.staffB.userId, consentOn: '2026-01-01', publicationConsent: true, role: 'coordinator', startsOn: '2026-01-01', endsOn: '2026-12-31' }, now)).id;
	ids.meeting = (await createMeeting(h.db, sys, ids.net, { name: '1. Stadtteilkonferenz 2026', startsAt: '2026-03-10T17:00', endsAt: '2026-03-10T19:00', placeText: 'Bürgerhaus Kalk, Kalk-Mülheimer Str. 58' }, { now })).id;
	ids.item = (await addAgendaItem(h.db, sys, ids.meeting, { title: 'Hausaufgabenhilfe', isPublic: true }, now)).id;
	ids.internalItem = (await addAgendaItem(h.db, sys, ids.meeting, { title: 'Personalien', isPublic: false }, now)).id;
	await saveItemMinutes(h.db, sys, ids.item, 'Ali Beispiel berichtet über die Warteliste.', now);
	ids.decision = (await addDecision(h.db, sys, ids.item, { text: 'Der Bedarf wird gemeldet.\nMit Begründung.', result: 'adopted', votesFor: '9', votesAgainst: '0', votesAbstain: '1' }, now)).id;
	ids.internalDecision = (await addDecision(h.db, sys, ids.internalItem, { text: 'Vertraulich.', result: 'noted' }, now)).id;
	await addActionItem(h.db, sys, ids.meeting, { title: 'Liste', ownerMembershipId: ids.ali, dueOn: '2026-04-01' }, now);
	await recordAttendance(h.db, sys, ids.meeting, { organizationIds: [ids.kita], membershipIds: [ids.ali, ids.maria] }, now);
	await setMeetingState(h.db, sys, ids.meeting, 'held', now);
	await changeMinutesState(h.db, sys, ids.meeting, 'circulated', now);
	await changeMinutesState(h.db, sys, ids.meeting, 'approved', now);
	// A decision recorded after approval in a new draft is not published until approved.
	ids.planned = (await createMeeting(h.db, sys, ids.net, { name: '2. Stadtteilkonferenz 2026', startsAt: '2026-05-12T17:00', endsAt: '2026-05-12T19:00', placeText: 'Bürgerhaus Kalk' }, { now })).id;
	ids.draftItem = (await addAgendaItem(h.db, sys, ids.planned, { title: 'Sommerfest', isPublic: true }, now)).id;
	ids.draftDecision = (await addDecision(h.db, sys, ids.draftItem, { text: 'Entwurf', result: 'adopted' }, now)).id;
}, 60_000);

afterAll(async () => h.close());

async function all(list: string): Promise<Record<string, unknown>[]> {
	const body = (await oparlList(h.db, BASE, 'koeln', list, q('elementsPerPage=100'), self(list))) as { data: Record<string, unknown>[] };
	return body.data;
}

describe(`OParl 1.1 export (${DB_KIND})`, () => {
	it('uses a validator that checks embedded objects, URLs and unknown properties', () => {
		const meeting = { id: `${BASE}/meeting/1`, type: 'https://schema.oparl.org/1.1/Meeting' };
		expect(oparlProblems('Meeting', meeting)).toEqual([]);
		expect(oparlProblems('Meeting', { ...meeting, agendaItem: [{ id: 'not a url', type: 'https://schema.oparl.org/1.1/AgendaItem', order: 1 }] })).not.toEqual([]);
		expect(oparlProblems('Meeting', { ...meeting, agendaItem: [{ id: `${BASE}/agendaitem/1`, type: 'https://schema.oparl.org/1.1/AgendaItem' }] })).not.toEqual([]);
		expect(oparlProblems('Meeting', { ...meeting, room: 'Saal 1' })).not.toEqual([]);
		expect(oparlProblems('Meeting', { ...meeting, start: '10.03.2026' })).not.toEqual([]);
	});

	it('serves a System and Bodies that validate against the OParl schemas', async () => {
		expect(oparlProblems('System', oparlSystem(BASE))).toEqual([]);
		const bodies = await oparlBodies(h.db, BASE, q(), new URL(`${BASE}/bodies`));
		expect(oparlPageProblems('Body', bodies)).toEqual([]);
		const koeln = await oparlBody(h.db, BASE, 'koeln');
		expect(oparlProblems('Body', koeln)).toEqual([]);
		expect(koeln).toMatchObject({ id: `${BASE}/body/koeln`, name: 'Köln', meeting: `${BASE}/body/koeln/meetings`, legislativeTerm: [] });
	});

	it.each(OPARL_LISTS)('validates every object of the %s list, and each object by its own URL', async (list) => {
		const body = await oparlList(h.db, BASE, 'koeln', list, q(), self(list));
		expect(oparlPageProblems(TYPE_OF_LIST[list], body)).toEqual([]);
		const data = (body as { data: { id: string }[] }).data;
		expect(data.length).toBeGreaterThan(0);
		for (const o of data) {
			const [, type, id] = /\/([a-z]+)\/([0-9a-f-]{36})$/.exec(o.id)!;
			const single = await oparlObject(h.db, BASE, type, id);
			expect(oparlProblems(TYPE_OF_LIST[list], single)).toEqual([]);
			expect(single).toEqual(o);
		}
	});

	it('publishes only public networks, public actors, public approved items and persons who consented', async () => {
		const orgs = await all('organizations');
		expect(orgs.map((o) => o.name).sort()).toEqual(['Kita Regenbogen', 'Koordinierungskreis Integration', 'Stadtteilkonferenz Kalk']);
		const stk = orgs.find((o) => o.name === 'Stadtteilkonferenz Kalk')!;
		expect(stk).toMatchObject({ organizationType: 'Gremium', classification: 'Stadtteilkonferenz', shortName: 'STK Kalk', subOrganizationOf: `${BASE}/organization/${ids.parent}` });
		const persons = await all('persons');
		expect(persons.map((p) => p.name).sort()).toEqual(['Ali Beispiel', 'staffB']);
		const memberships = await all('memberships');
		expect(memberships.map((m) => m.id).sort()).toEqual([ids.kitaMember, ids.ali, ids.account].map((x) => `${BASE}/membership/${x}`).sort());
		expect(memberships.find((m) => m.id === `${BASE}/membership/${ids.account}`)).toMatchObject({ role: 'Koordination', startDate: '2026-01-01', endDate: '2026-12-31', person: `${BASE}/person/${w.who.staffB.userId}` });
		const [meeting] = (await all('meetings')).filter((m) => m.id === `${BASE}/meeting/${ids.meeting}`) as { agendaItem: { name: string; result?: string; resolutionText?: string }[]; participant: string[]; resultsProtocol: { accessUrl: string } }[];
		expect(meeting.agendaItem.map((i) => i.name)).toEqual(['Hausaufgabenhilfe']);
		expect(meeting.agendaItem[0]).toMatchObject({ result: 'beschlossen', resolutionText: 'Der Bedarf wird gemeldet.\nMit Begründung.' });
		expect(meeting.participant).toEqual([`${BASE}/person/${ids.ali}`]);
		const papers = await all('papers');
		expect(papers.map((p) => p.id)).toEqual([`${BASE}/paper/${ids.decision}`]);
		expect(papers[0]).toMatchObject({ name: 'Der Bedarf wird gemeldet.', paperType: 'Beschluss', reference: 'STK Kalk 2026-03-10 TOP 1' });
		const text = await oparlFileText(h.db, meeting.resultsProtocol.accessUrl.split('/').at(-2)!);
		expect(text).toContain('TOP 1: Hausaufgabenhilfe');
		expect(text).toContain('Beschluss (beschlossen): Der Bedarf wird gemeldet.');
		expect(text).not.toContain('Personalien');
		const everything = JSON.stringify(await Promise.all(OPARL_LISTS.map(all)));
		for (const secret of ['Interner Arbeitskreis', 'Nachbarschaftskreis', 'Maria Muster', 'Personalien', 'Vertraulich', 'Entwurf', 'maria@example.org', 'ali@example.org']) {
			expect(everything, secret).not.toContain(secret);
		}
	});

	it('pages lists with data, pagination and links, in a stable order, and keeps the filters on every page', async () => {
		const first = (await oparlList(h.db, BASE, 'koeln', 'organizations', q('elementsPerPage=2'), self('organizations', 'elementsPerPage=2'))) as {
			data: { id: string }[];
			pagination: Record<string, number>;
			links: Record<string, string>;
		};
		expect(first.pagination).toEqual({ totalElements: 3, elementsPerPage: 2, currentPage: 1, totalPages: 2 });
		expect(first.links.next).toBe(`${BASE}/body/koeln/organizations?elementsPerPage=2&page=2`);
		expect(first.links.prev).toBeUndefined();
		const second = (await oparlList(h.db, BASE, 'koeln', 'organizations', q('elementsPerPage=2&page=2'), self('organizations', 'elementsPerPage=2&page=2'))) as typeof first;
		expect(second.links.next).toBeUndefined();
		expect(second.links.prev).toBe(`${BASE}/body/koeln/organizations?elementsPerPage=2`);
		const order = [...first.data, ...second.data].map((o) => o.id);
		expect(order).toEqual([...order].sort());
		const since = encodeURIComponent('2026-03-20T11:00:00+01:00');
		const filtered = (await oparlList(h.db, BASE, 'koeln', 'meetings', q(`modified_since=${since}&elementsPerPage=1`), self('meetings', `modified_since=${since}&elementsPerPage=1`))) as typeof first;
		expect(filtered.pagination.totalElements).toBe(2);
		expect(filtered.links.next).toContain(`modified_since=${since.replace(/%3A/g, '%3A')}`);
		const none = (await oparlList(h.db, BASE, 'koeln', 'meetings', q('created_until=2020-01-01T00:00:00Z'), self('meetings'))) as typeof first;
		expect(none.data).toEqual([]);
	});

	it.each(OPARL_LISTS)('joins up the pages of the %s list: first and next links cover every object exactly once, in order', async (list) => {
		const everything = (await all(list)).map((o) => o.id);
		let url: string | undefined = `${BASE}/body/koeln/${list}?elementsPerPage=1`;
		const seen: string[] = [];
		while (url) {
			const at = new URL(url);
			const body = (await oparlList(h.db, BASE, 'koeln', list, parseListQuery(at.searchParams), at)) as { data: { id: string }[]; pagination: { totalElements: number }; links: { next?: string } };
			expect(body.pagination.totalElements).toBe(everything.length);
			seen.push(...body.data.map((o) => o.id));
			expect(seen.length).toBeLessThanOrEqual(everything.length);
			url = body.links.next;
		}
		expect(seen).toEqual(everything);
		expect(new Set(seen).size).toBe(seen.length);
		const past = (await oparlList(h.db, BASE, 'koeln', list, q('elementsPerPage=1&page=99'), self(list, 'elementsPerPage=1&page=99'))) as { data: unknown[]; pagination: { totalElements: number; totalPages: number } };
		expect(past.data).toEqual([]);
		expect(past.pagination.totalElements).toBe(everything.length);
	});

	it('answers bad paging and filter parameters with 400 and unknown ids with 404, as OParl error objects', async () => {
		for (const bad of ['page=0', 'page=abc', 'page=1.5', 'elementsPerPage=0', 'elementsPerPage=101', 'elementsPerPage=', 'created_since=2026-01-01', 'modified_until=gestern']) {
			expect(() => q(bad), bad).toThrow(OparlError);
			try {
				q(bad);
			} catch (e) {
				expect((e as OparlError).status).toBe(400);
				expect((e as OparlError).debug).toBe(bad.split('=')[0]);
			}
		}
		const unknown = ['00000000-0000-4000-8000-000000000000', 'not-an-id'];
		for (const type of ['organization', 'meeting', 'paper', 'person', 'membership', 'agendaitem', 'consultation', 'file']) {
			for (const id of unknown) await expect(oparlObject(h.db, BASE, type, id)).rejects.toMatchObject({ status: 404 });
		}
		await expect(oparlObject(h.db, BASE, 'organization', ids.hidden)).rejects.toMatchObject({ status: 404 });
		await expect(oparlObject(h.db, BASE, 'organization', ids.informal)).rejects.toMatchObject({ status: 404 });
		await expect(oparlObject(h.db, BASE, 'person', ids.maria)).rejects.toMatchObject({ status: 404 });
		await expect(oparlObject(h.db, BASE, 'agendaitem', ids.internalItem)).rejects.toMatchObject({ status: 404 });
		await expect(oparlObject(h.db, BASE, 'paper', ids.internalDecision)).rejects.toMatchObject({ status: 404 });
		await expect(oparlObject(h.db, BASE, 'paper', ids.draftDecision)).rejects.toMatchObject({ status: 404 });
		await expect(oparlObject(h.db, BASE, 'committee', ids.net)).rejects.toMatchObject({ status: 404 });
		await expect(oparlBody(h.db, BASE, 'atlantis')).rejects.toMatchObject({ status: 404 });
		await expect(oparlList(h.db, BASE, 'koeln', 'legislativeTerms', q(), self('x'))).rejects.toMatchObject({ status: 404 });
		await expect(oparlFileText(h.db, ids.meeting)).rejects.toMatchObject({ status: 404 });
	});
});
