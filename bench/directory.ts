/**
 * Synthetic directory (Wegweiser) data at state scale for benchmarks: actors and offers spread
 * over the generated municipalities (`generate.ts`) the way people live in NRW — a few large
 * cities, many small towns (Zipf weights 1/rank^0.7: the largest municipality gets about 6 % of
 * the offers, like Köln in NRW). Titles, descriptions and translations are mixed from a German
 * vocabulary of real offer types with English, Arabic, Turkish, Russian, Ukrainian and Persian
 * versions; schedules, costs, target groups, languages spoken, visibility and statuses vary.
 * Rows are written with multi-row inserts in transactions, then the search entries are built by
 * `refreshSearchEntries` in batches — exactly the entries a normal write produces. Deterministic
 * (seeded), marked as demo data.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Polygon } from 'geojson';
import type { Db } from '../src/lib/server/db/client';
import { municipality, socialSpace } from '../src/lib/server/geography/schema';
import { location, organization, organizationSocialSpace, schedule, service, serviceAtLocation, type TranslatedText } from '../src/lib/server/directory/schema';
import { themeFieldsWithSubtopics } from '../src/lib/server/directory/service';
import { refreshSearchEntries } from '../src/lib/server/directory/search-index';

/** Size of a generated directory. */
export interface DirectoryScale {
	offers: number;
	actors: number;
}

type Langs = Partial<Record<'de' | 'en' | 'ar' | 'tr' | 'ru' | 'uk' | 'fa', string>>;

