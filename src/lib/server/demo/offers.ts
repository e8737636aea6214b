/**
 * Demo directory entries for the public Wegweiser pages: the Köln-Kalk demo contact point as an
 * actor with two offers ("Deutschkurs für Anfänger", "Sozialberatung"). Their texts show every
 * translation state the pages explain (original, human, machine, missing, Leichte Sprache).
 * Everything is invented and marked `isDemo`. Idempotent by source id. Source: issue 3 §5.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { findMunicipality } from '../geography/service';
import { findInstanceBySlug } from '../instances/service';
import { location, organization, service } from '../directory/schema';
import { saveOrganization, saveService, type LocationInput, type ServiceInput } from '../directory/service';
import { originalText, withVersion } from '../directory/texts';

const ACTOR = { label: 'demo-loader' };
const VERIFIED_BY = 'Demo Team Kalk';

/** Source ids of the demo entries (source `demo`). */
export const DEMO_OFFER_SOURCE_IDS = {
	actor: 'koeln-kalk-anlaufstelle',
	languageCourse: 'koeln-kalk-deutschkurs',
	socialCounselling: 'koeln-kalk-sozialberatung'
} as const;

const KALK_PLACE: LocationInput = {
	name: 'Bürgerzentrum Kalk (Demo)',
	street: 'Kalker Hauptstraße 1',
	postalCode: '51103',
	city: 'Köln',
	latitude: 50.9385,
	longitude: 6.9985,
	accessibility: ['step_free', 'accessible_toilet'],
	accessibilityNote: originalText('de', 'Eingang ebenerdig, Aufzug zum 1. Stock.'),
	directions: originalText('de', 'Eingang im Hof, 1. Stock, Raum 12.')
};

/** A text with an original and translations: `[lang, text, status]`. */
function texts(de: string, ...more: [string, string, 'human' | 'machine'][]) {
	return more.reduce((t, [lang, text, status]) => withVersion(t, lang, text, status), originalText('de', de));
}

function languageCourse(organizationId: string, instanceId: string | null, place: LocationInput): ServiceInput {
	return {
		organizationId,
		instanceId,
		name: texts(
			'Deutschkurs für Anfänger',
			['de-x-ls', 'Deutsch lernen: Kurs für Anfänger', 'human'],
			['en', 'German course for beginners', 'human'],
			['ar', 'دورة لغة ألمانية للمبتدئين', 'human'],
			['fa', 'کلاس زبان آلمانی برای مبتدیان', 'machine'],
			['tr', 'Yeni başlayanlar için Almanca kursu', 'human'],
			['uk', 'Курс німецької мови для початківців', 'human'],
			['ru', 'Курс немецкого языка для начинающих', 'human']
		),
		description: texts(
			'Demo-Inhalt: kostenloser Sprachkurs am Dienstagvormittag. Ohne Anmeldung, einfach vorbeikommen. Kinderbetreuung nach Absprache.',
			['de-x-ls', 'Das ist ein Beispiel. Sie lernen Deutsch. Der Kurs kostet nichts. Sie müssen sich nicht anmelden. Kommen Sie am Dienstag um 9 Uhr.', 'human'],
			['ar', 'محتوى تجريبي: دورة لغة مجانية صباح يوم الثلاثاء. بدون تسجيل، تعال ببساطة. رعاية الأطفال بالاتفاق.', 'human'],
			['fa', 'محتوای نمایشی: کلاس زبان رایگان صبح سه‌شنبه. بدون ثبت‌نام، فقط بیایید. نگهداری از کودکان با هماهنگی.', 'machine']
		),
		status: 'active',
		visibility: 'public',
		themeFields: ['education'],
		subtopics: ['language_course'],
		dimensionsOverride: null,
		targetGroups: ['newcomers', 'refugee_experience'],
		minimumAge: 16,
		maximumAge: null,
		languages: ['de', 'ar', 'fa'],
		costKind: 'free',
		costAmountCents: null,
		costNote: {},
		lowThreshold: true,
		accessRequirements: texts('Keine Anmeldung nötig.', ['ar', 'لا حاجة للتسجيل.', 'human']),
		requiredDocuments: texts('Stift und Heft', ['ar', 'قلم ودفتر', 'human']),
		eligibility: texts('Erwachsene ab 16 Jahren, die neu in Köln sind.'),
		url: '',
		email: 'kalk@example.org',
		phone: '+49 221 0000001',
		contactName: 'Demo Team Kalk',
		locations: [place],
		schedules: [{ weekday: 2, opensAt: '09:00', closesAt: '12:00', validFrom: null, validTo: null, appointmentOnly: false, note: {}, location: 0 }]
	};
}

