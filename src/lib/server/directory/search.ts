/**
 * Directory search for everyone: one text box over names, descriptions, topics and actor names
 * in all languages, with filters and sorting. Source: issue 3 §4, issue 12 §1.
 *
 * How a query is read:
 * - Its words (folded as the index folds them; the first 32, each cut at 64 letters) are
 *   matched against the search vocabulary (`vocabulary.ts`, data in `data/vocabulary/`): each
 *   word, and each phrase of words, may stand for concepts — a sub-topic, an actor type, a target
 *   group, a facet such as "free of charge" — in any of the seven languages, colloquial, misspelt
 *   or transliterated ("Wonung", "німецька мова", "Brief vom Amt", "kostenlos"). Where a phrase
 *   is matched, its concepts rank; the words' own concepts only widen what is found ("iş" in "iş
 *   arıyorum" is job search first, work in general after).
 * - Stop words of German, English and the reader's language and the vocabulary's filler words
 *   ("ich suche", "help", "أبحث") are left out, unless the query has nothing else; a left-out word
 *   that belongs to a matched phrase ("keine Wohnung") keeps the phrase's concepts. At most eight
 *   words are searched.
 * - Each remaining word matches an entry as text — as a prefix of a folded word, by its Snowball
 *   stem in German, English, Arabic, Turkish or Russian, through the marked compound endings of
 *   German and Arabic-script words ("kurs" → "Sprachkurs"), or, when it occurs nowhere, through
 *   up to three similar indexed words within the typo budget of the common engines (one edit from
 *   5 letters, two from 9: "Deutchkurs" → "deutschkurs") — or through its concepts: the entry's
 *   label markers (`#subtopic_…`), facet markers (`$cost:free`) and the German words of the
 *   concept (so "women" finds "Frauencafé").
 *
 * An entry is listed when it matches at least one word; all of it is one tsquery, municipality
 * marker included, answered by the GIN index. Ranking (`score`, one number so pages never overlap
 * or skip):
 * 1. the entry's title in the reader's language, German or English equals the query (10,000);
 * 2. offers, and actors with a current offer the reader may see, before actors without (1,000);
 * 3. closer matches first: 20 for every query word the entry matches, plus how well it matches
 *    each — in its own title as a whole word 0.6 or as a part, typo correction or related word
 *    0.35; through a concept 0.5 (sub-topic, actor type, amenity) or 0.3 (theme field, target
 *    group, facet), times the quality of the vocabulary match (1 exact … 0.7 two typos); in the
 *    actor's name or the description 0.2, in details and addresses 0.1;
 * then offers before actors, title, id. Open now is judged in Europe/Berlin time.
 *
 * Evaluation (`runSearch`): one statement finds the matches and scores them. With three words or
 * more it first ranks only the entries matching all of them; when enough of those are offers to fill the
 * asked page, nothing else can rank above them (a tier step outweighs every word's score), so the
 * other matches are only counted. Otherwise every match gets its tier per word, and only the entries
 * at or above the tier of the page's last row are scored in full. A municipality with an in-memory
 * index (`search-memory.ts`, from 5,000 listed entries) has the same tsquery texts evaluated and
 * scored there, with the same page, and only the page's rows are read from PostgreSQL.
 */
import { geoPath } from 'd3-geo';
import { sql, type SQL } from 'drizzle-orm';
import type { Geometry } from 'geojson';
import { currentDataVersion } from '../audit/versions';
import { perDatabase } from '../core/memo';
import type { DbOrTx } from '../db/client';
import { executeReused } from '../db/reused';
import type { FieldIssue } from '../core/errors';
import { getSocialSpaces } from '../geography/service';
import { canonicalLanguageTag, isUuid, parseInteger } from '../core/validation';
import { COST_KINDS, LISTED_STATUSES, SUBTOPIC_FIELD, TARGET_GROUPS, THEME_FIELDS, type Visibility } from './model';
import { berlinClock } from './opening';
import { LABEL_MARK, MUNICIPALITY_MARK, OFFERS_MARK, endingLexeme, facetMarkers, foldText, quotedLexeme, textSearchConfig, wordLexeme } from './search-index';
import { hasListedEntries, memoryIndexFor, rankInMemory, type MemoryIndex, type UnitTexts } from './search-memory';
import { editDistance, matchVocabulary, typoBudget, vocabulary, type Concept, type Vocabulary } from './vocabulary';

/** What to search for. */
export interface SearchQuery {
	municipalityId: string;
	/** Free text in any language; empty lists everything that matches the filters. */
	text: string;
	/** The reader's language: its stop words are ignored, titles sort in it. */
	lang: string;
	levels: Visibility[];
	kind?: 'service' | 'organization';
	themeField?: string;
	subtopic?: string;
	targetGroup?: string;
	/** A language spoken at the offer (BCP 47, matched by primary subtag too). */
	language?: string;
	socialSpaceId?: string;
	districtId?: string;
	cost?: (typeof COST_KINDS)[number];
	lowThreshold?: boolean;
	stepFree?: boolean;
	openNow?: boolean;
	/** Point to sort by distance from, WGS84 degrees (see `resolveNear`). */
	near?: { latitude: number; longitude: number };
	sort: 'relevance' | 'distance';
	/** 1-based. */
	page: number;
	perPage: number;
	/** The instant "open now" refers to (default: now). */
	now?: Date;
}

/** One result. */
export interface SearchHit {
	kind: 'service' | 'organization';
	id: string;
	title: Record<string, string>;
	organizationName: string;
	themeFields: string[];
	subtopics: string[];
	languages: string[];
	costKind: string | null;
	lowThreshold: boolean;
	stepFree: boolean;
	status: string;
	latitude: number | null;
	longitude: number | null;
	/** Kilometres from `near`, when given. */
	distanceKm: number | null;
	openNow: boolean;
	isDemo: boolean;
	/** Relevance score (see the module note); without search text 1,000 for offers and actors with offers, else 0. */
	score: number;
	/** Actors only (null for offers): what lists show besides the entry — type, OSM amenity, licence attribution, source id (`node/123`). */
	actor: { actorType: string; amenity: string | null; attribution: string | null; sourceId: string | null } | null;
}

