/**
 * Steuerung's vocabularies, limits and rules as data (issue 5): the workflow of needs reports,
 * the funder levels of programmes, the rating scale of the self-assessment, the coverage rules
 * and the report formats. Pure: no database. Sources: seed 002 (Bedarfe melden, Programme und
 * Mittel), seed 000 (Aufgabenkatalog und Qualitätskriterien), MODEL.md, docs/coverage.md.
 */
import { SMALL_COUNT_THRESHOLD } from '../casework/model';
import { SUBTOPIC_FIELD, THEME_FIELDS } from '../directory/model';

/** Workflow statuses of a needs report (Bedarfsmeldung) in order; the last two are final. */
export const NEEDS_STATUSES = ['reported', 'under_review', 'in_planning', 'implemented', 'declined'] as const;
export type NeedsStatus = (typeof NEEDS_STATUSES)[number];

/** A report is OPEN in these statuses; CLOSED in the others. */
export const OPEN_NEEDS_STATUSES: readonly NeedsStatus[] = ['reported', 'under_review', 'in_planning'];

/** The status filter of the report list: a status, or `open` / `closed` for the group. */
export const NEEDS_STATUS_FILTERS = ['open', 'closed', ...NEEDS_STATUSES] as const;

/** Urgency levels of a needs report. */
export const NEEDS_URGENCIES = ['low', 'medium', 'high'] as const;

/**
 * Allowed status changes: one step forward, or `declined` from any open status. `implemented`
 * and `declined` are final.
 */
export const NEEDS_TRANSITIONS: Record<NeedsStatus, readonly NeedsStatus[]> = {
	reported: ['under_review', 'declined'],
	under_review: ['in_planning', 'declined'],
	in_planning: ['implemented', 'declined'],
	implemented: [],
	declined: []
};

/** Largest attachment of a needs report, in bytes (5 MB). */
export const NEEDS_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;

/** Accepted attachment types with the leading bytes ("magic numbers") that identify them. */
export const NEEDS_ATTACHMENT_TYPES: Record<string, number[]> = {
	'application/pdf': [0x25, 0x50, 0x44, 0x46],
	'image/png': [0x89, 0x50, 0x4e, 0x47],
	'image/jpeg': [0xff, 0xd8, 0xff]
};

/** Longest evidence period of a needs report, in months. */
export const NEEDS_EVIDENCE_MAX_MONTHS = 24;

/** Longest title of a needs report. */
export const NEEDS_TITLE_MAX = 200;

/** Longest free text of a needs report (description, evidence note, responses, reasons). */
export const NEEDS_TEXT_MAX = 10_000;

/** Every topic key that can be picked as evidence: theme fields and sub-topics. */
export function needsTopicKeys(): string[] {
	return [...THEME_FIELDS.map((t) => t.key), ...Object.keys(SUBTOPIC_FIELD)];
}

/** Funder levels (Fördergeber-Ebene): Kommune, Regierungsbezirk, Land, Bund, EU, Stiftung, sonstige. Labels: `pg_level_<key>`. */
export const FUNDER_LEVELS = ['municipality', 'region', 'state', 'federal', 'eu', 'foundation', 'other'] as const;
export type FunderLevel = (typeof FUNDER_LEVELS)[number];

/** Longest short text of a programme (name, funder, labels, contact name). */
export const PROGRAMME_SHORT_MAX = 300;

/** Longest description of a programme. */
export const PROGRAMME_LONG_MAX = 5000;

/** Longest contact phone number of a programme. */
export const PROGRAMME_PHONE_MAX = 60;

/**
 * A euro amount as written in German: `12500`, `12.500`, `12.500,50`, `12500,5` (thousands
 * dots, decimal comma). No shared check reads this notation; an optional leading minus is read
 * so it can be refused as negative.
 */
const GERMAN_AMOUNT = /^(-)?\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/;

/**
 * Parses a euro amount written with a decimal comma (thousands dots allowed, `€` before or
 * after) into cents.
 * @returns cents, `null` for '' (unknown), or `'invalid'` / `'negative'`.
 */
export function parseEuroCents(text: string): number | null | 'invalid' | 'negative' {
	const t = text.trim().replace(/\s*€$/, '').replace(/^€\s*/, '');
	if (t === '') return null;
	const m = GERMAN_AMOUNT.exec(t);
	if (!m) return 'invalid';
	const cents = Number(m[2].replaceAll('.', '')) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
	if (!Number.isSafeInteger(cents)) return 'invalid';
	if (m[1] && cents > 0) return 'negative';
	return cents;
}

/** Cents as the programme form shows them again (`1250050` → `12500,50`), '' for null. */
export function centsToInput(cents: number | null): string {
	if (cents === null) return '';
	const euros = Math.floor(cents / 100);
	const rest = cents % 100;
	return rest ? `${euros},${String(rest).padStart(2, '0')}` : String(euros);
}

/** Ratings of the self-assessment: 0 not met, 1 partly, 2 largely, 3 fully met; labels `sa_rating_<n>`. */
export const RATINGS = [0, 1, 2, 3] as const;

/** Assessment years accepted: from 2000 to next year (a year is assessed during or after it). */
export const MIN_ASSESSMENT_YEAR = 2000;

/** The largest assessment year accepted at `now` (next calendar year). */
export function maxAssessmentYear(now: Date = new Date()): number {
	return now.getUTCFullYear() + 1;
}

/** A criterion's short code (`V1`, `N2a`): a letter or digit, then up to 15 of letters, digits, `.`, `_`, `-`. */
export const CRITERION_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/;

/** Longest title and task of a criterion, and of a catalogue title. */
export const CRITERION_TEXT_MAX = 300;

