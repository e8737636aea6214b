/**
 * Directory search for everyone: one text box over names, descriptions, topics and actor names
 * in all languages, with filters and sorting. Source: issue 3 §4.
 *
 * How a query word matches an entry (`search-index.ts` builds the other side):
 * - as a prefix of a folded word (`kita` → "Kitas", `koln` → "Köln") and, through the marked
 *   compound endings of German and Arabic-script words, as a part of a compound (`kurs` →
 *   "Sprachkurs", `beratung` → "Migrationsberatung", `Beratungen` → "Sozialberatung" via the
 *   German stem, `لغة` → "اللغة");
 * - by its Snowball stem in German, English, Arabic, Turkish and Russian;
 * - through a vocabulary label whose text in any UI language it matches (`language course`,
 *   `Moschee`, `Kita`: sub-topics, theme fields, target groups, actor types, OSM amenities);
 * - when the word occurs nowhere in the word list, by at most three similar words of it
 *   (pg_trgm, similarity ≥ 0.45: `Deutchkurs` → "deutschkurs"), so typos are forgiven while a
 *   correctly spelt common word never widens the query.
 * All words must match, except stop words ("für", "the"), which are ignored unless the query has
 * nothing else. When no entry matches all words, entries matching any are listed (`relaxed`).
 * The whole match is one tsquery, municipality marker included, answered by the GIN index.
 *
 * Ranking: exact title in the reader's language, German or English (8) > such a title starting
 * with the query (4) > every word in the entry's own title (2) > every word matched without typo
 * correction (1), then the weighted text rank (own title A; actor name and labels B;
 * descriptions C; details D; typo corrections count half), then services before actors, title,
 * id — a total order, so pages never overlap or skip. Open now is judged in Europe/Berlin time.
 */
import { geoPath } from 'd3-geo';
import { sql, type SQL } from 'drizzle-orm';
import type { Geometry } from 'geojson';
import type { DbOrTx } from '../db/client';
import type { FieldIssue } from '../core/errors';
import { getSocialSpaces } from '../geography/service';
import { canonicalLanguageTag, isUuid, parseInteger } from '../core/validation';
import { COST_KINDS, SUBTOPIC_FIELD, TARGET_GROUPS, THEME_FIELDS, type Visibility } from './model';
import { berlinClock } from './opening';
import { LABEL_MARK, MUNICIPALITY_MARK, foldText, matchingLabelKeys, quotedLexeme, textSearchConfig, endingLexeme } from './search-index';

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
	/** Relevance score (see the module note); 0 without search text. */
	score: number;
}

/** A page of results. */
export interface SearchResult {
	hits: SearchHit[];
	total: number;
	page: number;
	perPage: number;
	/** Query words with the similar words they were widened to, e.g. `{ "deutchkurs": ["deutschkurs"] }`. */
	expansions: Record<string, string[]>;
	/** True when no entry matched every word and entries matching any word are shown instead. */
	relaxed: boolean;
}

const MAX_WORDS = 8;
/** Typo corrections per unknown query word. */
const SIMILAR_PER_WORD = 3;
/** pg_trgm similarity a correction needs (Deutchkurs/deutschkurs 0.64, Kindergarden/kindergarten 0.63). */
const SIMILARITY = 0.45;
/** Snowball dictionaries every query word is stemmed with. */
const STEMMERS = ['german_stem', 'english_stem', 'arabic_stem', 'turkish_stem', 'russian_stem'];

interface Token {
	/** Lowercase as typed: stemmers and stop-word lists expect the real spelling. */
	raw: string;
	folded: string;
}

function tokens(text: string): Token[] {
	const seen = new Set<string>();
	const out: Token[] = [];
	for (const raw of text.normalize('NFC').toLowerCase().match(/[\p{L}\p{M}\p{N}]{2,}/gu) ?? []) {
		const folded = foldText(raw);
		if (folded.length < 2 || seen.has(folded)) continue;
		seen.add(folded);
		out.push({ raw, folded });
	}
	return out.slice(0, MAX_WORDS);
}

/** Query words: folded (see `foldText`), at least two letters, at most eight, without repeats. */
export function queryWords(text: string): string[] {
	return tokens(text).map((t) => t.folded);
}

interface WordInfo {
	word: string;
	stems: string[];
	/** The stem that compound endings are matched with: German, or Arabic for Arabic script. */
	partStem: string | null;
	stopword: boolean;
	similar: string[];
}

