/**
 * Versorgungsmatrix (issue 5 §3): for one municipality, every Sozialraum against every theme field
 * (Handlungsfeld) with the number of current offers, offers per 10,000 residents, the share of
 * entries verified within the freshness period, open and unanswered needs reports, unmet topics
 * from the contact statistics, possible duplicates, and a class per cell:
 *
 * 1. `gap` — no current offer; or (rule `gapOnUnansweredNeed` = 1) an open needs report without
 *    a linked offer or programme; or at least `gapUnmetTopics` contacts with an unmet topic of the
 *    field from residents of the space in the last 12 full months.
 * 2. `stale` — offers exist but fewer than `staleBelowFreshShare` of them were verified within
 *    the municipality's freshness period.
 * 3. `duplicate` — two or more current offers of the cell with overlapping target groups (or both
 *    without target groups) whose original-language name + description have a pg_trgm
 *    `similarity()` of at least `duplicateSimilarity`. Checked only in cells with at most
 *    `duplicateMaxOffers` offers (pairs grow with the square of the offers; larger cells are
 *    marked "not checked").
 * 4. `thin` — offers per 10,000 residents below `thinPer10k` (population known), or fewer than
 *    `thinBelowCount` offers.
 * 5. `covered` — otherwise.
 * The first class that applies wins (precedence gap > stale > duplicate > thin > covered); every
 * rule that applies is listed in `reasons`. The rules are documented for planners in
 * docs/coverage.md and configurable per municipality (`coverage_setting.rules`).
 *
 * Sources (read-only): the directory's `search_entry` (current offer: `status = 'active'`, any
 * visibility, with the service's verification date) and `service` (texts for the duplicate
 * test), geography's `social_space`, `district` and `statistic`, casework's
 * `counselling_contact` and `contact_aggregate`, the steering needs tables. Terms: MODEL.md.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { UserPrincipal } from '../access';
import { authorize } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import { berlinInstant, berlinDate } from '../casework/time';
import { SMALL_COUNT_THRESHOLD } from '../casework/model';
import type { Db, DbOrTx } from '../db/client';
import { getFreshnessDays } from '../directory/freshness';
import { SUBTOPIC_FIELD, THEME_FIELDS, TARGET_GROUPS } from '../directory/model';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { district, socialSpace } from '../geography/schema';
import { coverageSetting } from './schema';

/** The cell classes in order of precedence (the first that applies wins). */
export const COVERAGE_CLASSES = ['gap', 'stale', 'duplicate', 'thin', 'covered'] as const;
export type CoverageClass = (typeof COVERAGE_CLASSES)[number];

/**
 * Why a cell got its class: every rule that applies, in rule order. `no_offer`,
 * `unanswered_need`, `unmet_topics` (gap), `stale`, `duplicate`, `thin_per10k`, `thin_count`.
 */
export type CoverageReason = 'no_offer' | 'unanswered_need' | 'unmet_topics' | 'stale' | 'duplicate' | 'thin_per10k' | 'thin_count';

/** The configurable thresholds (all numbers, as stored in `coverage_setting.rules`). */
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

/** Rule keys in display order. */
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
 * Defaults (documented in docs/coverage.md). `gapUnmetTopics` = 10: twice the small-count
 * threshold, so a gap by unmet topics never rests on a count that is suppressed (1–4).
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

/** Allowed ranges; `integer` rules refuse fractions. `gapUnmetTopics` starts at the small-count threshold. */
export const COVERAGE_RULE_LIMITS: Record<keyof CoverageRules, { min: number; max: number; integer: boolean }> = {
	gapOnUnansweredNeed: { min: 0, max: 1, integer: true },
	gapUnmetTopics: { min: SMALL_COUNT_THRESHOLD, max: 100_000, integer: true },
	staleBelowFreshShare: { min: 0, max: 1, integer: false },
	duplicateSimilarity: { min: 0.1, max: 1, integer: false },
	duplicateMaxOffers: { min: 2, max: 200, integer: true },
	thinPer10k: { min: 0, max: 1000, integer: false },
	thinBelowCount: { min: 0, max: 1000, integer: true }
};