function socialCounselling(organizationId: string, instanceId: string | null, place: LocationInput): ServiceInput {
	return {
		...languageCourse(organizationId, instanceId, place),
		name: texts(
			'Sozialberatung',
			['en', 'Social counselling', 'human'],
			['ar', 'الاستشارة الاجتماعية', 'human'],
			['tr', 'Sosyal danışmanlık', 'human'],
			['uk', 'Соціальна консультація', 'human'],
			['ru', 'Социальная консультация', 'human']
		),
		description: texts(
			'Demo-Inhalt: Beratung zu Anträgen, Briefen vom Amt, Wohnung und Geld. Montag und Mittwoch offene Sprechstunde, donnerstags nur mit Termin.',
			['en', 'Demo content: advice on applications, letters from public offices, housing and money.', 'human'],
			['ar', 'محتوى تجريبي: استشارة حول الطلبات ورسائل الدوائر الرسمية والسكن والمال.', 'human']
		),
		themeFields: ['civil_society', 'housing'],
		subtopics: ['social_counselling', 'housing_search'],
		targetGroups: ['newcomers', 'people_in_space'],
		minimumAge: null,
		languages: ['de', 'tr', 'ar'],
		lowThreshold: false,
		accessRequirements: texts('Donnerstags bitte vorher anrufen.', ['en', 'On Thursdays please call first.', 'human']),
		requiredDocuments: texts(
			'Ausweis oder Aufenthaltstitel\nBriefe und Bescheide vom Amt',
			['ar', 'بطاقة الهوية أو تصريح الإقامة\nالرسائل والقرارات من الدوائر الرسمية', 'human']
		),
		eligibility: texts('Alle Menschen, die in Kalk wohnen.'),
		locations: [place],
		schedules: [
			{ weekday: 1, opensAt: '09:00', closesAt: '13:00', validFrom: null, validTo: null, appointmentOnly: false, note: {}, location: 0 },
			{ weekday: 3, opensAt: '09:00', closesAt: '13:00', validFrom: null, validTo: null, appointmentOnly: false, note: {}, location: 0 },
			{ weekday: 4, opensAt: '14:00', closesAt: '17:00', validFrom: null, validTo: null, appointmentOnly: true, note: {}, location: 0 }
		]
	};
}

async function exists(db: Db, table: typeof organization | typeof service, municipalityId: string, sourceId: string): Promise<string | null> {
	const [row] = await db
		.select({ id: table.id })
		.from(table)
		.where(and(eq(table.municipalityId, municipalityId), eq(table.source, 'demo'), eq(table.sourceId, sourceId)));
	return row?.id ?? null;
}

/**
 * Adds the Köln-Kalk demo actor and its two offers when missing (after the Köln boundaries and
 * the `anlaufstelle-kalk` demo instance are loaded). Entries that exist are left alone.
 */
export async function loadDemoOffers(db: Db): Promise<void> {
	const koeln = await findMunicipality(db, 'koeln');
	if (!koeln) return;
	const kalk = await findInstanceBySlug(db, koeln.id, 'anlaufstelle-kalk');
	const instanceId = kalk?.id ?? null;
	const ids = DEMO_OFFER_SOURCE_IDS;
	const demo = (sourceId: string) => ({ source: 'demo', sourceId, isDemo: true, verifiedBy: VERIFIED_BY });
	let actorId = await exists(db, organization, koeln.id, ids.actor);
	if (!actorId) {
		const saved = await saveOrganization(
			db,
			koeln.id,
			{
				name: 'Anlaufstelle Kalk (Demo)',
				alternateNames: [],
				description: texts('Demo-Inhalt: erfundene kommunale Anlaufstelle in Köln-Kalk, die informiert und weiterverweist.', [
					'en',
					'Demo content: an invented municipal contact point in Köln-Kalk that informs and refers.',
					'human'
				]),
				actorType: 'welcome_point',
				email: 'kalk@example.org',
				phone: '+49 221 0000001',
				website: '',
				visibility: 'public',
				instanceId,
				socialSpaceIds: [],
				locations: [KALK_PLACE]
			},
			ACTOR,
			demo(ids.actor)
		);
		actorId = saved.id;
	}
	// Both offers take place at the actor's place, not at copies of it.
	const [place] = await db.select({ id: location.id }).from(location).where(eq(location.organizationId, actorId)).limit(1);
	const at = place ? { ...KALK_PLACE, id: place.id } : KALK_PLACE;
	if (!(await exists(db, service, koeln.id, ids.languageCourse))) {
		await saveService(db, koeln.id, languageCourse(actorId, instanceId, at), ACTOR, demo(ids.languageCourse));
	}
	if (!(await exists(db, service, koeln.id, ids.socialCounselling))) {
		await saveService(db, koeln.id, socialCounselling(actorId, instanceId, at), ACTOR, demo(ids.socialCounselling));
	}
}