/** Offer types: title in several languages and the sub-topics they belong to. */
const OFFER_TYPES: { t: Langs; subtopics: string[] }[] = [
	{ t: { de: 'Deutschkurs', en: 'German course', ar: 'دورة اللغة الألمانية', tr: 'Almanca kursu', ru: 'Курс немецкого языка', uk: 'Курс німецької мови', fa: 'کلاس زبان آلمانی' }, subtopics: ['language_course'] },
	{ t: { de: 'Sprachcafé', en: 'Language café', ar: 'مقهى اللغة', tr: 'Dil kafesi', ru: 'Языковое кафе', uk: 'Мовне кафе' }, subtopics: ['language_course', 'meeting_place'] },
	{ t: { de: 'Integrationskurs', en: 'Integration course', ar: 'دورة الاندماج', tr: 'Uyum kursu', ru: 'Интеграционный курс', uk: 'Інтеграційний курс', fa: 'دوره ادغام' }, subtopics: ['integration_course'] },
	{ t: { de: 'Alphabetisierungskurs', en: 'Literacy course', ar: 'دورة محو الأمية', tr: 'Okuma yazma kursu', ru: 'Курс грамотности' }, subtopics: ['language_course', 'adult_education'] },
	{ t: { de: 'Hausaufgabenhilfe', en: 'Homework help', ar: 'المساعدة في الواجبات المدرسية', tr: 'Ödev yardımı', ru: 'Помощь с домашними заданиями', uk: 'Допомога з домашніми завданнями' }, subtopics: ['homework_help'] },
	{ t: { de: 'Lernförderung', en: 'Learning support', ar: 'دعم التعلم', tr: 'Öğrenme desteği', uk: 'Підтримка навчання' }, subtopics: ['school', 'homework_help'] },
	{ t: { de: 'Sozialberatung', en: 'Social counselling', ar: 'الاستشارة الاجتماعية', tr: 'Sosyal danışmanlık', ru: 'Социальная консультация', uk: 'Соціальна консультація', fa: 'مشاوره اجتماعی' }, subtopics: ['social_counselling'] },
	{ t: { de: 'Migrationsberatung', en: 'Migration counselling', ar: 'استشارات الهجرة', tr: 'Göç danışmanlığı', ru: 'Миграционная консультация', uk: 'Міграційна консультація', fa: 'مشاوره مهاجرت' }, subtopics: ['social_counselling'] },
	{ t: { de: 'Schuldnerberatung', en: 'Debt counselling', ar: 'استشارات الديون', tr: 'Borç danışmanlığı', ru: 'Консультация по долгам' }, subtopics: ['social_counselling'] },
	{ t: { de: 'Mietberatung', en: 'Tenancy advice', ar: 'استشارات الإيجار', tr: 'Kira danışmanlığı', ru: 'Консультация по аренде', uk: 'Консультація з оренди' }, subtopics: ['tenancy_advice'] },
	{ t: { de: 'Hilfe bei der Wohnungssuche', en: 'Help finding a flat', ar: 'المساعدة في البحث عن سكن', tr: 'Ev arama yardımı', ru: 'Помощь в поиске жилья', uk: 'Допомога в пошуку житла' }, subtopics: ['housing_search'] },
	{ t: { de: 'Beratung zur Unterbringung', en: 'Advice on accommodation', ar: 'استشارات الإقامة', uk: 'Консультація щодо розміщення' }, subtopics: ['accommodation'] },
	{ t: { de: 'Berufsberatung', en: 'Careers advice', ar: 'الإرشاد المهني', tr: 'Meslek danışmanlığı', ru: 'Профориентация', uk: 'Профорієнтація' }, subtopics: ['job_counselling'] },
	{ t: { de: 'Bewerbungstraining', en: 'Job application training', ar: 'تدريب على طلبات العمل', tr: 'İş başvurusu eğitimi', ru: 'Тренинг по поиску работы' }, subtopics: ['job_search'] },
	{ t: { de: 'Anerkennungsberatung', en: 'Advice on recognition of qualifications', ar: 'الاعتراف بالشهادات', tr: 'Diploma denkliği danışmanlığı', ru: 'Признание дипломов', uk: 'Визнання дипломів' }, subtopics: ['recognition'] },
	{ t: { de: 'Ausbildungsberatung', en: 'Apprenticeship advice', ar: 'استشارات التدريب المهني', tr: 'Meslek eğitimi danışmanlığı' }, subtopics: ['vocational_training'] },
	{ t: { de: 'Frauencafé', en: 'Women’s café', ar: 'مقهى النساء', tr: 'Kadın kafesi', ru: 'Женское кафе', uk: 'Жіноче кафе', fa: 'کافه زنان' }, subtopics: ['meeting_place'] },
	{ t: { de: 'Interkulturelles Frühstück', en: 'Intercultural breakfast', ar: 'فطور بين الثقافات', tr: 'Kültürlerarası kahvaltı' }, subtopics: ['meeting_place'] },
	{ t: { de: 'Eltern-Kind-Gruppe', en: 'Parent and toddler group', ar: 'مجموعة الآباء والأطفال', tr: 'Anne-baba-çocuk grubu', ru: 'Группа для родителей с детьми', uk: 'Група для батьків з дітьми' }, subtopics: ['childcare', 'meeting_place'] },
	{ t: { de: 'Kinderbetreuung', en: 'Childcare', ar: 'رعاية الأطفال', tr: 'Çocuk bakımı', ru: 'Присмотр за детьми', uk: 'Догляд за дітьми' }, subtopics: ['childcare'] },
	{ t: { de: 'Fußballtraining', en: 'Football training', ar: 'تدريب كرة القدم', tr: 'Futbol antrenmanı', ru: 'Футбольная тренировка', uk: 'Футбольне тренування' }, subtopics: ['sports'] },
	{ t: { de: 'Schwimmkurs', en: 'Swimming course', ar: 'دورة السباحة', tr: 'Yüzme kursu' }, subtopics: ['sports'] },
	{ t: { de: 'Nähcafé', en: 'Sewing café', ar: 'مقهى الخياطة', tr: 'Dikiş kafesi' }, subtopics: ['meeting_place', 'culture'] },
	{ t: { de: 'Theatergruppe', en: 'Theatre group', ar: 'فرقة المسرح', tr: 'Tiyatro grubu', ru: 'Театральная группа' }, subtopics: ['culture'] },
	{ t: { de: 'Computerkurs', en: 'Computer course', ar: 'دورة الحاسوب', tr: 'Bilgisayar kursu', ru: 'Компьютерные курсы', uk: 'Комп’ютерні курси' }, subtopics: ['adult_education'] },
	{ t: { de: 'Ehrenamtsbörse', en: 'Volunteering exchange', ar: 'بورصة العمل التطوعي', tr: 'Gönüllülük borsası' }, subtopics: ['volunteering'] },
	{ t: { de: 'Offenes Gebet', en: 'Open prayer', ar: 'صلاة مفتوحة', tr: 'Açık dua' }, subtopics: ['religious_life'] },
	{ t: { de: 'Fahrradwerkstatt', en: 'Bicycle workshop', ar: 'ورشة الدراجات', tr: 'Bisiklet atölyesi' }, subtopics: ['meeting_place', 'volunteering'] }
];

