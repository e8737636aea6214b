/**
 * The networks demo (issue 14 §8): Düsseldorf's bodies of seed 000 as marked demo networks with
 * past meetings, approved minutes, decisions, open action items and one escalation to a needs
 * report that has an answer; the missing actor types per social space on the network map are
 * the ones the demo leaves out; loading again adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/lib/server/access';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { loadDemo } from '../../src/lib/server/demo/load';
import { findMunicipality, listDistricts, listSocialSpaces } from '../../src/lib/server/geography/service';
import { escalationsOf } from '../../src/lib/server/networks/escalations';
import { networkMap } from '../../src/lib/server/networks/map';
import { getMeeting, meetingsOf } from '../../src/lib/server/networks/meetings';
import { listNetworks } from '../../src/lib/server/networks/networks';
import { networkDashboardFigures } from '../../src/lib/server/networks/steering-reads';
import { countRows, DB_KIND, freshDatabase } from '../helpers/db';

let h: DatabaseHandle;
const sys = systemPrincipal('test');

beforeAll(async () => {
	h = await freshDatabase();
	await loadDemo(h.db);
}, 240_000);

afterAll(async () => h.close());

describe(`networks demo on ${DB_KIND}`, () => {
	it('gives Düsseldorf the bodies of seed 000 as marked demo networks with meetings, minutes, decisions and open action items', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const networks = await listNetworks(h.db, sys, d.id);
		expect(networks.map((n) => [n.name, n.kind, n.level, n.isDemo])).toEqual([
			['AG Sprachcamp Sommerferien (Demo)', 'temporary_group', 'local', true],
			['Koordinierungskreis Integration (Demo)', 'committee', 'city', true],
			['Runder Tisch Asyl (Demo)', 'round_table', 'city', true],
			['Stadtteilkonferenz Stadtbezirk 5 (Demo)', 'district_conference', 'local', true],
			['Stadtteilkonferenz Stadtbezirk 6 (Demo)', 'district_conference', 'local', true]
		]);
		const stk5 = networks.find((n) => n.name.startsWith('Stadtteilkonferenz Stadtbezirk 5'))!;
		const meetings = await meetingsOf(h.db, stk5.id);
		expect(meetings.map((m) => [m.state, m.minutesState])).toEqual([
			['planned', 'draft'],
			['held', 'circulated'],
			['held', 'approved']
		]);
		const next = await getMeeting(h.db, sys, meetings[0].id);
		expect(next.actionItems.map((a) => [a.title, a.carried, a.overdue])).toEqual([['Raum für Kinderbetreuung prüfen', true, true]]);
		const past = await getMeeting(h.db, sys, meetings[2].id);
		expect(past.items.flatMap((i) => i.decisions.map((x) => x.result))).toEqual(['adopted']);
		expect(past.versions.map((v) => v.version)).toEqual([1]);
	});

	it('holds one escalation to a needs report, answered by the municipality', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const stk6 = (await listNetworks(h.db, sys, d.id)).find((n) => n.name.startsWith('Stadtteilkonferenz Stadtbezirk 6'))!;
		const [e] = await escalationsOf(h.db, stk6.id);
		expect(e.kind).toBe('needs_report');
		expect(e.report).toMatchObject({ title: 'Wochenendangebote für Jugendliche in Rath (Demo)', status: 'under_review' });
		expect(e.report!.answers.map((a) => a.body)).toEqual(['Danke, wir prüfen mit dem Jugendamt eine Wochenendöffnung der JFE.', 'Ab dem Herbst öffnet die JFE Rath samstags probeweise.']);
	});

	it('shows on the network map exactly the actor types the demo leaves out of the local networks', async () => {
		const d = (await findMunicipality(h.db, 'duesseldorf'))!;
		const districts = await listDistricts(h.db, d.id);
		const spaces = async (code: string) => (await listSocialSpaces(h.db, { municipalityId: d.id, districtId: districts.find((x) => x.code === code)!.id })).map((s) => s.id);
		const map = await networkMap(h.db, sys, d.id, () => ({ title: 'Karte', description: '' }));
		const sb5 = await spaces('5');
		for (const s of sb5) {
			expect(map.coverage.find((c) => c.socialSpaceId === s)!.missing).toEqual(['youth_centre', 'counselling_centre', 'housing_company', 'migrant_organisation']);
		}
		const sb6 = await spaces('6');
		for (const s of sb6) {
			expect(map.coverage.find((c) => c.socialSpaceId === s)!.missing).toEqual(['volunteer_initiative', 'association', 'parish']);
		}
		const other = map.coverage.filter((c) => ![...sb5, ...sb6].includes(c.socialSpaceId));
		expect(other.every((c) => c.localNetworks === 0 && c.present.length === 0)).toBe(true);
		const figures = await networkDashboardFigures(h.db, d.id);
		expect(figures).toMatchObject({ networksByLevel: { local: 3, city: 2 }, escalations: 1, spacesWithLocalNetwork: sb5.length + sb6.length, spacesMissingTypes: sb5.length + sb6.length });
		expect(figures.meetingsHeld).toBe(4);
		expect(figures.openActions).toBe(2);
		expect(figures.overdueActions).toBe(1);
	});

	it('adds nothing when loaded again', async () => {
		const before = await Promise.all(['network', 'meeting', 'agenda_item', 'decision', 'action_item', 'escalation', 'network_post', 'actor_relation'].map((t) => countRows(h, t)));
		await loadDemo(h.db);
		expect(await Promise.all(['network', 'meeting', 'agenda_item', 'decision', 'action_item', 'escalation', 'network_post', 'actor_relation'].map((t) => countRows(h, t)))).toEqual(before);
	});
});
