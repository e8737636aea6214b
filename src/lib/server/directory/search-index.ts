/**
 * Keeps the search entries (`search_entry`, `search_word`) in step with the directory: one
 * entry per actor and per offer, with a weighted tsvector over its own texts in every language
 * (stemmed by PostgreSQL's Snowball configuration of each language, folded under `simple` and
 * scoped to the municipality for prefixes, plus marked compound endings), and the facets the filters use. The document also
 * holds marker lexemes, so that everything a query asks for is one GIN index lookup:
 * - `#<message key>` for each label of the entry (sub-topics, theme fields, target groups, actor
 *   type, OSM amenity), which the search vocabulary (`vocabulary.ts`) links query words to in
 *   every language — kept out of the text, which keeps documents small;
 * - `$<facet>` for the facets a query word can stand for ("kostenlos" → `$cost:free`, "auf
 *   Arabisch" → `$lang:ar`, `$low`, `$stepfree`);
 * - `!offers:<visibility>` on an actor for each visibility at which it has a current offer, so
 *   that actors without offers rank after offers and actors with them (issue 12 §1);
 * - `@<municipality id>`, and `%search:<version>` (`INDEX_VERSION`), so entries written in an
 *   older format are found and rebuilt (`refreshOutdatedSearchEntries`).
 * Called inside every directory write's transaction. Source: issue 3 §4, issue 12 §1.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { listSocialSpaceNames } from '../geography/service';
import { locales } from '../../paraglide/runtime.js';
import { m } from '../../paraglide/messages.js';
import { location, organization, organizationSocialSpace, schedule, searchEntry, searchWord, service, serviceAtLocation, type TranslatedText } from './schema';
import { LISTED_STATUSES } from './model';

/** PostgreSQL text search configuration per content language; others use `simple`. */
const TS_CONFIG: Record<string, string> = {
	de: 'german',
	'de-x-ls': 'german',
	en: 'english',
	ar: 'arabic',
	tr: 'turkish',
	ru: 'russian'
};

/** The text search configuration for a BCP 47 tag (by primary language). */
export function textSearchConfig(lang: string): string {
	return TS_CONFIG[lang] ?? TS_CONFIG[lang.split('-')[0]] ?? 'simple';
}

type MessageFn = (inputs: Record<string, never>, options: { locale: string }) => string;

const labelCache = new Map<string, { lang: string; text: string }[]>();

/** A vocabulary label in every UI language (e.g. `subtopic_language_course`), for search. */
function labelInAllLanguages(key: string): { lang: string; text: string }[] {
	const cached = labelCache.get(key);
	if (cached) return cached;
	const fn = (m as unknown as Record<string, MessageFn | undefined>)[key];
	const out = fn ? locales.map((locale) => ({ lang: locale, text: fn({}, { locale }) })) : [];
	labelCache.set(key, out);
	return out;
}

/**
 * The folded form words and queries are compared in: lowercase; Latin letters without
 * diacritics and ß as ss ("Müller" → "muller", "Straße" → "strasse"), Turkish dotless ı as i;
 * Arabic without harakat and tatweel, alef variants as ا, final ى as ي and ة as ه (how people
 * type them). Cyrillic keeps its letters (й stays й).
 */
export function foldText(text: string): string {
	return text
		.normalize('NFD')
		.replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
		.normalize('NFC')
		.toLowerCase()
		.replace(/ß/g, 'ss')
		.replace(/ı/g, 'i')
		.replace(/[\u064b-\u065f\u0670\u0640]/g, '')
		.replace(/[أإآٱ]/g, 'ا')
		.replace(/ى/g, 'ي')
		.replace(/ة/g, 'ه');
}

/** Distinct folded words of at least three letters. */
function wordsOf(texts: string[]): string[] {
	const words = new Set<string>();
	for (const t of texts) for (const w of foldText(t).match(/[\p{L}\p{N}]{3,}/gu) ?? []) words.add(w);
	return [...words];
}

const ARABIC_SCRIPT = /^\p{Script=Arabic}+$/u;