const MODIFIERS: Langs[] = [
	{},
	{},
	{ de: 'für Anfänger', en: 'for beginners' },
	{ de: 'für Frauen', en: 'for women' },
	{ de: 'für Jugendliche', en: 'for young people' },
	{ de: 'für Familien', en: 'for families' },
	{ de: 'für Geflüchtete', en: 'for refugees' },
	{ de: 'am Abend', en: 'in the evening' },
	{ de: 'am Wochenende', en: 'at weekends' },
	{ de: 'für Seniorinnen und Senioren', en: 'for older people' }
];

const SENTENCES: Langs[] = [
	{ de: 'Kostenlos und ohne Anmeldung.', en: 'Free of charge, no registration needed.', ar: 'مجاني وبدون تسجيل.', tr: 'Ücretsiz ve kayıt gerekmez.', ru: 'Бесплатно и без записи.', uk: 'Безкоштовно та без реєстрації.' },
	{ de: 'Bitte bringen Sie Ihren Ausweis und den Aufenthaltstitel mit.', en: 'Please bring your ID and residence permit.', ar: 'يرجى إحضار بطاقة الهوية وتصريح الإقامة.', tr: 'Lütfen kimliğinizi ve oturma izninizi getirin.' },
	{ de: 'Kinderbetreuung ist während des Kurses vorhanden.', en: 'Childcare is available during the course.', ar: 'تتوفر رعاية الأطفال أثناء الدورة.', tr: 'Kurs sırasında çocuk bakımı vardır.' },
	{ de: 'Wir sprechen Deutsch, Englisch, Arabisch und Türkisch.', en: 'We speak German, English, Arabic and Turkish.', ar: 'نتحدث الألمانية والإنجليزية والعربية والتركية.', tr: 'Almanca, İngilizce, Arapça ve Türkçe konuşuyoruz.' },
	{ de: 'Termine nach Vereinbarung, auch telefonisch.', en: 'Appointments by arrangement, also by phone.', ru: 'Запись по договорённости, также по телефону.', uk: 'Зустрічі за домовленістю, також телефоном.' },
	{ de: 'Offen für alle Nachbarinnen und Nachbarn im Stadtteil.', en: 'Open to all neighbours in the area.', ar: 'مفتوح لجميع الجيران في الحي.', tr: 'Mahalledeki tüm komşulara açık.' },
	{ de: 'In Zusammenarbeit mit dem Jobcenter und der Agentur für Arbeit.', en: 'In cooperation with the Jobcenter and the employment agency.' },
	{ de: 'Die Räume sind barrierefrei erreichbar, ein Aufzug ist vorhanden.', en: 'The rooms are step-free, there is a lift.' },
	{ de: 'Der Eingang liegt im Hof, bitte klingeln.', en: 'The entrance is in the courtyard, please ring.' },
	{ de: 'Ehrenamtliche begleiten Sie zu Ämtern und Behörden.', en: 'Volunteers accompany you to public offices.', ar: 'يرافقك متطوعون إلى الدوائر الحكومية.', fa: 'داوطلبان شما را به ادارات همراهی می‌کنند.' },
	{ de: 'Hilfe bei Anträgen, Briefen vom Amt und Formularen.', en: 'Help with applications, letters from authorities and forms.', ar: 'المساعدة في الطلبات والرسائل الرسمية والاستمارات.', tr: 'Başvurular, resmi mektuplar ve formlar konusunda yardım.', ru: 'Помощь с заявлениями, письмами из ведомств и анкетами.', uk: 'Допомога із заявами, листами з установ та формулярами.' },
	{ de: 'Für Menschen mit und ohne Migrationsgeschichte.', en: 'For people with and without a migration background.' },
	{ de: 'Anmeldung per E-Mail oder im Büro.', en: 'Register by email or at the office.', tr: 'Kayıt e-posta ile veya ofiste.' },
	{ de: 'Es gibt Tee, Kaffee und Zeit für Gespräche.', en: 'There is tea, coffee and time to talk.', ar: 'يوجد شاي وقهوة ووقت للحديث.' },
	{ de: 'Vorkenntnisse sind nicht nötig.', en: 'No previous knowledge needed.', ar: 'لا حاجة لمعرفة مسبقة.', ru: 'Предварительные знания не нужны.' }
];

