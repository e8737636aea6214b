/**
 * Demo offers for the coverage matrix (issue 5 §7: "the Köln demo … shows a meaningful coverage
 * matrix"). The Köln demo's OSM actors (schools, Kitas, parishes, libraries, counselling and
 * arts centres …) are places, not offers; this gives each of them one typical offer of its kind,
 * at its own place, so the matrix shows covered, thin and empty Stadtteile per field. About a
 * third are left unconfirmed, so out-of-date cells occur too. They are invented, so they are
 * `internal` (steering counts every visibility; the public Wegweiser never shows them). Offers are written through the
 * directory's `saveServices` (validated, placed into the Stadtteil, search entries built; one transaction), marked as
 * demo (`is_demo`, titles ending in " (Demo)", source `demo-coverage`).
 * Idempotent: nothing is written when Köln already has offers of this source.
 */
import { systemPrincipal } from '../access';
import type { Db } from '../db/client';
import { saveServices, type ServiceInput, type WriteOptions } from '../directory/service';
import { actorsWithAmenity, offersOfSource } from '../directory/steering-reads';
import { originalText } from '../directory/texts';
import { findMunicipality } from '../geography/service';

const SOURCE = 'demo-coverage';

/** Offer templates per OSM amenity: title, description, fields, sub-topics, target groups. */
const TEMPLATES: Record<string, { name: string; description: string; themeFields: string[]; subtopics: string[]; targetGroups: string[] }[]> = {
	kindergarten: [{ name: 'Kinderbetreuung', description: 'Betreuungsplätze für Kinder ab einem Jahr, Eingewöhnung auch mit Dolmetschung.', themeFields: ['education'], subtopics: ['childcare'], targetGroups: ['newcomers'] }],
	school: [{ name: 'Hausaufgabenhilfe', description: 'Nachmittags Unterstützung bei Hausaufgaben und Deutsch für Seiteneinsteigerinnen und Seiteneinsteiger.', themeFields: ['education'], subtopics: ['homework_help'], targetGroups: ['migration_history'] }],
	college: [{ name: 'Ausbildungsorientierung', description: 'Beratung zu Ausbildung und Berufsschule für junge Zugewanderte.', themeFields: ['labour'], subtopics: ['vocational_training'], targetGroups: ['newcomers'] }],
	place_of_worship: [{ name: 'Offener Gemeindetreff', description: 'Begegnung, Kaffee und Gespräche, offen für alle Nachbarinnen und Nachbarn.', themeFields: ['civil_society'], subtopics: ['meeting_place'], targetGroups: [] }],
	library: [
		{ name: 'Sprachcafé', description: 'Deutsch sprechen üben in kleiner Runde, ohne Anmeldung.', themeFields: ['education'], subtopics: ['language_course'], targetGroups: [] },
		{ name: 'Bewerbungswerkstatt', description: 'Lebenslauf und Anschreiben am Computer, mit Ehrenamtlichen.', themeFields: ['labour'], subtopics: ['job_search'], targetGroups: ['newcomers'] }
	],
	social_facility: [
		{ name: 'Sozialberatung', description: 'Beratung zu Leistungen, Anträgen und Behördenpost.', themeFields: ['civil_society'], subtopics: ['social_counselling'], targetGroups: ['refugee_experience'] },
		{ name: 'Wohnberatung', description: 'Hilfe bei Wohnungssuche, Mietvertrag und Wohnberechtigungsschein.', themeFields: ['housing'], subtopics: ['housing_search'], targetGroups: ['refugee_experience'] }
	],
	arts_centre: [{ name: 'Interkulturelle Kulturwerkstatt', description: 'Theater, Musik und Malen für Menschen aus aller Welt.', themeFields: ['civil_society'], subtopics: ['culture'], targetGroups: [] }],
	youth_centre: [{ name: 'Offene Jugendarbeit', description: 'Treffpunkt, Sport und Lernhilfe für Jugendliche.', themeFields: ['civil_society', 'education'], subtopics: ['sports', 'homework_help'], targetGroups: ['residents'] }],
	community_centre: [{ name: 'Nachbarschaftstreff', description: 'Begegnung, Beratungssprechstunden und Kurse im Stadtteil.', themeFields: ['civil_society'], subtopics: ['meeting_place'], targetGroups: [] }],
	townhall: [{ name: 'Beratung zu Arbeit und Anerkennung', description: 'Erste Orientierung zu Arbeitsmarkt und Anerkennung ausländischer Abschlüsse.', themeFields: ['labour'], subtopics: ['job_counselling', 'recognition'], targetGroups: ['newcomers'] }],
	nursing_home: [{ name: 'Besuchsdienst', description: 'Ehrenamtliche besuchen ältere Menschen, auch mehrsprachig.', themeFields: ['civil_society'], subtopics: ['volunteering'], targetGroups: [] }]
};

/** Loads the Köln demo offers where missing. */
export async function loadCoverageDemo(db: Db): Promise<void> {
	const koeln = await findMunicipality(db, 'koeln');
	if (!koeln) return;
	if ((await offersOfSource(db, koeln.id, SOURCE)).length) return;
	const actors = await actorsWithAmenity(db, koeln.id);
	const seen = new Set<string>();
	const offers: { input: ServiceInput; options: WriteOptions }[] = [];
	for (const a of actors) {
		if (seen.has(a.id)) continue;
		seen.add(a.id);
		for (const t of TEMPLATES[a.amenity] ?? []) {
			const input: ServiceInput = {
				organizationId: a.id,
				instanceId: null,
				name: originalText('de', `${t.name} (Demo)`),
				description: originalText('de', `Demo-Inhalt: erfundenes Angebot von ${a.name}. ${t.description}`),
				status: 'active',
				visibility: 'internal',
				themeFields: t.themeFields,
				subtopics: t.subtopics,
				dimensionsOverride: null,
				targetGroups: t.targetGroups,
				minimumAge: null,
				maximumAge: null,
				languages: ['de'],
				costKind: 'free',
				costAmountCents: null,
				costNote: {},
				lowThreshold: true,
				accessRequirements: {},
				requiredDocuments: {},
				eligibility: {},
				url: '',
				email: '',
				phone: '',
				contactName: '',
				locations: [
					{
						id: a.location.id,
						name: a.location.name,
						street: a.location.street,
						postalCode: a.location.postalCode,
						city: a.location.city,
						latitude: a.location.latitude,
						longitude: a.location.longitude,
						accessibility: a.location.accessibility,
						accessibilityNote: a.location.accessibilityNote,
						directions: a.location.directions
					}
				],
				schedules: []
			};
			// Every third offer stays unconfirmed, so some Stadtteile show out-of-date entries.
			offers.push({ input, options: { source: SOURCE, isDemo: true, verifiedBy: offers.length % 3 === 2 ? undefined : 'Demo' } });
		}
	}
	await saveServices(db, systemPrincipal('demo'), koeln.id, offers);
}
