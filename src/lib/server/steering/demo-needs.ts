/**
 * Demo needs reports (issue 5 §7: "the Düsseldorf demo shows … some demo needs reports clearly
 * marked as demo"): Welcome Points 5 and 6 in Düsseldorf and Anlaufstelle Kalk in Köln report a
 * few invented needs in different statuses, with a history of status changes and responses, one
 * answered by a linked demo offer. Titles end in " (Demo)", rows have `is_demo = true`; the
 * events carry no actor (nobody signed in wrote them). Idempotent: a municipality that already
 * has demo reports is left alone. Dates are relative to the day of loading.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { oldestOffer } from '../directory/steering-reads';
import { findMunicipality } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';
import { nextReference } from './needs';
import { needsReport, needsReportEvent, needsReportLink, needsReportSpace } from './schema';

/** One step of a demo history, `days` before today. A response by the instance does not count as the municipality's response. */
type Step = { status: string; body?: string; days: number } | { response: string; byMunicipality: boolean; days: number } | { link: true; days: number };

interface DemoReport {
	title: string;
	description: string;
	themeField: string;
	subtopics: string[];
	targetGroups: string[];
	urgency: 'low' | 'medium' | 'high';
	/** Social spaces by name among the instance's spaces (the first one when none matches). */
	spaces: string[];
	/** Days before today when reported. */
	ageDays: number;
	steps: Step[];
	declineReason?: string;
}

const DEMO: { municipality: string; instance: string; reports: DemoReport[] }[] = [
	{
		municipality: 'duesseldorf',
		instance: 'welcome-point-6',
		reports: [
			{
				title: 'Begleitung bei der Wohnungssuche (Demo)',
				description: 'Viele neu zugezogene Familien in Rath und Mörsenbroich finden keine Beratung, die sie bei der Wohnungssuche begleitet. Die Kontakte mit „kein passendes Angebot“ zum Thema Wohnungssuche nehmen zu.',
				themeField: 'housing',
				subtopics: ['housing_search'],
				targetGroups: ['people_in_space'],
				urgency: 'high',
				spaces: ['Rath', 'Mörsenbroich'],
				ageDays: 40,
				steps: [
					{ status: 'under_review', body: 'Danke für die Meldung. Wir prüfen, welche Träger das Thema im Stadtbezirk 6 abdecken könnten.', days: 35 },
					{ byMunicipality: false, response: 'Ergänzung: Der Bedarf besteht vor allem für Familien mit mehr als drei Kindern.', days: 30 },
					{ status: 'in_planning', body: 'Ein Träger plant eine Sprechstunde im Stadtteil.', days: 10 }
				]
			},
			{
				title: 'Sprachcafé für ältere Menschen (Demo)',
				description: 'Ältere Zugewanderte suchen einen Ort zum Deutschüben ohne Kursdruck.',
				themeField: 'civil_society',
				subtopics: ['meeting_place'],
				targetGroups: ['people_in_space'],
				urgency: 'low',
				spaces: ['Unterrath'],
				ageDays: 8,
				steps: []
			}
		]
	},
	{
		municipality: 'duesseldorf',
		instance: 'welcome-point-5',
		reports: [
			{
				title: 'Sprachkurs für Frauen mit Kinderbetreuung (Demo)',
				description: 'Mütter kleiner Kinder können die Integrationskurse nicht besuchen, weil es keine Kinderbetreuung während des Kurses gibt.',
				themeField: 'education',
				subtopics: ['language_course', 'childcare'],
				targetGroups: ['people_in_space'],
				urgency: 'high',
				spaces: [],
				ageDays: 120,
				steps: [
					{ status: 'under_review', days: 110 },
					{ status: 'in_planning', body: 'Die VHS bietet ab dem nächsten Semester einen Kurs mit Kinderbetreuung an.', days: 80 },
					{ link: true, days: 60 },
					{ status: 'implemented', body: 'Der Kurs läuft; das Angebot steht im Wegweiser.', days: 45 }
				]
			},
			{
				title: 'Hausaufgabenhilfe in arabischer Sprache (Demo)',
				description: 'Eltern wünschen Hausaufgabenhilfe mit arabischsprachiger Unterstützung.',
				themeField: 'education',
				subtopics: ['homework_help'],
				targetGroups: ['people_in_space'],
				urgency: 'medium',
				spaces: [],
				ageDays: 70,
				steps: [
					{ status: 'under_review', days: 60 },
					{ status: 'declined', days: 50 }
				],
				declineReason: 'Zwei bestehende Angebote im Stadtbezirk 5 haben freie Plätze; wir haben sie in den Wegweiser aufgenommen.'
			}
		]
	},
	{
		municipality: 'koeln',
		instance: 'anlaufstelle-kalk',
		reports: [
			{
				title: 'Beratung zur Anerkennung von Abschlüssen (Demo)',
				description: 'In Kalk gibt es keine wohnortnahe Beratung zur Anerkennung ausländischer Berufsabschlüsse.',
				themeField: 'labour',
				subtopics: ['recognition'],
				targetGroups: ['people_in_space'],
				urgency: 'medium',
				spaces: ['Kalk'],
				ageDays: 21,
				steps: [{ status: 'under_review', body: 'Wir sprechen mit dem IQ-Netzwerk.', days: 14 }]
			}
		]
	}
];