/** Actor kinds: name stem, actor type and OSM amenity when it has one. */
const ACTOR_KINDS: { names: string[]; type: string; amenity?: string }[] = [
	{ names: ['Caritas', 'Diakonie', 'AWO', 'DRK', 'Der Paritätische'], type: 'welfare_association' },
	{ names: ['Familienzentrum', 'Bürgerzentrum', 'Stadtteilzentrum', 'Nachbarschaftstreff'], type: 'other', amenity: 'community_centre' },
	{ names: ['Städtische Kita', 'Kita Regenbogen', 'Kita Sonnenschein', 'AWO KiTa Schatzinsel', 'Evangelischer Kindergarten'], type: 'kita', amenity: 'kindergarten' },
	{ names: ['Grundschule', 'Gesamtschule', 'Realschule', 'Gymnasium', 'Berufskolleg'], type: 'school', amenity: 'school' },
	{ names: ['Jugendzentrum', 'Jugendtreff', 'Offene Tür'], type: 'youth_centre', amenity: 'youth_centre' },
	{ names: ['Beratungsstelle', 'Migrationsdienst', 'Flüchtlingsberatung'], type: 'counselling_centre', amenity: 'social_facility' },
	{ names: ['Evangelische Kirchengemeinde', 'Katholische Pfarrgemeinde St. Marien', 'DITIB Moschee', 'Griechisch-Orthodoxe Gemeinde'], type: 'parish', amenity: 'place_of_worship' },
	{ names: ['Türkischer Elternverein', 'Syrischer Kulturverein', 'Russischsprachiger Familienverein', 'Ukrainische Gemeinschaft', 'Afghanischer Frauenverein'], type: 'migrant_organisation' },
	{ names: ['Nachbarschaftsinitiative', 'Willkommensinitiative', 'Sprachpaten'], type: 'volunteer_initiative' },
	{ names: ['Sportverein', 'Kulturverein', 'Förderverein'], type: 'association' },
	{ names: ['Wohnungsgesellschaft'], type: 'housing_company' },
	{ names: ['Bezirksamt', 'Bürgeramt'], type: 'public_authority', amenity: 'townhall' },
	{ names: ['Jobcenter'], type: 'jobcenter' },
	{ names: ['Welcome Point'], type: 'welcome_point' },
	{ names: ['Stadtbibliothek'], type: 'other', amenity: 'library' }
];

const STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Schulstraße', 'Kirchweg', 'Lindenallee', 'Marktplatz', 'Gartenstraße', 'Am Sportplatz', 'Friedhofstraße', 'Mühlenweg', 'Ringstraße', 'Goethestraße'];
const TARGET_GROUPS = ['people_in_space', 'residents', 'newcomers', 'migration_history', 'refugee_experience', 'whole_society'];
const SPOKEN = ['de', 'en', 'ar', 'tr', 'ru', 'uk', 'fa', 'ku', 'ti', 'fr', 'pl', 'ro', 'bg', 'so'];
const ACCESSIBILITY = ['step_free', 'accessible_toilet', 'hearing_loop', 'lift'];

/** Deterministic PRNG (mulberry32). */
function prng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (n: number) => Math.floor(next() * n),
		pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
		chance: (p: number) => next() < p
	};
}

/** Splits `total` over `n` buckets by Zipf weights 1/rank^0.7, largest first, summing exactly. */
export function zipfShares(total: number, n: number): number[] {
	const w = Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, 0.7));
	const sum = w.reduce((a, b) => a + b, 0);
	const shares = w.map((x) => Math.floor((x / sum) * total));
	for (let i = 0, rest = total - shares.reduce((a, b) => a + b, 0); rest > 0; i = (i + 1) % n, rest--) shares[i]++;
	return shares;
}

function translated(r: ReturnType<typeof prng>, versions: Langs, original: keyof Langs = 'de'): TranslatedText {
	const out: TranslatedText = {};
	if (versions[original]) out[original] = { text: versions[original]!, status: 'original' };
	for (const [lang, text] of Object.entries(versions)) {
		if (lang === original || !text) continue;
		// English on most entries, the other languages on fewer, some machine-translated.
		if (r.chance(lang === 'en' ? 0.6 : 0.3)) out[lang] = { text, status: r.chance(0.3) ? 'machine' : 'human' };
	}
	return out;
}

