/**
 * Plurals (issue 12 §8: "1 Monate", "1 Felder" must not appear): counts are put into words by the
 * message format's plural variants, one per category of `Intl.PluralRules` in each language
 * (Arabic has six, Russian and Ukrainian four, German and English two; Turkish and Persian keep
 * the noun singular after a number and need one). Checks the message files and what the compiled
 * messages say for counts that fall into every category.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { m } from '../../src/lib/paraglide/messages.js';
import { numberInputs, numbersShownRaw } from '../helpers/message-numbers';

const LOCALES = ['de', 'en', 'ar', 'fa', 'uk', 'tr', 'ru'] as const;
type Locale = (typeof LOCALES)[number];
/** Counts that reach every plural category of the seven languages (0 zero, 1 one, 2 two, 3 few, 11 many, 100 other …). */
const COUNTS = [0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 102, 111, 1.5];

interface Variant {
	declarations: string[];
	selectors: string[];
	match: Record<string, string>;
}

/** Every message folder's file of `locale`: `messages/<locale>.json` and `messages/*\/<locale>.json`. */
function messageFiles(locale: Locale): string[] {
	const dirs = ['messages', ...readdirSync('messages').map((d) => path.join('messages', d)).filter((d) => statSync(d).isDirectory())];
	return dirs.map((d) => path.join(d, `${locale}.json`)).filter((f) => {
		try {
			return statSync(f).isFile();
		} catch {
			return false;
		}
	});
}

/** key → message (a text, or variants) of one language, over all folders. */
function messagesOf(locale: Locale): Map<string, string | Variant[]> {
	const out = new Map<string, string | Variant[]>();
	for (const file of messageFiles(locale)) {
		for (const [key, value] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string | Variant[]>)) {
			if (key !== '$schema') out.set(key, value);
		}
	}
	return out;
}

/** The plural selectors of a message: `local xPlural = x: plural` → { selector: 'xPlural', input: 'x' }. */
function pluralSelectors(v: Variant): { selector: string; input: string }[] {
	return v.declarations.flatMap((d) => {
		const found = /^local (\w+) = (\w+): plural\b/.exec(d);
		return found && v.selectors.includes(found[1]) ? [{ selector: found[1], input: found[2] }] : [];
	});
}

type MessageFn = (params: Record<string, unknown>, options: { locale: Locale }) => string;
const compiled = m as unknown as Record<string, MessageFn>;

/** Plural messages of the base language, with the input that selects the variant. */
const PLURAL_KEYS = [...messagesOf('de')].flatMap(([key, value]) => (Array.isArray(value) ? pluralSelectors(value[0]).map((s) => ({ key, input: s.input })) : []));

