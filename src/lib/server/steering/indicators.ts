/**
 * Indikatoren und Monitoring (issue 5 §4): the numbers of the municipality dashboard (per
 * Stadtbezirk, or per Sozialraum of one chosen district) and of the dashboard of one instance
 * (its social spaces), for one calendar year (Europe/Berlin). `pages/dashboard.ts` turns them into
 * the labelled tables the page, the charts and the district and annual reports show, so all of
 * them show the same numbers.
 *
 * Definitions (design of issue 5, BRIEF):
 * - population: the imported statistics of each area: the newest value per metric and the series
 *   by `as_of`. Population of an area is the newest `population`; where none exists,
 *   `eligible_voters` as a proxy, labelled so. A district without its own statistic gets the sum
 *   over its social spaces when every one of them has a value. No statistic → "no data", never 0.
 * - offers: CURRENT offers (`status = 'active'`, any visibility) by theme field and area, from
 *   the directory's search entries (which hold the social spaces of an offer's locations);
 *   "added" = offers whose `created_at` falls in a year (whatever their status now).
 * - contacts / referrals: the Lotsen statistics of casework (`countContacts`, `countReferrals`,
 *   `buildReport`), with small counts suppressed (`suppressTable`: 1–4 → "<5", secondary
 *   suppression). Exact counts only for an instance's own staff on screen.
 * - needs: needs reports made in the year: OPEN while `reported`/`under_review`/`in_planning`,
 *   CLOSED when `implemented`/`declined`, UNANSWERED while open with no linked offer or
 *   programme; time to response = `first_response_at − created_at` in days.
 * - programmes: programmes ACTIVE in the year (period overlaps it). A programme with several
 *   theme fields counts once in each field and its budget is split evenly across them, so the
 *   field budgets add up to the total budget; a programme without a field counts under
 *   "no field". For a district: only the programmes that name at least one of its social spaces,
 *   with their whole budget; municipality-wide programmes (no social space) are the city's, not
 *   the district's (issue 12 §4: the district report put the whole city's budget under it).
 *   An instance's dashboard counts the programmes of its spaces and the municipality-wide ones.
 * - statistics of a district: its own (imported for the Stadtbezirk itself, as its public page
 *   shows them) first, then those of its social spaces.
 *
 * Access: the municipality view needs `steering:view`, an instance's `statistics:instance`.
 * Other modules are read through their functions (geography, instances, directory
 * `steering-reads.ts`, casework statistics); the steering tables directly.
 */
import { sql } from 'drizzle-orm';
import { compareAreas } from '../../format';
import { authorize, can, type Principal, type UserPrincipal } from '../access';
import { buildReport, countContacts, countReferrals, suppressTable, type ContactCountDimension, type ReportScope, type ReportTable } from '../casework/statistics';
import { SMALL_COUNT_THRESHOLD } from '../casework/model';
import { berlinDate } from '../casework/time';
import { AccessDeniedError, ValidationError } from '../core/errors';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { firstOfferYear, offerIndicators, type OfferIndicators } from '../directory/steering-reads';
import { findMunicipalityById, listDistricts, listSocialSpaces } from '../geography/service';
import { areaStatistics } from '../geography/steering-reads';
import { findInstanceById } from '../instances/service';
import { INDICATOR_YEARS, OPEN_NEEDS_STATUSES } from './model';

/** The key of programmes without a theme field. */
export const NO_FIELD = 'none';
const DAY_MS = 86_400_000;

/** Area of a dashboard: a district (rows of the municipality view) or a social space. */
export interface IndicatorArea {
	id: string;
	level: 'district' | 'space';
	name: string;
	slug: string;
	/** For a district: its social spaces; for a space: itself. */
	spaceIds: string[];
	/** The public district page (slug of the district). */
	districtSlug: string;
}

/** Contact and referral tables of a dashboard, suppressed or exact. */
export interface IndicatorContacts {
	total: number | null;
	tables: Map<string, ReportTable>;
	referralTotal: number | null;
	referralTables: Map<string, ReportTable>;
}