/** One round trip: stems, stop-word flags and typo corrections of all query words. */
async function analyse(db: DbOrTx, words: Token[], lang: string): Promise<WordInfo[]> {
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
		  array(
		    select s.word from search_word s
		    where char_length(q.w) >= 4 and s.word % q.w and similarity(s.word, q.w) >= ${SIMILARITY} and strpos(s.word, q.w) = 0
		      and not exists (select 1 from search_word k where k.word = q.w)
		    order by s.word <-> q.w, s.word
		    limit ${SIMILAR_PER_WORD}
		  ) as similar
		from unnest(${list(words.map((w) => w.raw))}, ${list(words.map((w) => w.folded))}) with ordinality as q(raw, w, n)
		order by q.n`);
	return result.rows.map((r, i) => ({
		word: words[i].folded,
		stems: [...new Set(STEMMERS.flatMap((_, j) => (r[`s${j}`] as string[] | null) ?? []))].filter((s) => s && s !== words[i].folded),
		partStem: ((r[`s${/^\p{Script=Arabic}+$/u.test(words[i].folded) ? STEMMERS.indexOf('arabic_stem') : 0}`] as string[] | null) ?? [])[0] ?? null,
		stopword: r.stopword as boolean,
		similar: r.similar as string[]
	}));
}

/** How one required query word may match, as tsquery texts. */
interface WordMatch {
	/** Whole-word prefix, stems, compound endings and matching labels (no typo corrections). */
	literal: string;
	/** Whole-word forms restricted to titles (weight A). */
	title: string;
	/** `literal` plus typo corrections and the labels they match. */
	any: string;
}

interface Queries {
	words: WordMatch[];
	/** All literal forms of all words, for the text rank. */
	rank: string;
	/** All typo corrections, ranked at half weight; null when there are none. */
	fuzzy: string | null;
}

/** Arabic-script words are short (the article is written on): their endings start at 3 letters. */
function minEnding(word: string): number {
	return /^\p{Script=Arabic}+$/u.test(word) ? 3 : 4;
}

function buildQueries(infos: WordInfo[], municipalityId: string): Queries {
	const required = infos.some((w) => !w.stopword) ? infos.filter((w) => !w.stopword) : infos;
	const forms = (w: WordInfo, weight = '') => [
		quotedLexeme(w.word) + `:*${weight}`,
		...w.stems.map((s) => quotedLexeme(s) + (weight ? `:${weight}` : '')),
		...[w.word, w.partStem ?? ''].filter((x) => x.length >= minEnding(x)).map((x) => quotedLexeme(endingLexeme(municipalityId, x)) + `:*${weight}`)
	];
	const labels = (prefixes: string[]) => matchingLabelKeys(prefixes).map((k) => quotedLexeme(LABEL_MARK + k));
	const group = (alternatives: string[]) => `(${[...new Set(alternatives)].join(' | ')})`;
	const literal = (w: WordInfo) => [...forms(w), ...labels([w.word, ...w.stems.filter((s) => s.length >= 4)])];
	const corrections = (w: WordInfo) => [...w.similar.map((x) => quotedLexeme(x)), ...labels(w.similar)];
	const fuzzy = required.flatMap(corrections);
	return {
		words: required.map((w) => ({ literal: group(literal(w)), title: group(forms(w, 'A')), any: group([...literal(w), ...corrections(w)]) })),
		rank: [...new Set(required.flatMap(literal))].join(' | '),
		fuzzy: fuzzy.length ? [...new Set(fuzzy)].join(' | ') : null
	};
}

/**
 * The entries of the municipality with every word in some form (`all`), or at least one (`any`,
 * the relaxed query): one tsquery, answered by the document's GIN index.
 */
function matchQuery(queries: Queries, municipalityId: string, mode: 'all' | 'any'): string {
	const words = queries.words.map((w) => w.any).join(mode === 'all' ? ' & ' : ' | ');
	return `${quotedLexeme(MUNICIPALITY_MARK + municipalityId)} & (${words})`;
}

/**
 * Runs a search.
 * @returns one page of hits with the total, the typo corrections used and whether the query was
 *   relaxed to "any word".
 */
export async function searchDirectory(db: DbOrTx, q: SearchQuery): Promise<SearchResult> {
	const words = tokens(q.text);
	const infos = words.length ? await analyse(db, words, q.lang) : [];
	const expansions = Object.fromEntries(infos.map((w) => [w.word, w.similar]));
	const queries = infos.length ? buildQueries(infos, q.municipalityId) : null;
	const first = await runSearch(db, q, queries, queries && matchQuery(queries, q.municipalityId, 'all'));
	if (first.total === 0 && queries && queries.words.length > 1) {
		const relaxed = await runSearch(db, q, queries, matchQuery(queries, q.municipalityId, 'any'));
		return { ...relaxed, expansions, relaxed: relaxed.total > 0 };
	}
	return { ...first, expansions, relaxed: false };
}

async function runSearch(
	db: DbOrTx,
	q: SearchQuery,
	queries: Queries | null,
	match: string | null
): Promise<Omit<SearchResult, 'expansions' | 'relaxed'>> {
	const clock = berlinClock(q.now ?? new Date());
	const conditions: SQL[] = [
		sql`e.municipality_id = ${q.municipalityId}`,
		sql`e.visibility in (${sql.join(
			q.levels.map((l) => sql`${l}`),
			sql`, `
		)})`,
		sql`e.status in ('active', 'temporarily closed')`
	];
	if (match) conditions.push(sql`e.document @@ ${match}::tsquery`);
	if (q.kind) conditions.push(sql`e.kind = ${q.kind}`);
	if (q.themeField) conditions.push(sql`${q.themeField} = any(e.theme_fields)`);
	if (q.subtopic) conditions.push(sql`${q.subtopic} = any(e.subtopics)`);
	if (q.targetGroup) conditions.push(sql`${q.targetGroup} = any(e.target_groups)`);
	if (q.language) {
		const primary = q.language.split('-')[0];
		conditions.push(sql`exists (select 1 from unnest(e.languages) l where l = ${q.language} or split_part(l, '-', 1) = ${primary})`);
	}
	if (q.socialSpaceId) conditions.push(sql`${q.socialSpaceId}::uuid = any(e.social_space_ids)`);
	if (q.districtId) conditions.push(sql`${q.districtId}::uuid = any(e.district_ids)`);
	if (q.cost) conditions.push(q.cost === 'reduced' ? sql`e.cost_kind in ('free', 'reduced')` : sql`e.cost_kind = ${q.cost}`);
	if (q.lowThreshold) conditions.push(sql`e.low_threshold`);
	if (q.stepFree) conditions.push(sql`e.step_free`);
	// Temporarily closed offers are listed but never open; validity dates are inclusive. A jsonpath
	// test, evaluated without unnesting the slots row by row.
	const openNow = sql`(e.status = 'active' and jsonb_path_exists(e.opening_slots,
		'strict $[*] ? (@[0] == $day && @[1] <= $minute && $minute < @[2] && (@[3] == null || @[3] <= $date) && (@[4] == null || $date <= @[4]))',
		jsonb_build_object('day', ${clock.weekday}::int, 'minute', ${clock.minute}::int, 'date', ${clock.date}::text)))`;
	if (q.openNow) conditions.push(openNow);
	const distance = q.near
		? sql`case when e.latitude is null then null else 111.32 * sqrt(power(e.latitude - ${q.near.latitude}, 2) + power((e.longitude - ${q.near.longitude}) * ${Math.cos((q.near.latitude * Math.PI) / 180)}, 2)) end`
		: sql`null::float8`;
	let score = sql`0::float8`;
	if (queries) {
		const phrase = q.text.trim().replace(/\s+/g, ' ');
		// Titles in the reader's language, German and English (an actor's title is its name).
		const titles = [...new Set([q.lang, 'de', 'en'])].map((l) => sql`lower(e.title->>${l})`);
		// Cheapest checks first: the title tiers only where every word is in the title.
		const literalOnly = queries.fuzzy === null;
		score = sql`(case when e.document @@ ${queries.words.map((w) => w.title).join(' & ')}::tsquery then 2 + case
				when ${sql.join(
					titles.map((t) => sql`${t} = lower(${phrase})`),
					sql` or `
				)} then 6
				${phrase.length >= 3 ? sql`when ${sql.join(titles.map((t) => sql`starts_with(${t}, lower(${phrase}))`), sql` or `)} then 2` : sql``}
				else 0 end else 0 end
			+ ${literalOnly ? sql`1` : sql`case when e.document @@ ${queries.words.map((w) => w.literal).join(' & ')}::tsquery then 1 else 0 end`}
			+ ts_rank(e.document, ${queries.rank}::tsquery, 32)
			${literalOnly ? sql`` : sql`+ 0.5 * ts_rank(e.document, ${queries.fuzzy}::tsquery, 32)`})::float8`;
	}
	const title = sql`coalesce(e.title->>${q.lang}, e.title->>'de', e.organization_name)`;
	const order = (t: string) => {
		const tail = sql.raw(`(${t}.kind = 'service') desc, ${t}.sort_title, ${t}.entity_id`);
		return q.sort === 'distance' && q.near ? sql`${sql.raw(t)}.distance_km asc nulls last, ${sql.raw(t)}.score desc, ${tail}` : sql`${sql.raw(t)}.score desc, ${tail}`;
	};
	// Phase one ranks the matching entries by their keys only (a bounded top-N sort); phase two
	// reads the page's rows.
	const result = await db.execute<Record<string, unknown>>(sql`
		with ranked as (
			select m.*, count(*) over () as total
			from (
				select e.kind, e.entity_id, ${score} as score, ${distance} as distance_km, ${title} as sort_title
				from search_entry e
				where ${sql.join(conditions, sql` and `)}
				-- Not flattened: the scan computes the score, so the window keeps narrow rows.
				offset 0
			) m
			order by ${order('m')}
			limit ${q.perPage} offset ${(q.page - 1) * q.perPage}
		)
		select e.kind, e.entity_id, e.title, e.organization_name, e.theme_fields, e.subtopics, e.languages, e.cost_kind,
		       e.low_threshold, e.step_free, e.status, e.latitude, e.longitude, e.is_demo,
		       r.score, r.distance_km, r.total, ${openNow} as open_now
		from ranked r join search_entry e on e.kind = r.kind and e.entity_id = r.entity_id
		order by ${order('r')}`);
	const rows = result.rows;
	let total = rows.length ? Number(rows[0].total) : 0;
	if (!rows.length && q.page > 1) {
		const counted = await db.execute<{ n: string }>(sql`select count(*) as n from search_entry e where ${sql.join(conditions, sql` and `)}`);
		total = Number(counted.rows[0].n);
	}
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
			score: Number(r.score)
		})),
		total,
		page: q.page,
		perPage: q.perPage
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