function combine(a: Langs, b: Langs, sep = ' '): Langs {
	const out: Langs = {};
	for (const lang of Object.keys(a) as (keyof Langs)[]) out[lang] = b[lang] ? `${a[lang]}${sep}${b[lang]}` : a[lang];
	return out;
}

async function insertChunked<T extends Record<string, unknown>>(db: Db, table: Parameters<Db['insert']>[0], rows: T[], size = 500) {
	for (let i = 0; i < rows.length; i += size) await db.insert(table).values(rows.slice(i, i + size) as never);
}

/**
 * Writes actors, places, offers and schedules into every generated municipality (slugs
 * `gemeinde-*`), then builds their search entries.
 * @returns counts written and the time the search entries took, in ms.
 */
export async function generateDirectory(db: Db, scale: DirectoryScale, log: (s: string) => void = () => {}): Promise<{ actors: number; offers: number; locations: number; schedules: number; indexMs: number }> {
	const r = prng(20260101);
	const munis = await db.select({ id: municipality.id, slug: municipality.slug }).from(municipality).where(sql`${municipality.slug} like 'gemeinde-%'`).orderBy(municipality.slug);
	if (!munis.length) throw new Error('no generated municipalities: run the geography generator first');
	const offerShares = zipfShares(scale.offers, munis.length);
	const actorShares = zipfShares(scale.actors, munis.length);
	const counts = { actors: 0, offers: 0, locations: 0, schedules: 0, indexMs: 0 };
	const serviceIds: string[] = [];
	const orgIds: string[] = [];
	for (let m = 0; m < munis.length; m++) {
		const spaces = (await db.select({ id: socialSpace.id, name: socialSpace.name, boundary: socialSpace.boundary }).from(socialSpace).where(eq(socialSpace.municipalityId, munis[m].id))).map(
			(s) => ({ id: s.id, name: s.name, ring: (s.boundary as Polygon).coordinates[0] })
		);
		const orgs: (typeof organization.$inferInsert)[] = [];
		const locs: (typeof location.$inferInsert)[] = [];
		const orgSpaces: (typeof organizationSocialSpace.$inferInsert)[] = [];
		const services: (typeof service.$inferInsert)[] = [];
		const links: (typeof serviceAtLocation.$inferInsert)[] = [];
		const slots: (typeof schedule.$inferInsert)[] = [];
		const orgLocation: (string | null)[] = [];
		const newPlace = (orgId: string) => {
			const space = r.pick(spaces);
			const [[x0, y0], , [x1, y1]] = space.ring;
			const id = randomUUID();
			locs.push({
				id,
				municipalityId: munis[m].id,
				organizationId: orgId,
				name: r.chance(0.3) ? `Haus ${space.name}` : '',
				street: `${r.pick(STREETS)} ${1 + r.int(120)}`,
				postalCode: String(40000 + r.int(9999)),
				city: `Gemeinde ${munis[m].slug.slice(9)}`,
				latitude: y0 + r.next() * (y1 - y0),
				longitude: x0 + r.next() * (x1 - x0),
				socialSpaceId: space.id,
				accessibility: ACCESSIBILITY.filter(() => r.chance(0.35))
			});
			return { id, spaceId: space.id };
		};
		for (let a = 0; a < actorShares[m]; a++) {
			const kind = r.pick(ACTOR_KINDS);
			const id = randomUUID();
			const space = r.pick(spaces);
			orgs.push({
				id,
				municipalityId: munis[m].id,
				name: `${r.pick(kind.names)} ${space.name}${r.chance(0.3) ? ` ${a + 1}` : ''}`,
				description: translated(r, combine(r.pick(SENTENCES), r.pick(SENTENCES))),
				actorType: kind.type,
				amenity: kind.amenity && r.chance(0.5) ? kind.amenity : null,
				visibility: r.chance(0.9) ? 'public' : r.chance(0.7) ? 'network' : 'internal',
				source: 'demo',
				isDemo: true
			});
			if (r.chance(0.9)) {
				const place = newPlace(id);
				orgLocation.push(place.id);
				orgSpaces.push({ organizationId: id, socialSpaceId: place.spaceId });
			} else {
				orgLocation.push(null);
				orgSpaces.push({ organizationId: id, socialSpaceId: space.id });
			}
		}
		for (let o = 0; o < offerShares[m]; o++) {
			const owner = r.int(orgs.length);
			const type = r.pick(OFFER_TYPES);
			const original: keyof Langs = r.chance(0.85) ? 'de' : r.pick(['en', 'ar', 'tr', 'uk'] as const);
			const title = type.t[original] ? combine(type.t, original === 'de' || original === 'en' ? r.pick(MODIFIERS) : {}) : combine(type.t, {});
			const id = randomUUID();
			const cost = r.chance(0.7) ? 'free' : r.chance(0.5) ? 'reduced' : 'paid';
			services.push({
				id,
				municipalityId: munis[m].id,
				organizationId: orgs[owner].id!,
				name: translated(r, title, type.t[original] ? original : 'de'),
				description: translated(r, combine(combine(r.pick(SENTENCES), r.pick(SENTENCES)), r.pick(SENTENCES)), 'de'),
				status: r.chance(0.92) ? 'active' : r.chance(0.6) ? 'temporarily closed' : 'inactive',
				visibility: r.chance(0.92) ? 'public' : 'network',
				themeFields: themeFieldsWithSubtopics([], type.subtopics),
				subtopics: type.subtopics,
				targetGroups: TARGET_GROUPS.filter(() => r.chance(0.25)),
				minimumAge: r.chance(0.2) ? 6 + r.int(12) : null,
				languages: ['de', ...SPOKEN.slice(1).filter(() => r.chance(0.15))],
				costKind: cost,
				costAmountCents: cost === 'free' ? null : 500 + r.int(200) * 50,
				lowThreshold: r.chance(0.5),
				accessRequirements: r.chance(0.3) ? translated(r, r.pick(SENTENCES)) : {},
				requiredDocuments: r.chance(0.3) ? { de: { text: 'Ausweis\nAufenthaltstitel', status: 'original' } } : {},
				source: 'demo',
				isDemo: true
			});
			let locationId = orgLocation[owner];
			if (!locationId || r.chance(0.1)) locationId = newPlace(orgs[owner].id!).id;
			if (r.chance(0.97)) links.push({ serviceId: id, locationId });
			for (let s = r.int(4); s > 0; s--) {
				const opens = 8 + r.int(10);
				const valid = r.chance(0.1);
				slots.push({
					serviceId: id,
					weekday: 1 + r.int(6),
					opensAt: `${String(opens).padStart(2, '0')}:${r.chance(0.5) ? '00' : '30'}`,
					closesAt: `${String(Math.min(opens + 1 + r.int(4), 23)).padStart(2, '0')}:00`,
					validFrom: valid ? '2026-01-01' : null,
					validTo: valid ? '2026-06-30' : null,
					appointmentOnly: r.chance(0.1)
				});
			}
		}
		await db.transaction(async (tx) => {
			await insertChunked(tx as unknown as Db, organization, orgs);
			await insertChunked(tx as unknown as Db, location, locs);
			await insertChunked(tx as unknown as Db, organizationSocialSpace, orgSpaces);
			await insertChunked(tx as unknown as Db, service, services, 300);
			await insertChunked(tx as unknown as Db, serviceAtLocation, links);
			await insertChunked(tx as unknown as Db, schedule, slots);
		});
		counts.actors += orgs.length;
		counts.offers += services.length;
		counts.locations += locs.length;
		counts.schedules += slots.length;
		orgIds.push(...orgs.map((o) => o.id!));
		serviceIds.push(...services.map((s) => s.id!));
		if ((m + 1) % 50 === 0 || m + 1 === munis.length) log(`  directory rows: municipalities ${m + 1}/${munis.length}, ${counts.offers} offers, ${counts.actors} actors`);
	}
	const started = performance.now();
	const BATCH = 2000;
	for (let i = 0; i < serviceIds.length; i += BATCH) {
		await db.transaction((tx) => refreshSearchEntries(tx, { serviceIds: serviceIds.slice(i, i + BATCH) }));
		if ((i / BATCH) % 10 === 9) log(`  search entries: offers ${Math.min(i + BATCH, serviceIds.length)}/${serviceIds.length}`);
	}
	for (let i = 0; i < orgIds.length; i += BATCH) await db.transaction((tx) => refreshSearchEntries(tx, { organizationIds: orgIds.slice(i, i + BATCH) }));
	counts.indexMs = Math.round(performance.now() - started);
	log(`  search entries built in ${counts.indexMs} ms`);
	await db.execute(sql`analyze`);
	return counts;
}
