/**
 * The in-process search index of a large municipality (issue 17 §4: search p95 ≤ 50 ms at Land
 * scale). PostgreSQL answers a query word by a GIN bitmap of every match and then reads and
 * scores each match's row: at the largest generated municipality (63,649 entries) "kurs" matches
 * 24,811 entries, and only counting them reads 22,332 heap pages (bench/README.md). GIN cannot
 * rank from the index nor count without the rows, so a municipality with at least `minEntries`
 * listed entries is searched here instead: its entries' postings, read from the same tsvectors of
 * `search_entry`, evaluated against the very tsquery texts `search.ts` writes for PostgreSQL, with
 * the same scores and order (parity tests: tests/integration/search-memory.test.ts). A search
 * library was not used for this: its own tokenising and ranking would differ from PostgreSQL's
 * Snowball stems, markers and weights, which the other municipalities keep being searched by.
 *
 * - Built in the background on the first search after the municipality's entries changed (the
 *   token of `search_entry_state`, migration 0024); until it is ready PostgreSQL answers.
 * - Bounded: the indexes a process holds stay under `maxBytes` together. The least recently used
 *   is dropped for a new one unless it was used in the last minute (then the new one's
 *   municipality is searched by PostgreSQL for a minute, so two cannot take turns rebuilding); a
 *   municipality whose index alone exceeds the bound is searched by PostgreSQL.
 * - It answers every search: text, reader levels, kind, distance, the filters by the entry's own
 *   columns (theme field, sub-topic, target group, language, social space, district, cost, low
 *   threshold, step-free) and "open now" by its opening slots.
 */
import { is, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../db/client';
import { errorFields, log } from '../core/log';
import { perDatabase, versionedMemo } from '../core/memo';
import { locales } from '../../paraglide/runtime.js';
import { LISTED_STATUSES, type Visibility } from './model';
import type { SearchQuery } from './search';
import { isOpenOn, type WeeklySlot } from './opening';
import { OFFERS_MARK } from './search-index';

/** When a municipality is searched in memory, and how much memory all such indexes may take. */
export interface SearchMemoryOptions {
	/** Listed entries (active or temporarily closed) from which a municipality gets an index. */
	minEntries: number;
	/** Bytes all indexes of the process may take together (estimated); 0 turns the index off. */
	maxBytes: number;
	/**
	 * Milliseconds the entries must have stayed as they are, after this process saw them change,
	 * before it builds again: an import writing batch after batch would otherwise start a build
	 * with each batch and throw it away with the next. Not for a first build, nor with `wait`.
	 */
	quietMs: number;
}

// From 5,000 entries: PostgreSQL's search p95 passes 50 ms at about 7,500 (bench/README.md, "Search
// by municipality size"). The bound holds the 36 Land-scale municipalities above it (434,494
// entries, about 632 MB by the estimate below).
const DEFAULTS: SearchMemoryOptions = { minEntries: 5_000, maxBytes: 768 * 1024 * 1024, quietMs: 10_000 };

/**
 * Reads `SEARCH_INDEX_MIN_ENTRIES` (default 5,000) and `SEARCH_INDEX_MAX_BYTES` (default
 * 805,306,368 = 768 MiB; 0 = off).
 * @throws Error naming the variable when a value is not a whole number (≥ 1 entries, ≥ 0 bytes).
 */
export function searchMemoryOptionsFrom(env: NodeJS.ProcessEnv): SearchMemoryOptions {
	const read = (name: string, fallback: number, min: number) => {
		const raw = env[name]?.trim();
		if (!raw) return fallback;
		if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) throw new Error(`${name} must be a whole number from ${min} (got "${raw}")`);
		return Number(raw);
	};
	return { minEntries: read('SEARCH_INDEX_MIN_ENTRIES', DEFAULTS.minEntries, 1), maxBytes: read('SEARCH_INDEX_MAX_BYTES', DEFAULTS.maxBytes, 0), quietMs: DEFAULTS.quietMs };
}

let options: SearchMemoryOptions | null = null;

function current(): SearchMemoryOptions {
	return (options ??= searchMemoryOptionsFrom(process.env));
}

/** Sets the options (the server at start from its environment; tests and benchmarks directly); drops indexes beyond the new bound, in use or not. */
export function configureSearchMemory(next: SearchMemoryOptions): void {
	options = { ...next };
	evictBeyond(options.maxBytes);
}

/** Array columns the filters ask, held inverted. */
const VALUE_COLUMNS = ['theme_fields', 'subtopics', 'target_groups', 'languages', 'social_space_ids', 'district_ids'] as const;
type ValueColumn = (typeof VALUE_COLUMNS)[number];
const LOW_THRESHOLD = 1;
const STEP_FREE = 2;

