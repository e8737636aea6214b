/**
 * Demo programmes and self-assessments (issue 5 §2, §5), all marked " (Demo)" / `is_demo`:
 * Düsseldorf and Köln programmes at realistic funder levels (KOMM-AN NRW and Kommunales
 * Integrationsmanagement NRW by the Land, AMIF by the EU, a foundation, a federal programme)
 * with deadlines in the coming months and links to demo offers; for Düsseldorf a published
 * catalogue v1 derived from the model's tasks (MODEL.md: Verweisen, Lotsen, Vernetzen, Ehrenamt,
 * Bedarfe melden; plus Sprachmittlung, Barrierefreiheit, Öffnungszeiten) and the 2025
 * self-assessments of Welcome Point 5 (submitted) and 6 (draft). The names of real programmes
 * are used for realism; budgets, periods and deadlines are invented.
 * Idempotent: a municipality with demo programmes, a catalogue or an assessment keeps them.
 */
import { and, eq } from 'drizzle-orm';
import { systemPrincipal } from '../access';
import type { Db } from '../db/client';
import { offersOfSource } from '../directory/steering-reads';
import { findMunicipality, listDistricts, listSocialSpaces } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';
import { saveProgramme, type ProgrammeInput } from './programmes';
import { assessment, assessmentAnswer, assessmentCatalogue, assessmentCriterion, programme } from './schema';

interface DemoProgramme {
	input: Omit<ProgrammeInput, 'socialSpaceIds' | 'serviceIds' | 'description' | 'url' | 'contactName' | 'contactEmail' | 'contactPhone'> & { description: string; url: string };
	/** Social spaces by name (all of the municipality's spaces with that name). */
	spaces?: string[];
	/** Districts by code whose social spaces all count. */
	districts?: string[];
	/** Demo offer keys (`service.source_id` of source `demo`). */
	offers: string[];
}

const NOTE = 'Demo-Inhalt: Budget, Laufzeit und Fristen sind erfunden.';

const DUESSELDORF: DemoProgramme[] = [
	{
		input: {
			name: 'KOMM-AN NRW – Ankommen im Quartier (Demo)',
			description: `Landesförderung für Integrationsarbeit vor Ort: Begegnung, Ehrenamt und Orientierung für Neuzugewanderte. ${NOTE}`,
			funderLevel: 'state',
			funderName: 'Land Nordrhein-Westfalen',
			themeFields: ['civil_society', 'education'],
			targetGroups: ['newcomers', 'refugee_experience'],
			budget: '85.000,00',
			startsOn: '2026-01-01',
			endsOn: '2026-12-31',
			deadlines: [
				{ dueOn: '2026-12-15', label: 'Antragsfrist Förderjahr 2027' },
				{ dueOn: '2027-03-31', label: 'Verwendungsnachweis 2026' }
			],
			url: 'https://www.kommunale-integrationszentren-nrw.de/'
		},
		districts: ['5', '6'],
		offers: ['duesseldorf/sprachcafe-rath', 'duesseldorf/sprachcafe-kaiserswerth']
	},
	{
		input: {
			name: 'Kommunales Integrationsmanagement NRW (Demo)',
			description: `Rechtskreisübergreifendes Case Management und Strukturarbeit für Zugewanderte. ${NOTE}`,
			funderLevel: 'state',
			funderName: 'Land Nordrhein-Westfalen',
			themeFields: ['housing', 'labour'],
			targetGroups: ['migration_history', 'refugee_experience'],
			budget: '420.000',
			startsOn: '2025-01-01',
			endsOn: '2027-12-31',
			deadlines: [
				{ dueOn: '2026-12-01', label: 'Mittelabruf 2. Halbjahr' },
				{ dueOn: '2027-01-31', label: 'Sachbericht 2026' }
			],
			url: 'https://www.kim.nrw/'
		},
		offers: ['duesseldorf/erstberatung-wp5', 'duesseldorf/wohnungssuche-wp5']
	},
	{
		input: {
			name: 'AMIF – Asyl-, Migrations- und Integrationsfonds: Arbeitsmarktzugang (Demo)',
			description: `EU-Förderung eines Projekts zur Qualifizierung und Bewerbung. ${NOTE}`,
			funderLevel: 'eu',
			funderName: 'Europäische Union (über das BAMF)',
			themeFields: ['labour', 'education'],
			targetGroups: ['refugee_experience'],
			budget: '250.000,00',
			startsOn: '2026-07-01',
			endsOn: '2028-06-30',
			deadlines: [
				{ dueOn: '2027-02-15', label: 'Projektantrag Förderaufruf 2027' },
				{ dueOn: '2027-07-31', label: 'Zwischenbericht' }
			],
			url: 'https://www.bamf.de/'
		},
		districts: ['6'],
		offers: ['duesseldorf/bewerbungswerkstatt-rath']
	},
	{
		input: {
			name: 'Quartiersfonds Begegnung – Stiftung (Demo)',
			description: `Kleine Stiftungsmittel für Nachbarschaftsprojekte; Budget noch offen. ${NOTE}`,
			funderLevel: 'foundation',
			funderName: 'Stiftung Wohlfahrtspflege NRW',
			themeFields: ['civil_society'],
			targetGroups: ['residents', 'whole_society'],
			budget: '',
			startsOn: '2026-03-01',
			endsOn: '',
			deadlines: [{ dueOn: '2027-05-31', label: 'Projektskizze' }],
			url: 'https://www.sw-nrw.de/'
		},
		spaces: ['Unterrath'],
		offers: ['duesseldorf/eltern-kind-gruppe-unterrath']
	}
];