/**
 * Word endings that let a search for a part find a compound: German "Sprachkurs" also yields
 * "achkurs", "chkurs", "hkurs", "kurs", so the prefix query `kurs:*` finds it (an infix match
 * through the ordinary tsvector index). Latin and Cyrillic words of 7+ letters give endings of 4+
 * letters after a first part of 3+; Arabic-script words of 4+ letters give endings of 3+ letters
 * (article and prepositions are written together with the word: "اللغة" → "لغة").
 * @param folded text in `foldText` form.
 */
export function compoundEndings(folded: string): string[] {
	const out = new Set<string>();
	for (const w of folded.match(/\p{L}+/gu) ?? []) {
		const arabic = ARABIC_SCRIPT.test(w);
		const [minWord, firstPart, minEnd] = arabic ? [4, 1, 3] : [7, 3, 4];
		if (w.length < minWord) continue;
		for (let i = firstPart; i <= w.length - minEnd; i++) out.add(w.slice(i));
	}
	return [...out];
}

interface Part {
	lang: string;
	text: string;
	weight: 'A' | 'B' | 'C' | 'D';
}

/** Languages whose long words are split into compound endings (see `compoundEndings`). */
const COMPOUNDING = new Set(['de', 'ar', 'fa']);

/**
 * The lexeme of a compound ending: marked with `~` (so a query can tell it from whole words) and
 * the first 8 hex digits of the municipality id, e.g. `~1a2b3c4dkurs`. Endings are matched as
 * prefixes (`~1a2b3c4dberat:*`); scoping them to the municipality keeps that index range small.
 */
export function endingLexeme(municipalityId: string, ending: string): string {
	return `~${municipalityId.replace(/-/g, '').slice(0, 8)}${ending}`;
}

/**
 * The lexeme of a folded whole word: marked with `=` and the first 8 hex digits of the
 * municipality id, e.g. `=1a2b3c4dsprachkurs`. Words are matched as prefixes
 * (`=1a2b3c4dsprach:*`), and a GIN index answers a prefix by reading every key in its range: with
 * the municipality in front, that range holds the words of one municipality, not of every
 * municipality on the platform (issue 12 §1: search p95 at 100,000 offers).
 */
export function wordLexeme(municipalityId: string, word: string): string {
	return `=${municipalityId.replace(/-/g, '').slice(0, 8)}${word}`;
}

/** A text as a quoted lexeme of tsvector or tsquery text, in SQL (see `quotedLexeme`). */
export function lexemeLiteralSql(text: SQL): SQL {
	return sql`('''' || replace(replace(${text}, '\\', '\\\\'), '''', '''''') || '''')`;
}

/** The `wordLexeme` mark of a municipality's words as SQL (for a tsquery built per row). */
export function wordLexemePrefixSql(municipalityId: SQL): SQL {
	return sql`'=' || left(replace(${municipalityId}::text, '-', ''), 8)`;
}

/** Marks a vocabulary label's message key in documents (`#subtopic_language_course`). */
export const LABEL_MARK = '#';
/** Marks the municipality in documents (`@<uuid>`). */
export const MUNICIPALITY_MARK = '@';
/** Marks a facet in documents (`$cost:free`, `$low`, `$stepfree`, `$lang:ar`). */
const FACET_MARK = '$';
/** Marks, on an actor, a visibility at which it has a current offer (`!offers:public`). */
export const OFFERS_MARK = '!offers:';
/**
 * The document format. Raised when documents change shape (2: facets, offers, version marker;
 * 3: whole words scoped to the municipality, `wordLexeme` — issue 12), so `refreshOutdatedSearchEntries` rebuilds what an older version wrote.
 */
export const INDEX_VERSION = 3;
const VERSION_LEXEME = `%search:${INDEX_VERSION}`;