/** The statistics of a dashboard's areas (see `readStatistics`). */
export interface IndicatorStatistics {
	/** Area id → population (or proxy) and its basis: `population`, `proxy`, `sum`, `sum_proxy`. */
	population: Map<string, { value: number; basis: string }>;
	/** The newest value of every metric of every area. */
	latest: { areaId: string; areaName: string; metric: string; value: number; unit: string; asOf: string; source: string; districtSlug: string }[];
	/** Every value of every metric of every area, oldest first. */
	series: { areaId: string; areaName: string; metric: string; value: number; asOf: string; districtSlug: string }[];
}

/** Needs reports made in the year (see `readNeeds`). */
export interface IndicatorNeeds {
	byStatus: Map<string, number>;
	byField: Map<string, { open: number; unanswered: number; closed: number; durations: number[] }>;
	/** Open reports per area id. */
	openPerArea: Map<string, number>;
	/** Days from report to first response, of the reports with one. */
	durations: number[];
	open: number;
	closed: number;
	unanswered: number;
}

/** Programmes active in the year (see `readProgrammes`). */
export interface IndicatorProgrammes {
	/** Per theme field (or `none`): programmes, their share of budgets (cents), with and without budget. */
	byField: Map<string, { count: number; budgetCents: number; withBudget: number; withoutBudget: number }>;
	perArea: Map<string, number>;
	count: number;
	budgetCents: number;
	withBudget: number;
}

/** Everything a dashboard shows, as numbers. */
export interface Indicators {
	kind: 'municipality' | 'instance';
	municipality: { id: string; slug: string; name: string };
	/** The instance (instance dashboard) or null. */
	instance: { id: string; name: string } | null;
	/** The chosen district (municipality dashboard) or null. */
	district: { id: string; slug: string; name: string } | null;
	districts: { id: string; slug: string; name: string }[];
	year: number;
	/** Years with data, newest first (the selector's options). */
	years: number[];
	/** Exact contact counts (instance's own staff on screen) or suppressed. */
	exact: boolean;
	areas: IndicatorArea[];
	/** Needs reports of this instance only (instance dashboard). */
	needsInstanceId: string | null;
	/** The casework report scope the contact counts are of. */
	contactScope: ReportScope;
	contacts: IndicatorContacts;
	statistics: IndicatorStatistics;
	offers: OfferIndicators & { years: number[] };
	needs: IndicatorNeeds;
	programmes: IndicatorProgrammes;
}

/** Options of both dashboards. `download`: everything leaves the instance → always suppressed. */
export interface IndicatorOptions {
	year: number;
	districtId?: string | null;
	download?: boolean;
}

/** Validates the year (2000–2100). @throws ValidationError naming `year`. */
function checkYear(year: number): void {
	if (!Number.isInteger(year) || year < INDICATOR_YEARS.min || year > INDICATOR_YEARS.max) {
		throw new ValidationError([{ field: 'year', code: 'in_error_year', params: { ...INDICATOR_YEARS } }]);
	}
}

/** The Berlin year of an instant. */
function berlinYear(at: Date): number {
	return Number(berlinDate(at).slice(0, 4));
}

/** What the readers work on. */
interface Context {
	year: number;
	municipality: { id: string; slug: string; name: string };
	areas: IndicatorArea[];
	/** Social spaces the dashboard covers; null = the whole municipality. */
	spaceIds: string[] | null;
	/** Social space id → its district id (for counting reports and programmes per district). */
	districtOf: Map<string, string>;
	needsInstanceId: string | null;
	/** The district the municipality dashboard is narrowed to, or null. */
	district: { id: string; slug: string; name: string } | null;
}

/**
 * The municipality dashboard's numbers: per Stadtbezirk of the municipality, or per Sozialraum of
 * `districtId`, for `year`. Contact counts are always suppressed (it is a city view).
 * @throws AccessDeniedError without `steering:view` (also for an unknown municipality);
 *   ValidationError naming `year` or `district` (malformed, unknown or of another municipality).
 */