/** Filters of the matrix: they restrict the offers counted; the target group also the needs reports. */
export interface CoverageFilters {
	/** A TARGET_GROUPS key: offers naming it or naming no target group (open to all). */
	targetGroup?: string | null;
	/** BCP 47 tag: offers where it (or a tag with the same primary language) is spoken. */
	language?: string | null;
	/** Reference time (tests, benchmarks); default now. */
	now?: Date;
}

/** The population figure used for a social space. */
export interface Population {
	value: number;
	/** `population`, or `eligible_voters` used as a proxy (labelled so). */
	metric: 'population' | 'eligible_voters';
	asOf: string;
}

/** One cell of the matrix. */
export interface CoverageCell {
	spaceId: string;
	field: string;
	/** Current offers in the space and field (after filters). */
	offers: number;
	/** Offers per 10,000 residents; null when the space has no population statistic ("no data"). */
	per10k: number | null;
	/** Share (0–1) of the offers verified within the freshness period; null when there is no offer. */
	freshShare: number | null;
	openNeeds: number;
	unansweredNeeds: number;
	/** Contacts of residents of the space with an unmet topic of the field, last 12 full months; null when 1–4 (suppressed). */
	unmetTopics: number | null;
	unmetSuppressed: boolean;
	/** Groups of possible duplicates (service ids); empty when none or not checked. */
	duplicateGroups: string[][];
	/** False when the cell has more offers than `duplicateMaxOffers`. */
	duplicateChecked: boolean;
	class: CoverageClass;
	reasons: CoverageReason[];
}

/** One social space (a row of the matrix) with its district. */
export interface CoverageSpace {
	id: string;
	name: string;
	districtId: string;
	districtName: string;
	population: Population | null;
	cells: CoverageCell[];
}

/** The whole matrix. */
export interface CoverageMatrix {
	municipalityId: string;
	fields: string[];
	spaces: CoverageSpace[];
	rules: CoverageRules;
	freshnessDays: number;
	/** `YYYY-MM` of the first and last month of the unmet-topic window (Europe/Berlin). */
	unmetFrom: string;
	unmetTo: string;
	/** Number of cells per class. */
	totals: Record<CoverageClass, number>;
}

/** An offer behind a cell (drill-down). */
export interface CoverageOffer {
	id: string;
	/** Title per language (from the search entry). */
	title: Record<string, string>;
	organizationName: string;
	lastVerifiedAt: Date | null;
	fresh: boolean;
	/** 1-based number of its duplicate group in the cell, or null. */
	duplicateGroup: number | null;
}

/** A needs report behind a cell (drill-down). */
export interface CoverageNeed {
	id: string;
	reference: string;
	title: string;
	status: string;
	unanswered: boolean;
	isDemo: boolean;
}

/** Drill-down of one cell. */
export interface CoverageCellDetail {
	space: Omit<CoverageSpace, 'cells'>;
	cell: CoverageCell;
	offers: CoverageOffer[];
	needs: CoverageNeed[];
	/** Unmet topics of the field in the whole district (all contacts incl. folded months, which carry no space); null when 1–4. */
	districtUnmet: number | null;
	rules: CoverageRules;
	freshnessDays: number;
	unmetFrom: string;
	unmetTo: string;
}

const FIELD_KEYS = THEME_FIELDS.map((f) => f.key);
const OPEN_STATUSES = ['reported', 'under_review', 'in_planning'];

