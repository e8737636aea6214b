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
 * rule that applies is listed in `reasons` (`classifyCell` in model.ts). The rules are
 * documented for planners in docs/coverage.md and configurable per municipality
 * (`coverage_setting.rules`).
 *
 * Residents per space (the "per 10,000" denominator): the newest `population` statistic of the
 * space, and only where it has none the newest `eligible_voters` as a proxy, labelled so; the
 * matrix lists which figures it used (`denominators`).
 *
 * Sources, read through their modules' functions: the directory's offer counts, trigram sets and
 * languages (`directory/steering-reads.ts`, from `search_entry`: current offer = `status =
 * 'active'`, any visibility) and freshness period, geography's social spaces, districts and
 * population (`geography/steering-reads.ts`), casework's unmet topics (`casework/counts.ts`);
 * the steering needs tables directly. Reading needs `steering:view`. Terms: MODEL.md.
 */
import { eq, sql } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import { unmetTopicsBySpace, unmetTopicsOfDistrict } from '../casework/counts';
import { SMALL_COUNT_THRESHOLD } from '../casework/model';
import { berlinDate, berlinInstant } from '../casework/time';
import { NotFoundError, ValidationError, type FieldIssue } from '../core/errors';
import { canonicalLanguageTag, isUuid, z } from '../core/validation';
import type { Db, DbOrTx } from '../db/client';
import { getFreshnessDays } from '../directory/freshness';
import { SUBTOPIC_FIELD, TARGET_GROUPS, THEME_FIELDS } from '../directory/model';
import { countOffersBySpaceAndField, offerLanguages, offersInCell, offerTrigrams, type OfferFilter } from '../directory/steering-reads';
import { spacePopulations, spacesWithDistricts } from '../geography/steering-reads';
import {
	classifyCell,
	COVERAGE_CLASSES,
	COVERAGE_RULE_KEYS,
	COVERAGE_RULE_LIMITS,
	DEFAULT_COVERAGE_RULES,
	type CoverageClass,
	type CoverageReason,
	type CoverageRules
} from './model';
import { coverageSetting } from './schema';

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

/** One figure the matrix's "per 10,000 residents" rests on: a metric at a date, and for how many social spaces. */
export interface Denominator {
	metric: Population['metric'];
	asOf: string;
	spaces: number;
}

/** The whole matrix. */
export interface CoverageMatrix {
	municipalityId: string;
	fields: string[];
	spaces: CoverageSpace[];
	/**
	 * Which figures "per 10,000 residents" uses, so the page can say so: population first, then
	 * eligible voters (a proxy), newest date first; `withoutPopulation` spaces have neither.
	 */
	denominators: Denominator[];
	withoutPopulation: number;
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

/** Suppresses counts 1–4 (SMALL_COUNT_THRESHOLD) — the planners' view leaves the instance. */
function suppress(n: number): number | null {
	return n > 0 && n < SMALL_COUNT_THRESHOLD ? null : n;
}

/**
 * The municipality's rules: the stored values over the defaults (unknown stored keys ignored).
 * Configuration, no personal data: read without a permission.
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

/** A number as typed: trimmed, a decimal comma read as a point. */
const typedNumber = z
	.string()
	.trim()
	.transform((t) => Number(t.replace(',', '.')))
	.pipe(z.number());

/**
 * Validates rule input (form strings or numbers; a decimal comma is accepted).
 * @returns the complete rules.
 * @throws ValidationError per rule key: `required`, `not_a_number`, `not_an_integer`,
 *   `out_of_range` (params min, max).
 */
function parseCoverageRules(input: Record<string, unknown>): CoverageRules {
	const issues: FieldIssue[] = [];
	const rules = { ...DEFAULT_COVERAGE_RULES };
	for (const key of COVERAGE_RULE_KEYS) {
		const raw = input[key];
		const limits = COVERAGE_RULE_LIMITS[key];
		const textValue = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
		if (textValue === '') {
			issues.push({ field: key, code: 'required' });
			continue;
		}
		const parsed = typedNumber.safeParse(textValue);
		if (!parsed.success) issues.push({ field: key, code: 'not_a_number' });
		else if (limits.integer && !Number.isInteger(parsed.data)) issues.push({ field: key, code: 'not_an_integer' });
		else if (parsed.data < limits.min || parsed.data > limits.max) issues.push({ field: key, code: 'out_of_range', params: { min: limits.min, max: limits.max } });
		else rules[key] = parsed.data;
	}
	if (issues.length) throw new ValidationError(issues);
	return rules;
}

/**
 * Saves the municipality's rules (`programmes:manage`), audited with the changed values.
 * @throws AccessDeniedError without the permission; ValidationError as `parseCoverageRules`.
 */
export async function saveCoverageRules(db: Db, principal: Principal, municipalityId: string, input: Record<string, unknown>): Promise<CoverageRules> {
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
			await recordAudit(tx, { ...auditActor(principal), municipalityId, action: 'update', entityType: 'coverage_setting', entityId: municipalityId, changes });
		}
	});
	return rules;
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

