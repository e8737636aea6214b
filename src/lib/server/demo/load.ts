/**
 * Loads the demo municipalities on first start: Köln (9 Stadtbezirke, 86 Stadtteile with
 * boundaries, eligible voters 2013) and Düsseldorf (10 Stadtbezirke, 50 Stadtteile, the INTESO
 * statistics of Stadtbezirk 5 and 6, two demo Welcome Points), the directory (the real Köln OSM
 * actors and demo offers, see `./directory`), anonymous demo counselling contacts (`./casework`),
 * plus demo accounts. Idempotent:
 * what exists is left alone. Sources and licences: `data/demo/LICENSES.md`.
 */
import { readFile } from 'node:fs/promises';
import { systemPrincipal } from '../access';
import path from 'node:path';
import { createUser, findUserByEmail } from '../accounts/users';
import { ROLES, type Role } from '../access';
import type { Db } from '../db/client';
import { importBoundaries, importStatistics, upsertStatistics } from '../geography/importers';
import {
	createDistrict,
	createMunicipality,
	createSocialSpace,
	findMunicipality,
	listDistricts,
	listSocialSpaces
} from '../geography/service';
import { emptyProfile, type Profile } from '../instances/model';
import { loadNeedsDemo } from './steering-needs';
import { loadCoverageDemo } from './steering-coverage';
import { loadCaseworkDemo } from './casework';
import { loadDirectoryDemo } from './directory';
import { loadSteeringProgrammesDemo } from './steering-programmes';
import { createInstance, findInstanceBySlug, type InstanceInput } from '../instances/service';

/** Password of every demo account; demo installs only (`DEMO=0` turns the demo off). */
export const DEMO_PASSWORD = 'anlaufstelle-demo';

/** A demo login as printed on start. */
export interface DemoLogin {
	email: string;
	role: Role;
	scope: string;
}

function demoDir(): string {
	return path.resolve(process.env.DEMO_DATA_DIR || 'data/demo');
}

const ACTOR = { label: 'demo-loader' };

async function loadKoeln(db: Db): Promise<void> {
	if (await findMunicipality(db, 'koeln')) return;
	const dir = path.join(demoDir(), 'koeln');
	await createMunicipality(db, { slug: 'koeln', name: 'Köln', officialCode: '05315000', isDemo: true });
	const read = (f: string) => readFile(path.join(dir, f), 'utf8');
	await importBoundaries(db, {
		municipality: 'koeln',
		level: 'district',
		file: 'stadtbezirke.geojson',
		text: await read('stadtbezirke.geojson'),
		actorLabel: ACTOR.label
	});
	await importBoundaries(db, {
		municipality: 'koeln',
		level: 'social_space',
		file: 'stadtteile.geojson',
		text: await read('stadtteile.geojson'),
		districtCodeProperty: 'district_code',
		actorLabel: ACTOR.label
	});
	await importStatistics(db, {
		municipality: 'koeln',
		level: 'social_space',
		file: 'wahlberechtigte-btw2013.csv',
		text: await read('wahlberechtigte-btw2013.csv'),
		match: 'name',
		keyColumn: 'stadtteil_name',
		valueColumn: 'eligible_voters',
		metric: 'eligible_voters',
		unit: 'persons',
		asOfColumn: 'as_of',
		sourceColumn: 'source',
		actorLabel: ACTOR.label
	});
}

interface StructureFile {
	stadtbezirke: {
		number: number;
		stadtteile: (string | { name: string; code: string })[];
		statistics?: { metric: string; value: number; unit: string; as_of: string; source: string }[];
	}[];
}

async function loadDuesseldorf(db: Db): Promise<void> {
	if (await findMunicipality(db, 'duesseldorf')) return;
	const structure = JSON.parse(
		await readFile(path.join(demoDir(), 'duesseldorf', 'structure.json'), 'utf8')
	) as StructureFile;
	await db.transaction(async (tx) => {
		const m = await createMunicipality(tx, {
			slug: 'duesseldorf',
			name: 'Düsseldorf',
			officialCode: '05111000',
			isDemo: true
		});
		for (const sb of structure.stadtbezirke) {
			const d = await createDistrict(tx, m.id, { name: `Stadtbezirk ${sb.number}`, code: String(sb.number) });
			for (const st of sb.stadtteile) {
				await createSocialSpace(tx, d, typeof st === 'string' ? { name: st } : st);
			}
			if (sb.statistics) {
				await upsertStatistics(
					tx,
					m.id,
					sb.statistics.map((s, i) => ({
						record: `Stadtbezirk ${sb.number} statistic ${i}`,
						districtId: d.id,
						socialSpaceId: null,
						metric: s.metric,
						value: s.value,
						unit: s.unit,
						asOf: s.as_of,
						source: s.source
					}))
				);
			}
		}
	});
}

function profile(choices: Partial<Profile>): Profile {
	return { ...emptyProfile(), ...choices };
}