describe('plural forms (issue 12 §8)', () => {
	it('has plural messages for the counted words of the UI', () => {
		for (const key of ['cs_close_hint', 'ds_proposal_change', 'rt_when_cases', 'cv_cell_offers', 'nr_results', 'compare_caption', 'error_too_long']) {
			expect(PLURAL_KEYS.map((k) => k.key), key).toContain(key);
		}
	});

	it.each(LOCALES)('uses only the plural categories of %s, each of them or none, with the catch-all last', (locale) => {
		const categories: string[] = new Intl.PluralRules(locale).resolvedOptions().pluralCategories.filter((c) => c !== 'other');
		const messages = messagesOf(locale);
		const wrong: string[] = [];
		for (const { key } of PLURAL_KEYS) {
			const message = messages.get(key);
			if (!Array.isArray(message)) {
				wrong.push(`${key}: not a plural message`);
				continue;
			}
			for (const { selector } of pluralSelectors(message[0])) {
				const keys = Object.keys(message[0].match);
				const used = keys.map((k) => new RegExp(`${selector}=([\\w*]+)`).exec(k)?.[1]);
				if (used.at(-1) !== '*') wrong.push(`${key}: the catch-all (*) must come last`);
				const named = used.filter((c) => c !== '*');
				const unknown = named.filter((c) => !categories.includes(c ?? ''));
				if (unknown.length) wrong.push(`${key}: ${unknown.join(', ')} is no plural category of ${locale}`);
				if (named.length && named.length !== categories.length) wrong.push(`${key}: has ${named.join(', ')} of ${categories.join(', ')}`);
			}
		}
		expect(wrong).toEqual([]);
	});

	it.each(LOCALES)('says every count in %s in words, never the message key, a placeholder or a bare code', (locale) => {
		const wrong: string[] = [];
		for (const { key, input } of PLURAL_KEYS) {
			for (const n of COUNTS) {
				const text = compiled[key]({ [input]: n, max: 5, count: 3, unanswered: 1, version: 2, title: 'T' }, { locale });
				if (text === key || /[{}]/.test(text) || !text.trim()) wrong.push(`${key}(${n}): ${text}`);
			}
		}
		expect(wrong).toEqual([]);
	});

	it('puts the counted word in the right form', () => {
		const say = (key: string, params: Record<string, unknown>, locale: Locale) => compiled[key](params, { locale });
		expect(say('cs_close_hint', { months: 1 }, 'de')).toContain('nach 1 Monat gelöscht');
		expect(say('cs_close_hint', { months: 6 }, 'de')).toContain('nach 6 Monaten gelöscht');
		expect(say('ds_proposal_change', { count: 1 }, 'de')).toBe('Änderung (1 Feld)');
		expect(say('ds_proposal_change', { count: 1 }, 'en')).toBe('change (1 field)');
		expect(say('rt_when_cases', { months: 1 }, 'de')).toMatch(/^1 Monat nach/);
		expect(say('cv_cell_offers', { count: 12740 }, 'de')).toBe('12.740 Angebote');
		// Arabic: the dual without a numeral, 3–10 plural, 11–99 singular accusative, 100 singular.
		expect(say('cs_close_hint', { months: 2 }, 'ar')).toContain('بعد شهرين');
		expect(say('cs_close_hint', { months: 3 }, 'ar')).toContain('3 أشهر');
		expect(say('cs_close_hint', { months: 11 }, 'ar')).toContain('11 شهرًا');
		expect(say('cs_close_hint', { months: 100 }, 'ar')).toContain('100 شهر.');
		// Russian and Ukrainian: 1 and 21 one, 2–4 few, 5–20 many.
		expect(say('cs_close_hint', { months: 21 }, 'ru')).toContain('через 21 месяц.');
		expect(say('cs_close_hint', { months: 3 }, 'ru')).toContain('через 3 месяца.');
		expect(say('cs_close_hint', { months: 12 }, 'ru')).toContain('через 12 месяцев.');
		expect(say('nr_results', { count: 22 }, 'uk')).toBe('22 повідомлення');
		expect(say('nr_results', { count: 25 }, 'uk')).toBe('25 повідомлень');
		// Persian digits where the reader reads Persian.
		expect(say('nr_results', { count: 12 }, 'fa')).toBe('۱۲ گزارش');
	});

	it.each(LOCALES)('writes every count in %s with the language\'s digits and separators, never raw', (locale) => {
		const raw: string[] = [];
		for (const [key, value] of messagesOf(locale)) {
			if (!Array.isArray(value)) continue;
			for (const variant of value) {
				for (const { input } of pluralSelectors(variant)) {
					if (Object.values(variant.match).some((text) => text.includes(`{${input}}`))) raw.push(key);
				}
			}
		}
		expect(raw).toEqual([]);
		const say = (key: string, params: Record<string, unknown>) => compiled[key](params, { locale });
		const digits = { fa: '۱٬۲۳۴', de: '1.234', tr: '1.234', en: '1,234', ar: '1,234', ru: '1\u00a0234', uk: '1\u00a0234' }[locale];
		expect(say('pa_results_total', { count: 1234 })).toContain(digits);
		expect(say('vo_card_year', { from: 'A', to: 'B', hours: 12.5 })).toContain(new Intl.NumberFormat(locale).format(12.5));
	});

	it('writes every number the code gives a message with the reader\'s digits, in every language', { timeout: 60_000 }, () => {
		// The type checker finds the inputs given a number (in TypeScript and in Svelte components);
		// the message must format them (`local xText = x: number`), not show `{x}` as JavaScript wrote it.
		const inputs = numberInputs(path.resolve(__dirname, '../..'));
		// The search reaches components and server code alike (a check that finds nothing proves nothing).
		for (const known of ['ho_places.capacity', 'ps_suppressed.k', 'vo_panel_needs.open', 'in_report_annual.year']) {
			expect(inputs.map((i) => `${i.key}.${i.input}`)).toContain(known);
		}
		const raw = LOCALES.flatMap((locale) => {
			const messages = messagesOf(locale);
			return inputs.flatMap(({ key, input, at }) => {
				const message = messages.get(key);
				const texts = typeof message === 'string' ? [message] : (message ?? []).flatMap((v) => Object.values(v.match));
				return texts.some((t) => t.includes(`{${input}}`)) ? [`${locale} ${key}: {${input}} is given a number at ${at}`] : [];
			});
		});
		expect(raw).toEqual([]);
		const say = (key: string, params: Record<string, unknown>, locale: Locale) => compiled[key](params, { locale });
		expect(say('vo_panel_needs', { open: 3, filled: 0 }, 'fa')).toContain('۳');
		expect(say('vo_panel_needs', { open: 1234, filled: 0 }, 'de')).toContain('1.234 offen');
		// Years, versions and positions are numbers people read as names: no thousands separator.
		expect(say('in_report_annual', { municipality: 'Düsseldorf', year: 2026 }, 'de')).toBe('Jahresbericht Düsseldorf 2026');
		expect(say('in_report_annual', { municipality: 'دوسلدورف', year: 2026 }, 'fa')).toContain('۲۰۲۶');
		expect(say('adm_problem_line', { line: 12 }, 'ar')).toContain('12');
	});

	it('writes no number into a page\'s markup as JavaScript writes it', { timeout: 60_000 }, () => {
		const found = numbersShownRaw(path.resolve(__dirname, '../..'));
		// An HTTP status is a protocol code, written as the protocol writes it (the root error page has
		// no language); that the error pages' status is found shows the search reads markup at all.
		expect(found.filter((r) => r.expression === 'page.status').map((r) => r.at)).toContain('src/routes/+error.svelte:5');
		expect(found.filter((r) => r.expression !== 'page.status').map((r) => `${r.at}: {${r.expression}}`)).toEqual([]);
	});

	it.each(LOCALES.filter((l) => l !== 'en'))('leaves no sentence of %s in English', (locale) => {
		// Names (Stadt Köln, SGB VIII, OpenStreetMap) are kept as they are; three English words of three letters or more are a sentence nobody translated.
		const texts = (v: string | Variant[] | undefined) => (typeof v === 'string' ? [v] : (v ?? []).flatMap((x) => Object.values(x.match)));
		const english = messagesOf('en');
		const copied = [...messagesOf(locale)].filter(([key, value]) => {
			const own = texts(value);
			return own.join('\n') === texts(english.get(key)).join('\n') && own.some((t) => (t.replace(/\{\w+\}/g, '').match(/[A-Za-z]{3,}/g) ?? []).length >= 3);
		});
		expect(copied.map(([key]) => key)).toEqual([]);
	});

	it('leaves no German count before a plural noun outside a plural message', () => {
		const nouns = 'Monate|Monaten|Tage|Tagen|Wochen|Jahre|Jahren|Stunden|Minuten|Felder|Einträge|Einträgen|Angebote|Angeboten|Meldungen|Kriterien|Zeilen|Spalten|Sozialräume|Anlaufstellen|Fälle|Fällen|Kontakte|Verweise|Vorschläge|Zeichen';
		const pattern = new RegExp(`\\{\\w+\\}\\s+(${nouns})\\b`);
		const wrong = [...messagesOf('de')].filter(([, v]) => typeof v === 'string' && pattern.test(v)).map(([k, v]) => `${k}: ${v}`);
		expect(wrong).toEqual([]);
	});
});
