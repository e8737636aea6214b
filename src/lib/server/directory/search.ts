/**
 * Directory search for everyone: one text box over names, descriptions, topics and actor names
 * in all languages, with filters and sorting. Words are stemmed per language (PostgreSQL's
 * Snowball configurations) and matched as prefixes; each query word is also expanded to similar
 * words of the word list (pg_trgm), which tolerates typos and finds parts of German compounds
 * ("kurs" → "sprachkurs"). Open now is judged in Europe/Berlin time. Source: issue 3 §4.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import type { FieldIssue } from '../errors';
import { COST_KINDS, SUBTOPIC_FIELD, TARGET_GROUPS, THEME_FIELDS, type Visibility } from './model';
import { berlinClock } from './opening';
import { foldText, textSearchConfig } from './search-index';

/** What to search for. */
export interface SearchQuery {
	municipalityId: string;
	/** Free text in any language; empty lists everything that matches the filters. */
	text: string;
	/** The reader's language: its stemming is applied besides German and English. */
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
	/** Point to sort by distance from, WGS84 degrees. */
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
}

/** A page of results. */
export interface SearchResult {
	hits: SearchHit[];
	total: number;
	page: number;
	perPage: number;
	/** Query words with the similar words they were widened to, e.g. `{ "deutchkurs": ["deutschkurs"] }`. */
	expansions: Record<string, string[]>;
}

const MAX_WORDS = 8;
const EXPANSIONS_PER_WORD = 5;

/** Query words: folded, at least two letters, at most eight. */
export function queryWords(text: string): string[] {
	return [...new Set(foldText(text).match(/[\p{L}\p{N}]{2,}/gu) ?? [])].slice(0, MAX_WORDS);
}

async function expand(db: DbOrTx, words: string[]): Promise<Record<string, string[]>> {
	const out: Record<string, string[]> = Object.fromEntries(words.map((w) => [w, []]));
	if (!words.length) return out;
	const rows = await db.execute<{ w: string; word: string }>(sql`
		select q.w, s.word
		from unnest(array[${sql.join(
			words.map((w) => sql`${w}`),
			sql`, `
		)}]::text[]) as q(w)
		cross join lateral (
			select word from search_word
			where word <> q.w and (word % q.w or q.w <% word)
			order by q.w <<-> word, word
			limit ${EXPANSIONS_PER_WORD}
		) s`);
	for (const r of rows.rows) out[r.w].push(r.word);
	return out;
}

function tsqueryFor(words: string[], expansions: Record<string, string[]>, lang: string): SQL {
	const configs = [...new Set(['simple', 'german', 'english', textSearchConfig(lang)])];
	const groups = words.map((w) => {
		const alternatives = [w, ...expansions[w]].flatMap((v) =>
			configs.map((cfg) => (cfg === 'simple' ? sql`to_tsquery('simple', ${v + ':*'})` : sql`to_tsquery(${cfg}::regconfig, ${v})`))
		);
		return sql`(${sql.join(alternatives, sql` || `)})`;
	});
	return sql.join(groups, sql` && `);
}

/**
 * Runs a search.
 * @returns one page of hits with the total and the word expansions used.
 */
export async function searchDirectory(db: DbOrTx, q: SearchQuery): Promise<SearchResult> {
	const words = queryWords(q.text);
	const expansions = await expand(db, words);
	const query = words.length ? tsqueryFor(words, expansions, q.lang) : null;
	const clock = berlinClock(q.now ?? new Date());
	const conditions: SQL[] = [
		sql`e.municipality_id = ${q.municipalityId}`,
		sql`e.visibility in (${sql.join(q.levels.map((l) => sql`${l}`), sql`, `)})`,
		sql`e.status in ('active', 'temporarily closed')`
	];
	if (query) conditions.push(sql`e.document @@ (${query})`);
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
	const openNow = sql`(e.status = 'active' and exists (
		select 1 from jsonb_array_elements(e.opening_slots) s
		where (s->>0)::int = ${clock.weekday} and (s->>1)::int <= ${clock.minute} and ${clock.minute} < (s->>2)::int
		  and (s->>3 is null or s->>3 <= ${clock.date}) and (s->>4 is null or ${clock.date} <= s->>4)))`;
	if (q.openNow) conditions.push(openNow);
	const distance = q.near
		? sql`case when e.latitude is null then null else 111.32 * sqrt(power(e.latitude - ${q.near.latitude}, 2) + power((e.longitude - ${q.near.longitude}) * ${Math.cos((q.near.latitude * Math.PI) / 180)}, 2)) end`
		: sql`null::float8`;
	const rank = query ? sql`ts_rank_cd(e.document, ${query})` : sql`0`;
	const order =
		q.sort === 'distance' && q.near
			? sql`distance_km asc nulls last, rank desc, e.organization_name`
			: sql`rank desc, (e.kind = 'service') desc, e.title->>'de', e.organization_name`;
	const result = await db.execute<Record<string, unknown>>(sql`
		select e.kind, e.entity_id, e.title, e.organization_name, e.theme_fields, e.subtopics, e.languages, e.cost_kind,
		       e.low_threshold, e.step_free, e.status, e.latitude, e.longitude, e.is_demo,
		       ${rank} as rank, ${distance} as distance_km, ${openNow} as open_now, count(*) over () as total
		from search_entry e
		where ${sql.join(conditions, sql` and `)}
		order by ${order}
		limit ${q.perPage} offset ${(q.page - 1) * q.perPage}`);
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
			isDemo: r.is_demo as boolean
		})),
		total,
		page: q.page,
		perPage: q.perPage,
		expansions
	};
}

/** Search parameters as they appear in a shareable URL (`?q=…&field=…`). */
export const SEARCH_PARAMS = ['q', 'kind', 'field', 'topic', 'group', 'lang', 'space', 'district', 'cost', 'low', 'stepfree', 'open', 'near', 'sort', 'page'] as const;

/**
 * Reads a search from URL parameters. `near` is `lat,lon` or a social space id (resolved by the
 * caller through `resolveNear`). Unknown values are reported, not silently ignored.
 * @returns the query fields and the issues (`field`, `code` `unknown_option` | `invalid_number`).
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
	const pageRaw = params.get('page') ?? '1';
	const page = Number(pageRaw);
	if (!Number.isInteger(page) || page < 1 || page > 10000) issues.push({ field: 'page', code: 'invalid_number', params: { value: pageRaw } });
	const uuid = (name: string) => {
		const v = params.get(name);
		if (!v) return undefined;
		if (!/^[0-9a-f-]{36}$/i.test(v)) {
			issues.push({ field: name, code: 'unknown_option', params: { value: v } });
			return undefined;
		}
		return v;
	};
	return {
		query: {
			text: (params.get('q') ?? '').slice(0, 200),
			kind: pick('kind', ['service', 'organization'] as const),
			themeField: pick('field', THEME_FIELDS.map((t) => t.key)),
			subtopic: pick('topic', Object.keys(SUBTOPIC_FIELD)),
			targetGroup: pick('group', TARGET_GROUPS.map((t) => t.key)),
			language: params.get('lang') || undefined,
			socialSpaceId: uuid('space'),
			districtId: uuid('district'),
			cost: pick('cost', COST_KINDS),
			lowThreshold: params.get('low') === '1',
			stepFree: params.get('stepfree') === '1',
			openNow: params.get('open') === '1',
			near: params.get('near') || undefined,
			sort: pick('sort', ['relevance', 'distance'] as const) ?? 'relevance',
			page: issues.some((i) => i.field === 'page') ? 1 : page,
			perPage: 20
		},
		issues
	};
}