const DAY = 86_400_000;

/** Loads the demo needs reports where missing. */
export async function loadNeedsDemo(db: Db, now: Date = new Date()): Promise<void> {
	const done = new Set<string>();
	for (const group of DEMO) {
		const m = await findMunicipality(db, group.municipality);
		const inst = m && (await findInstanceBySlug(db, m.id, group.instance));
		if (!m || !inst || !inst.socialSpaces.length) continue;
		if (!done.has(m.id)) {
			const [existing] = await db.select({ id: needsReport.id }).from(needsReport).where(and(eq(needsReport.municipalityId, m.id), eq(needsReport.isDemo, true))).limit(1);
			if (existing) continue;
		}
		done.add(m.id);
		const offer = await oldestOffer(db, m.id);
		await db.transaction(async (tx) => {
			for (const r of group.reports) {
				const createdAt = new Date(now.getTime() - r.ageDays * DAY);
				const spaces = inst.socialSpaces.filter((s) => r.spaces.includes(s.name));
				const spaceIds = (spaces.length ? spaces : inst.socialSpaces.slice(0, 1)).map((s) => s.id);
				const statusSteps = r.steps.filter((s): s is Extract<Step, { status: string }> => 'status' in s);
				const status = statusSteps.at(-1)?.status ?? 'reported';
				const firstResponseDays = r.steps.find((s) => 'status' in s || ('response' in s && s.byMunicipality))?.days;
				const final = status === 'implemented' || status === 'declined';
				const [row] = await tx
					.insert(needsReport)
					.values({
						municipalityId: m.id,
						instanceId: inst.id,
						reference: await nextReference(tx, m.id, createdAt),
						title: r.title,
						description: r.description,
						themeField: r.themeField,
						subtopics: r.subtopics,
						targetGroups: r.targetGroups,
						urgency: r.urgency,
						status,
						declineReason: r.declineReason ?? null,
						firstResponseAt: firstResponseDays !== undefined ? new Date(now.getTime() - firstResponseDays * DAY) : null,
						closedAt: final ? new Date(now.getTime() - statusSteps.at(-1)!.days * DAY) : null,
						isDemo: true,
						createdAt,
						updatedAt: createdAt
					})
					.returning({ id: needsReport.id });
				await tx.insert(needsReportSpace).values(spaceIds.map((socialSpaceId) => ({ reportId: row.id, socialSpaceId })));
				await tx.insert(needsReportEvent).values({ reportId: row.id, at: createdAt, kind: 'reported', toStatus: 'reported' });
				let from = 'reported';
				for (const step of r.steps) {
					const at = new Date(now.getTime() - step.days * DAY);
					if ('status' in step) {
						const body = step.status === 'declined' ? (r.declineReason ?? '') : (step.body ?? '');
						await tx.insert(needsReportEvent).values({ reportId: row.id, at, kind: 'status', fromStatus: from, toStatus: step.status, body });
						from = step.status;
					} else if ('response' in step) {
						await tx.insert(needsReportEvent).values({ reportId: row.id, at, kind: 'response', body: step.response });
					} else if (offer) {
						await tx.insert(needsReportLink).values({ reportId: row.id, serviceId: offer, createdAt: at });
						await tx.insert(needsReportEvent).values({ reportId: row.id, at, kind: 'link', target: `service:${offer}` });
					}
				}
			}
		});
	}
}
