/**
 * Directory (Wegweiser) demo content: the 719 real Köln actors from OpenStreetMap (real data,
 * not demo: `isDemo` false, `source` osm, ODbL attribution), and invented demo offers, all
 * `isDemo: true` and introduced as "Demo-Inhalt": at the Köln-Kalk contact point, at three OSM
 * actors in Stadtbezirk Kalk, and at the two Düsseldorf Welcome Points. Texts are German with
 * human translations and one Leichte Sprache version. Idempotent: entries are keyed by
 * `source` `demo` and a `sourceId`; what exists is left alone. Written as
 * `systemPrincipal('demo-loader')`. Source: issue 3 §8.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { systemPrincipal } from '../access';
import type { Db } from '../db/client';
import { importOsmActors } from './import-osm';
import { EASY_GERMAN } from './model';
import { location, organization, service, type TranslatedText } from './schema';
import { emptyServiceInput, locationToInput, saveOrganization, saveService, type LocationInput, type ScheduleInput, type ServiceInput } from './service';
import { originalText, withVersion } from './texts';
import { findMunicipality, listDistricts, listSocialSpaces } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';

/** Who writes the demo, as the audit log names it. */
const DEMO = systemPrincipal('demo-loader');

/** German original plus human translations, in the order given. */
function texts(de: string, translations: Record<string, string> = {}): TranslatedText {
	let t = originalText('de', de);
	for (const [lang, text] of Object.entries(translations)) t = withVersion(t, lang, text, 'human');
	return t;
}

function place(name: string, street: string, postalCode: string, city: string, latitude: number, longitude: number, accessibility: string[] = []): LocationInput {
	return { name, street, postalCode, city, latitude, longitude, accessibility, accessibilityNote: {}, directions: {} };
}

function weekly(days: number[], opensAt: string, closesAt: string, appointmentOnly = false): ScheduleInput[] {
	return days.map((weekday) => ({ weekday, opensAt, closesAt, validFrom: null, validTo: null, appointmentOnly, note: {}, location: 0 }));
}

type OfferSpec = Partial<ServiceInput> & Pick<ServiceInput, 'name' | 'description' | 'subtopics' | 'languages' | 'schedules'>;

function offerInput(organizationId: string, instanceId: string | null, locations: LocationInput[], spec: OfferSpec): ServiceInput {
	return { ...emptyServiceInput(organizationId), instanceId, targetGroups: ['newcomers'], locations, ...spec };
}

async function demoOrganizationId(db: Db, municipalityId: string, key: string): Promise<string | null> {
	const [row] = await db
		.select({ id: organization.id })
		.from(organization)
		.where(and(eq(organization.municipalityId, municipalityId), eq(organization.source, 'demo'), eq(organization.sourceId, key)));
	return row?.id ?? null;
}

async function osmPlace(db: Db, municipalityId: string, osmId: string): Promise<{ organizationId: string; place: LocationInput } | null> {
	const [row] = await db
		.select({ organizationId: organization.id, place: location })
		.from(organization)
		.innerJoin(location, eq(location.organizationId, organization.id))
		.where(and(eq(organization.municipalityId, municipalityId), eq(organization.source, 'osm'), eq(organization.sourceId, osmId)));
	return row ? { organizationId: row.organizationId, place: locationToInput(row.place) } : null;
}

/** Creates the offer unless one with this demo key exists. */
async function ensureOffer(db: Db, municipalityId: string, key: string, input: ServiceInput): Promise<void> {
	const [existing] = await db
		.select({ id: service.id })
		.from(service)
		.where(and(eq(service.municipalityId, municipalityId), eq(service.source, 'demo'), eq(service.sourceId, key)));
	if (existing) return;
	await saveService(db, DEMO, municipalityId, input, { source: 'demo', sourceId: key, isDemo: true, verifiedBy: 'Demo' });
}

const DEMO_NOTE = 'Demo-Inhalt: erfundenes Angebot.';
const DEMO_NOTE_EN = 'Demo content: an invented offer.';
const DEMO_NOTE_AR = 'محتوى تجريبي: عرض مُتخيَّل.';

