/**
 * The search vocabulary: the concepts offers are about (Deutschkurs, Wohnungssuche, Brief vom
 * Amt, Moschee, kostenlos, …), each linked to what an entry carries — its sub-topics (the
 * directory's `SUBTOPICS`), theme fields, target groups, actor type, OSM amenity — or to a facet
 * (free of charge, low threshold, step-free, a language spoken), with the words people type for
 * it in every language: formal and colloquial, compounds, misspellings, transliterations.
 *
 * Data, not code (issue 12 §1): `data/vocabulary/concepts.json` names the concepts and their
 * links; `data/vocabulary/<lang>.json`, one file per language, lists the terms per concept, the
 * language's stop words (ignored inside terms and queries) and its filler words ("ich suche",
 * "brauche", "help", "أبحث"), which carry no topic and are ignored in queries that have other
 * words. A new word or a new language is a new line or a new file; the folder is read once per
 * process (`VOCABULARY_DIR`, default `data/vocabulary`, like the fonts).
 *
 * `matchVocabulary` maps the words of a query to concepts. A term matches when each of its words
 * (stop words left out) is matched by a different query word, in any order, and a query word
 * matches a term word
 * - exactly (folded as the index folds, Arabic and Persian letter variants unified, the Arabic
 *   article and the conjunction و taken off), quality 1;
 * - as an inflection: one starts with the other's first letters, the shorter keeping all but its
 *   last letter (two in Cyrillic, where endings replace letters) and at least four, the longer
 *   adding at most four ("Wohnungen", "kursları", "курсы", "німецької"), quality 0.95;
 * - with typos, as the common engines count them (Damerau–Levenshtein, a swap is one edit): one
 *   edit from 5 letters, two from 9 ("Wonung", "Sprachkaffe"), also in front of an inflection
 *   ending, quality 0.8 (one edit) or 0.7 (two);
 * - as a part of a compound written in one word: the term word (5+ letters, Latin or Cyrillic)
 *   starts or ends the query word ("Mietschulden", "Wohnungsamt"), quality 0.75.
 * Two adjacent query words are also tried written together ("Sprach kurs" → "Sprachkurs").
 * Each query word keeps only the concepts of its best matches, so "Kindergeld" (a benefit, exact)
 * does not also mean "Kinder" (as a compound part). Words of three letters or fewer match only
 * as typed (with their diacritics) or in the reader's language: "iş" is Turkish work, "is" is
 * not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ACTOR_TYPES, COST_KINDS, OSM_AMENITY_TYPES, SUBTOPIC_FIELD, TARGET_GROUPS, THEME_FIELDS } from './model';
import { foldText } from './search-index';
import { held, type Held } from '../../held';

/** A facet a concept stands for ("kostenlos" → free of charge). */
export interface ConceptFilter {
	cost?: (typeof COST_KINDS)[number];
	lowThreshold?: boolean;
	stepFree?: boolean;
	/** A language spoken at the offer, BCP 47 primary subtag. */
	language?: string;
}

/** A concept and what it is linked to (`concepts.json`). */
export interface Concept {
	key: string;
	subtopics: string[];
	themeFields: string[];
	targetGroups: string[];
	actorTypes: string[];
	amenities: string[];
	filter: ConceptFilter | null;
	/** Folded single words of its German terms, in file order, at most `EXPANSION_WORDS`: searched as text too. */
	expansion: string[];
}

/** A query word's concepts with the quality of its best match (1 exact … 0.7 two typos). */
export interface WordConcepts {
	/** Concept keys with their match quality. */
	concepts: Map<string, number>;
	/** The vocabulary words it matched, for showing what was searched ("wonung" → "wohnung"). */
	matched: string[];
	/** A stop word or filler of some language that no term needs. */
	filler: boolean;
	/**
	 * Concepts of the word on its own where a phrase it belongs to was preferred ("iş" in "iş
	 * arıyorum"): they find entries when the phrase's sub-topics have none, ranked below.
	 */
	fallback: Map<string, number>;
}

