/**
 * The networks demo (issue 14 §8): Düsseldorf gets the bodies seed 000 names as demo networks —
 * a Stadtteilkonferenz in Stadtbezirk 5 and one in Stadtbezirk 6 (coordinated by the demo
 * Welcome Points), the Koordinierungskreis Integration city-wide (coordinated by the
 * municipality, with welfare associations, Schulaufsicht and Jobcenter as seed 000 lists them),
 * the Runder Tisch Asyl, and a temporary working group for a summer language camp — each marked
 * "(Demo)" and `is_demo`. They have invented demo actors of the model's types as members, past
 * meetings with approved minutes, decisions and open action items (one overdue, carried over),
 * a planned next meeting, relations between actors, posts in all three directions, and one
 * escalation of a decision to a needs report that the municipality has answered.
 *
 * Who takes part where is chosen so the network map shows gaps: in Stadtbezirk 5 youth centres,
 * counselling centres, housing companies and migrant organisations are missing; in Stadtbezirk 6
 * volunteer initiatives, associations and parishes.
 *
 * Idempotent: a municipality that already has demo networks is left alone. Dates are relative to
 * the day of loading. Needs the geography, instances, directory, steering and accounts demos.
 */
import { and, eq } from 'drizzle-orm';
import { systemPrincipal } from '../access';
import { findUserByEmail } from '../accounts/users';
import { berlinDate } from '../casework/time';
import type { Db } from '../db/client';
import { demoActorIds, meetingPlaces } from '../directory/networks-reads';
import { saveOrganization } from '../directory/service';
import { originalText } from '../directory/texts';
import { findMunicipality, listDistricts, listSocialSpaces } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';
import { changeNeedsStatus, respondToNeedsReport } from '../steering/needs';
import { escalateToNeedsReport } from './escalations';
import {
	addActionItem,
	addAgendaItem,
	addDecision,
	changeAgendaItem,
	changeMinutesState,
	createMeeting,
	getMeeting,
	proposeAgendaItem,
	recordAttendance,
	saveItemMinutes,
	setActionItemDone,
	setMeetingState
} from './meetings';
import { addMembership, createNetwork } from './networks';
import { createPost } from './posts';
import { createRelation } from './relations';
import { network } from './schema';

const DEMO = systemPrincipal('demo-loader');

/** The demo actors: source key → name, type, Stadtbezirk (null: city-wide). */
const ACTORS: { key: string; name: string; type: string; district: '5' | '6' | null }[] = [
	{ key: 'kita-kaiserswerth', name: 'Kita Sonnenschein Kaiserswerth (Demo)', type: 'kita', district: '5' },
	{ key: 'grundschule-am-markt', name: 'Grundschule am Markt (Demo)', type: 'school', district: '5' },
	{ key: 'kirchengemeinde-kaiserswerth', name: 'Ev. Kirchengemeinde Kaiserswerth (Demo)', type: 'parish', district: '5' },
	{ key: 'sportverein-wittlaer', name: 'Sportverein Wittlaer (Demo)', type: 'association', district: '5' },
	{ key: 'fluechtlingshilfe-nord', name: 'Ehrenamtskreis Flüchtlingshilfe Nord (Demo)', type: 'volunteer_initiative', district: '5' },
	{ key: 'jfe-rath', name: 'Jugendfreizeiteinrichtung Rath (Demo)', type: 'youth_centre', district: '6' },
	{ key: 'familienzentrum-unterrath', name: 'Familienzentrum Unterrath (Demo)', type: 'kita', district: '6' },
	{ key: 'ggs-rath', name: 'Gemeinschaftsgrundschule Rath (Demo)', type: 'school', district: '6' },
	{ key: 'migrantenverein-rath', name: 'Deutsch-Arabischer Kulturverein Rath (Demo)', type: 'migrant_organisation', district: '6' },
	{ key: 'wohnungsgenossenschaft-nord', name: 'Wohnungsgenossenschaft Düsseldorf-Nord (Demo)', type: 'housing_company', district: '6' },
	{ key: 'beratungsstelle-rath', name: 'Migrationsberatung Rath (Demo)', type: 'counselling_centre', district: '6' },
	{ key: 'wohlfahrt-a', name: 'Wohlfahrtsverband A, Kreisverband Düsseldorf (Demo)', type: 'welfare_association', district: null },
	{ key: 'wohlfahrt-b', name: 'Wohlfahrtsverband B, Düsseldorf (Demo)', type: 'welfare_association', district: null },
	{ key: 'schulaufsicht', name: 'Schulaufsicht Düsseldorf (Demo)', type: 'public_authority', district: null },
	{ key: 'jobcenter', name: 'Jobcenter Düsseldorf (Demo)', type: 'jobcenter', district: null },
	{ key: 'amt-migration', name: 'Amt für Migration und Integration (Demo)', type: 'public_authority', district: null }
];