/** Longest description of a criterion, and evidence of an answer. */
export const CRITERION_LONG_MAX = 3000;

/** The coverage cell classes in order of precedence (the first that applies wins). */
export const COVERAGE_CLASSES = ['gap', 'stale', 'duplicate', 'thin', 'covered'] as const;
export type CoverageClass = (typeof COVERAGE_CLASSES)[number];

/**
 * Why a cell got its class: every rule that applies, in rule order. `no_offer`,
 * `unanswered_need`, `unmet_topics` (gap), `stale`, `duplicate`, `thin_per10k`, `thin_count`.
 */
export type CoverageReason = 'no_offer' | 'unanswered_need' | 'unmet_topics' | 'stale' | 'duplicate' | 'thin_per10k' | 'thin_count';

/** The configurable thresholds of the coverage matrix (all numbers, as stored in `coverage_setting.rules`). */
export interface CoverageRules {
	/** 1: an unanswered open needs report makes a gap; 0: it does not. */
	gapOnUnansweredNeed: number;
	/** Contacts with an unmet topic of the field (space, last 12 full months) from which the cell is a gap. */
	gapUnmetTopics: number;
	/** A cell with offers is stale when its fresh share is below this (0–1). */
	staleBelowFreshShare: number;
	/** pg_trgm similarity (0–1) of name + description from which two offers are possible duplicates. */
	duplicateSimilarity: number;
	/** Cells with more current offers than this are not checked for duplicates. */
	duplicateMaxOffers: number;
	/** A cell is thin below this many offers per 10,000 residents (when the population is known). */
	thinPer10k: number;
	/** A cell is thin with fewer offers than this. */
	thinBelowCount: number;
}

/** Coverage rule keys in display order. */
export const COVERAGE_RULE_KEYS = [
	'gapOnUnansweredNeed',
	'gapUnmetTopics',
	'staleBelowFreshShare',
	'duplicateSimilarity',
	'duplicateMaxOffers',
	'thinPer10k',
	'thinBelowCount'
] as const satisfies readonly (keyof CoverageRules)[];

/**
 * Default coverage rules (documented in docs/coverage.md). `gapUnmetTopics` = 10: twice the
 * small-count threshold, so a gap by unmet topics never rests on a count that is suppressed (1–4).
 */
export const DEFAULT_COVERAGE_RULES: Readonly<CoverageRules> = {
	gapOnUnansweredNeed: 1,
	gapUnmetTopics: 10,
	staleBelowFreshShare: 0.5,
	duplicateSimilarity: 0.6,
	duplicateMaxOffers: 30,
	thinPer10k: 1,
	thinBelowCount: 2
};

/** Allowed ranges of the coverage rules; `integer` rules refuse fractions. `gapUnmetTopics` starts at the small-count threshold. */
export const COVERAGE_RULE_LIMITS: Record<keyof CoverageRules, { min: number; max: number; integer: boolean }> = {
	gapOnUnansweredNeed: { min: 0, max: 1, integer: true },
	gapUnmetTopics: { min: SMALL_COUNT_THRESHOLD, max: 100_000, integer: true },
	staleBelowFreshShare: { min: 0, max: 1, integer: false },
	duplicateSimilarity: { min: 0.1, max: 1, integer: false },
	duplicateMaxOffers: { min: 2, max: 200, integer: true },
	thinPer10k: { min: 0, max: 1000, integer: false },
	thinBelowCount: { min: 0, max: 1000, integer: true }
};

/**
 * Classifies one coverage cell by the rules (docs/coverage.md): gap (no current offer; an
 * unanswered open needs report when `gapOnUnansweredNeed` is 1; at least `gapUnmetTopics`
 * unmet-topic contacts) > stale > duplicate > thin (per 10,000 or by count) > covered. Every
 * rule that applies is listed in `reasons`.
 */
export function classifyCell(
	c: { offers: number; per10k: number | null; freshShare: number | null; unansweredNeeds: number; duplicateGroups: readonly unknown[]; unmetExact: number },
	rules: CoverageRules
): { class: CoverageClass; reasons: CoverageReason[] } {
	const reasons: CoverageReason[] = [];
	if (c.offers === 0) reasons.push('no_offer');
	if (rules.gapOnUnansweredNeed === 1 && c.unansweredNeeds > 0) reasons.push('unanswered_need');
	if (c.unmetExact >= rules.gapUnmetTopics) reasons.push('unmet_topics');
	if (c.offers > 0 && c.freshShare !== null && c.freshShare < rules.staleBelowFreshShare) reasons.push('stale');
	if (c.duplicateGroups.length > 0) reasons.push('duplicate');
	if (c.offers > 0 && c.per10k !== null && c.per10k < rules.thinPer10k) reasons.push('thin_per10k');
	if (c.offers > 0 && c.offers < rules.thinBelowCount) reasons.push('thin_count');
	const cls: CoverageClass = reasons.some((r) => r === 'no_offer' || r === 'unanswered_need' || r === 'unmet_topics')
		? 'gap'
		: reasons.includes('stale')
			? 'stale'
			: reasons.includes('duplicate')
				? 'duplicate'
				: reasons.some((r) => r === 'thin_per10k' || r === 'thin_count')
					? 'thin'
					: 'covered';
	return { class: cls, reasons };
}

/** Years the dashboards and reports accept. */
export const INDICATOR_YEARS = { min: 2000, max: 2100 } as const;

/** Report formats of the district and annual reports, with their content types. */
export const REPORT_FORMATS = {
	pdf: 'application/pdf',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	csv: 'text/csv; charset=utf-8'
} as const;
export type ReportFormat = keyof typeof REPORT_FORMATS;