/** Reader levels as bits. */
const LEVEL_BIT: Record<string, number> = { public: 1, network: 2, internal: 4 };
/** Weights of a tsvector position or tsquery operand as bits (`D` is a position without a letter). */
const WEIGHT_BIT: Record<string, number> = { A: 8, B: 4, C: 2, D: 1, a: 8, b: 4, c: 2, d: 1 };
/** A lexeme without positions: PostgreSQL matches it whatever weights an operand asks. */
const ANY_WEIGHT = 15;

/** One municipality's listed entries, as their postings. */
export interface MemoryIndex {
	token: string;
	size: number;
	kinds: ('service' | 'organization')[];
	ids: string[];
	visibility: Uint8Array;
	/** Levels (bits) at which an actor has a current offer (`!offers:<level>`). */
	offers: Uint8Array;
	latitude: Float64Array;
	longitude: Float64Array;
	/** Per filter column: each value → the entries carrying it (languages by primary subtag). */
	values: Record<ValueColumn, Map<string, number[]>>;
	costKinds: (string | null)[];
	/** `LOW_THRESHOLD` and `STEP_FREE` bits. */
	access: Uint8Array;
	/** Opening slots of active entries (a temporarily closed offer is listed but never open); null where none. */
	slots: (WeeklySlot[] | null)[];
	/** Per title language: the lowercased title (PostgreSQL's `lower`) → entries carrying it. */
	titles: Map<string, Map<string, number[]>>;
	/** Per reader language: each entry's place in the order of its sort title, then id (the database's collation). */
	order: Map<string, Int32Array>;
	/** Distinct lexemes in code-unit order; the postings of lexeme `k` are `postings[starts[k]..starts[k+1]]`, each `entry << 4 | weight bits`. */
	lexemes: string[];
	starts: Uint32Array;
	postings: Uint32Array;
	bytes: number;
	/** `performance.now()` when it was built and last used. */
	builtAt: number;
	lastUsed: number;
}

interface Slot {
	index: MemoryIndex | null;
	building: { token: string; done: Promise<void> } | null;
	/** The token of an index that would not fit the bound: not built again until the entries or the bound change. */
	oversize: { token: string; maxBytes: number } | null;
	/** Until when (`performance.now()`) no build is tried: the last one found no room beside indexes in use. */
	noRoomUntil: number;
	/** The token last seen, since when (`performance.now()`), and whether it was the first this process saw (built at once), for `quietMs`. */
	seen: { token: string; since: number; first: boolean } | null;
}

/** An index used this recently is not dropped to make room for another, so two municipalities cannot take turns rebuilding. */
const IN_USE_MS = 60_000;

const slotsOf = perDatabase(() => new Map<string, Slot>());
/** Every index held, for the bound across databases and municipalities. */
const held = new Set<MemoryIndex>();
const sizes = versionedMemo<boolean>(10_000);

/**
 * Whether the municipality has at least `atLeast` listed entries (offers active or temporarily
 * closed, and actors); counted once per data version and threshold.
 * @param version any data version that rises when entries are written (`currentDataVersion(db, null)`).
 */