/**
 * Loads the Düsseldorf networks demo when Düsseldorf has no demo networks yet.
 * @param now the day of loading (dates are relative to it).
 */
export async function loadNetworksDemo(db: Db, now: Date = new Date()): Promise<void> {
	const d = await findMunicipality(db, 'duesseldorf');
	if (!d) return;
	const [existing] = await db.select({ id: network.id }).from(network).where(and(eq(network.municipalityId, d.id), eq(network.isDemo, true))).limit(1);
	if (existing) return;
	const [wp5, wp6, districts] = await Promise.all([findInstanceBySlug(db, d.id, 'welcome-point-5'), findInstanceBySlug(db, d.id, 'welcome-point-6'), listDistricts(db, d.id)]);
	if (!wp5 || !wp6) return;
	const spacesOf = async (code: string) => {
		const district = districts.find((x) => x.code === code);
		return district ? (await listSocialSpaces(db, { municipalityId: d.id, districtId: district.id })).map((s) => s.id) : [];
	};
	const sb5 = await spacesOf('5');
	const sb6 = await spacesOf('6');
	if (!sb5.length || !sb6.length) return;

	// Demo actors of the model's types (created once, found again by their source key).
	const known = await demoActorIds(db, d.id, 'networks/');
	const actor: Record<string, string> = {};
	for (const a of ACTORS) {
		const key = `networks/${a.key}`;
		actor[a.key] =
			known.get(key) ??
			(
				await saveOrganization(
					db,
					DEMO,
					d.id,
					{
						name: a.name,
						alternateNames: [],
						description: originalText('de', 'Demo-Inhalt: erfundener Akteur für die Netzwerk-Demo.'),
						actorType: a.type,
						email: '',
						phone: '',
						website: '',
						visibility: a.type === 'volunteer_initiative' ? 'network' : 'public',
						instanceId: null,
						socialSpaceIds: a.district === '5' ? sb5.slice(0, 2) : a.district === '6' ? sb6.slice(0, 2) : [],
						locations: []
					},
					{ source: 'demo', sourceId: key, isDemo: true }
				)
			).id;
	}

	const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
	const at = (n: number, hour: number) => {
		const date = berlinDate(day(n));
		return `${date}T${String(hour).padStart(2, '0')}:00`;
	};
	const since = berlinDate(day(-400));
	const base = { municipalityId: d.id, parentIds: [] as string[], themeFields: ['housing', 'education', 'labour', 'civil_society'] };
	const opts = (n: number) => ({ now: day(n), isDemo: true });

	const kk = (await createNetwork(db, DEMO, { ...base, name: 'Koordinierungskreis Integration (Demo)', shortName: 'KKI', kind: 'committee', level: 'city', coordinatingInstanceId: null, socialSpaceIds: [], visibility: 'public', description: 'Demo: stimmt Verwaltung, Politik, Wohlfahrt und Zivilgesellschaft ab (nach dem Integrationskonzept 2017).' }, opts(-120))).id;
	const rta = (await createNetwork(db, DEMO, { ...base, name: 'Runder Tisch Asyl (Demo)', kind: 'round_table', level: 'city', coordinatingInstanceId: null, socialSpaceIds: [], visibility: 'public' }, opts(-120))).id;
	const stk5 = (await createNetwork(db, DEMO, { ...base, name: 'Stadtteilkonferenz Stadtbezirk 5 (Demo)', shortName: 'STK 5', kind: 'district_conference', level: 'local', coordinatingInstanceId: wp5.id, socialSpaceIds: sb5, visibility: 'public', parentIds: [kk] }, opts(-110))).id;
	const stk6 = (await createNetwork(db, DEMO, { ...base, name: 'Stadtteilkonferenz Stadtbezirk 6 (Demo)', shortName: 'STK 6', kind: 'district_conference', level: 'local', coordinatingInstanceId: wp6.id, socialSpaceIds: sb6, visibility: 'public', parentIds: [kk] }, opts(-110))).id;
	const camp = (
		await createNetwork(
			db,
			DEMO,
			{ ...base, name: 'AG Sprachcamp Sommerferien (Demo)', kind: 'temporary_group', level: 'local', occasion: 'Sprachcamp für Kinder in den Sommerferien', endsOn: berlinDate(day(120)), coordinatingInstanceId: wp6.id, socialSpaceIds: sb6.slice(1, 3), visibility: 'network', themeFields: ['education'] },
			opts(-40)
		)
	).id;

	const member = async (networkId: string, organizationKey: string, role = 'member') => (await addMembership(db, DEMO, networkId, { organizationId: actor[organizationKey], role, startsOn: since }, day(-100))).id;
	for (const k of ['wohlfahrt-a', 'wohlfahrt-b', 'schulaufsicht', 'jobcenter', 'amt-migration']) await member(kk, k, k === 'amt-migration' ? 'chair' : 'member');
	for (const k of ['wohlfahrt-a', 'fluechtlingshilfe-nord', 'migrantenverein-rath']) await member(rta, k);
	const stk5Members: Record<string, string> = {};
	for (const k of ['kita-kaiserswerth', 'grundschule-am-markt', 'kirchengemeinde-kaiserswerth', 'sportverein-wittlaer', 'fluechtlingshilfe-nord']) stk5Members[k] = await member(stk5, k, k === 'kirchengemeinde-kaiserswerth' ? 'chair' : 'member');
	const stk6Members: Record<string, string> = {};
	for (const k of ['jfe-rath', 'familienzentrum-unterrath', 'ggs-rath', 'migrantenverein-rath', 'wohnungsgenossenschaft-nord', 'beratungsstelle-rath']) stk6Members[k] = await member(stk6, k, k === 'jfe-rath' ? 'chair' : 'member');
	for (const k of ['jfe-rath', 'ggs-rath']) await member(camp, k);

	// The Welcome Points' demo teams coordinate their conferences; the partner account takes part in Stadtbezirk 6.
	const people = async (networkId: string, email: string, role: string) => {
		const u = await findUserByEmail(db, email);
		return u ? (await addMembership(db, DEMO, networkId, { userId: u.id, consentOn: since, publicationConsent: false, role, startsOn: since }, day(-100))).id : null;
	};
	const wp5Team = await people(stk5, 'wp5@example.org', 'coordinator');
	const wp6Team = await people(stk6, 'wp6@example.org', 'coordinator');
	await people(stk6, 'partner.duesseldorf@example.org', 'member');
	await people(camp, 'wp6@example.org', 'coordinator');
	await people(kk, 'wp5@example.org', 'guest');
	await people(kk, 'wp6@example.org', 'guest');
	const speaker = (await addMembership(db, DEMO, stk6, { person: { name: 'Samira Demo', email: '', consentOn: since }, publicationConsent: true, role: 'member', startsOn: since }, day(-100))).id;

	// The places: the Welcome Points' demo places (step-free) and, for one meeting, a place without step-free access.
	const places = await meetingPlaces(db, d.id);
	const placeOf = (street: string) => places.find((p) => p.street === street)?.id ?? null;
	const wp5Place = placeOf('Demoweg 5');
	const wp6Place = placeOf('Beispielstraße 6');
	const hall = placeOf('Kaiserswerther Markt 20');

	// Stadtteilkonferenz 5: two past meetings of a series, an action item carried over (overdue), the next one planned.
	const s5a = await createMeeting(db, DEMO, stk5, { name: 'Stadtteilkonferenz 5 – Frühjahr (Demo)', startsAt: at(-63, 17), endsAt: at(-63, 19), locationId: wp5Place, placeText: wp5Place ? '' : 'Welcome Point 5', newSeriesName: 'Stadtteilkonferenz 5' }, opts(-90));
	const seriesOf5 = (await getMeeting(db, DEMO, s5a.id, day(-90))).meeting.seriesId!;
	const i1 = (await proposeAgendaItem(db, DEMO, s5a.id, { title: 'Kinderbetreuung während der Sprachkurse', description: 'Eltern brechen Kurse ab, weil die Betreuung fehlt.' }, day(-70))).id;
	const i2 = (await addAgendaItem(db, DEMO, s5a.id, { title: 'Termine und Informationen aus dem Stadtbezirk', isPublic: true }, day(-66))).id;
	await changeAgendaItem(db, DEMO, i1, { state: 'accepted', isPublic: true }, day(-66));
	await saveItemMinutes(db, DEMO, i1, 'Die Kita Sonnenschein und die Grundschule berichten von Wartelisten. Die Kirchengemeinde bietet einen Raum an.', day(-62));
	await saveItemMinutes(db, DEMO, i2, 'Das Sommerfest findet im Juli statt.', day(-62));
	await addDecision(db, DEMO, i1, { text: 'Die Stadtteilkonferenz bittet die Kirchengemeinde, einen Betreuungsraum für die Kurszeiten zu prüfen.', result: 'adopted', votesFor: '9', votesAgainst: '0', votesAbstain: '1' }, day(-62));
	await addActionItem(db, DEMO, s5a.id, { title: 'Raum für Kinderbetreuung prüfen', ownerMembershipId: stk5Members['kirchengemeinde-kaiserswerth'], dueOn: berlinDate(day(-20)), agendaItemId: i1 }, day(-62));
	const listDone = (await addActionItem(db, DEMO, s5a.id, { title: 'Kurstermine an alle Mitglieder schicken', ownerMembershipId: wp5Team ?? stk5Members['grundschule-am-markt'], dueOn: berlinDate(day(-50)) }, day(-62))).id;
	await setActionItemDone(db, DEMO, listDone, true, day(-55));
	await recordAttendance(db, DEMO, s5a.id, { organizationIds: ['kita-kaiserswerth', 'grundschule-am-markt', 'kirchengemeinde-kaiserswerth', 'fluechtlingshilfe-nord'].map((k) => actor[k]), membershipIds: wp5Team ? [wp5Team] : [] }, day(-62));
	await setMeetingState(db, DEMO, s5a.id, 'held', day(-62));
	await changeMinutesState(db, DEMO, s5a.id, 'circulated', day(-60));
	await changeMinutesState(db, DEMO, s5a.id, 'approved', day(-50));

	const s5b = await createMeeting(db, DEMO, stk5, { name: 'Stadtteilkonferenz 5 – Sommer (Demo)', startsAt: at(-7, 17), endsAt: at(-7, 19), locationId: hall, placeText: hall ? '' : 'Gemeindehaus am Markt', seriesId: seriesOf5 }, opts(-40));
	const j1 = (await addAgendaItem(db, DEMO, s5b.id, { title: 'Bericht aus dem Koordinierungskreis', isPublic: true }, day(-20))).id;
	await saveItemMinutes(db, DEMO, j1, 'Der Koordinierungskreis hat das Thema Kinderbetreuung aufgenommen.', day(-6));
	await addDecision(db, DEMO, j1, { text: 'Der Bericht wird zur Kenntnis genommen.', result: 'noted' }, day(-6));
	await recordAttendance(db, DEMO, s5b.id, { organizationIds: ['kita-kaiserswerth', 'kirchengemeinde-kaiserswerth', 'sportverein-wittlaer'].map((k) => actor[k]), membershipIds: [] }, day(-6));
	await setMeetingState(db, DEMO, s5b.id, 'held', day(-6));
	await changeMinutesState(db, DEMO, s5b.id, 'circulated', day(-5));
	await createMeeting(db, DEMO, stk5, { name: 'Stadtteilkonferenz 5 – Herbst (Demo)', startsAt: at(35, 17), endsAt: at(35, 19), locationId: wp5Place, placeText: wp5Place ? '' : 'Welcome Point 5', seriesId: seriesOf5 }, opts(-5));

	// Stadtteilkonferenz 6: a past meeting whose decision went up as a needs report, answered; the next one planned.
	const s6a = await createMeeting(db, DEMO, stk6, { name: 'Stadtteilkonferenz 6 – Frühjahr (Demo)', startsAt: at(-45, 16), endsAt: at(-45, 18), locationId: wp6Place, placeText: wp6Place ? '' : 'Welcome Point 6', newSeriesName: 'Stadtteilkonferenz 6' }, opts(-80));
	const k1 = (await addAgendaItem(db, DEMO, s6a.id, { title: 'Freizeitangebote für Jugendliche am Wochenende', isPublic: true }, day(-50))).id;
	const k2 = (await addAgendaItem(db, DEMO, s6a.id, { title: 'Wohnungssuche großer Familien', isPublic: true }, day(-50))).id;
	await saveItemMinutes(db, DEMO, k1, 'Die JFE Rath ist am Wochenende geschlossen; Samira Demo berichtet von Jugendlichen, die keinen Treffpunkt haben.', day(-44));
	await saveItemMinutes(db, DEMO, k2, 'Die Wohnungsgenossenschaft berichtet von langen Wartelisten für große Wohnungen.', day(-44));
	const up = (await addDecision(db, DEMO, k1, { text: 'Der Bedarf an Wochenendöffnungszeiten für Jugendliche wird als Bedarfsmeldung an die Stadt gegeben.', result: 'adopted', votesFor: '11', votesAgainst: '0', votesAbstain: '0' }, day(-44))).id;
	await addDecision(db, DEMO, k2, { text: 'Das Thema wird in der nächsten Sitzung mit dem Amt vertieft.', result: 'deferred' }, day(-44));
	await addActionItem(db, DEMO, s6a.id, { title: 'Zahlen der Warteliste zusammenstellen', ownerMembershipId: stk6Members['wohnungsgenossenschaft-nord'], dueOn: berlinDate(day(20)), agendaItemId: k2 }, day(-44));
	await recordAttendance(db, DEMO, s6a.id, { organizationIds: ['jfe-rath', 'familienzentrum-unterrath', 'ggs-rath', 'wohnungsgenossenschaft-nord', 'beratungsstelle-rath'].map((k) => actor[k]), membershipIds: [speaker, ...(wp6Team ? [wp6Team] : [])] }, day(-44));
	await setMeetingState(db, DEMO, s6a.id, 'held', day(-44));
	await changeMinutesState(db, DEMO, s6a.id, 'circulated', day(-42));
	await changeMinutesState(db, DEMO, s6a.id, 'approved', day(-38));
	const report = await escalateToNeedsReport(
		db,
		DEMO,
		{ decisionId: up },
		{
			title: 'Wochenendangebote für Jugendliche in Rath (Demo)',
			description: 'Die Stadtteilkonferenz 6 meldet: Jugendliche in Rath und Unterrath haben am Wochenende keinen offenen Treffpunkt.',
			themeField: 'civil_society',
			subtopics: ['meeting_place'],
			targetGroups: [],
			socialSpaceIds: sb6.slice(0, 2),
			urgency: 'medium'
		},
		'Aus dem Netzwerk „Stadtteilkonferenz Stadtbezirk 6 (Demo)“, Beschluss vom ' + berlinDate(day(-45)) + '.',
		{ now: day(-37), isDemo: true }
	);
	await changeNeedsStatus(db, DEMO, report.needsReportId, 'under_review', { body: 'Danke, wir prüfen mit dem Jugendamt eine Wochenendöffnung der JFE.', now: day(-30) });
	await respondToNeedsReport(db, DEMO, report.needsReportId, 'Ab dem Herbst öffnet die JFE Rath samstags probeweise.', day(-12));
	await createMeeting(db, DEMO, stk6, { name: 'Stadtteilkonferenz 6 – Herbst (Demo)', startsAt: at(28, 16), endsAt: at(28, 18), locationId: wp6Place, placeText: wp6Place ? '' : 'Welcome Point 6', proposalDeadline: at(21, 12) }, opts(-5));

	// Koordinierungskreis: a past meeting, and the next one open for proposals from the districts.
	const kka = await createMeeting(db, DEMO, kk, { name: 'Koordinierungskreis – 2. Sitzung (Demo)', startsAt: at(-30, 10), endsAt: at(-30, 12), placeText: 'Rathaus, Marktplatz 2 (Demo)' }, opts(-60));
	const m1 = (await addAgendaItem(db, DEMO, kka.id, { title: 'Sprachkurse mit Kinderbetreuung in den Stadtbezirken', isPublic: true }, day(-40))).id;
	await saveItemMinutes(db, DEMO, m1, 'Die Stadtteilkonferenz 5 hat den Bedarf berichtet.', day(-29));
	await addDecision(db, DEMO, m1, { text: 'Das Amt für Migration und Integration prüft ein Förderprogramm für Kinderbetreuung während der Kurse.', result: 'adopted' }, day(-29));
	await recordAttendance(db, DEMO, kka.id, { organizationIds: ['wohlfahrt-a', 'wohlfahrt-b', 'schulaufsicht', 'amt-migration'].map((k) => actor[k]), membershipIds: [] }, day(-29));
	await setMeetingState(db, DEMO, kka.id, 'held', day(-29));
	await changeMinutesState(db, DEMO, kka.id, 'circulated', day(-28));
	await changeMinutesState(db, DEMO, kka.id, 'approved', day(-20));
	await createMeeting(db, DEMO, kk, { name: 'Koordinierungskreis – 3. Sitzung (Demo)', startsAt: at(60, 10), endsAt: at(60, 12), placeText: 'Rathaus, Marktplatz 2 (Demo)' }, opts(-5));

	// Relations between actors.
	const relate = (from: string, to: string, kind: string) => createRelation(db, DEMO, { municipalityId: d.id, fromOrganizationId: actor[from], toOrganizationId: actor[to], kind, startsOn: since }, opts(-100));
	await relate('kita-kaiserswerth', 'grundschule-am-markt', 'cooperates');
	await relate('kirchengemeinde-kaiserswerth', 'fluechtlingshilfe-nord', 'hosts_offers');
	await relate('wohlfahrt-a', 'beratungsstelle-rath', 'funds');
	await relate('beratungsstelle-rath', 'wohnungsgenossenschaft-nord', 'refers_to');
	await relate('migrantenverein-rath', 'wohlfahrt-b', 'member_of');
	await relate('jfe-rath', 'ggs-rath', 'cooperates');

	// Posts: down, up and sideways.
	const post = (n: number, input: Omit<Parameters<typeof createPost>[2], 'municipalityId' | 'language' | 'socialSpaceIds' | 'roles' | 'languages'> & Partial<Parameters<typeof createPost>[2]>) =>
		createPost(db, DEMO, { municipalityId: d.id, language: 'de', socialSpaceIds: [], roles: [], languages: [], ...input }, opts(n));
	await post(-21, { direction: 'down', title: 'Neue Sprechstunden des Amtes in den Stadtbezirken (Demo)', body: 'Ab dem nächsten Monat bietet das Amt für Migration und Integration Sprechstunden in den Welcome Points an. Termine folgen über den Newsletter.', isPublic: true, networkIds: [] });
	await post(-14, { direction: 'up', title: 'Rückmeldung aus Stadtbezirk 6: Wohnungssuche großer Familien (Demo)', body: 'Die Stadtteilkonferenz 6 bittet den Koordinierungskreis, das Thema aufzunehmen.', isPublic: false, networkIds: [kk], fromInstanceId: null });
	await post(-3, { direction: 'sideways', title: 'Sprachcafé sucht Ehrenamtliche (Demo)', body: 'Das Sprachcafé Kaiserswerth sucht zwei Ehrenamtliche für den Mittwochvormittag. Wer kennt Interessierte?', isPublic: true, networkIds: [], roles: ['instance_staff', 'volunteer'] });
}