const WEEKDAYS_MORNING = [1, 2, 3, 4, 5].map((day) => ({ day, opens: '09:00', closes: '13:00' }));

async function loadInstances(db: Db): Promise<void> {
	const duesseldorf = (await findMunicipality(db, 'duesseldorf'))!;
	const koeln = (await findMunicipality(db, 'koeln'))!;
	const spacesOf = async (municipalityId: string, districtCode: string) => {
		const d = (await listDistricts(db, municipalityId)).find((x) => x.code === districtCode)!;
		return (await listSocialSpaces(db, { municipalityId, districtId: d.id })).map((s) => s.id);
	};
	const demos: { municipalityId: string; slug: string; input: InstanceInput }[] = [
		{
			municipalityId: duesseldorf.id,
			slug: 'welcome-point-5',
			input: {
				name: 'Welcome Point Stadtbezirk 5 (Demo)',
				hostOrganization: 'Demo-Träger e. V. (Wohlfahrtsverband, erfunden)',
				description: {
					de: 'Demo-Inhalt: erfundene Anlaufstelle für Neuzugezogene im Düsseldorfer Norden. Informiert, verweist und begleitet, bündelt ehrenamtliches Engagement und bietet Räume für Sprechstunden anderer Träger.',
					en: 'Demo content: an invented contact point for newcomers in the north of Düsseldorf. It informs, refers and accompanies, bundles volunteering and hosts other organisations’ consultation hours.',
					ar: 'محتوى تجريبي: نقطة اتصال مُتخيَّلة للقادمين الجدد في شمال دوسلدورف. تقدّم المعلومات والإحالة والمرافقة، وتنسّق العمل التطوعي وتستضيف ساعات استشارة لجهات أخرى.'
				},
				street: 'Demoweg 5',
				postalCode: '40489',
				city: 'Düsseldorf',
				latitude: 51.3112,
				longitude: 6.7456,
				phone: '+49 211 0000005',
				email: 'wp5@example.org',
				website: 'https://example.org/welcome-point-5',
				openingHours: [...WEEKDAYS_MORNING, { day: 2, opens: '14:00', closes: '17:00' }],
				languages: ['de', 'en', 'ar', 'fa', 'tr'],
				socialSpaceIds: await spacesOf(duesseldorf.id, '5'),
				profile: profile({
					institutional_affiliation: ['independent'],
					site: ['decentral', 'attached'],
					staff: ['paid', 'volunteer'],
					naming: ['uniform', 'social_space'],
					organisation_forms: ['refer', 'guide', 'integrative'],
					working_principles: ['participation', 'inclusion'],
					methods: ['casework', 'networking', 'social_space_orientation'],
					target_groups: ['newcomers', 'refugee_experience', 'migration_history', 'residents', 'institutional_actors'],
					goals: ['social_integration'],
					integration_dimensions: ['culturation', 'placement', 'interaction', 'identification'],
					theme_fields: ['housing', 'education', 'labour', 'civil_society'],
					tasks: ['integration', 'volunteer_offers', 'encounter', 'networking']
				})
			}
		},
		{
			municipalityId: duesseldorf.id,
			slug: 'welcome-point-6',
			input: {
				name: 'Welcome Point Stadtbezirk 6 (Demo)',
				hostOrganization: 'Demo-Träger gGmbH (Wohlfahrtsverband, erfunden)',
				description: {
					de: 'Demo-Inhalt: erfundene Anlaufstelle in Rath und Unterrath. Neben Beratung und Verweisen laufen hier eigene Sprachcafés und Gruppenangebote („Alles unter einem Dach“).',
					en: 'Demo content: an invented contact point in Rath and Unterrath. Besides advice and referral it runs its own language cafés and group offers (“everything under one roof”).',
					ar: 'محتوى تجريبي: نقطة اتصال مُتخيَّلة في رات وأونتررات. إلى جانب الاستشارة والإحالة تقدّم مقاهي لغة وأنشطة جماعية خاصة بها.'
				},
				street: 'Beispielstraße 6',
				postalCode: '40472',
				city: 'Düsseldorf',
				latitude: 51.2601,
				longitude: 6.8129,
				phone: '+49 211 0000006',
				email: 'wp6@example.org',
				website: 'https://example.org/welcome-point-6',
				openingHours: [
					{ day: 1, opens: '10:00', closes: '16:00' },
					{ day: 3, opens: '10:00', closes: '16:00' },
					{ day: 4, opens: '14:00', closes: '19:00' }
				],
				languages: ['de', 'ar', 'ru', 'uk', 'en'],
				socialSpaceIds: await spacesOf(duesseldorf.id, '6'),
				profile: profile({
					institutional_affiliation: ['independent'],
					site: ['central', 'integrated'],
					staff: ['paid', 'volunteer'],
					naming: ['open', 'uniform'],
					organisation_forms: ['refer', 'guide', 'own_offers'],
					working_principles: ['participation'],
					methods: ['casework', 'group_work', 'networking'],
					target_groups: ['newcomers', 'migration_history', 'refugee_experience', 'whole_society'],
					goals: ['social_integration', 'democratisation'],
					integration_dimensions: ['culturation', 'interaction'],
					theme_fields: ['education', 'civil_society'],
					tasks: ['integration', 'encounter', 'networking']
				})
			}
		},
		{
			municipalityId: koeln.id,
			slug: 'anlaufstelle-kalk',
			input: {
				name: 'Anlaufstelle Kalk (Demo)',
				hostOrganization: 'Stadt Köln (erfundene Demo-Einrichtung)',
				description: {
					de: 'Demo-Inhalt: erfundene kommunale Anlaufstelle in Köln-Kalk, die informiert und verweist.',
					en: 'Demo content: an invented municipal contact point in Köln-Kalk that informs and refers.'
				},
				street: 'Demoplatz 1',
				postalCode: '51103',
				city: 'Köln',
				latitude: 50.9385,
				longitude: 7.0066,
				phone: '',
				email: 'kalk@example.org',
				website: '',
				openingHours: WEEKDAYS_MORNING,
				languages: ['de', 'tr', 'ar'],
				socialSpaceIds: await spacesOf(koeln.id, '8'),
				profile: profile({
					institutional_affiliation: ['municipal'],
					site: ['central'],
					staff: ['paid'],
					naming: ['social_space'],
					organisation_forms: ['refer'],
					working_principles: ['inclusion'],
					methods: ['casework', 'networking'],
					target_groups: ['people_in_space', 'newcomers'],
					goals: ['social_integration'],
					integration_dimensions: ['placement'],
					theme_fields: ['housing', 'labour'],
					tasks: ['integration', 'networking']
				})
			}
		}
	];
	for (const demo of demos) {
		if (await findInstanceBySlug(db, demo.municipalityId, demo.slug)) continue;
		await createInstance(db, demo.municipalityId, demo.slug, demo.input, ACTOR, { isDemo: true });
	}
}