const KOELN: DemoProgramme[] = [
	{
		input: {
			name: 'KOMM-AN NRW – Köln-Kalk (Demo)',
			description: `Landesförderung für Begegnung und Ehrenamt im Bezirk Kalk. ${NOTE}`,
			funderLevel: 'state',
			funderName: 'Land Nordrhein-Westfalen',
			themeFields: ['civil_society'],
			targetGroups: ['newcomers'],
			budget: '120.000',
			startsOn: '2026-01-01',
			endsOn: '2026-12-31',
			deadlines: [{ dueOn: '2026-12-15', label: 'Antragsfrist Förderjahr 2027' }],
			url: 'https://www.kommunale-integrationszentren-nrw.de/'
		},
		spaces: ['Kalk', 'Vingst'],
		offers: ['koeln/begegnungscafe-vingst', 'koeln/sprachcafe-buergertreff-kalk']
	},
	{
		input: {
			name: 'Migrationsberatung für erwachsene Zuwanderer – Bund (Demo)',
			description: `Bundesgeförderte Beratung zu Sprache, Arbeit und Alltag. ${NOTE}`,
			funderLevel: 'federal',
			funderName: 'Bundesministerium des Innern',
			themeFields: ['labour', 'education', 'housing'],
			targetGroups: ['migration_history'],
			budget: '300.000',
			startsOn: '2026-01-01',
			endsOn: '2027-12-31',
			deadlines: [{ dueOn: '2027-01-15', label: 'Jahresbericht 2026' }],
			url: 'https://www.bamf.de/'
		},
		offers: []
	},
	{
		input: {
			name: 'Nachbarschaftsfonds Elterncafé – Stiftung (Demo)',
			description: `Stiftungsmittel für ein Elterncafé. ${NOTE}`,
			funderLevel: 'foundation',
			funderName: 'Bürgerstiftung (erfunden)',
			themeFields: ['education'],
			targetGroups: ['residents'],
			budget: '15.000',
			startsOn: '2026-09-01',
			endsOn: '2027-08-31',
			deadlines: [{ dueOn: '2027-04-30', label: 'Zwischenbericht' }],
			url: ''
		},
		spaces: ['Kalk'],
		offers: ['koeln/elterncafe-kalk']
	}
];

/** Düsseldorf catalogue v1: the model's tasks as quality criteria (MODEL.md, seeds 000/002). */
const CRITERIA = [
	{ code: 'V1', task: 'Verweisen', title: 'Informiert Ratsuchende mehrsprachig und verweist an passende Angebote', description: 'Aktuelle Übersicht der Angebote im Sozialraum; Verweisungen werden dokumentiert.' },
	{ code: 'L1', task: 'Lotsen', title: 'Begleitet bei Bedarf zu Angeboten und hält nach, ob die Weitervermittlung gelungen ist', description: 'Rückmeldung zum Ergebnis der Weitervermittlung liegt in der Regel vor.' },
	{ code: 'N1', task: 'Vernetzen', title: 'Lädt regelmäßig zu Netzwerktreffen im Sozialraum an einem für alle zugänglichen Ort ein', description: 'Mindestens viermal im Jahr; bestehende Runden werden genutzt statt neue gegründet.' },
	{ code: 'E1', task: 'Ehrenamt koordinieren', title: 'Gewinnt, begleitet und qualifiziert Ehrenamtliche mit abgestimmten Aufgabenprofilen', description: 'Aufgabenprofile Haupt-/Ehrenamt, Schulungen, Anerkennung.' },
	{ code: 'B1', task: 'Bedarfe melden', title: 'Meldet Bedarfe aus dem Sozialraum an die Kommune', description: 'Bedarfsmeldungen mit Nachweisen aus der Kontaktstatistik.' },
	{ code: 'S1', task: 'Sprachmittlung', title: 'Stellt Sprachmittlung für die häufigsten Sprachen der Ratsuchenden sicher', description: 'Eigene Sprachkenntnisse oder Dolmetschpool.' },
	{ code: 'A1', task: 'Barrierefreiheit', title: 'Räume und Informationen sind barrierefrei zugänglich', description: 'Stufenloser Zugang, Informationen auch in Leichter Sprache.' },
	{ code: 'O1', task: 'Öffnungszeiten', title: 'Hat verlässliche, veröffentlichte Öffnungszeiten einschließlich einer Sprechzeit am Nachmittag oder Abend', description: '' }
];