/** A loaded vocabulary. */
export interface Vocabulary {
	concepts: Map<string, Concept>;
	languages: string[];
	/** Every distinct term word, with the terms it occurs in. */
	words: Map<string, VocabWord>;
	terms: Term[];
	fillers: Map<string, Set<string>>;
	/** Words by their first four letters (inflections) and by their deletion variants (typos). */
	byPrefix: Map<string, VocabWord[]>;
	byDeletion: Map<string, VocabWord[]>;
}

interface VocabWord {
	form: string;
	/** As written in the file, lowercased (for words of three letters or fewer). */
	raws: Set<string>;
	langs: Set<string>;
	terms: number[];
	cyrillic: boolean;
	latin: boolean;
}

interface Term {
	words: string[];
	concepts: string[];
}

/** The directory's own language: its terms are also searched as text (see `Concept.expansion`). */
const EXPANSION_LANGUAGE = 'de';
/** How many German words a concept adds to the text search: its first, most typical terms. */
const EXPANSION_WORDS = 8;

const CYRILLIC = /^\p{Script=Cyrillic}+$/u;
const LATIN = /^\p{Script=Latin}+$/u;
const ARABIC = /^\p{Script=Arabic}+$/u;

/**
 * A word as the vocabulary compares it: folded like the index (`foldText`), Persian yeh and
 * keheh as their Arabic letters (people type both), without the Arabic article and a leading و
 * ("and") when at least two letters remain.
 */
export function vocabularyForm(word: string): string {
	let w = foldText(word).replace(/[یى]/g, 'ي').replace(/ک/g, 'ك').replace(/[ۀە]/g, 'ه').replace(/\u200c/g, '');
	if (ARABIC.test(w)) {
		for (const prefix of ['وال', 'فال', 'بال', 'كال', 'لل', 'ال']) {
			if (w.startsWith(prefix) && w.length - prefix.length >= 2) {
				w = w.slice(prefix.length);
				return w;
			}
		}
		if (w.startsWith('و') && w.length >= 4) w = w.slice(1);
	}
	return w;
}

/**
 * Words of a text as the vocabulary compares them: runs of letters and digits, split where the
 * query and the index split too (a Persian half-space separates "کلاس‌های" into two words).
 */
export function vocabularyWords(text: string): { raw: string; form: string }[] {
	const out: { raw: string; form: string }[] = [];
	for (const raw of text.normalize('NFC').toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? []) {
		const form = vocabularyForm(raw);
		if (form) out.push({ raw, form });
	}
	return out;
}

/**
 * Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring),
 * or `max + 1` as soon as it must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	const n = b.length;
	if (rows[0].length <= n) for (let i = 0; i < 3; i++) rows[i] = new Int32Array(n + 16);
	let [prev2, prev, cur] = rows;
	for (let j = 0; j <= n; j++) prev[j] = j;
	for (let i = 1; i <= a.length; i++) {
		cur[0] = i;
		let rowMin = i;
		for (let j = 1; j <= n; j++) {
			const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
			let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2] + 1);
			cur[j] = v;
			if (v < rowMin) rowMin = v;
		}
		if (rowMin > max) return max + 1;
		[prev2, prev, cur] = [prev, cur, prev2];
	}
	return prev[n];
}

/** Rows of `editDistance`, reused (the vocabulary is matched synchronously). */
const rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * The strings `word` becomes with up to `edits` letters deleted (itself included): two words
 * within edit distance d share such a variant with at most d deletions each (symmetric delete,
 * as SymSpell finds spelling candidates without comparing against every word).
 */
function deletions(word: string, edits: number): Set<string> {
	const out = new Set([word]);
	let frontier = [word];
	for (let e = 0; e < edits; e++) {
		const next: string[] = [];
		for (const w of frontier) {
			for (let i = 0; i < w.length; i++) {
				const d = w.slice(0, i) + w.slice(i + 1);
				if (!out.has(d)) {
					out.add(d);
					next.push(d);
				}
			}
		}
		frontier = next;
	}
	return out;
}

