/**
 * Instances' demo: the two Düsseldorf Welcome Points (Stadtbezirk 5 and 6) and the Köln contact
 * point in Kalk, invented and marked as demo, with every Part I dimension of the model filled in.
 * Idempotent. Needs the geography demo.
 */
import { systemPrincipal } from '../access';
import type { Db } from '../db/client';
import { findMunicipality, listDistricts, listSocialSpaces } from '../geography/service';
import { emptyProfile, type Profile } from './model';
import { createInstance, findInstanceBySlug, type InstanceInput } from './service';

const LOADER = systemPrincipal('demo-loader');

function profile(choices: Partial<Profile>): Profile {
	return { ...emptyProfile(), ...choices };
}

const WEEKDAYS_MORNING = [1, 2, 3, 4, 5].map((day) => ({ day, opens: '09:00', closes: '13:00' }));

/** Creates the demo instances that are missing. */
export async function loadInstancesDemo(db: Db): Promise<void> {
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
		await createInstance(db, LOADER, { ...demo.input, municipalityId: demo.municipalityId, slug: demo.slug, isDemo: true });
	}
}