const WP5_2025: Record<string, [number, string]> = {
	V1: [3, 'Angebotsübersicht in 6 Sprachen, monatlich aktualisiert (Demo).'],
	L1: [2, 'Begleitungen mit Rückmeldung in etwa zwei Dritteln der Fälle (Demo).'],
	N1: [3, 'Fünf Netzwerktreffen 2025 im Stadtteilzentrum (Demo).'],
	E1: [2, 'Zwölf aktive Ehrenamtliche, zwei Schulungen (Demo).'],
	B1: [1, 'Eine Bedarfsmeldung 2025 (Demo).'],
	S1: [2, 'Arabisch, Farsi und Türkisch im Team; sonst Dolmetschpool (Demo).'],
	A1: [1, 'Zugang mit einer Stufe; Rampe beantragt (Demo).'],
	O1: [3, 'Montag bis Freitag vormittags, Donnerstag bis 19 Uhr (Demo).']
};
const WP6_2025: Record<string, [number, string]> = {
	V1: [2, 'Übersicht in Deutsch, Ukrainisch und Russisch (Demo).'],
	N1: [2, 'Drei Netzwerktreffen 2025 (Demo).'],
	S1: [3, 'Ukrainisch und Russisch im Team (Demo).']
};

async function loadProgrammes(db: Db, slug: string, list: DemoProgramme[]): Promise<void> {
	const m = await findMunicipality(db, slug);
	if (!m) return;
	const [existing] = await db.select({ id: programme.id }).from(programme).where(and(eq(programme.municipalityId, m.id), eq(programme.isDemo, true))).limit(1);
	if (existing) return;
	const spaces = await listSocialSpaces(db, { municipalityId: m.id });
	const districts = await listDistricts(db, m.id);
	const offers = await offersOfSource(db, m.id, 'demo');
	for (const p of list) {
		const districtIds = districts.filter((d) => p.districts?.includes(d.code ?? '')).map((d) => d.id);
		const socialSpaceIds = spaces.filter((s) => p.spaces?.includes(s.name) || districtIds.includes(s.districtId)).map((s) => s.id);
		const serviceIds = offers.filter((o) => o.sourceId && p.offers.includes(o.sourceId)).map((o) => o.id);
		await saveProgramme(
			db,
			systemPrincipal('demo-loader'),
			m.id,
			{ ...p.input, socialSpaceIds, serviceIds, contactName: 'Demo-Ansprechperson', contactEmail: 'foerderung@example.org', contactPhone: '' },
			{ isDemo: true }
		);
	}
}

async function loadAssessments(db: Db): Promise<void> {
	const m = await findMunicipality(db, 'duesseldorf');
	if (!m) return;
	const [existing] = await db.select({ id: assessmentCatalogue.id }).from(assessmentCatalogue).where(eq(assessmentCatalogue.municipalityId, m.id)).limit(1);
	if (existing) return;
	const wp5 = await findInstanceBySlug(db, m.id, 'welcome-point-5');
	const wp6 = await findInstanceBySlug(db, m.id, 'welcome-point-6');
	await db.transaction(async (tx) => {
		const [cat] = await tx
			.insert(assessmentCatalogue)
			.values({ municipalityId: m.id, version: 1, title: 'Aufgabenkatalog und Qualitätskriterien der Welcome Points (Demo)', publishedAt: new Date('2025-01-15T09:00:00Z'), isDemo: true })
			.returning();
		const criteria = await tx
			.insert(assessmentCriterion)
			.values(CRITERIA.map((c, position) => ({ ...c, position, catalogueId: cat.id })))
			.returning();
		const answer = async (instanceId: string, submittedAt: Date | null, ratings: Record<string, [number, string]>) => {
			const [a] = await tx.insert(assessment).values({ instanceId, catalogueId: cat.id, year: 2025, submittedAt }).returning();
			await tx.insert(assessmentAnswer).values(
				Object.entries(ratings).map(([code, [rating, evidence]]) => ({ assessmentId: a.id, criterionId: criteria.find((c) => c.code === code)!.id, rating, evidence }))
			);
		};
		if (wp5) await answer(wp5.id, new Date('2026-02-10T10:00:00Z'), WP5_2025);
		if (wp6) await answer(wp6.id, null, WP6_2025);
	});
}

/** Loads the demo programmes of Köln and Düsseldorf and Düsseldorf's catalogue with the 2025 assessments (idempotent). */
export async function loadSteeringProgrammesDemo(db: Db): Promise<void> {
	await loadProgrammes(db, 'duesseldorf', DUESSELDORF);
	await loadProgrammes(db, 'koeln', KOELN);
	await loadAssessments(db);
}
