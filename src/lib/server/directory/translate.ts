/**
 * Machine-translation hook of the directory (issue 3 §3): a pluggable provider — a self-hosted
 * LibreTranslate or DeepL — configured by `MT_PROVIDER`, `MT_URL`, `MT_API_KEY` (see
 * `config.ts`), off by default. Staff use it to fill the missing language versions of an offer's
 * texts; every version it writes has the status `machine` and the original's hash as basis, so it
 * shows as machine-translated and turns `outdated` when the original changes.
 */
import type { Principal } from '../access';
import type { Db } from '../db/client';
import { readConfig, type AppConfig } from '../core/config';
import { CONTENT_LANGUAGES, EASY_GERMAN } from './model';
import { getService, requireEditable, saveService, serviceToInput, type ServiceInput } from './service';
import type { TranslatedText } from './schema';
import { effectiveStatus, originalLanguage, textHash } from './texts';
import { NotFoundError } from '../core/errors';

/** A translation service: translates texts (same order out as in) from one language to another. */
export interface TranslationProvider {
	/** Provider name for the audit log, e.g. `libretranslate`. */
	name: string;
	/** Whether the provider can translate into `lang` (a content language tag). */
	supports(lang: string): boolean;
	/** @throws Error with the provider's HTTP status when the request fails. */
	translate(texts: string[], from: string, to: string): Promise<string[]>;
}

/** The offer texts the hook translates (places' and schedules' short notes are left to people). */
export const TRANSLATED_FIELDS = ['name', 'description', 'costNote', 'accessRequirements', 'requiredDocuments', 'eligibility'] as const;

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000)
	});
	if (!res.ok) throw new Error(`machine translation failed: ${url} answered HTTP ${res.status}`);
	return res.json();
}

/**
 * LibreTranslate (`POST <url>/translate` with `q` as a list, `source`, `target`, `format: text`,
 * optional `api_key`; answers `{ translatedText: string[] }`). Leichte Sprache is not a language
 * it knows, so `de-x-ls` is never machine-translated.
 */
export function libreTranslate(url: string, apiKey?: string): TranslationProvider {
	return {
		name: 'libretranslate',
		supports: (lang) => lang !== EASY_GERMAN,
		async translate(texts, from, to) {
			const out = (await postJson(`${url}/translate`, {
				q: texts,
				source: from === EASY_GERMAN ? 'de' : from,
				target: to,
				format: 'text',
				...(apiKey ? { api_key: apiKey } : {})
			})) as { translatedText?: unknown };
			const result = out.translatedText;
			if (!Array.isArray(result) || result.length !== texts.length || result.some((t) => typeof t !== 'string')) {
				throw new Error('machine translation failed: LibreTranslate answered without a list of texts');
			}
			return result as string[];
		}
	};
}

/** DeepL target codes of the content languages (DeepL has no Dari/Farsi nor Leichte Sprache). */
const DEEPL_TARGETS: Record<string, string> = { de: 'DE', en: 'EN-GB', ar: 'AR', uk: 'UK', tr: 'TR', ru: 'RU' };

/** DeepL API v2 (`POST <url>/v2/translate`, `Authorization: DeepL-Auth-Key <key>`). */
function deepl(url: string, apiKey: string): TranslationProvider {
	return {
		name: 'deepl',
		supports: (lang) => lang in DEEPL_TARGETS,
		async translate(texts, from, to) {
			const out = (await postJson(
				`${url}/v2/translate`,
				{ text: texts, source_lang: (from === EASY_GERMAN ? 'de' : from).split('-')[0].toUpperCase(), target_lang: DEEPL_TARGETS[to] },
				{ authorization: `DeepL-Auth-Key ${apiKey}` }
			)) as { translations?: { text?: unknown }[] };
			const result = out.translations?.map((t) => t.text);
			if (!result || result.length !== texts.length || result.some((t) => typeof t !== 'string')) {
				throw new Error('machine translation failed: DeepL answered without a list of texts');
			}
			return result as string[];
		}
	};
}

/** The configured provider, or null when machine translation is off (the default). */
export function configuredProvider(config: AppConfig = readConfig()): TranslationProvider | null {
	const mt = config.machineTranslation;
	if (!mt) return null;
	return mt.provider === 'deepl' ? deepl(mt.url, mt.apiKey!) : libreTranslate(mt.url, mt.apiKey);
}

/**
 * Languages a text lacks that the provider can fill: content languages with no version, and
 * machine translations that became outdated (a human translation, even outdated, is kept).
 */
function missingLanguages(t: TranslatedText, provider: TranslationProvider): string[] {
	const orig = originalLanguage(t);
	if (!orig) return [];
	return CONTENT_LANGUAGES.filter(
		(lang) =>
			lang !== orig &&
			provider.supports(lang) &&
			(!t[lang] || (t[lang].status === 'machine' && effectiveStatus(t, lang) === 'outdated'))
	);
}

/**
 * Fills the missing language versions of an offer's texts (`TRANSLATED_FIELDS`) through the
 * provider, with status `machine` and the original's hash as basis, and saves the offer
 * (audited field by field as the principal, labelled `mt:<provider>`).
 * @returns the languages filled per field (empty when nothing was missing).
 * @throws NotFoundError when there is no such offer; AccessDeniedError without `directory:edit`
 *   on it (checked before the provider is asked); Error when the provider fails (nothing saved).
 */
export async function machineTranslateService(
	db: Db,
	principal: Principal,
	serviceId: string,
	provider: TranslationProvider
): Promise<Record<string, string[]>> {
	await requireEditable(db, principal, 'service', serviceId);
	const current = await getService(db, serviceId, ['public', 'network', 'internal']);
	if (!current) throw new NotFoundError(`offer ${serviceId} not found`);
	const input: ServiceInput = serviceToInput(current);
	const filled: Record<string, string[]> = {};
	// One request per source and target language pair, with all texts that need it.
	const jobs = new Map<string, { from: string; to: string; fields: (typeof TRANSLATED_FIELDS)[number][] }>();
	for (const field of TRANSLATED_FIELDS) {
		const from = originalLanguage(input[field]);
		if (!from) continue;
		for (const to of missingLanguages(input[field], provider)) {
			const job = jobs.get(`${from}>${to}`) ?? { from, to, fields: [] };
			job.fields.push(field);
			jobs.set(`${from}>${to}`, job);
		}
	}
	for (const { from, to, fields } of jobs.values()) {
		const originals = fields.map((f) => input[f][from].text);
		const texts = await provider.translate(originals, from, to);
		fields.forEach((field, i) => {
			if (!texts[i].trim()) return;
			input[field] = { ...input[field], [to]: { text: texts[i].trim(), status: 'machine', basis: textHash(originals[i]) } };
			(filled[field] ??= []).push(to);
		});
	}
	if (Object.keys(filled).length) {
		await saveService(db, principal, current.municipalityId, input, { id: serviceId, allowOutside: true, via: `mt:${provider.name}` });
	}
	return filled;
}