export async function municipalityIndicators(db: DbOrTx, principal: Principal, municipalityId: string, options: IndicatorOptions): Promise<Indicators> {
	authorize(principal, 'steering:view', { municipalityId });
	checkYear(options.year);
	const mun = isUuid(municipalityId) ? await findMunicipalityById(db, municipalityId) : null;
	if (!mun) throw new AccessDeniedError();
	const [districtRows, spaces] = await Promise.all([listDistricts(db, mun.id), listSocialSpaces(db, { municipalityId: mun.id })]);
	const districts = [...districtRows].sort(compareAreas).map((d) => ({ id: d.id, slug: d.slug, name: d.name }));
	let chosen: (typeof districts)[number] | null = null;
	if (options.districtId) {
		chosen = districts.find((d) => d.id === options.districtId) ?? null;
		if (!chosen) throw new ValidationError([{ field: 'district', code: 'in_error_district' }]);
	}
	const areas: IndicatorArea[] = chosen
		? spaces.filter((s) => s.districtId === chosen!.id).map((s) => ({ id: s.id, level: 'space', name: s.name, slug: s.slug, spaceIds: [s.id], districtSlug: chosen!.slug }))
		: districts.map((d) => ({ id: d.id, level: 'district', name: d.name, slug: d.slug, spaceIds: spaces.filter((s) => s.districtId === d.id).map((s) => s.id), districtSlug: d.slug }));
	const contactScope: ReportScope = chosen ? { level: 'district', id: chosen.id } : { level: 'municipality', id: mun.id };
	const period = { year: options.year, month: null };
	const [contactCounts, referralCounts] = await Promise.all([countContacts(db, contactScope, period, DASHBOARD_DIMENSIONS), countReferrals(db, contactScope, period)]);
	const spaceNames = new Map(spaces.map((s) => [s.id, s.name]));
	const municipality = { id: mun.id, slug: mun.slug, name: mun.name };
	const ctx: Context = {
		year: options.year,
		municipality,
		areas,
		spaceIds: chosen ? areas.map((a) => a.id) : null,
		districtOf: new Map(spaces.map((s) => [s.id, s.districtId])),
		needsInstanceId: null,
		district: chosen
	};
	return {
		kind: 'municipality',
		municipality,
		instance: null,
		district: chosen,
		districts,
		year: options.year,
		exact: false,
		areas,
		needsInstanceId: null,
		contactScope,
		contacts: fromCounts(contactCounts, referralCounts, spaceNames),
		...(await readAll(db, ctx))
	};
}

/**
 * The numbers of one instance's dashboard: its social spaces, the offers placed in them, its own
 * needs reports, the programmes covering its spaces (or the whole municipality) and its contact
 * statistics — exact on screen for its own staff (`statistics:exact`), suppressed for
 * administrators and in every download. A signed-in person's: exact counts are a person's right.
 * @throws AccessDeniedError without `statistics:instance` on it (also for an unknown or
 *   malformed id); ValidationError naming `year`.
 */
export async function instanceIndicators(db: DbOrTx, principal: UserPrincipal, instanceId: string, options: IndicatorOptions): Promise<Indicators> {
	const inst = await findInstanceById(db, instanceId);
	if (!inst || !can(principal, 'statistics:instance', { municipalityId: inst.municipalityId, instanceId: inst.id })) throw new AccessDeniedError();
	checkYear(options.year);
	const [mun, districtRows] = await Promise.all([findMunicipalityById(db, inst.municipalityId), listDistricts(db, inst.municipalityId)]);
	const districtSlug = new Map(districtRows.map((d) => [d.id, d.slug]));
	const report = await buildReport(db, principal, { level: 'instance', id: inst.id }, { year: options.year, month: null }, { download: !!options.download });
	const tables = new Map(report.contactTables.map((t) => [t.key, t]));
	tables.set('unmet_topic', { key: 'unmet_topic', rows: report.topUnmet, total: null });
	const municipality = { id: mun!.id, slug: mun!.slug, name: mun!.name };
	const areas: IndicatorArea[] = inst.socialSpaces.map((s) => ({ id: s.id, level: 'space', name: s.name, slug: s.slug, spaceIds: [s.id], districtSlug: districtSlug.get(s.districtId) ?? '' }));
	const ctx: Context = {
		year: options.year,
		municipality,
		areas,
		spaceIds: areas.map((a) => a.id),
		districtOf: new Map(inst.socialSpaces.map((s) => [s.id, s.districtId])),
		needsInstanceId: inst.id,
		district: null
	};
	return {
		kind: 'instance',
		municipality,
		instance: { id: inst.id, name: inst.name },
		district: null,
		districts: [],
		year: options.year,
		exact: report.exact,
		areas,
		needsInstanceId: inst.id,
		contactScope: { level: 'instance', id: inst.id },
		contacts: {
			total: report.contacts,
			tables,
			referralTotal: report.referrals,
			referralTables: new Map(report.referralTables.map((t) => [t.key, t]))
		},
		...(await readAll(db, ctx))
	};
}