/** Typos forgiven in a word of `length` letters: 1 from 5, 2 from 9 (Meilisearch's and Typesense's defaults). */
export function typoBudget(length: number): number {
	return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

function commonPrefix(a: string, b: string): number {
	let i = 0;
	while (i < a.length && i < b.length && a[i] === b[i]) i++;
	return i;
}

/** Quality of a query word `q` matching the vocabulary word `v` (both in `vocabularyForm`), 0 for none. */
function wordQuality(q: string, v: VocabWord, rawQuery: string, readerLang: string): number {
	const form = v.form;
	if (form.length <= 3 || q.length <= 3) {
		// Short words are ambiguous across languages: only as typed, or in the reader's language.
		return q === form && (v.raws.has(rawQuery) || v.langs.has(readerLang)) ? 1 : 0;
	}
	if (q === form) return 1;
	const [short, long] = q.length <= form.length ? [q, form] : [form, q];
	const common = commonPrefix(short, long);
	const replaced = v.cyrillic ? 2 : 1;
	if (common >= 4 && common >= short.length - replaced && long.length - common <= 4 && short.length - common <= replaced) return 0.95;
	const budget = typoBudget(q.length);
	if (budget > 0) {
		const d = editDistance(q, form, budget);
		if (d <= budget) return d === 1 ? 0.8 : 0.7;
		// A typo in front of an inflection ending: "wonungen" ~ "wohnung" + "en".
		for (let extra = 1; extra <= 3 && form.length + extra < q.length; extra++) {
			const dd = editDistance(q.slice(0, q.length - extra), form, budget);
			if (dd > 0 && dd <= budget) return dd === 1 ? 0.8 : 0.7;
		}
	}
	if ((v.latin || v.cyrillic) && form.length >= 5 && q.length >= form.length + 3 && (q.startsWith(form) || q.endsWith(form))) return 0.75;
	return 0;
}

/** Vocabulary words a query word may match (see `wordQuality`), found through the indexes. */
function candidatesFor(v: Vocabulary, q: string): VocabWord[] {
	const out = new Set<VocabWord>();
	const exact = v.words.get(q);
	if (exact) out.add(exact);
	if (q.length <= 3) return [...out];
	// Inflections share their first four letters.
	for (const w of v.byPrefix.get(q.slice(0, 4)) ?? []) out.add(w);
	// Typos, also in front of an inflection ending of up to three letters: shared deletions.
	const budget = typoBudget(q.length);
	if (budget) {
		for (let cut = 0; cut <= 3 && q.length - cut >= 4; cut++) {
			for (const d of deletions(q.slice(0, q.length - cut), budget)) for (const w of v.byDeletion.get(d) ?? []) out.add(w);
		}
	}
	// Compound parts: a term word of 5+ letters at the start or the end.
	for (let k = 5; k <= q.length - 3; k++) {
		const head = v.words.get(q.slice(0, k));
		const tail = v.words.get(q.slice(q.length - k));
		if (head) out.add(head);
		if (tail) out.add(tail);
	}
	return [...out];
}

/** Per vocabulary: what one query word matches (`wordMatchesOf`), by language and word as typed. */
const heldMatches = new WeakMap<Vocabulary, Held<ReadonlyMap<string, number>>>();

/**
 * The vocabulary words one query word matches, with the quality of each (`wordQuality`), held per
 * vocabulary: finding typo candidates was about 5 % of an uncached search (issue 17 §2), and the
 * same words come again and again.
 * @param form the word in `vocabularyForm`; `raw` as typed (lowercased); `lang` the reader's primary language.
 */
function wordMatchesOf(v: Vocabulary, form: string, raw: string, lang: string): ReadonlyMap<string, number> {
	let matchesOf = heldMatches.get(v);
	if (!matchesOf) {
		matchesOf = held(20_000);
		heldMatches.set(v, matchesOf);
	}
	return matchesOf.get(`${lang}\u0000${raw}`, () => {
		const matches = new Map<string, number>();
		for (const vw of candidatesFor(v, form)) {
			const q = wordQuality(form, vw, raw, lang);
			if (q) matches.set(vw.form, q);
		}
		return matches;
	});
}

/** What went wrong with a vocabulary file: file, concept, why. */
export class VocabularyError extends Error {
	constructor(problems: string[]) {
		super(`search vocabulary: ${problems.join('; ')}`);
		this.name = 'VocabularyError';
	}
}

interface ConceptFile {
	concepts: Record<string, Partial<Omit<Concept, 'key' | 'expansion' | 'filter'>> & { filter?: ConceptFilter }>;
}
interface LanguageFile {
	language: string;
	stopwords?: string[];
	fillers?: string[];
	terms: Record<string, string[]>;
}

const LINKS = {
	subtopics: new Set(Object.keys(SUBTOPIC_FIELD)),
	themeFields: new Set(THEME_FIELDS.map((t) => t.key)),
	targetGroups: new Set(TARGET_GROUPS.map((t) => t.key)),
	actorTypes: new Set<string>(ACTOR_TYPES.map((t) => t.key)),
	amenities: new Set(Object.keys(OSM_AMENITY_TYPES))
} as const;

function readJson<T>(file: string, problems: string[]): T | null {
	try {
		return JSON.parse(readFileSync(file, 'utf8')) as T;
	} catch (e) {
		problems.push(`${path.basename(file)}: not readable JSON (${(e as Error).message})`);
		return null;
	}
}

/**
 * Reads and checks a vocabulary folder.
 * @throws VocabularyError listing every problem (file, concept, term): unreadable JSON, a
 *   language file whose `language` differs from its name, a term of an unknown concept, a concept
 *   linked to an unknown sub-topic, theme field, target group, actor type, amenity or facet, an
 *   empty term, a concept without links and without German words to search for.
 */
export function loadVocabulary(dir: string): Vocabulary {
	const problems: string[] = [];
	const conceptFile = readJson<ConceptFile>(path.join(dir, 'concepts.json'), problems);
	if (!conceptFile) throw new VocabularyError(problems);
	const concepts = new Map<string, Concept>();
	for (const [key, c] of Object.entries(conceptFile.concepts ?? {})) {
		const concept: Concept = {
			key,
			subtopics: c.subtopics ?? [],
			themeFields: c.themeFields ?? [],
			targetGroups: c.targetGroups ?? [],
			actorTypes: c.actorTypes ?? [],
			amenities: c.amenities ?? [],
			filter: c.filter ?? null,
			expansion: []
		};
		for (const kind of Object.keys(LINKS) as (keyof typeof LINKS)[]) {
			for (const v of concept[kind]) if (!LINKS[kind].has(v)) problems.push(`concepts.json: ${key}: unknown ${kind} "${v}"`);
		}
		const f = concept.filter;
		if (f) {
			if (f.cost !== undefined && !COST_KINDS.includes(f.cost)) problems.push(`concepts.json: ${key}: unknown cost "${f.cost}"`);
			if (f.language !== undefined && !/^[a-z]{2,3}$/.test(f.language)) problems.push(`concepts.json: ${key}: language "${f.language}" is not a primary language subtag`);
			const known = ['cost', 'lowThreshold', 'stepFree', 'language'];
			for (const k of Object.keys(f)) if (!known.includes(k)) problems.push(`concepts.json: ${key}: unknown filter "${k}"`);
		}
		concepts.set(key, concept);
	}
	const files = readdirSync(dir)
		.filter((f) => f.endsWith('.json') && f !== 'concepts.json')
		.sort();
	const words = new Map<string, VocabWord>();
	const termIndex = new Map<string, number>();
	const terms: Term[] = [];
	const fillers = new Map<string, Set<string>>();
	const languages: string[] = [];
	const stopwordsOf = new Map<string, Set<string>>();
	const parsed: { file: string; data: LanguageFile }[] = [];
	for (const file of files) {
		const data = readJson<LanguageFile>(path.join(dir, file), problems);
		if (!data) continue;
		if (data.language !== file.replace(/\.json$/, '')) {
			problems.push(`${file}: "language" is "${data.language}", the file name says "${file.replace(/\.json$/, '')}"`);
			continue;
		}
		languages.push(data.language);
		parsed.push({ file, data });
		stopwordsOf.set(data.language, new Set((data.stopwords ?? []).map(vocabularyForm)));
		for (const w of [...(data.stopwords ?? []), ...(data.fillers ?? [])]) {
			for (const { raw, form } of vocabularyWords(w)) {
				const set = fillers.get(form) ?? fillers.set(form, new Set()).get(form)!;
				set.add(data.language);
				set.add(`raw:${raw}`);
			}
		}
	}
	for (const { file, data } of parsed) {
		const stop = stopwordsOf.get(data.language)!;
		const fillerForms = new Set([...stop, ...(data.fillers ?? []).flatMap((f) => vocabularyWords(f).map((w) => w.form))]);
		for (const [key, list] of Object.entries(data.terms ?? {})) {
			const concept = concepts.get(key);
			if (!concept) {
				problems.push(`${file}: terms of unknown concept "${key}"`);
				continue;
			}
			for (const text of list) {
				const all = vocabularyWords(text);
				const content = all.filter((w) => !stop.has(w.form));
				const used = content.length ? content : all;
				if (!used.length) {
					problems.push(`${file}: ${key}: empty term "${text}"`);
					continue;
				}
				if (used.every((w) => fillerForms.has(w.form))) {
					problems.push(`${file}: ${key}: "${text}" has only stop words and fillers of its language, so it would match every query with "${used[0].raw}"`);
					continue;
				}
				if (data.language === EXPANSION_LANGUAGE && used.length === 1 && concept.expansion.length < EXPANSION_WORDS && used[0].form.length >= 3) {
					if (!concept.expansion.includes(used[0].form)) concept.expansion.push(used[0].form);
				}
				const id = used.map((w) => w.form).join(' ');
				let t = termIndex.get(id);
				if (t === undefined) {
					t = terms.push({ words: used.map((w) => w.form), concepts: [] }) - 1;
					termIndex.set(id, t);
				}
				if (!terms[t].concepts.includes(key)) terms[t].concepts.push(key);
				for (const w of used) {
					const entry =
						words.get(w.form) ??
						words.set(w.form, { form: w.form, raws: new Set(), langs: new Set(), terms: [], cyrillic: CYRILLIC.test(w.form), latin: LATIN.test(w.form) }).get(w.form)!;
					entry.raws.add(w.raw);
					entry.langs.add(data.language);
					if (!entry.terms.includes(t)) entry.terms.push(t);
				}
			}
		}
	}
	for (const c of concepts.values()) {
		const linked = c.subtopics.length + c.themeFields.length + c.targetGroups.length + c.actorTypes.length + c.amenities.length + (c.filter ? 1 : 0);
		if (!linked && !c.expansion.length) problems.push(`concepts.json: ${c.key}: linked to nothing and has no German single-word term to search for`);
	}
	if (problems.length) throw new VocabularyError(problems);
	const byPrefix = new Map<string, VocabWord[]>();
	const byDeletion = new Map<string, VocabWord[]>();
	const push = (map: Map<string, VocabWord[]>, key: string, w: VocabWord) => (map.get(key) ?? map.set(key, []).get(key)!).push(w);
	for (const w of words.values()) {
		if (w.form.length <= 3) continue;
		push(byPrefix, w.form.slice(0, 4), w);
		// A query of 9+ letters (two typos) is within reach of words of 7+; of 5+ letters (one typo), of 4+.
		for (const d of deletions(w.form, w.form.length >= 7 ? 2 : 1)) push(byDeletion, d, w);
	}
	return { concepts, languages, words, terms, fillers, byPrefix, byDeletion };
}

let loaded: Vocabulary | null = null;

/** The vocabulary of `VOCABULARY_DIR` (default `data/vocabulary`), read once per process. */
export function vocabulary(): Vocabulary {
	loaded ??= loadVocabulary(path.resolve(process.env.VOCABULARY_DIR || 'data/vocabulary'));
	return loaded;
}

/** A query word for `matchVocabulary`: lowercase as typed, and folded. */
export interface QueryWord {
	raw: string;
	folded: string;
}

/**
 * The concepts each query word stands for, and which words are fillers.
 * @param words the query's words in order (stop words included: terms may need them).
 * @param readerLang the reader's language (short words of it match without diacritics).
 * @returns one entry per query word, in the same order.
 */
export function matchVocabulary(v: Vocabulary, words: QueryWord[], readerLang: string): WordConcepts[] {
	const lang = readerLang.split('-')[0];
	const forms = words.map((w) => vocabularyForm(w.raw));
	// Candidates: each query word, and each pair of neighbours written together.
	const candidates: { tokens: number[]; form: string; raw: string }[] = forms.map((form, i) => ({ tokens: [i], form, raw: words[i].raw }));
	for (let i = 0; i + 1 < forms.length; i++) {
		if (LATIN.test(forms[i]) && LATIN.test(forms[i + 1])) candidates.push({ tokens: [i, i + 1], form: forms[i] + forms[i + 1], raw: words[i].raw + words[i + 1].raw });
	}
	// Vocabulary words each candidate matches, with quality; two words written together only exactly.
	const wordMatches = candidates.map((c) => {
		if (c.tokens.length > 1 || !c.form) {
			const exact = c.form ? v.words.get(c.form) : undefined;
			return new Map(exact ? [[exact.form, 1]] : []);
		}
		return wordMatchesOf(v, c.form, c.raw, lang);
	});
	// Terms whose every word is matched by a different query word.
	const best = words.map(() => 0);
	const matches: { tokens: number[]; quality: number; concepts: string[]; words: string[] }[] = [];
	const termsSeen = new Set<number>();
	for (const m of wordMatches) for (const w of m.keys()) for (const t of v.words.get(w)!.terms) termsSeen.add(t);
	for (const t of termsSeen) {
		const term = v.terms[t];
		const used = new Set<number>();
		let quality = 1;
		const tokens: number[] = [];
		for (const tw of term.words) {
			let pick = -1;
			let pickQ = 0;
			candidates.forEach((c, ci) => {
				const q = wordMatches[ci].get(tw) ?? 0;
				if (q > pickQ && c.tokens.every((x) => !used.has(x))) {
					pick = ci;
					pickQ = q;
				}
			});
			if (pick < 0) {
				quality = 0;
				break;
			}
			for (const x of candidates[pick].tokens) used.add(x);
			tokens.push(...candidates[pick].tokens);
			quality = Math.min(quality, pickQ);
		}
		if (!quality) continue;
		matches.push({ tokens, quality, concepts: term.concepts, words: term.words });
		for (const x of tokens) best[x] = Math.max(best[x], quality);
	}
	return words.map((w, i) => {
		const concepts = new Map<string, number>();
		const matched = new Set<string>();
		// The best matches of this word; of those, a term of several words is the more specific
		// reading ("Kind Schule anmelden" is about school, not about children).
		const mine = matches.filter((m) => m.tokens.includes(i) && m.quality >= best[i]);
		const phrases = mine.filter((m) => m.tokens.length > 1);
		for (const m of phrases.length ? phrases : mine) {
			for (const c of m.concepts) concepts.set(c, Math.max(concepts.get(c) ?? 0, m.quality));
			if (m.quality < 1) for (const x of m.words) if (!forms.includes(x)) matched.add(x);
		}
		const fallback = new Map<string, number>();
		if (phrases.length) {
			for (const m of mine) if (m.tokens.length === 1) for (const c of m.concepts) if (!concepts.has(c)) fallback.set(c, Math.max(fallback.get(c) ?? 0, m.quality));
		}
		const filler = !concepts.size && isFiller(v, forms[i], w.raw, lang);
		return { concepts, matched: [...matched], filler, fallback };
	});
}

function isFiller(v: Vocabulary, form: string, raw: string, lang: string): boolean {
	const f = v.fillers.get(form);
	if (!f) return false;
	// Short fillers ("is", "de", "ne") are words elsewhere: only as typed or in the reader's language.
	return form.length > 3 || f.has(lang) || f.has(`raw:${raw}`);
}