/** A string list as one PostgreSQL array literal parameter (drizzle would expand a JS array into a row). */
function arrayLiteral(values: readonly string[]): string {
	return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** Suppresses counts 1–4 (SMALL_COUNT_THRESHOLD) — the planners' view leaves the instance. */
function suppress(n: number): number | null {
	return n > 0 && n < SMALL_COUNT_THRESHOLD ? null : n;
}

/**
 * The municipality's rules: the stored values over the defaults (unknown stored keys ignored).
 */
export async function getCoverageRules(db: DbOrTx, municipalityId: string): Promise<CoverageRules> {
	const [row] = await db.select().from(coverageSetting).where(eq(coverageSetting.municipalityId, municipalityId));
	const rules: CoverageRules = { ...DEFAULT_COVERAGE_RULES };
	for (const key of COVERAGE_RULE_KEYS) {
		const v = row?.rules[key];
		if (typeof v === 'number' && Number.isFinite(v)) rules[key] = v;
	}
	return rules;
}

/**
 * Validates rule input (form strings or numbers; a decimal comma is accepted).
 * @returns the complete rules.
 * @throws ValidationError per rule key: `required`, `not_a_number`, `not_an_integer`,
 *   `out_of_range` (params min, max).
 */
export function parseCoverageRules(input: Record<string, unknown>): CoverageRules {
	const issues: FieldIssue[] = [];
	const rules = { ...DEFAULT_COVERAGE_RULES };
	for (const key of COVERAGE_RULE_KEYS) {
		const raw = input[key];
		const limits = COVERAGE_RULE_LIMITS[key];
		const textValue = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim().replace(',', '.') : '';
		if (textValue === '') {
			issues.push({ field: key, code: 'required' });
			continue;
		}
		const value = Number(textValue);
		if (!/^-?\d+(\.\d+)?$/.test(textValue) || !Number.isFinite(value)) issues.push({ field: key, code: 'not_a_number' });
		else if (limits.integer && !Number.isInteger(value)) issues.push({ field: key, code: 'not_an_integer' });
		else if (value < limits.min || value > limits.max) issues.push({ field: key, code: 'out_of_range', params: { min: limits.min, max: limits.max } });
		else rules[key] = value;
	}
	if (issues.length) throw new ValidationError(issues);
	return rules;
}

/**
 * Saves the municipality's rules (`programmes:manage`), audited with the changed values.
 * @throws AccessDeniedError without the permission; ValidationError as `parseCoverageRules`.
 */
export async function saveCoverageRules(db: Db, principal: UserPrincipal, municipalityId: string, input: Record<string, unknown>): Promise<CoverageRules> {
	authorize(principal, 'programmes:manage', { municipalityId });
	const rules = parseCoverageRules(input);
	await db.transaction(async (tx) => {
		const before = await getCoverageRules(tx, municipalityId);
		await tx
			.insert(coverageSetting)
			.values({ municipalityId, rules: { ...rules } })
			.onConflictDoUpdate({ target: coverageSetting.municipalityId, set: { rules: { ...rules }, updatedAt: new Date() } });
		const changes = diffRecords({ ...before }, { ...rules });
		if (Object.keys(changes).length) {
			await recordAudit(tx, { actorUserId: principal.userId, municipalityId, action: 'update', entityType: 'coverage_setting', entityId: municipalityId, changes });
		}
	});
	return rules;
}

/** Classifies one cell by the rules (see the module comment). Pure. */
export function classifyCell(
	c: Pick<CoverageCell, 'offers' | 'per10k' | 'freshShare' | 'unansweredNeeds' | 'duplicateGroups'> & { unmetExact: number },
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

/** The 12 full Europe/Berlin months before `now`: UTC instants and `YYYY-MM-01` month keys. */
function unmetWindow(now: Date): { from: Date; to: Date; monthFrom: string; monthTo: string; fromLabel: string; toLabel: string } {
	const [y, m] = berlinDate(now).split('-').map(Number);
	const key = (yy: number, mm: number) => `${yy}-${String(mm).padStart(2, '0')}`;
	const last = m === 1 ? [y - 1, 12] : [y, m - 1];
	return {
		from: berlinInstant(y - 1, m, 1),
		to: berlinInstant(y, m, 1),
		monthFrom: `${key(y - 1, m)}-01`,
		monthTo: `${key(y, m)}-01`,
		fromLabel: key(y - 1, m),
		toLabel: key(last[0], last[1])
	};
}

/** Theme fields an array of topic keys (fields or sub-topics) touches. */
function fieldsOfTopics(topics: readonly string[]): Set<string> {
	const fields = new Set<string>();
	for (const t of topics) {
		const f = FIELD_KEYS.includes(t) ? t : SUBTOPIC_FIELD[t];
		if (f) fields.add(f);
	}
	return fields;
}

/** SQL conditions on search entry `e` for the filters. */
function offerFilter(filters: CoverageFilters) {
	const parts = [sql`true`];
	if (filters.targetGroup) parts.push(sql`(${filters.targetGroup} = any(e.target_groups) or cardinality(e.target_groups) = 0)`);
	if (filters.language) {
		// A tag matches when its primary language subtag is the filter's (as the Wegweiser search:
		// `ar` finds `ar` and `ar-SY`). A regular expression over the joined tags avoids unnesting
		// every offer's array; the primary subtag is checked to be 2–3 letters.
		const primary = filters.language.split('-')[0].toLowerCase();
		parts.push(sql`lower(array_to_string(e.languages, ' ')) ~ ${`(^| )${primary}(-[^ ]*)?( |$)`}`);
	}
	return sql.join(parts, sql` and `);
}

/** Checks the filter values. @throws ValidationError `target: unknown`, `language: invalid`. */
function checkFilters(filters: CoverageFilters) {
	const issues: FieldIssue[] = [];
	if (filters.targetGroup && !TARGET_GROUPS.some((t) => t.key === filters.targetGroup)) issues.push({ field: 'target', code: 'unknown' });
	if (filters.language && !/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(filters.language)) issues.push({ field: 'language', code: 'invalid' });
	if (issues.length) throw new ValidationError(issues);
}

interface Scope {
	spaceId?: string;
	field?: string;
}

/** pg_trgm `similarity()` of two trigram sets: shared / (|A| + |B| − shared), single precision; 0 when one is empty. */
function trigramSimilarity(a: Set<string>, b: Set<string>): number {
	if (!a.size || !b.size) return 0;
	const [small, large] = a.size <= b.size ? [a, b] : [b, a];
	let shared = 0;
	for (const t of small) if (large.has(t)) shared++;
	return Math.fround(shared / (a.size + b.size - shared));
}

/** Connected components of the similar pairs (union-find), each sorted, groups by first id. */
function groupPairs(pairs: [string, string][]): string[][] {
	const parent = new Map<string, string>();
	const find = (x: string): string => {
		let r = x;
		while (parent.get(r) !== r) r = parent.get(r)!;
		parent.set(x, r);
		return r;
	};
	for (const [a, b] of pairs) {
		if (!parent.has(a)) parent.set(a, a);
		if (!parent.has(b)) parent.set(b, b);
		const ra = find(a);
		const rb = find(b);
		if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
	}
	const groups = new Map<string, string[]>();
	for (const id of parent.keys()) {
		const r = find(id);
		groups.set(r, [...(groups.get(r) ?? []), id]);
	}
	return [...groups.values()].map((g) => g.sort()).sort((a, b) => a[0].localeCompare(b[0]));
}

async function compute(db: DbOrTx, municipalityId: string, filters: CoverageFilters, scope: Scope): Promise<CoverageMatrix> {
	checkFilters(filters);
	const now = filters.now ?? new Date();
	const [rules, freshnessDays] = await Promise.all([getCoverageRules(db, municipalityId), getFreshnessDays(db, municipalityId)]);
	const fields = scope.field ? [scope.field] : FIELD_KEYS;
	const freshSince = new Date(now.getTime() - freshnessDays * 86_400_000).toISOString();
	const window = unmetWindow(now);
	const spaceCond = scope.spaceId ? sql`and sp = ${scope.spaceId}::uuid` : sql``;
	const fieldCond = scope.field ? sql`and f = ${scope.field}` : sql`and f = any(${arrayLiteral(FIELD_KEYS)}::text[])`;
	const filter = offerFilter(filters);
	const targetNeedCond = filters.targetGroup ? sql`and (${filters.targetGroup} = any(r.target_groups) or cardinality(r.target_groups) = 0)` : sql``;

	const spacesQ = db
		.select({ id: socialSpace.id, name: socialSpace.name, districtId: district.id, districtName: district.name })
		.from(socialSpace)
		.innerJoin(district, eq(district.id, socialSpace.districtId))
		.where(scope.spaceId ? and(eq(socialSpace.municipalityId, municipalityId), eq(socialSpace.id, scope.spaceId)) : eq(socialSpace.municipalityId, municipalityId))
		.orderBy(district.name, socialSpace.name);
	const populationQ = db.execute<{ social_space_id: string; metric: Population['metric']; value: number; as_of: string }>(sql`
		select distinct on (social_space_id) social_space_id, metric, value, as_of from statistic
		where municipality_id = ${municipalityId} and social_space_id is not null and metric in ('population', 'eligible_voters')
		order by social_space_id, (metric = 'population') desc, as_of desc`);
	// Offers grouped by their (spaces, fields) arrays first — a few thousand combinations — so the
	// arrays are unnested once per combination instead of once per offer. The search entry holds
	// the offer's status and verification date (migration 0008), so this is one index-only scan
	// of `search_entry_coverage_idx` without a join (docs/coverage.md).
	const offersQ = db.execute<{ sp: string; f: string; n: number; fresh_n: number }>(sql`
		with g as (
			select e.social_space_ids, e.theme_fields, count(*) as n,
				count(*) filter (where e.last_verified_at >= ${freshSince}::timestamptz) as fresh_n
			from search_entry e
			where e.kind = 'service' and e.municipality_id = ${municipalityId} and e.status = 'active' and ${filter}
				${scope.spaceId ? sql`and ${scope.spaceId}::uuid = any(e.social_space_ids)` : sql``}
			group by e.social_space_ids, e.theme_fields
		)
		select sp::text as sp, f, sum(g.n)::int as n, sum(g.fresh_n)::int as fresh_n
		from g, unnest(g.social_space_ids) sp, unnest(g.theme_fields) f
		where true ${spaceCond} ${fieldCond}
		group by sp, f`);
	const needsQ = db.execute<{ sp: string; f: string; open: number; unanswered: number }>(sql`
		select rs.social_space_id::text as sp, r.theme_field as f, count(*)::int as open,
			count(*) filter (where not exists (select 1 from needs_report_link l where l.report_id = r.id))::int as unanswered
		from needs_report r join needs_report_space rs on rs.report_id = r.id
		where r.municipality_id = ${municipalityId} and r.status in ('reported', 'under_review', 'in_planning') ${targetNeedCond}
			${scope.spaceId ? sql`and rs.social_space_id = ${scope.spaceId}::uuid` : sql``} ${scope.field ? sql`and r.theme_field = ${scope.field}` : sql``}
		group by 1, 2`);
	// Unmet topics of residents per space: raw contacts grouped by their topic array first (a few
	// hundred combinations), so the arrays are mapped to fields once per combination.
	const unmetQ = db.execute<{ sp: string | null; topics: string[]; n: number }>(sql`
		select social_space_id::text as sp, unmet_topics as topics, count(*)::int as n from counselling_contact
		where municipality_id = ${municipalityId} and contacted_at >= ${window.from.toISOString()}::timestamptz
			and contacted_at < ${window.to.toISOString()}::timestamptz and unmet_topics <> '{}' and social_space_id is not null
			${scope.spaceId ? sql`and social_space_id = ${scope.spaceId}::uuid` : sql``}
		group by 1, 2`);
	const [spaces, population, offerCells, needs, unmet] = await Promise.all([spacesQ, populationQ, offersQ, needsQ, unmetQ]);

	const key = (sp: string, f: string) => `${sp}|${f}`;
	const offerMap = new Map<string, { n: number; fresh: number }>();
	for (const r of offerCells.rows) offerMap.set(key(r.sp, r.f), { n: Number(r.n), fresh: Number(r.fresh_n) });
	const needMap = new Map<string, { open: number; unanswered: number }>();
	for (const r of needs.rows) needMap.set(key(r.sp, r.f), { open: Number(r.open), unanswered: Number(r.unanswered) });
	const unmetMap = new Map<string, number>();
	for (const r of unmet.rows) {
		for (const f of fieldsOfTopics(r.topics)) unmetMap.set(key(r.sp!, f), (unmetMap.get(key(r.sp!, f)) ?? 0) + Number(r.n));
	}
	const popMap = new Map<string, Population>();
	for (const r of population.rows) popMap.set(r.social_space_id, { metric: r.metric, value: Number(r.value), asOf: r.as_of });

	// Duplicate test, only in cells with 2..duplicateMaxOffers offers. PostgreSQL extracts each
	// offer's trigrams once (pg_trgm `show_trgm`, the very sets `similarity()` compares); the pairs
	// of a cell are compared here, as `similarity()` does: shared / (|A| + |B| − shared) in single
	// precision. Calling `similarity()` per pair would extract both sets again for every pair.
	const candidates = new Set([...offerMap.entries()].filter(([, v]) => v.n >= 2 && v.n <= rules.duplicateMaxOffers).map(([k]) => k));
	const dupGroups = new Map<string, string[][]>();
	if (candidates.size) {
		const texts = await db.execute<{ id: string; spaces: string[]; fields: string[]; target_groups: string[]; trgm: string }>(sql`
			with o as materialized (
				select e.entity_id, e.social_space_ids, e.theme_fields, e.target_groups from search_entry e
				where e.kind = 'service' and e.municipality_id = ${municipalityId} and e.status = 'active' and ${filter}
					and e.social_space_ids && ${arrayLiteral([...new Set([...candidates].map((k) => k.split('|')[0]))])}::uuid[]
					and exists (select 1 from unnest(e.social_space_ids) sp, unnest(e.theme_fields) f where sp::text || '|' || f = any(${arrayLiteral([...candidates])}::text[]))
			)
			select o.entity_id::text as id, o.social_space_ids::text[] as spaces, o.theme_fields as fields, o.target_groups,
				array_to_string(show_trgm(
					coalesce((select v->>'text' from jsonb_each(s.name) x(k, v) where v->>'status' = 'original' limit 1), '') || ' ' ||
					coalesce((select v->>'text' from jsonb_each(s.description) x(k, v) where v->>'status' = 'original' limit 1), '')
				), chr(1)) as trgm
			from o join service s on s.id = o.entity_id`);
		const byCell = new Map<string, { id: string; groups: string[]; trgm: Set<string> }[]>();
		for (const r of texts.rows) {
			const offer = { id: r.id, groups: r.target_groups, trgm: new Set(r.trgm ? r.trgm.split('\u0001') : []) };
			for (const sp of r.spaces) {
				for (const f of r.fields) {
					const k = key(sp, f);
					if (candidates.has(k)) byCell.set(k, [...(byCell.get(k) ?? []), offer]);
				}
			}
		}
		const threshold = Math.fround(rules.duplicateSimilarity);
		for (const [k, list] of byCell) {
			const pairs: [string, string][] = [];
			for (let i = 0; i < list.length; i++) {
				for (let j = i + 1; j < list.length; j++) {
					const a = list[i];
					const b = list[j];
					const sameGroup = a.groups.length === 0 && b.groups.length === 0 ? true : a.groups.some((g) => b.groups.includes(g));
					if (sameGroup && trigramSimilarity(a.trgm, b.trgm) >= threshold) pairs.push([a.id, b.id]);
				}
			}
			if (pairs.length) dupGroups.set(k, groupPairs(pairs));
		}
	}

	const totals = Object.fromEntries(COVERAGE_CLASSES.map((c) => [c, 0])) as Record<CoverageClass, number>;
	const out: CoverageSpace[] = spaces.map((s) => {
		const pop = popMap.get(s.id) ?? null;
		const cells = fields.map((f): CoverageCell => {
			const k = key(s.id, f);
			const o = offerMap.get(k) ?? { n: 0, fresh: 0 };
			const need = needMap.get(k) ?? { open: 0, unanswered: 0 };
			const unmetExact = unmetMap.get(k) ?? 0;
			const per10k = pop && pop.value > 0 ? (o.n * 10_000) / pop.value : null;
			const freshShare = o.n > 0 ? o.fresh / o.n : null;
			const duplicateGroups = dupGroups.get(k) ?? [];
			const base = { offers: o.n, per10k, freshShare, unansweredNeeds: need.unanswered, duplicateGroups, unmetExact };
			const { class: cls, reasons } = classifyCell(base, rules);
			totals[cls]++;
			return {
				spaceId: s.id,
				field: f,
				offers: o.n,
				per10k,
				freshShare,
				openNeeds: need.open,
				unansweredNeeds: need.unanswered,
				unmetTopics: suppress(unmetExact),
				unmetSuppressed: suppress(unmetExact) === null,
				duplicateGroups,
				duplicateChecked: o.n <= rules.duplicateMaxOffers,
				class: cls,
				reasons
			};
		});
		return { ...s, population: pop, cells };
	});
	return { municipalityId, fields, spaces: out, rules, freshnessDays, unmetFrom: window.fromLabel, unmetTo: window.toLabel, totals };
}

/**
 * The coverage matrix of a municipality: every social space (ordered by district, then name) ×
 * every theme field, classified by the municipality's rules. A few set-based queries, none per
 * cell. Needs reports are counted for every space they name.
 * @throws ValidationError `target: unknown` (not a TARGET_GROUPS key), `language: invalid`.
 */
export async function computeCoverage(db: DbOrTx, municipalityId: string, filters: CoverageFilters = {}): Promise<CoverageMatrix> {
	return compute(db, municipalityId, filters, {});
}

/**
 * Drill-down of one cell: the cell exactly as in the matrix plus the offers (title, actor,
 * verified date, fresh or stale, duplicate group), the open needs reports of the field naming the
 * space, and the district's unmet topics of the field (incl. folded months).
 * @throws NotFoundError when the space is not one of the municipality's; ValidationError
 *   `field: unknown` and as `computeCoverage`.
 */
export async function getCoverageCell(db: DbOrTx, municipalityId: string, spaceId: string, field: string, filters: CoverageFilters = {}): Promise<CoverageCellDetail> {
	if (!FIELD_KEYS.includes(field)) throw new ValidationError([{ field: 'field', code: 'unknown' }]);
	if (!/^[0-9a-f-]{36}$/i.test(spaceId)) throw new NotFoundError(`social space ${spaceId} not found in this municipality`);
	const matrix = await compute(db, municipalityId, filters, { spaceId, field });
	const space = matrix.spaces[0];
	if (!space) throw new NotFoundError(`social space ${spaceId} not found in this municipality`);
	const cell = space.cells[0];
	const now = filters.now ?? new Date();
	const freshSince = new Date(now.getTime() - matrix.freshnessDays * 86_400_000).toISOString();
	const window = unmetWindow(now);
	const groupOf = new Map<string, number>();
	cell.duplicateGroups.forEach((g, i) => g.forEach((id) => groupOf.set(id, i + 1)));
	const [offers, needs, raw, folded] = await Promise.all([
		db.execute<{ id: string; title: Record<string, string>; organization_name: string; last_verified_at: string | Date | null; fresh: boolean }>(sql`
			with ids as materialized (
				select e.entity_id from search_entry e
				where e.kind = 'service' and e.municipality_id = ${municipalityId} and e.status = 'active' and ${offerFilter(filters)}
					and ${spaceId}::uuid = any(e.social_space_ids) and ${field} = any(e.theme_fields)
			)
			select e.entity_id::text as id, e.title, e.organization_name, e.last_verified_at,
				coalesce(e.last_verified_at >= ${freshSince}::timestamptz, false) as fresh
			from ids join search_entry e on e.kind = 'service' and e.entity_id = ids.entity_id
			order by e.organization_name, e.entity_id`),
		db.execute<{ id: string; reference: string; title: string; status: string; unanswered: boolean; is_demo: boolean }>(sql`
			select r.id::text as id, r.reference, r.title, r.status, r.is_demo,
				not exists (select 1 from needs_report_link l where l.report_id = r.id) as unanswered
			from needs_report r join needs_report_space rs on rs.report_id = r.id
			where r.municipality_id = ${municipalityId} and rs.social_space_id = ${spaceId}::uuid and r.theme_field = ${field}
				and r.status = any(${arrayLiteral(OPEN_STATUSES)}::text[])
				${filters.targetGroup ? sql`and (${filters.targetGroup} = any(r.target_groups) or cardinality(r.target_groups) = 0)` : sql``}
			order by r.created_at desc`),
		db.execute<{ topics: string[]; n: number }>(sql`
			select unmet_topics as topics, count(*)::int as n from counselling_contact
			where municipality_id = ${municipalityId} and district_id = ${space.districtId}::uuid and contacted_at >= ${window.from.toISOString()}::timestamptz
				and contacted_at < ${window.to.toISOString()}::timestamptz and unmet_topics <> '{}'
			group by 1`),
		db.execute<{ value: string; n: number }>(sql`
			select value, sum(count)::int as n from contact_aggregate
			where municipality_id = ${municipalityId} and district_id = ${space.districtId}::uuid and dimension = 'unmet_topic'
				and month >= ${window.monthFrom}::date and month < ${window.monthTo}::date
			group by value`)
	]);
	let districtUnmet = 0;
	for (const r of raw.rows) if (fieldsOfTopics(r.topics).has(field)) districtUnmet += Number(r.n);
	for (const r of folded.rows) if (fieldsOfTopics([r.value]).has(field)) districtUnmet += Number(r.n);
	return {
		space: { id: space.id, name: space.name, districtId: space.districtId, districtName: space.districtName, population: space.population },
		cell,
		offers: offers.rows.map((r) => ({
			id: r.id,
			title: r.title,
			organizationName: r.organization_name,
			lastVerifiedAt: r.last_verified_at ? new Date(r.last_verified_at) : null,
			fresh: r.fresh,
			duplicateGroup: groupOf.get(r.id) ?? null
		})),
		needs: needs.rows.map((r) => ({ id: r.id, reference: r.reference, title: r.title, status: r.status, unanswered: r.unanswered, isDemo: r.is_demo })),
		districtUnmet: suppress(districtUnmet),
		rules: matrix.rules,
		freshnessDays: matrix.freshnessDays,
		unmetFrom: matrix.unmetFrom,
		unmetTo: matrix.unmetTo
	};
}

/** The languages spoken at the municipality's current offers (BCP 47 tags, sorted), for the language filter. */
export async function listCoverageLanguages(db: DbOrTx, municipalityId: string): Promise<string[]> {
	const rows = await db.execute<{ tag: string }>(sql`
		select distinct l as tag from search_entry e, unnest(e.languages) l
		where e.kind = 'service' and e.municipality_id = ${municipalityId} and e.status = 'active' order by 1`);
	return rows.rows.map((r) => r.tag);
}

/** Query parameters of the coverage pages (`target`, `language`) as filters; empty values are no filter. */
export function coverageFiltersOf(params: URLSearchParams): { targetGroup: string | null; language: string | null } {
	return { targetGroup: params.get('target')?.trim() || null, language: params.get('language')?.trim() || null };
}