/** The facet markers of an entry, see `FACET_MARK`. */
export function facetMarkers(f: { costKind: string | null; lowThreshold: boolean; stepFree: boolean; languages: string[] }): string[] {
	return [
		...(f.costKind ? [`${FACET_MARK}cost:${f.costKind}`] : []),
		...(f.lowThreshold ? [`${FACET_MARK}low`] : []),
		...(f.stepFree ? [`${FACET_MARK}stepfree`] : []),
		...[...new Set(f.languages.map((l) => l.split('-')[0].toLowerCase()))].map((l) => `${FACET_MARK}lang:${l}`)
	];
}

/** A lexeme of a tsvector or tsquery in text form, quoted. */
export function quotedLexeme(text: string): string {
	return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function endingsOf(lang: string, folded: string): string[] {
	return COMPOUNDING.has(lang.split('-')[0]) ? compoundEndings(folded) : [];
}

/**
 * The weighted tsvector of an entry. Each text is indexed stemmed in its language (from the
 * original spelling, so stop words are known) and, for accent-free prefix matching, folded under
 * `simple` as `wordLexeme`s; texts of the same configuration and weight are indexed together (one `to_tsvector`
 * each). German and Arabic-script texts add their compound endings as marked lexemes
 * (`endingLexeme`), each once at its highest weight; the label keys (weight B), the `extra`
 * markers (facets, offers), the municipality and the format version (weight D) are added as
 * markers.
 */
function documentSql(parts: Part[], labels: string[], municipalityId: string, extra: string[]): SQL {
	const groups = new Map<string, { cfg: string; weight: Part['weight']; texts: string[] }>();
	const add = (cfg: string, weight: Part['weight'], text: string) => {
		const key = `${cfg}|${weight}`;
		const group = groups.get(key) ?? groups.set(key, { cfg, weight, texts: [] }).get(key)!;
		group.texts.push(text);
	};
	const endings = new Map<string, Part['weight']>();
	for (const p of parts) {
		if (!p.text.trim()) continue;
		const cfg = textSearchConfig(p.lang);
		const folded = foldText(p.text);
		add('simple', p.weight, folded);
		if (cfg !== 'simple') add(cfg, p.weight, p.text);
		for (const e of endingsOf(p.lang, folded)) if (!endings.has(e) || endings.get(e)! > p.weight) endings.set(e, p.weight);
	}
	const scope = wordLexeme(municipalityId, '');
	const vectors = [...groups.values()].map((g) => {
		// Configuration names and weights come from fixed lists: inlined, so only texts are parameters.
		const vector = sql`to_tsvector(${sql.raw(`'${g.cfg}'::regconfig`)}, ${g.texts.join('\n')})`;
		// Folded words as `wordLexeme`s: PostgreSQL's parser splits them, the scope is put in front.
		// Written as tsvector text with a position, because a lexeme without one carries no weight.
		const lexemes =
			g.cfg === 'simple'
				? sql`coalesce((select string_agg(${lexemeLiteralSql(sql`${scope} || t.lexeme`)} || ':1', ' ') from unnest(${vector}) t), '')::tsvector`
				: vector;
		return sql`setweight(${lexemes}, ${sql.raw(`'${g.weight}'`)})`;
	});
	const markers = [
		...[...endings].map(([e, w]) => `${quotedLexeme(endingLexeme(municipalityId, e))}:1${w}`),
		...labels.map((k) => `${quotedLexeme(LABEL_MARK + k)}:1B`),
		...extra.map((m) => `${quotedLexeme(m)}:1D`),
		`${quotedLexeme(MUNICIPALITY_MARK + municipalityId)}:1D`,
		`${quotedLexeme(VERSION_LEXEME)}:1D`
	];
	vectors.push(sql`${markers.join(' ')}::tsvector`);
	return sql.join(vectors, sql` || `);
}

function versions(t: TranslatedText, weight: Part['weight']): Part[] {
	return Object.entries(t).map(([lang, v]) => ({ lang, text: v.text, weight }));
}

function labelTexts(keys: string[]): string[] {
	return keys.flatMap((k) => labelInAllLanguages(k).map((l) => l.text));
}

/** Offer statuses a search lists (`search.ts`): an actor with only such offers "has offers". */
const LIVE = new Set<string>(LISTED_STATUSES);

const RANK = { public: 0, network: 1, internal: 2 } as Record<string, number>;
function stricter(a: string, b: string): string {
	return (RANK[a] ?? 2) >= (RANK[b] ?? 2) ? a : b;
}

function minutes(hhmm: string): number {
	const [h, mm] = hhmm.split(':').map(Number);
	return h * 60 + mm;
}

/**
 * Language under which names, addresses and Stadtteil names are stemmed: in German
 * municipalities they are mostly German words ("Familienzentren" should find "Familienzentrum").
 */
const NAMES = 'de';

type EntryRow = typeof searchEntry.$inferInsert;

/**
 * Rebuilds the search entries of the given offers and actors (deleting those that no longer
 * exist), in batches of 500, and adds their words to the typo-tolerance word list.
 */
export async function refreshSearchEntries(db: DbOrTx, ids: { serviceIds?: string[]; organizationIds?: string[] }): Promise<void> {
	const serviceIds = [...new Set(ids.serviceIds ?? [])];
	const orgIds = [...new Set(ids.organizationIds ?? [])];
	for (let i = 0; i < serviceIds.length; i += 500) await refreshServices(db, serviceIds.slice(i, i + 500));
	for (let i = 0; i < orgIds.length; i += 500) await refreshOrganizations(db, orgIds.slice(i, i + 500));
}

async function write(
	db: DbOrTx,
	kind: 'service' | 'organization',
	ids: string[],
	rows: { row: Omit<EntryRow, 'document'>; words: string[]; parts: Part[]; labels: string[]; markers: string[] }[]
) {
	await db.delete(searchEntry).where(sql`${searchEntry.kind} = ${kind} and ${inArray(searchEntry.entityId, ids)}`);
	if (!rows.length) return;
	// Small statements: an entry's document has a few hundred text parameters (PostgreSQL allows 65,535).
	for (let i = 0; i < rows.length; i += 50) {
		await db.insert(searchEntry).values(rows.slice(i, i + 50).map((r) => ({ ...r.row, document: documentSql(r.parts, r.labels, r.row.municipalityId, r.markers) as unknown as string })));
	}
	const words = [...new Set(rows.flatMap((r) => r.words))];
	for (let i = 0; i < words.length; i += 1000) {
		await db
			.insert(searchWord)
			.values(words.slice(i, i + 1000).map((word) => ({ word })))
			.onConflictDoNothing();
	}
}

async function refreshServices(db: DbOrTx, ids: string[]) {
	const services = await db.select().from(service).where(inArray(service.id, ids));
	if (!services.length) return write(db, 'service', ids, []);
	const orgs = await db.select().from(organization).where(inArray(organization.id, [...new Set(services.map((s) => s.organizationId))]));
	const links = await db.select().from(serviceAtLocation).where(inArray(serviceAtLocation.serviceId, services.map((s) => s.id)));
	const locs = links.length ? await db.select().from(location).where(inArray(location.id, [...new Set(links.map((l) => l.locationId))])) : [];
	const slots = await db.select().from(schedule).where(inArray(schedule.serviceId, services.map((s) => s.id)));
	const spaces = await listSocialSpaceNames(db, [...new Set(locs.map((l) => l.socialSpaceId).filter((s): s is string => !!s))]);
	const rows = services.map((s) => {
		const org = orgs.find((o) => o.id === s.organizationId)!;
		const own = links.filter((l) => l.serviceId === s.id).map((l) => locs.find((x) => x.id === l.locationId)!);
		const ownSpaces = own.map((l) => spaces.find((sp) => sp.id === l.socialSpaceId)).filter((x) => !!x);
		const parts: Part[] = [
			...versions(s.name, 'A'),
			// The actor's name ranks below the offer's own title, so the actor itself comes first.
			{ lang: NAMES, text: org.name, weight: 'B' },
			...org.alternateNames.map((n) => ({ lang: NAMES, text: n, weight: 'C' as const })),
			...versions(s.description, 'C'),
			...versions(s.eligibility, 'D'),
			...versions(s.accessRequirements, 'D'),
			...own.map((l) => ({ lang: NAMES, text: `${l.name} ${l.street} ${l.postalCode} ${l.city}`, weight: 'D' as const })),
			...ownSpaces.map((sp) => ({ lang: NAMES, text: `${sp.name} ${sp.districtName}`, weight: 'D' as const }))
		];
		const labelKeys = [
			...s.subtopics.map((k) => `subtopic_${k}`),
			...s.themeFields.map((k) => `opt_theme_fields_${k}`),
			...s.targetGroups.map((k) => `opt_target_groups_${k}`)
		];
		const located = own.find((l) => l.latitude !== null && l.longitude !== null);
		const stepFree = own.some((l) => l.accessibility.includes('step_free'));
		return {
			parts,
			// The words feed the typo-tolerance word list only; the entry does not keep them.
			words: wordsOf([...parts.map((p) => p.text), ...labelTexts(labelKeys)]),
			labels: labelKeys,
			markers: facetMarkers({ costKind: s.costKind, lowThreshold: s.lowThreshold, stepFree, languages: s.languages }),
			row: {
				kind: 'service',
				entityId: s.id,
				municipalityId: s.municipalityId,
				visibility: stricter(s.visibility, org.visibility),
				title: Object.fromEntries(Object.entries(s.name).map(([l, v]) => [l, v.text])),
				organizationName: org.name,
				themeFields: s.themeFields,
				subtopics: s.subtopics,
				targetGroups: s.targetGroups,
				languages: s.languages,
				socialSpaceIds: [...new Set(ownSpaces.map((sp) => sp.id))],
				districtIds: [...new Set(ownSpaces.map((sp) => sp.districtId))],
				costKind: s.costKind,
				lowThreshold: s.lowThreshold,
				stepFree,
				status: s.status,
				lastVerifiedAt: s.lastVerifiedAt,
				minimumAge: s.minimumAge,
				maximumAge: s.maximumAge,
				latitude: located?.latitude ?? null,
				longitude: located?.longitude ?? null,
				openingSlots: slots
					.filter((x) => x.serviceId === s.id)
					.map((x) => [x.weekday, minutes(x.opensAt), minutes(x.closesAt), x.validFrom, x.validTo, x.appointmentOnly] as [number, number, number, string | null, string | null, boolean]),
				isDemo: s.isDemo,
				updatedAt: new Date()
			}
		};
	});
	await write(db, 'service', ids, rows);
}

async function refreshOrganizations(db: DbOrTx, ids: string[]) {
	const orgs = await db.select().from(organization).where(inArray(organization.id, ids));
	if (!orgs.length) return write(db, 'organization', ids, []);
	const orgIds = orgs.map((o) => o.id);
	const locs = await db.select().from(location).where(inArray(location.organizationId, orgIds));
	const links = await db.select().from(organizationSocialSpace).where(inArray(organizationSocialSpace.organizationId, orgIds));
	const offers = await db
		.select({ organizationId: service.organizationId, themeFields: service.themeFields, visibility: service.visibility, status: service.status })
		.from(service)
		.where(inArray(service.organizationId, orgIds));
	const spaces = await listSocialSpaceNames(db, [...new Set(links.map((l) => l.socialSpaceId))]);
	const rows = orgs.map((o) => {
		const own = locs.filter((l) => l.organizationId === o.id);
		const ownSpaces = links.filter((l) => l.organizationId === o.id).map((l) => spaces.find((sp) => sp.id === l.socialSpaceId)).filter((x) => !!x);
		// Current offers, each at the visibility its reader needs for both it and the actor. An actor is
		// about the topics of the offers everyone who sees it can see too: a public library is not
		// "Arbeit" because of a staff-only application workshop.
		const current = offers
			.filter((x) => x.organizationId === o.id && LIVE.has(x.status))
			.map((x) => ({ themeFields: x.themeFields, visibility: stricter(x.visibility, o.visibility) }));
		const themeFields = [...new Set(current.filter((x) => x.visibility === o.visibility).flatMap((x) => x.themeFields))];
		const offerLevels = [...new Set(current.map((x) => x.visibility))];
		const parts: Part[] = [
			{ lang: NAMES, text: o.name, weight: 'A' },
			...o.alternateNames.map((n) => ({ lang: NAMES, text: n, weight: 'A' as const })),
			...versions(o.description, 'C'),
			...own.map((l) => ({ lang: NAMES, text: `${l.name} ${l.street} ${l.postalCode} ${l.city}`, weight: 'D' as const })),
			...ownSpaces.map((sp) => ({ lang: NAMES, text: `${sp.name} ${sp.districtName}`, weight: 'D' as const }))
		];
		const labelKeys = [
			`actor_type_${o.actorType}`,
			...(o.amenity ? [`osm_amenity_${o.amenity}`] : []),
			...themeFields.map((k) => `opt_theme_fields_${k}`)
		];
		const located = own.find((l) => l.latitude !== null && l.longitude !== null);
		const stepFree = own.some((l) => l.accessibility.includes('step_free'));
		return {
			parts,
			// The words feed the typo-tolerance word list only; the entry does not keep them.
			words: wordsOf([...parts.map((p) => p.text), ...labelTexts(labelKeys)]),
			labels: labelKeys,
			markers: [...offerLevels.map((l) => OFFERS_MARK + l), ...facetMarkers({ costKind: null, lowThreshold: false, stepFree, languages: [] })],
			row: {
				kind: 'organization',
				entityId: o.id,
				municipalityId: o.municipalityId,
				visibility: o.visibility,
				title: { de: o.name },
				organizationName: o.name,
				themeFields,
				socialSpaceIds: ownSpaces.map((sp) => sp.id),
				districtIds: [...new Set(ownSpaces.map((sp) => sp.districtId))],
				costKind: null,
				stepFree,
				status: 'active',
				latitude: located?.latitude ?? null,
				longitude: located?.longitude ?? null,
				isDemo: o.isDemo,
				updatedAt: new Date()
			}
		};
	});
	await write(db, 'organization', ids, rows);
}

/**
 * Rebuilds the search entries an older version of this file wrote (without the current
 * `%search:<INDEX_VERSION>` marker), in batches of 500 per transaction: after an upgrade, when
 * a process starts (`startup.ts`, after the migrations).
 * @returns how many offers and actors were rebuilt.
 */
export async function refreshOutdatedSearchEntries(db: Db): Promise<{ services: number; organizations: number }> {
	// Only when some entry lacks the marker is the negated match (a full scan of the documents)
	// worth running. Whether the count of current entries is answered by the GIN index depends on
	// the planner: with statistics that say every entry carries the marker, it scans the table too.
	const [counts] = (
		await db.execute<{ total: number; current: number }>(
			sql`select (select count(*) from search_entry)::int as total, (select count(*) from search_entry where document @@ ${quotedLexeme(VERSION_LEXEME)}::tsquery)::int as current`
		)
	).rows;
	if (counts.total === counts.current) return { services: 0, organizations: 0 };
	const stale = await db.execute<{ kind: string; entity_id: string }>(
		sql`select kind, entity_id from search_entry where not (document @@ ${quotedLexeme(VERSION_LEXEME)}::tsquery) order by kind, entity_id`
	);
	const ids = (kind: string) => stale.rows.filter((r) => r.kind === kind).map((r) => r.entity_id);
	const [serviceIds, organizationIds] = [ids('service'), ids('organization')];
	for (let i = 0; i < serviceIds.length; i += 500) await db.transaction((tx) => refreshSearchEntries(tx, { serviceIds: serviceIds.slice(i, i + 500) }));
	for (let i = 0; i < organizationIds.length; i += 500) await db.transaction((tx) => refreshSearchEntries(tx, { organizationIds: organizationIds.slice(i, i + 500) }));
	return { services: serviceIds.length, organizations: organizationIds.length };
}