async function loadUsers(db: Db): Promise<DemoLogin[]> {
	const duesseldorf = (await findMunicipality(db, 'duesseldorf'))!;
	const koeln = (await findMunicipality(db, 'koeln'))!;
	const wp5 = (await findInstanceBySlug(db, duesseldorf.id, 'welcome-point-5'))!;
	const wp6 = (await findInstanceBySlug(db, duesseldorf.id, 'welcome-point-6'))!;
	const kalk = (await findInstanceBySlug(db, koeln.id, 'anlaufstelle-kalk'))!;
	const users: { email: string; name: string; role: Role; m: string; instances: string[]; scope: string }[] = [
		{ email: 'admin.duesseldorf@example.org', name: 'Demo Integrationsbüro Düsseldorf', role: 'municipality_admin', m: duesseldorf.id, instances: [], scope: 'Düsseldorf' },
		{ email: 'wp5@example.org', name: 'Demo Team Welcome Point 5', role: 'instance_staff', m: duesseldorf.id, instances: [wp5.id], scope: wp5.name },
		{ email: 'wp6@example.org', name: 'Demo Team Welcome Point 6', role: 'instance_staff', m: duesseldorf.id, instances: [wp6.id], scope: wp6.name },
		{ email: 'partner.duesseldorf@example.org', name: 'Demo Partnerorganisation', role: 'partner_editor', m: duesseldorf.id, instances: [], scope: 'Düsseldorf' },
		{ email: 'ehrenamt.duesseldorf@example.org', name: 'Demo Ehrenamtliche*r', role: 'volunteer', m: duesseldorf.id, instances: [], scope: 'Düsseldorf' },
		{ email: 'admin.koeln@example.org', name: 'Demo Integrationsbüro Köln', role: 'municipality_admin', m: koeln.id, instances: [], scope: 'Köln' },
		{ email: 'kalk@example.org', name: 'Demo Team Kalk', role: 'instance_staff', m: koeln.id, instances: [kalk.id], scope: kalk.name }
	];
	for (const u of users) {
		if (await findUserByEmail(db, u.email)) continue;
		await createUser(db, systemPrincipal(ACTOR.label), {
			email: u.email,
			displayName: u.name,
			role: u.role,
			municipalityId: u.m,
			instanceIds: u.instances,
			password: DEMO_PASSWORD
		});
	}
	return users
		.map((u) => ({ email: u.email, role: u.role, scope: u.scope }))
		.sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
}

/**
 * Loads whatever of the demo is missing. @returns the demo logins.
 * @throws ImportError if a shipped demo file is broken (a packaging fault).
 */
export async function loadDemo(db: Db): Promise<DemoLogin[]> {
	await loadKoeln(db);
	await loadDuesseldorf(db);
	await loadInstances(db);
	await loadDirectoryDemo(db, demoDir());
	await loadCaseworkDemo(db);
	await loadNeedsDemo(db);
	await loadSteeringProgrammesDemo(db);
	await loadCoverageDemo(db);
	return loadUsers(db);
}