/** Statistics, offers, needs, programmes and the years of the selector, read side by side. */
async function readAll(db: DbOrTx, ctx: Context) {
	const [statistics, offers, needs, programmes, years] = await Promise.all([
		readStatistics(db, ctx),
		offerIndicators(db, ctx.municipality.id, { spaceIds: ctx.spaceIds, areaLevel: ctx.areas[0]?.level === 'district' ? 'district' : 'space', year: ctx.year }),
		readNeeds(db, ctx),
		readProgrammes(db, ctx),
		availableYears(db, ctx.municipality.id, ctx.year)
	]);
	return { statistics, offers: { ...offers, years: [...offers.addedTotal.keys()].sort((a, b) => b - a) }, needs, programmes, years };
}

type Counts = Map<string, Map<string, number>>;

/** The contact dimensions the city view shows (`fromCounts`); counting only these halves the time for a year. */
const DASHBOARD_DIMENSIONS: ContactCountDimension[] = ['total', 'theme_field', 'sub_topic', 'unmet_topic', 'social_space'];

/** Suppressed tables of the city view from raw casework counts, rows by count then key. */
function fromCounts(contacts: Counts, referrals: Counts, spaceNames: Map<string, string>): IndicatorContacts {
	const make = (counts: Counts, key: string, labels?: Map<string, string>): ReportTable => {
		const rows = [...(counts.get(key) ?? new Map<string, number>())].map(([k, c]) => ({ key: k, count: c, ...(labels ? { label: labels.get(k) ?? k } : {}) }));
		const done = suppressTable({ key, rows, total: rows.reduce((a, r) => a + (r.count ?? 0), 0) });
		return { ...done, rows: [...done.rows].sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || a.key.localeCompare(b.key)) };
	};
	const small = (v: number) => (v > 0 && v < SMALL_COUNT_THRESHOLD ? null : v);
	return {
		total: small(contacts.get('total')?.get('all') ?? 0),
		tables: new Map(['theme_field', 'sub_topic', 'unmet_topic'].map((k) => [k, make(contacts, k)] as const).concat([['social_space', make(contacts, 'social_space', spaceNames)]])),
		referralTotal: small(referrals.get('total')?.get('all') ?? 0),
		referralTables: new Map(['topic', 'status', 'failure_reason'].map((k) => [k, make(referrals, k)] as const))
	};
}

/** Years offered by the selector: from the oldest data (max. 10 years back) to this year, newest first. */
async function availableYears(db: DbOrTx, municipalityId: string, chosen: number): Promise<number[]> {
	const [own, offers] = await Promise.all([
		db.execute<{ y: number | null }>(sql`
			select min(y)::int as y from (
				select min(extract(year from created_at at time zone 'Europe/Berlin')) as y from needs_report where municipality_id = ${municipalityId}
				union all select min(extract(year from starts_on)) from programme where municipality_id = ${municipalityId}
			) x`),
		firstOfferYear(db, municipalityId)
	]);
	const oldest = [own.rows[0]?.y, offers].filter((y): y is number => y !== null && y !== undefined).map(Number);
	const now = berlinYear(new Date());
	const first = Math.max(now - 9, Math.min(oldest.length ? Math.min(...oldest) : now, chosen));
	const last = Math.max(now, chosen);
	return Array.from({ length: last - first + 1 }, (_, i) => last - i);
}