/** Checks the filter values. @throws ValidationError `target: unknown`, `language: invalid`. */
function checkFilters(filters: CoverageFilters): OfferFilter {
	const issues: FieldIssue[] = [];
	if (filters.targetGroup && !TARGET_GROUPS.some((t) => t.key === filters.targetGroup)) issues.push({ field: 'target', code: 'unknown' });
	const language = filters.language ? canonicalLanguageTag(filters.language) : null;
	if (filters.language && !language) issues.push({ field: 'language', code: 'invalid' });
	if (issues.length) throw new ValidationError(issues);
	return { targetGroup: filters.targetGroup || null, language };
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
	const offerFilter = checkFilters(filters);
	const now = filters.now ?? new Date();
	const [rules, freshnessDays] = await Promise.all([getCoverageRules(db, municipalityId), getFreshnessDays(db, municipalityId)]);
	const fields = scope.field ? [scope.field] : FIELD_KEYS;
	const freshSince = new Date(now.getTime() - freshnessDays * 86_400_000);
	const window = unmetWindow(now);
	const targetNeedCond = filters.targetGroup ? sql`and (${filters.targetGroup} = any(r.target_groups) or cardinality(r.target_groups) = 0)` : sql``;

	const needsQ = db.execute<{ sp: string; f: string; open: number; unanswered: number }>(sql`
		select rs.social_space_id::text as sp, r.theme_field as f, count(*)::int as open,
			count(*) filter (where not exists (select 1 from needs_report_link l where l.report_id = r.id))::int as unanswered
		from needs_report r join needs_report_space rs on rs.report_id = r.id
		where r.municipality_id = ${municipalityId} and r.status in ('reported', 'under_review', 'in_planning') ${targetNeedCond}
			${scope.spaceId ? sql`and rs.social_space_id = ${scope.spaceId}::uuid` : sql``} ${scope.field ? sql`and r.theme_field = ${scope.field}` : sql``}
		group by 1, 2`);
	const [spaces, population, offerCells, needs, unmet] = await Promise.all([
		spacesWithDistricts(db, municipalityId, scope.spaceId),
		spacePopulations(db, municipalityId),
		countOffersBySpaceAndField(db, municipalityId, offerFilter, { fields, freshSince, spaceId: scope.spaceId }),
		needsQ,
		unmetTopicsBySpace(db, municipalityId, window, scope.spaceId)
	]);

	const key = (sp: string, f: string) => `${sp}|${f}`;
	const offerMap = new Map<string, { n: number; fresh: number }>();
	for (const r of offerCells) offerMap.set(key(r.spaceId, r.field), { n: r.n, fresh: r.fresh });
	const needMap = new Map<string, { open: number; unanswered: number }>();
	for (const r of needs.rows) needMap.set(key(r.sp, r.f), { open: Number(r.open), unanswered: Number(r.unanswered) });
	const unmetMap = new Map<string, number>();
	for (const r of unmet) {
		for (const f of fieldsOfTopics(r.topics)) unmetMap.set(key(r.socialSpaceId, f), (unmetMap.get(key(r.socialSpaceId, f)) ?? 0) + r.n);
	}
	const popMap = new Map<string, Population>();
	for (const r of population) popMap.set(r.socialSpaceId, { metric: r.metric, value: r.value, asOf: r.asOf });

	// Duplicate test, only in cells with 2..duplicateMaxOffers offers. The pairs of a cell are
	// compared here, as pg_trgm's `similarity()` does: shared / (|A| + |B| − shared) in single
	// precision, on trigram sets extracted once per offer.
	const candidates = new Set([...offerMap.entries()].filter(([, v]) => v.n >= 2 && v.n <= rules.duplicateMaxOffers).map(([k]) => k));
	const dupGroups = new Map<string, string[][]>();
	if (candidates.size) {
		const texts = await offerTrigrams(db, municipalityId, offerFilter, [...candidates]);
		const byCell = new Map<string, { id: string; groups: string[]; trgm: Set<string> }[]>();
		for (const r of texts) {
			const offer = { id: r.id, groups: r.targetGroups, trgm: new Set(r.trigrams) };
			for (const sp of r.spaceIds) {
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
	return { municipalityId, fields, spaces: out, ...denominatorsOf(out), rules, freshnessDays, unmetFrom: window.fromLabel, unmetTo: window.toLabel, totals };
}

/** The figures the spaces' "per 10,000 residents" rest on, counted per metric and date. */
function denominatorsOf(spaces: CoverageSpace[]): Pick<CoverageMatrix, 'denominators' | 'withoutPopulation'> {
	const counts = new Map<string, Denominator>();
	for (const { population: p } of spaces) {
		if (!p) continue;
		const k = `${p.metric}|${p.asOf}`;
		counts.set(k, { metric: p.metric, asOf: p.asOf, spaces: (counts.get(k)?.spaces ?? 0) + 1 });
	}
	const denominators = [...counts.values()].sort((a, b) => Number(b.metric === 'population') - Number(a.metric === 'population') || b.asOf.localeCompare(a.asOf));
	return { denominators, withoutPopulation: spaces.filter((s) => !s.population).length };
}

/**
 * The coverage matrix of a municipality: every social space (ordered by district, then name) ×
 * every theme field, classified by the municipality's rules. A few set-based queries, none per
 * cell. Needs reports are counted for every space they name.
 * @throws AccessDeniedError without `steering:view`; ValidationError `target: unknown` (not a
 *   TARGET_GROUPS key), `language: invalid` (not a well-formed BCP 47 tag).
 */
export async function computeCoverage(db: DbOrTx, principal: Principal, municipalityId: string, filters: CoverageFilters = {}): Promise<CoverageMatrix> {
	authorize(principal, 'steering:view', { municipalityId });
	return compute(db, municipalityId, filters, {});
}

/**
 * Drill-down of one cell: the cell exactly as in the matrix plus the offers (title, actor,
 * verified date, fresh or stale, duplicate group), the open needs reports of the field naming the
 * space, and the district's unmet topics of the field (incl. folded months).
 * @throws AccessDeniedError without `steering:view`; NotFoundError when the space is not one of
 *   the municipality's; ValidationError `field: unknown` and as `computeCoverage`.
 */
export async function getCoverageCell(
	db: DbOrTx,
	principal: Principal,
	municipalityId: string,
	spaceId: string,
	field: string,
	filters: CoverageFilters = {}
): Promise<CoverageCellDetail> {
	authorize(principal, 'steering:view', { municipalityId });
	if (!FIELD_KEYS.includes(field)) throw new ValidationError([{ field: 'field', code: 'unknown' }]);
	if (!isUuid(spaceId)) throw new NotFoundError(`social space ${spaceId} not found in this municipality`);
	const matrix = await compute(db, municipalityId, filters, { spaceId, field });
	const space = matrix.spaces[0];
	if (!space) throw new NotFoundError(`social space ${spaceId} not found in this municipality`);
	const cell = space.cells[0];
	const now = filters.now ?? new Date();
	const freshSince = new Date(now.getTime() - matrix.freshnessDays * 86_400_000);
	const window = unmetWindow(now);
	const groupOf = new Map<string, number>();
	cell.duplicateGroups.forEach((g, i) => g.forEach((id) => groupOf.set(id, i + 1)));
	const [offers, needs, unmet] = await Promise.all([
		offersInCell(db, municipalityId, checkFilters(filters), { spaceId, field, freshSince }),
		db.execute<{ id: string; reference: string; title: string; status: string; unanswered: boolean; is_demo: boolean }>(sql`
			select r.id::text as id, r.reference, r.title, r.status, r.is_demo,
				not exists (select 1 from needs_report_link l where l.report_id = r.id) as unanswered
			from needs_report r join needs_report_space rs on rs.report_id = r.id
			where r.municipality_id = ${municipalityId} and rs.social_space_id = ${spaceId}::uuid and r.theme_field = ${field}
				and r.status in ('reported', 'under_review', 'in_planning')
				${filters.targetGroup ? sql`and (${filters.targetGroup} = any(r.target_groups) or cardinality(r.target_groups) = 0)` : sql``}
			order by r.created_at desc`),
		unmetTopicsOfDistrict(db, { municipalityId, districtId: space.districtId }, window)
	]);
	let districtUnmet = 0;
	for (const r of unmet.contacts) if (fieldsOfTopics(r.topics).has(field)) districtUnmet += r.n;
	for (const r of unmet.folded) if (fieldsOfTopics([r.topic]).has(field)) districtUnmet += r.n;
	return {
		space: { id: space.id, name: space.name, districtId: space.districtId, districtName: space.districtName, population: space.population },
		cell,
		offers: offers.map((o) => ({ ...o, duplicateGroup: groupOf.get(o.id) ?? null })),
		needs: needs.rows.map((r) => ({ id: r.id, reference: r.reference, title: r.title, status: r.status, unanswered: r.unanswered, isDemo: r.is_demo })),
		districtUnmet: suppress(districtUnmet),
		rules: matrix.rules,
		freshnessDays: matrix.freshnessDays,
		unmetFrom: matrix.unmetFrom,
		unmetTo: matrix.unmetTo
	};
}

/**
 * The languages spoken at the municipality's current offers (BCP 47 tags, sorted), for the
 * language filter. @throws AccessDeniedError without `steering:view`.
 */
export async function listCoverageLanguages(db: DbOrTx, principal: Principal, municipalityId: string): Promise<string[]> {
	authorize(principal, 'steering:view', { municipalityId });
	return offerLanguages(db, municipalityId);
}