/** A page of results. */
export interface SearchResult {
	hits: SearchHit[];
	total: number;
	page: number;
	perPage: number;
	/** Query words with the similar words they were widened to, e.g. `{ "deutchkurs": ["deutschkurs"] }`. */
	expansions: Record<string, string[]>;
	/** Sub-topics the query was read as (vocabulary concepts), e.g. `["language_course"]`. */
	topics: string[];
	/** True when no entry matches every query word (entries matching some are listed). */
	relaxed: boolean;
}

/** Words of a query looked at: need-phrased queries are long, most of their words fillers. */
const MAX_SCANNED = 32;
/** Letters of a query word looked at (the longest German compounds have about 40). */
const MAX_WORD_LENGTH = 64;
/** Words searched for. */
const MAX_WORDS = 8;
/** Letters from which a concept's related German word also matches as a prefix. */
const MIN_RELATED_PREFIX = 6;
/** Typo corrections per unknown query word. */
const CORRECTIONS_PER_WORD = 3;
/** Snowball dictionaries every query word is stemmed with. */
const STEMMERS = ['german_stem', 'english_stem', 'arabic_stem', 'turkish_stem', 'russian_stem'];
/** Score tiers and weights (see the module note). */
const SCORE = { exactTitle: 10000, hasOffers: 1000, perWord: 20, titleWhole: 0.6, titlePart: 0.35, concept: 0.5, relatedConcept: 0.3, text: 0.2, detail: 0.1 };
// Two-phase ranking (runSearch) scores in full only the entries at or above the cut's tier: that is
// right only while everything the searched units can add stays below one tier step.
if ((MAX_WORDS + 2) * (SCORE.titleWhole + SCORE.concept + SCORE.text) >= SCORE.perWord) throw new Error('search: a tier step (SCORE.perWord) must exceed what the words can add');

interface Token {
	/** Lowercase as typed: stemmers and stop-word lists expect the real spelling. */
	raw: string;
	folded: string;
}

function tokens(text: string): Token[] {
	const seen = new Set<string>();
	const out: Token[] = [];
	for (const whole of text.normalize('NFC').toLowerCase().match(/[\p{L}\p{M}\p{N}]{2,}/gu) ?? []) {
		// PostgreSQL refuses tsquery words over 2 KB; no word people search for is this long.
		const raw = whole.slice(0, MAX_WORD_LENGTH);
		const folded = foldText(raw);
		if (folded.length < 2 || seen.has(folded)) continue;
		seen.add(folded);
		out.push({ raw, folded });
		if (out.length === MAX_SCANNED) break;
	}
	return out;
}

/** Query words: folded (see `foldText`), at least two letters, at most eight, without repeats. */
export function queryWords(text: string): string[] {
	return tokens(text)
		.slice(0, MAX_WORDS)
		.map((t) => t.folded);
}

interface WordInfo {
	word: string;
	stems: string[];
	/** The stem that compound endings are matched with: German, or Arabic for Arabic script. */
	partStem: string | null;
	stopword: boolean;
	/** The word occurs in some entry (then it is not corrected). */
	known: boolean;
	/** Indexed words that look alike (trigrams), closest first: typo candidates. */
	lookalikes: string[];
}

/** Per database handle: analysed words by text search configuration and word, with the data version of everything they were read at. */
const analysedIn = perDatabase(() => new Map<string, { version: string; info: WordInfo }>());

/**
 * Stems, stop-word flags, whether each word is indexed, and typo candidates — held per word and
 * reader's language until any data version rises (`currentDataVersion(db, null)`: the indexed
 * words are shared by all municipalities), so a word searched again costs no statement but the
 * version read (issue 17 §2). The words not held are analysed in one round trip (`analyseWords`).
 */
async function analyse(db: DbOrTx, words: Token[], lang: string, version: string): Promise<WordInfo[]> {
	const keyOf = (w: Token) => `${textSearchConfig(lang)}\u0000${w.raw}\u0000${w.folded}`;
	const analysed = analysedIn(db);
	const missing = words.filter((w) => analysed.get(keyOf(w))?.version !== version);
	if (missing.length) {
		const infos = await analyseWords(db, missing, lang);
		if (analysed.size > 50_000) analysed.clear();
		missing.forEach((w, i) => analysed.set(keyOf(w), { version, info: infos[i] }));
	}
	return words.map((w) => analysed.get(keyOf(w))!.info);
}