/** Median and mean of durations in days; null when there are none ("no data"). */
export function responseStats(durations: number[]): { median: number | null; mean: number | null } {
	if (!durations.length) return { median: null, mean: null };
	const s = [...durations].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/**
 * Statistics of the areas: newest value per metric, population (or proxy), the series; for a
 * chosen district its own statistics first.
 */
async function readStatistics(db: DbOrTx, ctx: Context): Promise<IndicatorStatistics> {
	const spaceIds = ctx.areas.flatMap((a) => a.spaceIds);
	const districtIds = [...(ctx.district ? [ctx.district.id] : []), ...ctx.areas.filter((a) => a.level === 'district').map((a) => a.id)];
	const rows = await areaStatistics(db, ctx.municipality.id, [...spaceIds, ...districtIds]);
	const byArea = new Map<string, typeof rows>();
	for (const r of rows) {
		const id = (r.socialSpaceId ?? r.districtId)!;
		byArea.set(id, [...(byArea.get(id) ?? []), r]);
	}
	const newest = (id: string, metric: string) => (byArea.get(id) ?? []).filter((r) => r.metric === metric).at(-1);
	const ownPopulation = (id: string): { value: number; basis: 'population' | 'proxy' | 'sum' | 'sum_proxy' } | undefined => {
		const p = newest(id, 'population');
		if (p) return { value: p.value, basis: 'population' };
		const e = newest(id, 'eligible_voters');
		return e ? { value: e.value, basis: 'proxy' } : undefined;
	};
	const population = new Map<string, { value: number; basis: string }>();
	for (const a of ctx.areas) {
		const own = ownPopulation(a.id);
		if (own) population.set(a.id, own);
		else if (a.level === 'district' && a.spaceIds.length) {
			const parts = a.spaceIds.map(ownPopulation);
			if (parts.every(Boolean)) population.set(a.id, { value: parts.reduce((s, p) => s + p!.value, 0), basis: parts.some((p) => p!.basis === 'proxy') ? 'sum_proxy' : 'sum' });
		}
	}
	const latest: IndicatorStatistics['latest'] = [];
	const series: IndicatorStatistics['series'] = [];
	const withStatistics = [...(ctx.district ? [{ id: ctx.district.id, name: ctx.district.name, districtSlug: ctx.district.slug }] : []), ...ctx.areas];
	for (const a of withStatistics) {
		const own = byArea.get(a.id) ?? [];
		const metrics = [...new Set(own.map((r) => r.metric))].sort();
		for (const metric of metrics) {
			const list = own.filter((r) => r.metric === metric);
			const last = list.at(-1)!;
			latest.push({ areaId: a.id, areaName: a.name, metric, value: last.value, unit: last.unit, asOf: last.asOf, source: last.source, districtSlug: a.districtSlug });
			for (const r of list) series.push({ areaId: a.id, areaName: a.name, metric, value: r.value, asOf: r.asOf, districtSlug: a.districtSlug });
		}
	}
	return { population, latest, series };
}

/** The distinct districts of a list of social spaces. */
function districtsOf(ctx: Context, spaceIds: readonly string[] | null): string[] {
	return [...new Set((spaceIds ?? []).map((s) => ctx.districtOf.get(s)).filter((d): d is string => !!d))];
}

/** Needs reports made in the year: by status, by field (open, unanswered, closed, response times), per area. */
async function readNeeds(db: DbOrTx, ctx: Context): Promise<IndicatorNeeds> {
	// An instance's dashboard shows all its own reports, wherever they are.
	const spaceFilter =
		ctx.spaceIds === null || ctx.needsInstanceId
			? sql`true`
			: ctx.spaceIds.length
				? sql`exists (select 1 from needs_report_space s where s.report_id = nr.id and s.social_space_id in (${sql.join(ctx.spaceIds.map((i) => sql`${i}::uuid`), sql`, `)}))`
				: sql`false`;
	const instanceFilter = ctx.needsInstanceId ? sql`nr.instance_id = ${ctx.needsInstanceId}` : sql`true`;
	const result = await db.execute<{ id: string; status: string; theme_field: string; created_at: string | Date; first_response_at: string | Date | null; linked: boolean; spaces: string[] | null }>(sql`
		select nr.id, nr.status, nr.theme_field, nr.created_at, nr.first_response_at,
			exists (select 1 from needs_report_link l where l.report_id = nr.id) as linked,
			(select array_agg(s.social_space_id::text) from needs_report_space s where s.report_id = nr.id) as spaces
		from needs_report nr
		where nr.municipality_id = ${ctx.municipality.id} and ${spaceFilter} and ${instanceFilter}
		  and nr.created_at >= ${`${ctx.year}-01-01`}::timestamp at time zone 'Europe/Berlin'
		  and nr.created_at < ${`${ctx.year + 1}-01-01`}::timestamp at time zone 'Europe/Berlin'`);
	const byStatus = new Map<string, number>();
	const byField = new Map<string, { open: number; unanswered: number; closed: number; durations: number[] }>();
	const openPerArea = new Map<string, number>();
	const durations: number[] = [];
	let open = 0;
	let closed = 0;
	let unanswered = 0;
	const districtLevel = ctx.areas[0]?.level === 'district';
	for (const r of result.rows) {
		byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
		const f = byField.get(r.theme_field) ?? { open: 0, unanswered: 0, closed: 0, durations: [] };
		const isOpen = (OPEN_NEEDS_STATUSES as readonly string[]).includes(r.status);
		if (isOpen) {
			f.open++;
			open++;
			if (!r.linked) {
				f.unanswered++;
				unanswered++;
			}
			for (const a of districtLevel ? districtsOf(ctx, r.spaces) : (r.spaces ?? [])) openPerArea.set(a, (openPerArea.get(a) ?? 0) + 1);
		} else {
			f.closed++;
			closed++;
		}
		if (r.first_response_at) {
			const d = (new Date(r.first_response_at).getTime() - new Date(r.created_at).getTime()) / DAY_MS;
			f.durations.push(d);
			durations.push(d);
		}
		byField.set(r.theme_field, f);
	}
	return { byStatus, byField, openPerArea, durations, open, closed, unanswered };
}

/** Programmes active in the year: count and budget per field (split evenly), count per area. */
async function readProgrammes(db: DbOrTx, ctx: Context): Promise<IndicatorProgrammes> {
	const naming = ctx.spaceIds?.length
		? sql`exists (select 1 from programme_space ps where ps.programme_id = p.id and ps.social_space_id in (${sql.join(ctx.spaceIds.map((i) => sql`${i}::uuid`), sql`, `)}))`
		: sql`false`;
	const spaceFilter =
		ctx.spaceIds === null
			? sql`true`
			: ctx.district
				? naming
				: sql`(not exists (select 1 from programme_space ps where ps.programme_id = p.id) or ${naming})`;
	const result = await db.execute<{ id: string; theme_fields: string[]; budget_cents: string | number | null; spaces: string[] | null }>(sql`
		select p.id, p.theme_fields, p.budget_cents,
			(select array_agg(ps.social_space_id::text) from programme_space ps where ps.programme_id = p.id) as spaces
		from programme p
		where p.municipality_id = ${ctx.municipality.id} and ${spaceFilter}
		  and p.starts_on <= ${`${ctx.year}-12-31`}::date and (p.ends_on is null or p.ends_on >= ${`${ctx.year}-01-01`}::date)`);
	const byField = new Map<string, { count: number; budgetCents: number; withBudget: number; withoutBudget: number }>();
	const perArea = new Map<string, number>();
	const districtLevel = ctx.areas[0]?.level === 'district';
	let budgetCents = 0;
	let withBudget = 0;
	for (const r of result.rows) {
		const fields = r.theme_fields?.length ? r.theme_fields : [NO_FIELD];
		const budget = r.budget_cents === null ? null : Number(r.budget_cents);
		if (budget !== null) {
			budgetCents += budget;
			withBudget++;
		}
		for (const f of fields) {
			const v = byField.get(f) ?? { count: 0, budgetCents: 0, withBudget: 0, withoutBudget: 0 };
			v.count++;
			if (budget === null) v.withoutBudget++;
			else {
				v.budgetCents += budget / fields.length;
				v.withBudget++;
			}
			byField.set(f, v);
		}
		// A programme without social spaces covers the whole municipality: every area.
		const areaIds = r.spaces === null ? ctx.areas.map((a) => a.id) : districtLevel ? districtsOf(ctx, r.spaces) : r.spaces;
		for (const a of areaIds) perArea.set(a, (perArea.get(a) ?? 0) + 1);
	}
	return { byField, perArea, count: result.rows.length, budgetCents, withBudget };
}