async function loadKoeln(db: Db, dataDir: string): Promise<void> {
	const koeln = await findMunicipality(db, 'koeln');
	if (!koeln) return;
	const [osm] = await db
		.select({ id: organization.id })
		.from(organization)
		.where(and(eq(organization.municipalityId, koeln.id), eq(organization.source, 'osm')))
		.limit(1);
	if (!osm) {
		const file = path.join(dataDir, 'koeln', 'osm-amenities.geojson');
		await importOsmActors(db, DEMO, { municipality: 'koeln', file: 'osm-amenities.geojson', text: await readFile(file, 'utf8') });
	}
	const kalk = await findInstanceBySlug(db, koeln.id, 'anlaufstelle-kalk');
	let orgId = await demoOrganizationId(db, koeln.id, 'anlaufstelle-kalk');
	if (!orgId) {
		orgId = (
			await saveOrganization(
				db,
				DEMO,
				koeln.id,
				{
					name: 'Anlaufstelle Kalk (Demo)',
					alternateNames: ['Welcome Point Kalk'],
					description: texts('Demo-Inhalt: erfundene kommunale Anlaufstelle in Köln-Kalk. Sie informiert, verweist und bietet eigene Sprechstunden an.', {
						en: 'Demo content: an invented municipal contact point in Köln-Kalk. It informs, refers and holds its own consultation hours.',
						ar: 'محتوى تجريبي: نقطة اتصال بلدية مُتخيَّلة في كولونيا-كالك. تقدّم المعلومات والإحالة ولها ساعات استشارة خاصة بها.'
					}),
					actorType: 'welcome_point',
					email: 'kalk@example.org',
					phone: '',
					website: '',
					visibility: 'public',
					instanceId: kalk?.id ?? null,
					socialSpaceIds: [],
					locations: [place('Bezirksrathaus Kalk', 'Kalker Hauptstraße 247-273', '51103', 'Köln', 50.9394, 7.0099, ['step_free', 'accessible_toilet', 'lift'])]
				},
				{ source: 'demo', sourceId: 'anlaufstelle-kalk', isDemo: true, verifiedBy: 'Demo' }
			)
		).id;
	}
	const [kalkPlaceRow] = await db.select().from(location).where(eq(location.organizationId, orgId)).limit(1);
	const kalkPlace = [locationToInput(kalkPlaceRow)];
	const at = (spec: OfferSpec) => offerInput(orgId, kalk?.id ?? null, kalkPlace, spec);

	await ensureOffer(
		db,
		koeln.id,
		'koeln/deutschkurs-anfaenger',
		at({
			name: texts('Deutschkurs für Anfänger', {
				[EASY_GERMAN]: 'Deutsch lernen: Kurs für Anfänger',
				en: 'German course for beginners',
				ar: 'دورة اللغة الألمانية للمبتدئين',
				fa: 'کلاس زبان آلمانی برای مبتدیان'
			}),
			description: texts(`${DEMO_NOTE} Deutsch für den Alltag: einkaufen, beim Amt, beim Arzt. Ohne Anmeldung, Einstieg jederzeit möglich.`, {
				[EASY_GERMAN]: 'Das ist ein Beispiel. Dieses Angebot gibt es nicht wirklich.\nSie lernen Deutsch.\nSie müssen sich nicht anmelden.\nSie können jeden Dienstag kommen.\nDer Kurs kostet nichts.',
				en: `${DEMO_NOTE_EN} German for everyday life: shopping, at public offices, at the doctor's. No registration, you can join at any time.`,
				ar: `${DEMO_NOTE_AR} اللغة الألمانية للحياة اليومية: التسوّق، في الدوائر الرسمية، عند الطبيب. بدون تسجيل، ويمكن الانضمام في أي وقت.`
			}),
			subtopics: ['language_course'],
			targetGroups: ['newcomers', 'migration_history', 'refugee_experience'],
			minimumAge: 16,
			languages: ['de', 'ar', 'fa'],
			lowThreshold: true,
			requiredDocuments: texts('Ausweis / Aufenthaltsdokument', {
				en: 'ID card or passport / residence document',
				ar: 'بطاقة الهوية أو جواز السفر / وثيقة الإقامة'
			}),
			schedules: weekly([2], '09:00', '12:00')
		})
	);
	await ensureOffer(
		db,
		koeln.id,
		'koeln/sozialberatung',
		at({
			name: texts('Sozialberatung', {
				en: 'Social counselling',
				tr: 'Sosyal danışmanlık',
				ar: 'استشارة اجتماعية',
				uk: 'Соціальна консультація',
				ru: 'Социальная консультация'
			}),
			description: texts(`${DEMO_NOTE} Hilfe bei Anträgen und Briefen von Ämtern, zum Beispiel Jobcenter, Wohngeld oder Kindergeld. Montags offene Sprechstunde, donnerstags nur mit Termin.`, {
				en: `${DEMO_NOTE_EN} Help with applications and letters from public offices, for example the Jobcenter, housing benefit or child benefit. Open consultation on Mondays, appointments only on Thursdays.`
			}),
			subtopics: ['social_counselling'],
			targetGroups: ['newcomers', 'residents', 'migration_history'],
			languages: ['de', 'tr', 'ar', 'uk', 'ru'],
			requiredDocuments: texts('Briefe und Bescheide, um die es geht', { en: 'The letters and decisions concerned' }),
			schedules: [...weekly([1], '10:00', '16:00'), ...weekly([4], '10:00', '16:00', true)]
		})
	);
	await ensureOffer(
		db,
		koeln.id,
		'koeln/hausaufgabenhilfe',
		at({
			name: texts('Hausaufgabenhilfe', {
				en: 'Homework help',
				ar: 'مساعدة في الواجبات المدرسية',
				tr: 'Ödev yardımı',
				uk: 'Допомога з домашніми завданнями'
			}),
			description: texts(`${DEMO_NOTE} Ehrenamtliche helfen Schulkindern von 6 bis 14 Jahren bei den Hausaufgaben, nach der Schule bis 16 Uhr.`, {
				en: `${DEMO_NOTE_EN} Volunteers help schoolchildren aged 6 to 14 with their homework, after school until 4 pm.`
			}),
			subtopics: ['homework_help'],
			targetGroups: ['residents', 'migration_history'],
			minimumAge: 6,
			maximumAge: 14,
			languages: ['de', 'ar', 'tr'],
			lowThreshold: true,
			schedules: weekly([1, 2, 3, 4, 5], '14:00', '16:00')
		})
	);

	const attached: { key: string; osmId: string; spec: OfferSpec }[] = [
		{
			key: 'koeln/begegnungscafe-vingst',
			osmId: 'node/375779851',
			spec: {
				name: texts('Begegnungscafé', { en: 'Meeting café', ar: 'مقهى اللقاء', uk: 'Кафе зустрічей', fa: 'کافه دیدار' }),
				description: texts(`${DEMO_NOTE} Kaffee, Kuchen und Gespräche für Alteingesessene und Neuzugezogene im Gemeindesaal.`, {
					en: `${DEMO_NOTE_EN} Coffee, cake and conversation for long-time residents and newcomers in the parish hall.`
				}),
				subtopics: ['meeting_place'],
				targetGroups: ['people_in_space', 'newcomers'],
				languages: ['de', 'en', 'uk'],
				lowThreshold: true,
				schedules: weekly([5], '15:00', '17:30')
			}
		},
		{
			key: 'koeln/elterncafe-kalk',
			osmId: 'node/1023190088',
			spec: {
				name: texts('Elterncafé', { en: "Parents' café", tr: 'Veli kafesi', ar: 'مقهى الأهالي' }),
				description: texts(`${DEMO_NOTE} Eltern treffen sich nach dem Bringen der Kinder, tauschen sich aus und bekommen Tipps zu Kita und Schule.`, {
					en: `${DEMO_NOTE_EN} Parents meet after dropping off their children, talk and get tips about day care and school.`
				}),
				subtopics: ['meeting_place', 'childcare'],
				targetGroups: ['residents', 'migration_history'],
				languages: ['de', 'tr', 'ar'],
				lowThreshold: true,
				schedules: weekly([3], '08:30', '10:00')
			}
		},
		{
			key: 'koeln/sprachcafe-buergertreff-kalk',
			osmId: 'node/1089124082',
			spec: {
				name: texts('Sprachcafé', { en: 'Language café', ar: 'مقهى اللغة', ru: 'Языковое кафе' }),
				description: texts(`${DEMO_NOTE} Deutsch sprechen üben in kleinen Gruppen, begleitet von Ehrenamtlichen.`, {
					en: `${DEMO_NOTE_EN} Practise speaking German in small groups, accompanied by volunteers.`
				}),
				subtopics: ['language_course', 'meeting_place'],
				targetGroups: ['newcomers', 'migration_history'],
				languages: ['de', 'en', 'ru'],
				lowThreshold: true,
				schedules: weekly([4], '17:00', '19:00')
			}
		}
	];
	for (const a of attached) {
		const host = await osmPlace(db, koeln.id, a.osmId);
		if (host) await ensureOffer(db, koeln.id, a.key, offerInput(host.organizationId, null, [host.place], a.spec));
	}
}