/** One round trip: stems, stop-word flags, whether each word is indexed, and typo candidates. */
async function analyseWords(db: DbOrTx, words: Token[], lang: string): Promise<WordInfo[]> {
	const readerCfg = textSearchConfig(lang);
	const stopDicts = [...new Set(['german_stem', 'english_stem', ...(STEMMERS.includes(`${readerCfg}_stem`) ? [`${readerCfg}_stem`] : [])])];
	const list = (values: string[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`;
	const result = await db.execute<Record<string, unknown>>(sql`
		select q.n, ${sql.join(
			STEMMERS.map((d, i) => sql`ts_lexize(${d}::regdictionary, q.raw) as s${sql.raw(String(i))}`),
			sql`, `
		)},
		  (${sql.join(
				stopDicts.map((d) => sql`coalesce(cardinality(ts_lexize(${d}::regdictionary, q.raw)) = 0, false)`),
				sql` or `
			)}) as stopword,
		  exists (select 1 from search_word k where k.word = q.w) as known,
		  array(
		    select s.word from search_word s
		    where char_length(q.w) >= 5 and s.word % q.w and strpos(s.word, q.w) = 0
		      and not exists (select 1 from search_word k where k.word = q.w)
		    order by s.word <-> q.w, s.word
		    limit 12
		  ) as lookalikes
		from unnest(${list(words.map((w) => w.raw))}, ${list(words.map((w) => w.folded))}) with ordinality as q(raw, w, n)
		order by q.n`);
	return result.rows.map((r, i) => ({
		word: words[i].folded,
		// A stem equal to the word is kept: the word is matched as a `wordLexeme`, the stem as a stem.
		stems: [...new Set(STEMMERS.flatMap((_, j) => (r[`s${j}`] as string[] | null) ?? []))].filter((s) => !!s),
		partStem: ((r[`s${/^\p{Script=Arabic}+$/u.test(words[i].folded) ? STEMMERS.indexOf('arabic_stem') : 0}`] as string[] | null) ?? [])[0] ?? null,
		stopword: r.stopword as boolean,
		known: r.known as boolean,
		lookalikes: r.lookalikes as string[]
	}));
}

/** A searched word, or a concept left over from fillers of a matched phrase ("ohne Termin"). */
interface Unit {
	/** The folded word; null for a concept-only unit. */
	word: string | null;
	info: WordInfo | null;
	/** Indexed words within the typo budget (the word occurs nowhere itself). */
	corrections: string[];
	/** Vocabulary concepts with the quality of the match. */
	concepts: Map<string, number>;
	/** Concepts of the word alone where a phrase was preferred: they only widen what is found (see `WordConcepts.fallback`). */
	fallback: Map<string, number>;
	/** Vocabulary words matched with typos ("wonung" → "wohnung"), shown as expansions. */
	vocabularyWords: string[];
}

/** Arabic-script words are short (the article is written on): their endings start at 3 letters. */
function minEnding(word: string): number {
	return /^\p{Script=Arabic}+$/u.test(word) ? 3 : 4;
}

/** The words a query searches for, with their concepts and typo corrections (see the module note). */
function readQuery(words: Token[], infos: WordInfo[], lang: string, v: Vocabulary): Unit[] {
	const matched = matchVocabulary(v, words, lang);
	const isContent = (i: number) => !infos[i].stopword && !matched[i].filler;
	const content = words.map((_, i) => i).filter(isContent);
	const chosen = (content.length ? content : words.map((_, i) => i)).slice(0, MAX_WORDS);
	const units: Unit[] = chosen.map((i) => {
		const info = infos[i];
		const budget = typoBudget(info.word.length);
		const exactVocabulary = [...matched[i].concepts.values()].some((q) => q >= 0.95);
		const corrections =
			info.known || exactVocabulary || !budget
				? []
				: info.lookalikes.filter((w) => editDistance(info.word, w, budget) <= budget).slice(0, CORRECTIONS_PER_WORD);
		return { word: info.word, info, corrections, concepts: matched[i].concepts, fallback: matched[i].fallback, vocabularyWords: matched[i].matched };
	});
	// Concepts of left-out words that no searched word carries: "Beratung ohne Termin".
	for (let i = 0; i < words.length; i++) {
		if (chosen.includes(i) || !matched[i].concepts.size) continue;
		const missing = [...matched[i].concepts].filter(([c]) => !units.some((u) => u.concepts.has(c)));
		if (missing.length && units.length < MAX_WORDS + 2) units.push({ word: null, info: null, corrections: [], concepts: new Map(missing), fallback: new Map(), vocabularyWords: [] });
	}
	return units;
}

/** How one unit matches, as tsquery texts, and how well its concepts were read. */
interface UnitQuery extends UnitTexts {
	/** Best vocabulary quality of its concepts (1 without concepts). */
	quality: number;
}

function group(alternatives: string[]): string | null {
	const unique = [...new Set(alternatives)];
	return unique.length ? `(${unique.join(' | ')})` : null;
}

/** The label and facet markers of concepts, as tsquery lexemes: sub-topic, actor type and amenity (strong); theme field, target group and facet (related). */
function conceptMarkers(keys: Iterable<string>, v: Vocabulary): { strong: string[]; related: string[] } {
	const concepts = [...keys].map((k) => v.concepts.get(k)).filter((c): c is Concept => !!c);
	const strong = concepts.flatMap((c) => [
		...c.subtopics.map((k) => `subtopic_${k}`),
		...c.actorTypes.map((k) => `actor_type_${k}`),
		...c.amenities.map((k) => `osm_amenity_${k}`)
	]);
	const weak = concepts.flatMap((c) => [...c.themeFields.map((k) => `opt_theme_fields_${k}`), ...c.targetGroups.map((k) => `opt_target_groups_${k}`)]);
	// The markers the index writes for these facets (`facetMarkers`), so query and document agree.
	const facets = concepts.flatMap(({ filter: f }) =>
		f ? facetMarkers({ costKind: f.cost ?? null, lowThreshold: !!f.lowThreshold, stepFree: !!f.stepFree, languages: f.language ? [f.language] : [] }) : []
	);
	return { strong: strong.map((k) => quotedLexeme(LABEL_MARK + k)), related: [...weak.map((k) => quotedLexeme(LABEL_MARK + k)), ...facets.map((m) => quotedLexeme(m))] };
}

function unitQuery(u: Unit, municipalityId: string, v: Vocabulary): UnitQuery {
	const concepts = [...u.concepts.keys()].map((k) => v.concepts.get(k)).filter((c): c is Concept => !!c);
	const info = u.info;
	const whole = (weight: string) =>
		info && u.word ? [quotedLexeme(wordLexeme(municipalityId, u.word)) + `:*${weight}`, ...info.stems.map((s) => quotedLexeme(s) + (weight ? `:${weight}` : ''))] : [];
	const endings = (weight: string) =>
		info && u.word ? [u.word, info.partStem ?? ''].filter((x) => x.length >= minEnding(x)).map((x) => quotedLexeme(endingLexeme(municipalityId, x)) + `:*${weight}`) : [];
	const corrections = (weight: string) => u.corrections.map((c) => quotedLexeme(wordLexeme(municipalityId, c)) + (weight ? `:${weight}` : ''));
	// Related German words of 6+ letters match as prefixes ("wohnung" → "Wohnungen"); shorter ones
	// only whole, or "haus" (housing) would find "Hausaufgabenhilfe".
	const related = (weight: string) =>
		[...new Set(concepts.flatMap((c) => c.expansion))]
			.filter((x) => x !== u.word)
			.map((x) => quotedLexeme(wordLexeme(municipalityId, x)) + (x.length >= MIN_RELATED_PREFIX ? `:*${weight}` : weight ? `:${weight}` : ''));
	const markers = conceptMarkers(u.concepts.keys(), v);
	const fallback = conceptMarkers(u.fallback.keys(), v);
	const concept = group(markers.strong);
	const relatedConcept = group(markers.related);
	const all = [...whole(''), ...endings(''), ...corrections(''), ...related('')];
	return {
		titleWhole: group(whole('A')),
		titlePart: group([...endings('A'), ...corrections('A'), ...related('A')]),
		concept,
		relatedConcept,
		text: group([...whole('BC'), ...endings('BC'), ...corrections('BC'), ...related('BC')]),
		// Fallback concepts only find entries (scored as a detail match): the phrase's reading ranks first.
		any: group([...all, ...(concept ? [concept] : []), ...(relatedConcept ? [relatedConcept] : []), ...fallback.strong, ...fallback.related]) ?? `''`,
		quality: Math.max(0, ...u.concepts.values()) || 1
	};
}

/**
 * Where a search is answered: `auto` in memory where the municipality's index is ready (else by
 * PostgreSQL, while the index is built in the background), `sql` always by PostgreSQL, `memory` in
 * memory, building the index first (benchmarks and tests).
 */
export type SearchEngine = 'auto' | 'sql' | 'memory';

/**
 * Runs a search.
 * @param engine where it is answered (see `SearchEngine`); both give the same page.
 * @returns one page of hits with the total, the typo corrections used, the sub-topics the query
 *   was read as and whether no entry matched every word.
 * @throws Error with `engine: 'memory'` when the in-memory index cannot answer this query or municipality.
 */
export async function searchDirectory(db: DbOrTx, q: SearchQuery, engine: SearchEngine = 'auto'): Promise<SearchResult> {
	const words = tokens(q.text);
	const v = vocabulary();
	const version = await currentDataVersion(db, null);
	const infos = words.length ? await analyse(db, words, q.lang, version) : [];
	const units = words.length ? readQuery(words, infos, q.lang, v) : [];
	const expansions = Object.fromEntries(
		units.filter((u) => u.word).map((u) => [u.word!, [...new Set([...u.corrections, ...u.vocabularyWords])]])
	);
	const topics = [...new Set(units.flatMap((u) => [...u.concepts.keys()].flatMap((k) => v.concepts.get(k)?.subtopics ?? [])))];
	const queries = units.map((u) => unitQuery(u, q.municipalityId, v));
	const memory = engine !== 'sql' ? await memoryIndexFor(db, q.municipalityId, version, engine === 'memory') : null;
	if (engine === 'memory' && !memory) throw new Error('search: no in-memory index for this municipality (below SEARCH_INDEX_MIN_ENTRIES, the index off or too large, or inside a transaction)');
	const result = await runSearch(db, q, queries, version, memory, engine === 'memory');
	return { ...result, expansions, topics, relaxed: queries.length > 1 && result.total > 0 && result.bestCoverage < queries.length };
}

/** Listed entries in a municipality from which ranking the all-words matches first pays (see `runSearch`). */
const LARGE_MUNICIPALITY = 10_000;

/** Our own score constants as the statement writes them (four decimals), so the in-memory ranking adds the same numbers. */
function rounded(x: number): number {
	return Number(x.toFixed(4));
}

async function runSearch(
	db: DbOrTx,
	q: SearchQuery,
	queries: UnitQuery[],
	version: string,
	memory: MemoryIndex | null,
	memoryRequired: boolean
): Promise<Omit<SearchResult, 'expansions' | 'topics' | 'relaxed'> & { bestCoverage: number }> {
	const clock = berlinClock(q.now ?? new Date());
	const filters: SQL[] = [
		sql`e.municipality_id = ${q.municipalityId}`,
		sql`e.visibility in (${sql.join(
			q.levels.map((l) => sql`${l}`),
			sql`, `
		)})`,
		sql`e.status in (${sql.join(
			LISTED_STATUSES.map((s) => sql`${s}`),
			sql`, `
		)})`
	];
	if (q.kind) filters.push(sql`e.kind = ${q.kind}`);
	if (q.themeField) filters.push(sql`${q.themeField} = any(e.theme_fields)`);
	if (q.subtopic) filters.push(sql`${q.subtopic} = any(e.subtopics)`);
	if (q.targetGroup) filters.push(sql`${q.targetGroup} = any(e.target_groups)`);
	if (q.language) {
		const primary = q.language.split('-')[0];
		filters.push(sql`exists (select 1 from unnest(e.languages) l where l = ${q.language} or split_part(l, '-', 1) = ${primary})`);
	}
	// Containment, not `= any`: the GIN indexes of migration 0022 answer it (the ids belong to one
	// municipality, so the index finds that municipality's entries alone).
	if (q.socialSpaceId) filters.push(sql`e.social_space_ids @> array[${q.socialSpaceId}::uuid]`);
	if (q.districtId) filters.push(sql`e.district_ids @> array[${q.districtId}::uuid]`);
	if (q.cost) filters.push(q.cost === 'reduced' ? sql`e.cost_kind in ('free', 'reduced')` : sql`e.cost_kind = ${q.cost}`);
	if (q.lowThreshold) filters.push(sql`e.low_threshold`);
	if (q.stepFree) filters.push(sql`e.step_free`);
	// Temporarily closed offers are listed but never open; validity dates are inclusive. A jsonpath
	// test, evaluated without unnesting the slots row by row.
	const openNow = sql`(e.status = 'active' and jsonb_path_exists(e.opening_slots,
		'strict $[*] ? (@[0] == $day && @[1] <= $minute && $minute < @[2] && (@[3] == null || @[3] <= $date) && (@[4] == null || $date <= @[4]))',
		jsonb_build_object('day', ${clock.weekday}::int, 'minute', ${clock.minute}::int, 'date', ${clock.date}::text)))`;
	// The hour first (index of migration 0023), then the minutes and dates.
	if (q.openNow) filters.push(sql`search_opening_hours(e.municipality_id, e.opening_slots) @> array[${`${q.municipalityId}:${clock.weekday * 24 + Math.floor(clock.minute / 60)}`}::text]`, openNow);
	const distance = q.near
		? sql`case when e.latitude is null then null else 111.32 * sqrt(power(e.latitude - ${q.near.latitude}, 2) + power((e.longitude - ${q.near.longitude}) * ${Math.cos((q.near.latitude * Math.PI) / 180)}, 2)) end`
		: sql`null::float8`;
	const offersMarkers = q.levels.map((l) => quotedLexeme(OFFERS_MARK + l)).join(' | ');
	// Scored against `e.doc`, the row's document.
	const hasOffers = sql`(e.kind = 'service' or e.doc @@ ${offersMarkers}::tsquery)`;
	const matches = (query: string) => sql`e.doc @@ ${query}::tsquery`;
	// Our own constants, written into the statement as float literals.
	const num = (x: number) => sql.raw(`${rounded(x)}::float8`);
	// Per searched word: how well the entry matches it, given that it matches (`covers`).
	const unitScores = queries.map(
		(u) => sql`(${u.titleWhole ? sql`case when ${matches(u.titleWhole)} then ${num(SCORE.titleWhole)} ${u.titlePart ? sql`when ${matches(u.titlePart)} then ${num(SCORE.titlePart)}` : sql``} else 0 end` : u.titlePart ? sql`case when ${matches(u.titlePart)} then ${num(SCORE.titlePart)} else 0 end` : sql`0::float8`}
			+ ${u.concept ? sql`case when ${matches(u.concept)} then ${num(SCORE.concept * u.quality)} ${u.relatedConcept ? sql`when ${matches(u.relatedConcept)} then ${num(SCORE.relatedConcept * u.quality)}` : sql``} else 0 end` : u.relatedConcept ? sql`case when ${matches(u.relatedConcept)} then ${num(SCORE.relatedConcept * u.quality)} else 0 end` : sql`0`}
			+ ${u.text ? sql`case when ${matches(u.text)} then ${num(SCORE.text)} else ${num(SCORE.detail)} end` : sql`0`})`
	);
	// Whether the entry matches a word at all: anything for a word, a concept for a concept-only unit
	// (its fallback concepts find entries without counting).
	const covers = queries.map((u) => (u.text ? u.any : group([u.concept, u.relatedConcept].filter((x): x is string => !!x))));
	const phrase = q.text.trim().replace(/\s+/g, ' ').toLowerCase().slice(0, 300);
	// Titles in the reader's language, German and English (an actor's title is its name).
	const titles = [...new Set([q.lang, 'de', 'en'])].map((l) => sql`lower(e.title->>${l})`);
	const exact = queries.length ? sql`case when ${sql.join(titles.map((t) => sql`${t} = ${phrase}`), sql` or `)} then ${num(SCORE.exactTitle)} else 0 end` : sql`0`;
	const title = sql`coalesce(e.title->>${q.lang}, e.title->>'de', e.organization_name)`;
	const byDistance = q.sort === 'distance' && !!q.near;
	const order = (t: string) => {
		const tail = sql.raw(`(${t}.kind = 'service') desc, ${t}.sort_title, ${t}.entity_id`);
		return byDistance ? sql`${sql.raw(t)}.distance_km asc nulls last, ${sql.raw(t)}.score desc, ${tail}` : sql`${sql.raw(t)}.score desc, ${tail}`;
	};
	const reach = q.page * q.perPage;
	// Theme field, sub-topic and target group are also labels in the document (`search-index.ts`), so
	// the GIN index intersects them with the municipality's marker instead of the filter testing
	// every entry of the municipality.
	const labels = [
		...(q.themeField ? [`opt_theme_fields_${q.themeField}`] : []),
		...(q.subtopic ? [`subtopic_${q.subtopic}`] : []),
		...(q.targetGroup ? [`opt_target_groups_${q.targetGroup}`] : [])
	].map((k) => quotedLexeme(LABEL_MARK + k));
	const textCondition = (tsquery: string | null) =>
		sql`e.document @@ ${[quotedLexeme(MUNICIPALITY_MARK + q.municipalityId), ...labels, ...(tsquery ? [`(${tsquery})`] : [])].join(' & ')}::tsquery`;
	const conditions = queries.length ? [...filters, textCondition(queries.map((u) => u.any).join(' | '))] : labels.length ? [...filters, textCondition(null)] : filters;

	// The page's rows with everything a hit shows, from a statement whose CTE `ranked` holds the
	// page's keys and scores in order; an actor's facts come in the same round trip (a statement
	// costs about a millisecond on PGlite). `extra` columns are computed once for the statement
	// (from the CTEs), so a page beyond the last still tells them. The hits come as one JSON array:
	// PGlite reads each field of each row in JavaScript, and 20 rows of 20 fields took 0.9 ms where
	// their JSON takes 0.5 (issue 17 §2).
	const readPage = async (ctes: SQL, extra: SQL) => {
		const [head] = (
			await executeReused(
				db,
				sql`
			with ${ctes}
			select ${extra}, coalesce((
				select json_agg(json_build_object(
					'kind', e.kind, 'entity_id', e.entity_id, 'title', e.title, 'organization_name', e.organization_name,
					'theme_fields', e.theme_fields, 'subtopics', e.subtopics, 'languages', e.languages, 'cost_kind', e.cost_kind,
					'low_threshold', e.low_threshold, 'step_free', e.step_free, 'status', e.status, 'latitude', e.latitude,
					'longitude', e.longitude, 'is_demo', e.is_demo, 'score', r.score, 'distance_km', r.distance_km, 'open_now', ${openNow},
					'actor_type', o.actor_type, 'amenity', o.amenity, 'attribution', o.attribution, 'source_id', o.source_id
				) order by ${order('r')})
				from ranked r join search_entry e on e.kind = r.kind and e.entity_id = r.entity_id
				left join organization o on r.kind = 'organization' and o.id = r.entity_id
			), '[]'::json) as hits`
			)
		).rows;
		return { rows: head.hits as Record<string, unknown>[], head };
	};
	// The matching entries (`where`) with their tier (`base`: exact title, offers), the given
	// columns (`inner`, on the entry `e` with its document `e.doc`) and columns computed from those
	// (`outer`, on `s`). Documents are stored in the row, uncompressed (migration 0003): tested where
	// they lie.
	const matchedCte = (where: SQL[], inner: SQL[], outer: SQL[] = []) => sql`matched as materialized (
				select s.* ${outer.length ? sql`, ${sql.join(outer, sql`, `)}` : sql``}
				from (
					select e.row_id, e.kind, e.entity_id, ${distance} as distance_km, ${title} as sort_title,
					       (${exact} + case when ${hasOffers} then ${num(SCORE.hasOffers)} else 0 end)::float8 as base
					       ${inner.length ? sql`, ${sql.join(inner, sql`, `)}` : sql``}
					from (
						select e.ctid as row_id, e.kind, e.entity_id, e.title, e.organization_name, e.latitude, e.longitude, e.document as doc
						from search_entry e
						where ${sql.join(where, sql` and `)}
						offset 0
					) e
					offset 0
				) s
			)`;
	// Read again by row address (the statement's snapshot keeps it valid), not by key.
	const documentOf = sql`cross join lateral (select x.document as doc from search_entry x where x.ctid = m.row_id) e`;
	const strength = (test: (i: number) => SQL) =>
		sql.join(
			unitScores.map((s, i) => sql`case when ${test(i)} then ${s} else 0 end`),
			sql` + `
		);
	const pageOf = sql`limit ${q.perPage} offset ${(q.page - 1) * q.perPage}`;

	/** Entries meeting `conditions`, and how many of them carry the whole query as their title. */
	const countMatching = async () => {
		const [row] = (
			await db.execute<{ n: string; exact: string }>(
				sql`select count(*) as n, count(*) filter (where ${exact} > 0) as exact from search_entry e where ${sql.join(conditions, sql` and `)}`
			)
		).rows;
		return { total: Number(row.n), exact: Number(row.exact) };
	};

	/**
	 * Several words, the entries matching all of them first (one GIN lookup): once `reach` of those
	 * are offers (or actors with offers), no entry missing a word can rank above them (a tier step
	 * outweighs every word's score) — unless it carries the whole query as its title, which the count
	 * checks — so only they are ranked, by the cut below, and the rest are only counted (issue 17: a
	 * three-word query at Land scale matched 30,000 entries and tested each one word by word).
	 * @returns the page's rows and the total, or null when that does not hold.
	 */
	const rankAllWordsFirst = async () => {
		const { rows, head } = await readPage(
			sql`${matchedCte([...filters, textCondition(queries.map((u) => `(${u.any})`).join(' & '))], [])},
			scored as (
				select m.kind, m.entity_id, m.distance_km, m.sort_title,
				       (m.base + ${num(SCORE.perWord * queries.length)} + ${sql.join(unitScores, sql` + `)})::float8 as score
				from matched m ${documentOf}
				where m.base >= (select min(c.base) from (select base from matched order by base desc limit ${reach}) c)
			), ranked as (
				select m.* from scored m
				order by ${order('m')}
				${pageOf}
			)`,
			sql`(select count(*) from matched where base >= ${num(SCORE.hasOffers)}) as top_count,
			    (select count(*) from matched where base >= ${num(SCORE.exactTitle)}) as exact_count`
		);
		if (!rows.length || Number(head.top_count) < reach) return null;
		const counted = await countMatching();
		return counted.exact === Number(head.exact_count) ? { rows, total: counted.total } : null;
	};

	/** Ranks every matching entry and reads the asked page, with how many match and the most words one of them matches. */
	const rankAll = async () => {
		// Phase one keeps, per word, whether the entry matches it (`c0`, `c1`, …); phase two scores those.
		// A lone unit's own test is the search condition itself: every listed entry matches it.
		const coverTests = covers.map((c) => (covers.length === 1 && c === queries[0].any ? sql`true` : c ? matches(c) : sql`false`));
		const coverColumns = coverTests.map((c, i) => sql`${c} as ${sql.raw(`c${i}`)}`);
		const coverage = queries.length ? sql.raw(covers.map((_, i) => `c${i}::int`).join(' + ')) : sql`0`;
		// With one searched unit every match is in one of two tiers (offers or not), so a cut prunes
		// almost nothing: the entries are scored in full in phase one, while their documents are at hand.
		const inline = queries.length === 1;
		// The rows up to the end of the asked page lie at or above the cut: the tier (offers, words
		// matched) of the last of them, or its distance. A word adds at most 1.3 to the score and a tier
		// step is 20, so no entry below the cut can overtake one above it.
		const cut = byDistance
			? // Null when an entry without a place is among them: then every entry is scored.
				sql`(select c.distance_km from (select distance_km from matched order by distance_km asc nulls last limit ${reach}) c order by c.distance_km desc nulls first limit 1)`
			: sql`(select min(c.score) from (select score from matched order by score desc limit ${reach}) c)`;
		const withinCut = byDistance ? sql`(${cut} is null or m.distance_km <= ${cut})` : sql`m.score >= ${cut}`;
		// Phase one finds the matching entries and their tier by one test per word; phase two scores
		// only the entries at or above the cut, reading their documents again by key; phase three
		// reads the page's rows.
		const { rows, head } = await readPage(
			sql`${matchedCte(
				conditions,
				[...coverColumns, ...(inline ? [sql`${strength((i) => coverTests[i])} as strength`] : [])],
				[sql`${coverage} as coverage`, sql`(s.base + ${num(SCORE.perWord)} * (${coverage}) ${inline ? sql`+ s.strength` : sql``})::float8 as score`]
			)},
			scored as (
				${
					queries.length && !inline
						? sql`select m.kind, m.entity_id, m.distance_km, m.sort_title, m.coverage, (m.score + ${strength((i) => sql.raw(`m.c${i}`))})::float8 as score
				from matched m ${documentOf}
				where ${withinCut}`
						: sql`select m.kind, m.entity_id, m.distance_km, m.sort_title, m.coverage, m.score from matched m`
				}
			), ranked as (
				select m.* from scored m
				order by ${order('m')}
				${pageOf}
			)`,
			sql`(select count(*) from matched) as total, (select max(coverage) from matched) as best_coverage`
		);
		return { rows, total: Number(head.total), bestCoverage: Number(head.best_coverage ?? 0) };
	};

	/** The page ranked in memory (`search-memory.ts`), its rows read here; null when the index cannot read the query. */
	const rankedInMemory = async () => {
		const ranked = rankInMemory(memory!, {
			levels: q.levels,
			kind: q.kind,
			filters: q,
			labels,
			openAt: q.openNow ? clock : null,
			units: queries.map((u, i) => ({
				...u,
				cover: covers[i],
				weights: {
					titleWhole: rounded(SCORE.titleWhole),
					titlePart: rounded(SCORE.titlePart),
					concept: rounded(SCORE.concept * u.quality),
					relatedConcept: rounded(SCORE.relatedConcept * u.quality),
					text: rounded(SCORE.text),
					detail: rounded(SCORE.detail)
				}
			})),
			phrase,
			lang: q.lang,
			near: q.near,
			byDistance,
			page: q.page,
			perPage: q.perPage,
			tiers: { exactTitle: rounded(SCORE.exactTitle), hasOffers: rounded(SCORE.hasOffers), perWord: rounded(SCORE.perWord) }
		});
		if (!ranked) return null;
		const column = (values: unknown[], type: string) => sql`array[${sql.join(values.map((x) => sql`${x}`), sql`, `)}]::${sql.raw(type)}`;
		const { rows } = await readPage(
			sql`ranked as (
				select r.kind, r.entity_id, r.score, r.distance_km, ${title} as sort_title
				from unnest(${column(ranked.page.map((p) => p.kind), 'text[]')}, ${column(ranked.page.map((p) => p.entityId), 'uuid[]')},
				            ${column(ranked.page.map((p) => p.score), 'float8[]')}, ${column(ranked.page.map((p) => p.distanceKm), 'float8[]')}) r(kind, entity_id, score, distance_km)
				join search_entry e on e.kind = r.kind and e.entity_id = r.entity_id
			)`,
			sql`${ranked.total}::int as total`
		);
		return { rows, total: ranked.total, bestCoverage: ranked.bestCoverage };
	};
	const inMemory = memory ? await rankedInMemory() : null;
	if (memoryRequired && !inMemory) throw new Error('search: the in-memory index cannot read this query');
	// From three words on, in large municipalities: with two words the second lookup and the count
	// cost about what testing each entry twice does (bench/search.ts at Land scale: two-word queries
	// up to 20 % slower; with three or more 'Kind Schule anmelden' 35 % and a 2,000-character query
	// 50 % faster, one three-word query whose title matches pruned well before 9 % slower), and
	// where matches are few the extra statement is all it adds (three- and four-word searches of
	// Düsseldorf's demo on PGlite: 6.0–10.2 → 9.2–14.0 ms without this condition).
	const allWords =
		!inMemory && !byDistance && queries.length >= 3 && queries.every((u) => u.text) && (await hasListedEntries(db, q.municipalityId, version, LARGE_MUNICIPALITY)) ? await rankAllWordsFirst() : null;
	const { rows, total, bestCoverage } = inMemory ?? (allWords ? { ...allWords, bestCoverage: queries.length } : await rankAll());
	return {
		hits: rows.map((r) => ({
			kind: r.kind as SearchHit['kind'],
			id: r.entity_id as string,
			title: r.title as Record<string, string>,
			organizationName: r.organization_name as string,
			themeFields: r.theme_fields as string[],
			subtopics: r.subtopics as string[],
			languages: r.languages as string[],
			costKind: (r.cost_kind as string | null) ?? null,
			lowThreshold: r.low_threshold as boolean,
			stepFree: r.step_free as boolean,
			status: r.status as string,
			latitude: r.latitude as number | null,
			longitude: r.longitude as number | null,
			distanceKm: r.distance_km === null ? null : Number(r.distance_km),
			openNow: r.open_now as boolean,
			isDemo: r.is_demo as boolean,
			score: Number(r.score),
			actor:
				r.kind === 'organization' && r.actor_type !== null
					? { actorType: r.actor_type as string, amenity: r.amenity as string | null, attribution: r.attribution as string | null, sourceId: r.source_id as string | null }
					: null
		})),
		total,
		page: q.page,
		perPage: q.perPage,
		bestCoverage
	};
}

/** The deepest result page a search URL may ask for. */
const MAX_PAGE = 10000;
/** A point `lat,lon` in decimal degrees. */
const POINT = /^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$/;

/**
 * Reads a search from URL parameters. `near` is `lat,lon` (WGS84 degrees) or a social space id,
 * resolved by `resolveNear`. Unknown values are reported, not silently ignored.
 * @returns the query fields and the issues (`field` = the parameter name; `code`
 *   `unknown_option` for a value outside a vocabulary or a malformed id, `invalid_number` for a bad page,
 *   `invalid_language` for a malformed BCP 47 tag, `invalid_coordinates` for a malformed or
 *   out-of-range point, `required` for `sort=distance` without `near`).
 */
export function parseSearchParams(params: URLSearchParams): { query: Omit<SearchQuery, 'municipalityId' | 'lang' | 'levels' | 'near'> & { near?: string }; issues: FieldIssue[] } {
	const issues: FieldIssue[] = [];
	const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
		const v = params.get(name);
		if (!v) return undefined;
		if (!allowed.includes(v as T)) {
			issues.push({ field: name, code: 'unknown_option', params: { value: v } });
			return undefined;
		}
		return v as T;
	};
	const pageRaw = params.get('page') || '1';
	const page = parseInteger(pageRaw, { min: 1, max: MAX_PAGE });
	if (page === null) issues.push({ field: 'page', code: 'invalid_number', params: { value: pageRaw } });
	const uuid = (name: string) => {
		const v = params.get(name);
		if (!v) return undefined;
		if (!isUuid(v)) {
			issues.push({ field: name, code: 'unknown_option', params: { value: v } });
			return undefined;
		}
		return v.toLowerCase();
	};
	const langRaw = params.get('lang') || undefined;
	const language = langRaw ? canonicalLanguageTag(langRaw) : undefined;
	if (langRaw && !language) issues.push({ field: 'lang', code: 'invalid_language', params: { value: langRaw } });
	const nearRaw = params.get('near')?.trim() || undefined;
	let near: string | undefined;
	if (nearRaw) {
		const point = POINT.exec(nearRaw);
		if (point && Math.abs(Number(point[1])) <= 90 && Math.abs(Number(point[2])) <= 180) near = `${Number(point[1])},${Number(point[2])}`;
		else if (isUuid(nearRaw)) near = nearRaw.toLowerCase();
		else issues.push({ field: 'near', code: 'invalid_coordinates', params: { value: nearRaw } });
	}
	const sort = pick('sort', ['relevance', 'distance'] as const) ?? 'relevance';
	if (sort === 'distance' && !nearRaw) issues.push({ field: 'near', code: 'required' });
	return {
		query: {
			text: (params.get('q') ?? '').slice(0, 200),
			kind: pick('kind', ['service', 'organization'] as const),
			themeField: pick('field', THEME_FIELDS.map((t) => t.key)),
			subtopic: pick('topic', Object.keys(SUBTOPIC_FIELD)),
			targetGroup: pick('group', TARGET_GROUPS.map((t) => t.key)),
			language: language ?? undefined,
			socialSpaceId: uuid('space'),
			districtId: uuid('district'),
			cost: pick('cost', COST_KINDS),
			lowThreshold: params.get('low') === '1',
			stepFree: params.get('stepfree') === '1',
			openNow: params.get('open') === '1',
			near,
			sort,
			page: page ?? 1,
			perPage: 20
		},
		issues
	};
}

/**
 * Turns the `near` parameter into a point: `lat,lon` as given, or the centroid of a social space
 * of the municipality (area centroid of its boundary).
 * @returns the point, or an issue (`near`: `unknown_social_space` when the id is not a social
 *   space of this municipality or it has no boundary; `invalid_coordinates` when malformed).
 */
export async function resolveNear(
	db: DbOrTx,
	municipalityId: string,
	near: string
): Promise<{ point: { latitude: number; longitude: number } } | { issue: FieldIssue }> {
	const point = POINT.exec(near);
	if (point) {
		const [latitude, longitude] = [Number(point[1]), Number(point[2])];
		if (Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) return { point: { latitude, longitude } };
	}
	if (!isUuid(near)) return { issue: { field: 'near', code: 'invalid_coordinates', params: { value: near } } };
	const [space] = (await getSocialSpaces(db, [near])).filter((s) => s.municipalityId === municipalityId);
	if (!space?.boundary) return { issue: { field: 'near', code: 'unknown_social_space', params: { value: near } } };
	// Planar centroid in degrees (d3's spherical one depends on ring winding; a Stadtteil is small).
	const [longitude, latitude] = geoPath().centroid(space.boundary as Geometry);
	return { point: { latitude, longitude } };
}

/**
 * Languages spoken at the municipality's entries visible at `levels`, BCP 47, sorted: the
 * choices of the search form's language filter.
 */
export async function spokenLanguages(db: DbOrTx, municipalityId: string, levels: Visibility[]): Promise<string[]> {
	const rows = await db.execute<{ l: string }>(sql`
		select distinct unnest(languages) as l from search_entry
		where municipality_id = ${municipalityId} and visibility in (${sql.join(levels.map((l) => sql`${l}`), sql`, `)})
		order by 1`);
	return rows.rows.map((r) => r.l);
}