export function hasListedEntries(db: DbOrTx, municipalityId: string, version: string, atLeast: number): Promise<boolean> {
	return sizes.get(`${atLeast}:${municipalityId}`, version, async () => {
		const [row] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from (select 1 from search_entry where municipality_id = ${municipalityId} and ${LIVE} limit ${atLeast}) x`)).rows;
		return Number(row.n) >= atLeast;
	});
}

/**
 * Drops the least recently used indexes not used for `spareMs` until `adding` more bytes fit.
 * @returns whether they fit.
 */
function evictBeyond(maxBytes: number, adding = 0, spareMs = 0): boolean {
	let total = adding + [...held].reduce((s, i) => s + i.bytes, 0);
	const now = performance.now();
	for (const index of [...held].sort((a, b) => a.lastUsed - b.lastUsed)) {
		if (total <= maxBytes || now - index.lastUsed < spareMs) break;
		held.delete(index);
		total -= index.bytes;
	}
	return total <= maxBytes;
}

const LIVE = sql`status in (${sql.join(LISTED_STATUSES.map((s) => sql`${s}`), sql`, `)})`;

/** The token of the municipality's entries (`search_entry_state`), null before any was written. */
async function readToken(db: DbOrTx, municipalityId: string): Promise<string | null> {
	const [row] = (await db.execute<{ token: string }>(sql`select token from search_entry_state where municipality_id = ${municipalityId}`)).rows;
	return row?.token ?? null;
}

/**
 * The municipality's current index, when it has one.
 * @param version any data version that rises when entries are written (`currentDataVersion(db, null)`): the size check is held for it.
 * @param wait build the index now and wait for it (benchmarks and tests) instead of starting it in the background and answering null.
 * @returns null when the municipality is below `minEntries`, the index is off or too large, or (without `wait`) not built yet;
 *   inside a transaction, which may see its own writes and ends before a build would.
 * @throws what the database throws (with `wait`; a background build only logs its failure).
 */
export async function memoryIndexFor(db: DbOrTx, municipalityId: string, version: string, wait = false): Promise<MemoryIndex | null> {
	const { minEntries, maxBytes } = current();
	if (maxBytes === 0 || is(db, PgTransaction)) return null;
	if (!(await hasListedEntries(db, municipalityId, version, minEntries))) return null;
	const slots = slotsOf(db);
	for (;;) {
		const token = await readToken(db, municipalityId);
		if (token === null) return null;
		const slot = slots.get(municipalityId) ?? { index: null, building: null, oversize: null, noRoomUntil: 0, seen: null };
		slots.set(municipalityId, slot);
		if (slot.index?.token === token && held.has(slot.index)) {
			slot.index.lastUsed = performance.now();
			return slot.index;
		}
		if ((slot.oversize?.token === token && slot.oversize.maxBytes === maxBytes) || slot.noRoomUntil > performance.now()) return null;
		if (slot.seen?.token !== token) slot.seen = { token, since: performance.now(), first: slot.seen === null };
		if (!wait && !slot.seen.first && performance.now() - slot.seen.since < current().quietMs) return null;
		if (!slot.building) {
			const started = performance.now();
			const done = build(db, municipalityId, token).then(
				(index) => {
					if (!index) return;
					if (index.bytes > current().maxBytes) {
						slot.oversize = { token: index.token, maxBytes: current().maxBytes };
						log.warn({ municipality: municipalityId, bytes: index.bytes }, 'search index larger than SEARCH_INDEX_MAX_BYTES: searched by the database');
						return;
					}
					if (slot.index) held.delete(slot.index);
					if (!evictBeyond(current().maxBytes, index.bytes, IN_USE_MS)) {
						slot.noRoomUntil = performance.now() + IN_USE_MS;
						log.warn({ municipality: municipalityId, bytes: index.bytes }, 'search index: no room beside the indexes in use (SEARCH_INDEX_MAX_BYTES): searched by the database for a minute');
						return;
					}
					slot.oversize = null;
					slot.index = index;
					held.add(index);
					log.info({ municipality: municipalityId, entries: index.size, ms: Math.round(performance.now() - started), bytes: index.bytes }, 'search index built');
				},
				(e) => {
					if (wait) throw e;
					log.warn({ ...errorFields(e), municipality: municipalityId }, 'search index not built: searched by the database');
				}
			);
			slot.building = { token, done: done.finally(() => (slot.building = null)) };
		}
		if (!wait) return null;
		await slot.building!.done;
		const after = await readToken(db, municipalityId);
		if ((slot.oversize?.token === after && slot.oversize.maxBytes === current().maxBytes) || slot.noRoomUntil > performance.now()) return null;
		if (slot.index?.token === after && held.has(slot.index)) return slot.index;
	}
}

/**
 * The indexes this process holds, for benchmarks and tests: entries, distinct lexemes, postings,
 * the estimated bytes and when it was built (`performance.now()`) of each.
 */
export function heldMemoryIndexes(): { entries: number; lexemes: number; postings: number; bytes: number; builtAt: number }[] {
	return [...held].map((i) => ({ entries: i.size, lexemes: i.lexemes.length, postings: i.postings.length, bytes: i.bytes, builtAt: i.builtAt }));
}

/** Entries read per statement while building (about 3.5 MB of document text at Land scale): each is parsed between two turns of the event loop. */
const CHUNK = 1000;

/**
 * Reads the municipality's listed entries and inverts their documents.
 * @returns null when the entries changed while they were read (the next search builds again).
 */
async function build(db: DbOrTx, municipalityId: string, token: string): Promise<MemoryIndex | null> {
	const keys = (
		await db.execute<{ kind: 'service' | 'organization'; entity_id: string }>(
			sql`select kind, entity_id from search_entry where municipality_id = ${municipalityId} and ${LIVE} order by kind, entity_id`
		)
	).rows;
	const size = keys.length;
	const position = new Map(keys.map((k, i) => [k.entity_id, i]));
	const visibility = new Uint8Array(size);
	const latitude = new Float64Array(size).fill(NaN);
	const longitude = new Float64Array(size).fill(NaN);
	const titleLanguages = [...new Set<string>([...locales, 'de', 'en'])];
	const titles = new Map(titleLanguages.map((l) => [l, new Map<string, number[]>()]));
	const values = Object.fromEntries(VALUE_COLUMNS.map((c) => [c, new Map<string, number[]>()])) as MemoryIndex['values'];
	const costKinds: (string | null)[] = new Array(size).fill(null);
	const slots: (WeeklySlot[] | null)[] = new Array(size).fill(null);
	let slotCount = 0;
	const access = new Uint8Array(size);
	const add = (map: Map<string, number[]>, key: string, entry: number) => {
		const list = map.get(key);
		if (!list) map.set(key, [entry]);
		else if (list[list.length - 1] !== entry) list.push(entry);
	};
	const lexemeIds = new Map<string, number>();
	// (lexeme, posting) pairs in blocks, so growing never copies: 10 million at Land scale.
	const BLOCK = 1 << 20;
	const blocks: { lexeme: Uint32Array; posting: Uint32Array }[] = [];
	let count = 0;
	const push = (lexeme: number, posting: number) => {
		const at = count % BLOCK;
		if (at === 0) blocks.push({ lexeme: new Uint32Array(BLOCK), posting: new Uint32Array(BLOCK) });
		const block = blocks[blocks.length - 1];
		block.lexeme[at] = lexeme;
		block.posting[at] = posting;
		count++;
	};
	// A block per turn of the event loop: the process keeps answering requests while it builds.
	const eachPair = async (visit: (lexeme: number, posting: number) => void) => {
		for (let b = 0; b < blocks.length; b++) {
			const { lexeme, posting } = blocks[b];
			for (let i = 0, n = Math.min(BLOCK, count - b * BLOCK); i < n; i++) visit(lexeme[i], posting[i]);
			await new Promise((resolve) => setImmediate(resolve));
		}
	};
	for (let from = 0; from < size; from += CHUNK) {
		const chunk = keys.slice(from, from + CHUNK);
		for (const kind of ['service', 'organization'] as const) {
			const ids = chunk.filter((k) => k.kind === kind).map((k) => k.entity_id);
			if (!ids.length) continue;
			const rows = (
				await db.execute<
					{ entity_id: string; visibility: string; latitude: number | null; longitude: number | null; lowered: (string | null)[]; doc: string } & Record<ValueColumn, string[]> & {
							cost_kind: string | null;
							low_threshold: boolean;
							step_free: boolean;
							status: string;
							opening_slots: [number, number, number, string | null, string | null, boolean][];
						}
				>(sql`
					select entity_id, visibility, latitude, longitude, document::text as doc, cost_kind, low_threshold, step_free, status, opening_slots,
					       ${sql.raw(VALUE_COLUMNS.map((c) => `${c}::text[] as ${c}`).join(', '))},
					       json_build_array(${sql.join(
									titleLanguages.map((l) => sql`lower(title->>${l})`),
									sql`, `
								)}) as lowered
					from search_entry
					where kind = ${kind} and entity_id = any(array[${sql.join(
						ids.map((id) => sql`${id}`),
						sql`, `
					)}]::uuid[]) and municipality_id = ${municipalityId} and ${LIVE}`)
			).rows;
			for (const r of rows) {
				const entry = position.get(r.entity_id);
				if (entry === undefined) continue;
				visibility[entry] = LEVEL_BIT[r.visibility] ?? 0;
				if (r.latitude !== null && r.longitude !== null) {
					latitude[entry] = Number(r.latitude);
					longitude[entry] = Number(r.longitude);
				}
				r.lowered.forEach((t, i) => {
					if (t !== null) add(titles.get(titleLanguages[i])!, t, entry);
				});
				for (const column of VALUE_COLUMNS)
					for (const value of r[column]) add(values[column], column === 'languages' ? value.split('-')[0] : value, entry);
				costKinds[entry] = r.cost_kind;
				if (r.status === 'active' && r.opening_slots.length) {
					slots[entry] = r.opening_slots.map(([weekday, opensMinute, closesMinute, validFrom, validTo]) => ({ weekday, opensMinute, closesMinute, validFrom, validTo }));
					slotCount += r.opening_slots.length;
				}
				access[entry] = (r.low_threshold ? LOW_THRESHOLD : 0) | (r.step_free ? STEP_FREE : 0);
				readDocument(r.doc, (lexeme, weights) => {
					let id = lexemeIds.get(lexeme);
					if (id === undefined) lexemeIds.set(lexeme, (id = lexemeIds.size));
					push(id, (entry << 4) | weights);
				});
			}
		}
	}
	// Postings grouped by lexeme, lexemes in code-unit order (a prefix is then one range).
	const lexemes = [...lexemeIds.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const rank = new Uint32Array(lexemes.length);
	lexemes.forEach((l, i) => (rank[lexemeIds.get(l)!] = i));
	const starts = new Uint32Array(lexemes.length + 1);
	await eachPair((lexeme) => starts[rank[lexeme] + 1]++);
	for (let k = 0; k < lexemes.length; k++) starts[k + 1] += starts[k];
	const fill = starts.slice(0, lexemes.length);
	const postings = new Uint32Array(count);
	await eachPair((lexeme, posting) => (postings[fill[rank[lexeme]]++] = posting));
	blocks.length = 0;
	// Each reader language's order of sort titles (the database's collation), read in one pass.
	const places = (
		await db.execute<Record<string, string | number>>(sql`
			select entity_id, ${sql.join(
				locales.map((lang, i) => sql`(row_number() over (order by coalesce(title->>${lang}, title->>'de', organization_name), entity_id) - 1)::int as ${sql.raw(`o${i}`)}`),
				sql`, `
			)}
			from search_entry where municipality_id = ${municipalityId} and ${LIVE}`)
	).rows;
	const order = new Map(locales.map((lang) => [lang as string, new Int32Array(size).fill(size)]));
	for (const r of places) {
		const entry = position.get(r.entity_id as string);
		if (entry !== undefined) locales.forEach((lang, i) => (order.get(lang)![entry] = Number(r[`o${i}`])));
	}
	if ((await readToken(db, municipalityId)) !== token) return null;
	const index: MemoryIndex = {
		token,
		size,
		kinds: keys.map((k) => k.kind),
		ids: keys.map((k) => k.entity_id),
		visibility,
		offers: new Uint8Array(size),
		latitude,
		longitude,
		values,
		costKinds,
		access,
		slots,
		titles,
		order,
		lexemes,
		starts,
		postings,
		bytes: 0,
		builtAt: performance.now(),
		lastUsed: performance.now()
	};
	for (const [level, bit] of Object.entries(LEVEL_BIT)) {
		const k = findLexeme(index, OFFERS_MARK + level);
		if (k >= 0) for (let p = starts[k]; p < starts[k + 1]; p++) index.offers[postings[p] >>> 4] |= bit;
	}
	let textBytes = 0;
	for (const l of lexemes) textBytes += 2 * l.length + 16;
	for (const map of [...titles.values(), ...Object.values(values)]) for (const [t, list] of map) textBytes += 2 * t.length + 32 + 8 * list.length;
	// Per entry besides its postings: id, kind, coordinates, columns, orders and the heap around
	// them — 520 bytes brings the estimate to what the 13 largest Land-scale indexes took
	// (heap and array buffers after a collection: 401 MB, estimated 402; bench/README.md).
	index.bytes = postings.byteLength + starts.byteLength + textBytes + size * (520 + 4 * order.size) + 96 * slotCount;
	return index;
}

/**
 * Reads PostgreSQL's text form of a tsvector (`'lexeme':1A,5 'other' 'it''s':3B`): quotes and
 * backslashes doubled inside a lexeme, positions with their weight letter (none for D), no
 * positions on a stripped lexeme.
 */
function readDocument(text: string, each: (lexeme: string, weights: number) => void): void {
	const length = text.length;
	let i = 0;
	while (i < length) {
		if (text.charCodeAt(i) !== 39) {
			i++;
			continue;
		}
		i++;
		let lexeme = '';
		let from = i;
		for (;;) {
			const c = text.charCodeAt(i);
			if (c === 39) {
				lexeme += text.slice(from, i);
				if (text.charCodeAt(i + 1) === 39) {
					lexeme += "'";
					i += 2;
					from = i;
					continue;
				}
				i++;
				break;
			}
			if (c === 92) {
				lexeme += text.slice(from, i) + text[i + 1];
				i += 2;
				from = i;
				continue;
			}
			i++;
		}
		let weights = ANY_WEIGHT;
		if (text.charCodeAt(i) === 58) {
			weights = 0;
			i++;
			while (i < length && text.charCodeAt(i) !== 32) {
				while (i < length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
				const letter = WEIGHT_BIT[text[i]];
				if (letter) {
					weights |= letter;
					i++;
				} else weights |= WEIGHT_BIT.D;
				if (text.charCodeAt(i) === 44) i++;
			}
		}
		each(lexeme, weights);
	}
}

/** The first lexeme ≥ `text` in code-unit order. */
function lowerBound(index: MemoryIndex, text: string): number {
	let lo = 0;
	let hi = index.lexemes.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (index.lexemes[mid] < text) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

function findLexeme(index: MemoryIndex, text: string): number {
	const k = lowerBound(index, text);
	return index.lexemes[k] === text ? k : -1;
}

/** A tsquery as `search.ts` writes it: quoted operands with `:*` and weights, `&`, `|`, parentheses. */
type Node = { op: '|' | '&'; args: Node[] } | { lexeme: string; prefix: boolean; weights: number };

/** Thrown for tsquery text outside what `search.ts` writes; the search then asks PostgreSQL. */
class UnsupportedQuery extends Error {}

/**
 * Parses tsquery text with PostgreSQL's precedence (`&` before `|`).
 * @throws UnsupportedQuery for `!`, `<->`, unquoted or empty operands and malformed text.
 */
function parseQuery(text: string): Node {
	let i = 0;
	const skip = () => {
		while (text[i] === ' ') i++;
	};
	const operand = (): Node => {
		skip();
		if (text[i] === '(') {
			i++;
			const inner = or();
			skip();
			if (text[i] !== ')') throw new UnsupportedQuery('unbalanced parenthesis');
			i++;
			return inner;
		}
		if (text[i] !== "'") throw new UnsupportedQuery(`unexpected "${text[i] ?? 'end'}"`);
		i++;
		let lexeme = '';
		for (;;) {
			if (i >= text.length) throw new UnsupportedQuery('unterminated lexeme');
			const c = text[i];
			if (c === "'") {
				if (text[i + 1] === "'") {
					lexeme += "'";
					i += 2;
					continue;
				}
				i++;
				break;
			}
			if (c === '\\') {
				lexeme += text[i + 1] ?? '';
				i += 2;
				continue;
			}
			lexeme += c;
			i++;
		}
		if (!lexeme) throw new UnsupportedQuery('empty lexeme');
		let prefix = false;
		let weights = 0;
		if (text[i] === ':') {
			i++;
			while (i < text.length && (text[i] === '*' || WEIGHT_BIT[text[i]])) {
				if (text[i] === '*') prefix = true;
				else weights |= WEIGHT_BIT[text[i]];
				i++;
			}
		}
		return { lexeme, prefix, weights };
	};
	const chain = (op: '|' | '&', next: () => Node) => (): Node => {
		const args = [next()];
		for (;;) {
			skip();
			if (text[i] !== op) break;
			i++;
			args.push(next());
		}
		return args.length === 1 ? args[0] : { op, args };
	};
	const and = chain('&', operand);
	const or = chain('|', and);
	const node = or();
	skip();
	if (i < text.length) throw new UnsupportedQuery(`unexpected "${text[i]}"`);
	return node;
}

/** Entries matching tsquery texts, each evaluated once per search. */
class Matcher {
	private readonly cache = new Map<string, Uint8Array>();
	constructor(private readonly index: MemoryIndex) {}

	/** 1 for every entry whose document matches the tsquery text. @throws UnsupportedQuery */
	matches(query: string): Uint8Array {
		let flags = this.cache.get(query);
		if (!flags) {
			flags = this.evaluate(parseQuery(query));
			this.cache.set(query, flags);
		}
		return flags;
	}

	/**
	 * The entries matching `node`, marked into `into` when given (a union: so the alternatives of
	 * an `|` mark one array, and a long query costs its postings, not one pass over every entry per
	 * alternative).
	 */
	private evaluate(node: Node, into?: Uint8Array): Uint8Array {
		const { index } = this;
		const flags = into ?? new Uint8Array(index.size);
		if ('lexeme' in node) {
			const mark = (k: number) => {
				for (let p = index.starts[k]; p < index.starts[k + 1]; p++) {
					const posting = index.postings[p];
					if (node.weights === 0 || posting & node.weights) flags[posting >>> 4] = 1;
				}
			};
			if (node.prefix) for (let k = lowerBound(index, node.lexeme); k < index.lexemes.length && index.lexemes[k].startsWith(node.lexeme); k++) mark(k);
			else {
				const k = findLexeme(index, node.lexeme);
				if (k >= 0) mark(k);
			}
			return flags;
		}
		if (node.op === '|') {
			for (const arg of node.args) this.evaluate(arg, flags);
			return flags;
		}
		const all = this.evaluate(node.args[0]);
		for (const arg of node.args.slice(1)) {
			const other = this.evaluate(arg);
			for (let e = 0; e < all.length; e++) all[e] &= other[e];
		}
		if (into) for (let e = 0; e < all.length; e++) into[e] |= all[e];
		return into ?? all;
	}
}

/** How one searched unit matches, as the tsquery texts `search.ts` writes (null: no such way). */
export interface UnitTexts {
	/** The word or its stem as a whole word of the title. */
	titleWhole: string | null;
	/** A compound ending, typo correction or related German word in the title. */
	titlePart: string | null;
	/** Sub-topic, actor type and amenity markers of its concepts. */
	concept: string | null;
	/** Theme field, target group and facet markers of its concepts. */
	relatedConcept: string | null;
	/** Any text form in the actor's name or the description (weights B, C). */
	text: string | null;
	/** Anything. */
	any: string;
}

/** How one searched unit scores: its texts and the rounded weights of `search.ts`'s statement. */
export interface MemoryUnit extends UnitTexts {
	/** Whether an entry counts as matching the unit (null: never). */
	cover: string | null;
	weights: { titleWhole: number; titlePart: number; concept: number; relatedConcept: number; text: number; detail: number };
}

/** A search as the index answers it. */
export interface MemorySearch {
	levels: Visibility[];
	kind?: 'service' | 'organization';
	/** Filters by the entry's columns, as the search has them (a language by its primary subtag). */
	filters: Pick<SearchQuery, 'themeField' | 'subtopic' | 'targetGroup' | 'language' | 'socialSpaceId' | 'districtId' | 'cost' | 'lowThreshold' | 'stepFree'>;
	/** Label lexemes the document must carry too (tsquery texts: theme field, sub-topic, target group). */
	labels: string[];
	/** "Open now": the Europe/Berlin wall-clock time (`berlinClock`) the slots are tested at; null for no such filter. */
	openAt: { weekday: number; minute: number; date: string } | null;
	units: MemoryUnit[];
	/** The query as a whole, as compared with titles (trimmed, spaces collapsed, lowercase). */
	phrase: string;
	lang: string;
	near?: { latitude: number; longitude: number };
	byDistance: boolean;
	page: number;
	perPage: number;
	tiers: { exactTitle: number; hasOffers: number; perWord: number };
}

/** A ranked page: keys with score and distance, how many match, the most units one entry matches. */
export interface MemoryRanked {
	page: { kind: 'service' | 'organization'; entityId: string; score: number; distanceKm: number | null }[];
	total: number;
	bestCoverage: number;
}

/**
 * Ranks a search over the index exactly as `search.ts` ranks it in PostgreSQL: score (exact title,
 * offers, units matched, then how well), offers before actors, sort title, id; or by distance first.
 * @returns null when a query text is outside what the index reads or the reader's language has no
 *   title order in it (PostgreSQL then answers).
 */
export function rankInMemory(index: MemoryIndex, q: MemorySearch): MemoryRanked | null {
	const matcher = new Matcher(index);
	let any: Uint8Array | null;
	/** Per unit: the entries it covers, or `true` for every listed entry, `false` for none. */
	const covers: (Uint8Array | boolean)[] = [];
	const parts: { titleWhole: Uint8Array | null; titlePart: Uint8Array | null; concept: Uint8Array | null; relatedConcept: Uint8Array | null; text: Uint8Array | null }[] = [];
	let required: Uint8Array | null = null;
	const narrow = (flags: Uint8Array) => {
		if (!required) required = flags.slice();
		else for (let e = 0; e < flags.length; e++) required[e] &= flags[e];
	};
	const f = q.filters;
	for (const [column, value] of [
		['theme_fields', f.themeField],
		['subtopics', f.subtopic],
		['target_groups', f.targetGroup],
		['languages', f.language?.split('-')[0]],
		['social_space_ids', f.socialSpaceId],
		['district_ids', f.districtId]
	] as [ValueColumn, string | undefined][]) {
		if (value === undefined) continue;
		const flags = new Uint8Array(index.size);
		for (const e of index.values[column].get(value) ?? []) flags[e] = 1;
		narrow(flags);
	}
	const costs = f.cost === undefined ? null : f.cost === 'reduced' ? ['free', 'reduced'] : [f.cost];
	const accessBits = (f.lowThreshold ? LOW_THRESHOLD : 0) | (f.stepFree ? STEP_FREE : 0);
	try {
		for (const label of q.labels) narrow(matcher.matches(label));
		any = q.units.length ? matcher.matches(q.units.map((u) => u.any).join(' | ')) : null;
		for (const u of q.units) {
			const flags = (t: string | null) => (t ? matcher.matches(t) : null);
			// A lone unit's cover is the search condition itself (`search.ts`): every listed entry matches it.
			covers.push(q.units.length === 1 && u.cover === u.any ? true : (flags(u.cover) ?? false));
			parts.push({ titleWhole: flags(u.titleWhole), titlePart: flags(u.titlePart), concept: flags(u.concept), relatedConcept: flags(u.relatedConcept), text: flags(u.text) });
		}
	} catch (e) {
		if (e instanceof UnsupportedQuery) return null;
		throw e;
	}
	const levels = q.levels.reduce((bits, l) => bits | (LEVEL_BIT[l] ?? 0), 0);
	const exact = new Uint8Array(index.size);
	if (q.units.length)
		for (const lang of new Set([q.lang, 'de', 'en'])) for (const e of index.titles.get(lang)?.get(q.phrase) ?? []) exact[e] = 1;
	const order = index.order.get(q.lang);
	if (!order) return null;
	const cos = q.near ? Math.cos((q.near.latitude * Math.PI) / 180) : 0;
	const candidates: number[] = [];
	const scores = new Float64Array(index.size);
	const distances = new Float64Array(index.size);
	let bestCoverage = 0;
	const covered = (i: number, e: number) => {
		const cover = covers[i];
		return typeof cover === 'boolean' ? cover : cover[e] === 1;
	};
	for (let e = 0; e < index.size; e++) {
		if (!(index.visibility[e] & levels) || (q.kind && index.kinds[e] !== q.kind) || (any && !any[e]) || (required && !required[e])) continue;
		if ((costs && !costs.includes(index.costKinds[e]!)) || (index.access[e] & accessBits) !== accessBits) continue;
		if (q.openAt && !(index.slots[e] && isOpenOn(index.slots[e]!, q.openAt))) continue;
		candidates.push(e);
		const service = index.kinds[e] === 'service';
		const base = (exact[e] ? q.tiers.exactTitle : 0) + (service || index.offers[e] & levels ? q.tiers.hasOffers : 0);
		let coverage = 0;
		for (let i = 0; i < q.units.length; i++) if (covered(i, e)) coverage++;
		if (coverage > bestCoverage) bestCoverage = coverage;
		// Added unit by unit to the tier, in the statement's order: floating-point sums in another
		// order differ in the last bit, and ties would break differently.
		let score = base + q.tiers.perWord * coverage;
		for (let i = 0; i < q.units.length; i++) {
			if (!covered(i, e)) continue;
			const p = parts[i];
			const w = q.units[i].weights;
			const title = p.titleWhole?.[e] ? w.titleWhole : p.titlePart?.[e] ? w.titlePart : 0;
			const concept = p.concept?.[e] ? w.concept : p.relatedConcept?.[e] ? w.relatedConcept : 0;
			const text = p.text ? (p.text[e] ? w.text : w.detail) : 0;
			score += title + concept + text;
		}
		scores[e] = score;
		if (q.near) {
			const lat = index.latitude[e];
			const dy = lat - q.near.latitude;
			const dx = (index.longitude[e] - q.near.longitude) * cos;
			distances[e] = Number.isNaN(lat) ? NaN : 111.32 * Math.sqrt(dy * dy + dx * dx);
		}
	}
	const byRelevance = (a: number, b: number) =>
		scores[b] - scores[a] || Number(index.kinds[b] === 'service') - Number(index.kinds[a] === 'service') || order[a] - order[b];
	const compare = q.byDistance
		? (a: number, b: number) => {
				const da = distances[a];
				const db = distances[b];
				if (Number.isNaN(da) || Number.isNaN(db)) return Number.isNaN(da) === Number.isNaN(db) ? byRelevance(a, b) : Number.isNaN(da) ? 1 : -1;
				return da - db || byRelevance(a, b);
			}
		: byRelevance;
	const reach = q.page * q.perPage;
	const top = firstOf(candidates, reach, compare).slice((q.page - 1) * q.perPage);
	return {
		page: top.map((e) => ({
			kind: index.kinds[e],
			entityId: index.ids[e],
			score: scores[e],
			distanceKm: q.near && !Number.isNaN(distances[e]) ? distances[e] : null
		})),
		total: candidates.length,
		bestCoverage
	};
}

/** The first `count` items in `compare` order, sorted: a bounded heap, so a first page of 25,000 matches sorts 20. */
function firstOf(items: number[], count: number, compare: (a: number, b: number) => number): number[] {
	if (count >= items.length) return items.sort(compare);
	// A max-heap (by `compare`) of the best `count` seen so far: its root is the worst of them.
	const heap: number[] = [];
	const down = (i: number) => {
		for (;;) {
			const l = 2 * i + 1;
			const r = l + 1;
			let worst = i;
			if (l < heap.length && compare(heap[l], heap[worst]) > 0) worst = l;
			if (r < heap.length && compare(heap[r], heap[worst]) > 0) worst = r;
			if (worst === i) return;
			[heap[i], heap[worst]] = [heap[worst], heap[i]];
			i = worst;
		}
	};
	for (const item of items) {
		if (heap.length < count) {
			heap.push(item);
			for (let i = heap.length - 1; i > 0; ) {
				const parent = (i - 1) >>> 1;
				if (compare(heap[i], heap[parent]) <= 0) break;
				[heap[i], heap[parent]] = [heap[parent], heap[i]];
				i = parent;
			}
		} else if (count > 0 && compare(item, heap[0]) < 0) {
			heap[0] = item;
			down(0);
		}
	}
	return heap.sort(compare);
}