interface WelcomePointSpec {
	slug: string;
	district: string;
	name: string;
	description: TranslatedText;
	home: LocationInput;
	offers: { key: string; where: LocationInput; spec: OfferSpec }[];
}

async function loadDuesseldorf(db: Db): Promise<void> {
	const d = await findMunicipality(db, 'duesseldorf');
	if (!d) return;
	const districts = await listDistricts(db, d.id);
	const home5 = place('Welcome Point 5', 'Demoweg 5', '40489', 'Düsseldorf', 51.3112, 6.7456, ['step_free']);
	const home6 = place('Welcome Point 6', 'Beispielstraße 6', '40472', 'Düsseldorf', 51.2601, 6.8129, ['step_free', 'accessible_toilet']);
	const points: WelcomePointSpec[] = [
		{
			slug: 'welcome-point-5',
			district: '5',
			name: 'Welcome Point Stadtbezirk 5 (Demo)',
			description: texts('Demo-Inhalt: erfundene Anlaufstelle für Neuzugezogene im Düsseldorfer Norden.', {
				en: 'Demo content: an invented contact point for newcomers in the north of Düsseldorf.'
			}),
			home: home5,
			offers: [
				{
					key: 'duesseldorf/erstberatung-wp5',
					where: home5,
					spec: {
						name: texts('Erstberatung für Neuzugezogene', { en: 'First advice for newcomers', ar: 'استشارة أولى للقادمين الجدد', fa: 'مشاوره اولیه برای تازه‌واردان' }),
						description: texts(`${DEMO_NOTE} Wir beantworten erste Fragen zu Anmeldung, Wohnen, Arbeit und Schule und sagen, wer weiterhilft.`, {
							en: `${DEMO_NOTE_EN} We answer first questions about registration, housing, work and school and tell you who can help further.`
						}),
						subtopics: ['social_counselling'],
						themeFields: ['housing', 'labour'],
						languages: ['de', 'en', 'ar', 'fa', 'tr'],
						lowThreshold: true,
						schedules: weekly([1, 2, 3, 4, 5], '09:00', '13:00')
					}
				},
				{
					key: 'duesseldorf/sprachcafe-kaiserswerth',
					where: place('Gemeindehaus am Markt', 'Kaiserswerther Markt 20', '40489', 'Düsseldorf', 51.3037, 6.7383),
					spec: {
						name: texts('Sprachcafé Kaiserswerth', { en: 'Language café Kaiserswerth', tr: 'Kaiserswerth dil kafesi' }),
						description: texts(`${DEMO_NOTE} Ehrenamtliche üben mit Ihnen Deutsch bei Kaffee und Tee.`, {
							en: `${DEMO_NOTE_EN} Volunteers practise German with you over coffee and tea.`
						}),
						subtopics: ['language_course', 'meeting_place', 'volunteering'],
						targetGroups: ['newcomers', 'residents'],
						languages: ['de', 'en', 'tr'],
						lowThreshold: true,
						schedules: weekly([3], '16:00', '18:00')
					}
				},
				{
					key: 'duesseldorf/wohnungssuche-wp5',
					where: home5,
					spec: {
						name: texts('Sprechstunde Wohnungssuche', { en: 'Consultation: finding a flat', ar: 'استشارة البحث عن سكن' }),
						description: texts(`${DEMO_NOTE} Hilfe beim Lesen von Wohnungsanzeigen, beim Wohnberechtigungsschein und bei Fragen zum Mietvertrag. Nur mit Termin.`, {
							en: `${DEMO_NOTE_EN} Help with reading flat adverts, the housing entitlement certificate (WBS) and questions about the tenancy agreement. By appointment only.`
						}),
						subtopics: ['housing_search', 'tenancy_advice'],
						languages: ['de', 'en', 'ar'],
						requiredDocuments: texts('Ausweis, Einkommensnachweise', { en: 'ID, proof of income' }),
						schedules: weekly([2], '14:00', '17:00', true)
					}
				}
			]
		},
		{
			slug: 'welcome-point-6',
			district: '6',
			name: 'Welcome Point Stadtbezirk 6 (Demo)',
			description: texts('Demo-Inhalt: erfundene Anlaufstelle in Rath und Unterrath mit eigenen Sprachcafés und Gruppenangeboten.', {
				en: 'Demo content: an invented contact point in Rath and Unterrath with its own language cafés and group offers.'
			}),
			home: home6,
			offers: [
				{
					key: 'duesseldorf/sprachcafe-rath',
					where: home6,
					spec: {
						name: texts('Sprachcafé Rath', { en: 'Language café Rath', uk: 'Мовне кафе Рат', ru: 'Языковое кафе Рат', ar: 'مقهى اللغة في رات' }),
						description: texts(`${DEMO_NOTE} Offener Treff zum Deutschüben für alle Niveaus, mit Kinderecke.`, {
							en: `${DEMO_NOTE_EN} Open meeting to practise German at every level, with a children's corner.`
						}),
						subtopics: ['language_course', 'meeting_place'],
						targetGroups: ['newcomers', 'whole_society'],
						languages: ['de', 'uk', 'ru', 'ar'],
						lowThreshold: true,
						schedules: weekly([1], '10:00', '12:00')
					}
				},
				{
					key: 'duesseldorf/bewerbungswerkstatt-rath',
					where: place('Stadtteilbüro Rath', 'Westfalenstraße 24', '40472', 'Düsseldorf', 51.2575, 6.8131, ['step_free']),
					spec: {
						name: texts('Bewerbungswerkstatt', { en: 'Job application workshop', uk: 'Майстерня з підготовки резюме', tr: 'Başvuru atölyesi' }),
						description: texts(`${DEMO_NOTE} Lebenslauf und Anschreiben gemeinsam am Computer erstellen, Vorbereitung auf Vorstellungsgespräche. Nur mit Termin.`, {
							en: `${DEMO_NOTE_EN} Write your CV and cover letter together on a computer and prepare for job interviews. By appointment only.`
						}),
						subtopics: ['job_search', 'job_counselling'],
						targetGroups: ['newcomers', 'migration_history', 'refugee_experience'],
						minimumAge: 16,
						languages: ['de', 'uk', 'en'],
						requiredDocuments: texts('Zeugnisse, wenn vorhanden', { en: 'Certificates, if you have them' }),
						schedules: weekly([4], '14:00', '18:00', true)
					}
				},
				{
					key: 'duesseldorf/eltern-kind-gruppe-unterrath',
					where: home6,
					spec: {
						name: texts('Eltern-Kind-Gruppe', { en: 'Parent and child group', ar: 'مجموعة الآباء والأطفال', ru: 'Группа для родителей с детьми' }),
						description: texts(`${DEMO_NOTE} Spielen, singen und sich austauschen für Eltern mit Kindern bis 3 Jahren.`, {
							en: `${DEMO_NOTE_EN} Play, sing and talk for parents with children up to the age of 3.`
						}),
						subtopics: ['childcare', 'meeting_place'],
						targetGroups: ['residents', 'migration_history'],
						languages: ['de', 'ar', 'ru'],
						lowThreshold: true,
						schedules: weekly([3], '10:00', '11:30')
					}
				}
			]
		}
	];
	for (const wp of points) {
		const instance = await findInstanceBySlug(db, d.id, wp.slug);
		const district = districts.find((x) => x.code === wp.district);
		// Düsseldorf has no boundaries, so the Welcome Point's social spaces are set, not placed.
		const spaces = district ? (await listSocialSpaces(db, { municipalityId: d.id, districtId: district.id })).map((s) => s.id) : [];
		let orgId = await demoOrganizationId(db, d.id, wp.slug);
		if (!orgId) {
			orgId = (
				await saveOrganization(
					db,
					DEMO,
					d.id,
					{
						name: wp.name,
						alternateNames: [],
						description: wp.description,
						actorType: 'welcome_point',
						email: `${wp.slug === 'welcome-point-5' ? 'wp5' : 'wp6'}@example.org`,
						phone: '',
						website: `https://example.org/${wp.slug}`,
						visibility: 'public',
						instanceId: instance?.id ?? null,
						socialSpaceIds: spaces,
						locations: [wp.home]
					},
					{ source: 'demo', sourceId: wp.slug, isDemo: true, verifiedBy: 'Demo' }
				)
			).id;
		}
		const places = await db.select().from(location).where(eq(location.organizationId, orgId));
		for (const o of wp.offers) {
			const known = places.find((p) => p.street === o.where.street);
			await ensureOffer(db, d.id, o.key, offerInput(orgId, instance?.id ?? null, [known ? locationToInput(known) : o.where], o.spec));
		}
	}
}

/**
 * Loads what is missing of the directory demo: the Köln OSM actors (when Köln has none yet),
 * the demo contact point and Welcome Points as actors, and their demo offers. Needs the
 * municipalities and instances of the demo loaded first.
 * @param dataDir the demo data folder (`data/demo`).
 * @throws ImportError if the shipped OSM file is broken (a packaging fault).
 */
export async function loadDirectoryDemo(db: Db, dataDir: string): Promise<void> {
	await loadKoeln(db, dataDir);
	await loadDuesseldorf(db);
}
