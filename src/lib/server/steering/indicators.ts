/**
 * Indikatoren und Monitoring (issue 5 §4): the municipality dashboard (per Stadtbezirk, or per
 * Sozialraum of one chosen district) and the dashboard of one instance (its social spaces), for
 * one calendar year (Europe/Berlin). Both are built as a list of tables, so the page, the charts
 * and the district and annual reports (`reports.ts`: PDF, XLSX, CSV) show the same numbers.
 *
 * Sections and definitions (design of issue 5, BRIEF):
 * - `population`: the imported statistics of each area (`statistic`): the newest value per
 *   metric and the series by `as_of`. Population of an area is the newest `population`; where
 *   none exists, `eligible_voters` as a proxy, labelled so. A district without its own statistic
 *   gets the sum over its social spaces when every one of them has a value. No statistic → "no
 *   data", never 0.
 * - `offers`: CURRENT offers (`service.status = 'active'`, any visibility) by theme field and
 *   area, from the directory's search entries (which hold the social spaces of an offer's
 *   locations); "added" = offers whose `created_at` falls in a year (whatever their status now).
 * - `contacts` / `referrals`: the Lotsen statistics of casework (`countContacts`,
 *   `countReferrals`, `buildReport`), by topic, unmet topic, social space, referral topic,
 *   status (outcome) and failure reason, with small counts suppressed (`suppressTable`: 1–4 →
 *   "<5", secondary suppression). Exact counts only for an instance's own staff on screen.
 * - `needs`: needs reports made in the year: OPEN while `reported`/`under_review`/`in_planning`,
 *   CLOSED when `implemented`/`declined`, UNANSWERED while open with no linked offer or
 *   programme; time to response = `first_response_at − created_at` in days (median and mean of
 *   the reports that have had a response).
 * - `programmes`: programmes ACTIVE in the year (period overlaps it). A programme with several
 *   theme fields counts once in each field and its budget is split evenly across them, so the
 *   field budgets add up to the total budget; a programme without a field counts under
 *   "no field". For a district: the programmes with at least one of its social spaces plus the
 *   municipality-wide ones (no social space); their whole budget is shown.
 *
 * Every number carries the link to where it comes from (`href`, relative to `/{lang}`).
 * Reads: steering tables directly; directory `search_entry`/`service`, geography `district`/
 * `social_space`/`statistic`, instances `instance`/`instance_social_space` through their
 * exported schema tables (read-only aggregates, no function exists for them).
 */
import { eq, sql } from 'drizzle-orm';
import type { UserPrincipal } from '../access';
import { authorize, can } from '../access';
import { buildReport, countContacts, countReferrals, suppressTable, type ContactCountDimension, type ReportScope, type ReportTable } from '../casework/statistics';
import { SMALL_COUNT_THRESHOLD } from '../casework/model';
import { berlinDate } from '../casework/time';
import type { DbOrTx } from '../db/client';
import { THEME_FIELDS } from '../directory/model';
import { AccessDeniedError, ValidationError } from '../core/errors';
import { district, municipality, socialSpace } from '../geography/schema';
import { instance, instanceSocialSpace } from '../instances/schema';
import { m } from '../../paraglide/messages.js';
import { isLocale, type Locale } from '../../paraglide/runtime.js';

/** One cell: a number (`unit` says how to show it), a suppressed count ("<5"), no data, or text. */
export type IndicatorValue =
	| { t: 'n'; n: number; unit: 'count' | 'days' | 'eur' | 'value'; href?: string }
	| { t: 'suppressed'; href?: string }
	| { t: 'none' }
	| { t: 'text'; s: string; href?: string };

/** One row: a machine key, its label in the requested language, and one value per column. */
export interface IndicatorRow {
	key: string;
	label: string;
	href?: string;
	cells: IndicatorValue[];
}

/** One table of a dashboard (and one section of a report). */
export interface IndicatorTable {
	/** e.g. `areas`, `offers_field`, `contacts_topic` (message `in_table_<key>`). */
	key: string;
	section: 'summary' | 'population' | 'offers' | 'contacts' | 'referrals' | 'needs' | 'programmes';
	title: string;
	columns: { key: string; label: string }[];
	rows: IndicatorRow[];
	/** Index of the column drawn as a bar chart, or null (no chart). */
	chart: number | null;
	/** A note shown under the table (definitions, proxies). */
	note?: string;
}

/** A dashboard: scope, year, choices for the selector, and its tables. */
export interface Dashboard {
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
	locale: Locale;
	tables: IndicatorTable[];
	/** The sources of the data, in the requested language. */
	sources: string[];
}

/** Options of both dashboards. `download`: everything leaves the instance → always suppressed. */
export interface DashboardOptions {
	year: number;
	districtId?: string | null;
	locale?: string;
	download?: boolean;
}

type MessageFn = (params?: Record<string, unknown>, options?: { locale?: Locale }) => string;

/** A message in `locale`, or `fallback` (default: the key) when it does not exist. */
export function indicatorText(locale: Locale, key: string, params: Record<string, unknown> = {}, fallback?: string): string {
	const fn = (m as unknown as Record<string, MessageFn | undefined>)[key];
	return fn ? fn(params, { locale }) : (fallback ?? key);
}

const OPEN_STATUSES = ['reported', 'under_review', 'in_planning'] as const;
const NEEDS_STATUSES = [...OPEN_STATUSES, 'implemented', 'declined'] as const;
const FIELD_KEYS = THEME_FIELDS.map((f) => f.key);
const NO_FIELD = 'none';
const DAY_MS = 86_400_000;

const n = (value: number, unit: 'count' | 'days' | 'eur' | 'value' = 'count', href?: string): IndicatorValue => ({ t: 'n', n: value, unit, ...(href ? { href } : {}) });
const none: IndicatorValue = { t: 'none' };

/** Validates the year (2000–2100). @throws ValidationError naming `year`. */
function checkYear(year: number): void {
	if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new ValidationError([{ field: 'year', code: 'in_error_year', params: { min: 2000, max: 2100 } }]);
}

/** The Berlin year of an instant. */
function berlinYear(at: Date): number {
	return Number(berlinDate(at).slice(0, 4));
}

/** Area of a dashboard: a district (rows of the municipality view) or a social space. */
interface Area {
	id: string;
	level: 'district' | 'space';
	name: string;
	slug: string;
	/** For a district: its social spaces; for a space: itself. */
	spaceIds: string[];
	/** The public district page (slug of the district). */
	districtSlug: string;
}

/** What the shared builder works on. */
interface Context {
	locale: Locale;
	year: number;
	municipality: { id: string; slug: string; name: string };
	areas: Area[];
	/** Social spaces the dashboard covers; null = the whole municipality. */
	spaceIds: string[] | null;
	/** Needs reports of this instance only (instance dashboard). */
	needsInstanceId: string | null;
	/** The contact statistics: suppressed or exact tables by key, plus totals. */
	contacts: { total: number | null; tables: Map<string, ReportTable>; referralTotal: number | null; referralTables: Map<string, ReportTable>; statisticsHref: string | undefined };
}

/**
 * The municipality dashboard: per Stadtbezirk of the principal's municipality, or per Sozialraum
 * of `districtId`, for `year`. Contact counts are always suppressed (it is a city view).
 * @throws AccessDeniedError without `steering:view`; ValidationError naming `year` or `district`
 *   (a district of another municipality or unknown).
 */
export async function municipalityDashboard(db: DbOrTx, principal: UserPrincipal, options: DashboardOptions): Promise<Dashboard> {
	authorize(principal, 'steering:view', { municipalityId: principal.municipalityId });
	checkYear(options.year);
	const locale: Locale = isLocale(options.locale ?? '') ? (options.locale as Locale) : 'de';
	const [mun] = await db.select({ id: municipality.id, slug: municipality.slug, name: municipality.name }).from(municipality).where(eq(municipality.id, principal.municipalityId));
	if (!mun) throw new AccessDeniedError();
	const districts = await db
		.select({ id: district.id, slug: district.slug, name: district.name })
		.from(district)
		.where(eq(district.municipalityId, mun.id))
		.orderBy(sql`${district.code} nulls last`, district.name);
	const spaces = await db
		.select({ id: socialSpace.id, slug: socialSpace.slug, name: socialSpace.name, districtId: socialSpace.districtId })
		.from(socialSpace)
		.where(eq(socialSpace.municipalityId, mun.id))
		.orderBy(socialSpace.name);
	let chosen: (typeof districts)[number] | null = null;
	if (options.districtId) {
		chosen = districts.find((d) => d.id === options.districtId) ?? null;
		if (!chosen) throw new ValidationError([{ field: 'district', code: 'in_error_district' }]);
	}
	const slugOf = new Map(districts.map((d) => [d.id, d.slug]));
	const areas: Area[] = chosen
		? spaces.filter((s) => s.districtId === chosen!.id).map((s) => ({ id: s.id, level: 'space', name: s.name, slug: s.slug, spaceIds: [s.id], districtSlug: chosen!.slug }))
		: districts.map((d) => ({ id: d.id, level: 'district', name: d.name, slug: d.slug, spaceIds: spaces.filter((s) => s.districtId === d.id).map((s) => s.id), districtSlug: slugOf.get(d.id)! }));
	const scope: ReportScope = chosen ? { level: 'district', id: chosen.id } : { level: 'municipality', id: mun.id };
	const period = { year: options.year, month: null };
	const [contactCounts, referralCounts] = await Promise.all([countContacts(db, scope, period, DASHBOARD_DIMENSIONS), countReferrals(db, scope, period)]);
	const spaceNames = new Map(spaces.map((s) => [s.id, s.name]));
	const contacts = fromCounts(contactCounts, referralCounts, spaceNames, false);
	const scopeParam = `${scope.level}:${scope.id}`;
	const ctx: Context = {
		locale,
		year: options.year,
		municipality: mun,
		areas,
		spaceIds: chosen ? areas.map((a) => a.id) : null,
		needsInstanceId: null,
		// Instance staff see the city view but may not open city-wide statistics: no link that ends in 403.
		contacts: { ...contacts, statisticsHref: can(principal, 'statistics:municipality', { municipalityId: mun.id }) ? `/staff/statistics?scope=${scopeParam}&period=${options.year}` : undefined }
	};
	return {
		kind: 'municipality',
		municipality: mun,
		instance: null,
		district: chosen,
		districts,
		year: options.year,
		years: await availableYears(db, mun.id, options.year),
		exact: false,
		locale,
		tables: await buildTables(db, ctx),
		sources: sources(locale)
	};
}

/**
 * The dashboard of one instance: its social spaces, the offers placed in them, its own needs
 * reports, the programmes covering its spaces (or the whole municipality) and its contact
 * statistics — exact on screen for its own staff (`statistics:exact`), suppressed for
 * administrators and in every download.
 * @throws AccessDeniedError without `statistics:instance` on it (also for an unknown id);
 *   ValidationError naming `year`.
 */
export async function instanceDashboard(db: DbOrTx, principal: UserPrincipal, instanceId: string, options: DashboardOptions): Promise<Dashboard> {
	const isUuid = /^[0-9a-f-]{36}$/i.test(instanceId);
	const [inst] = isUuid ? await db.select({ id: instance.id, name: instance.name, municipalityId: instance.municipalityId }).from(instance).where(eq(instance.id, instanceId)) : [];
	if (!inst || !can(principal, 'statistics:instance', { municipalityId: inst.municipalityId, instanceId: inst.id })) throw new AccessDeniedError();
	checkYear(options.year);
	const locale: Locale = isLocale(options.locale ?? '') ? (options.locale as Locale) : 'de';
	const [mun] = await db.select({ id: municipality.id, slug: municipality.slug, name: municipality.name }).from(municipality).where(eq(municipality.id, inst.municipalityId));
	const spaces = await db
		.select({ id: socialSpace.id, slug: socialSpace.slug, name: socialSpace.name, districtSlug: district.slug })
		.from(instanceSocialSpace)
		.innerJoin(socialSpace, eq(socialSpace.id, instanceSocialSpace.socialSpaceId))
		.innerJoin(district, eq(district.id, socialSpace.districtId))
		.where(eq(instanceSocialSpace.instanceId, inst.id))
		.orderBy(socialSpace.name);
	const report = await buildReport(db, principal, { level: 'instance', id: inst.id }, { year: options.year, month: null }, { download: !!options.download });
	const tables = new Map(report.contactTables.map((t) => [t.key, t]));
	tables.set('unmet_topic', { key: 'unmet_topic', rows: report.topUnmet, total: null });
	const ctx: Context = {
		locale,
		year: options.year,
		municipality: mun,
		areas: spaces.map((s) => ({ id: s.id, level: 'space', name: s.name, slug: s.slug, spaceIds: [s.id], districtSlug: s.districtSlug })),
		spaceIds: spaces.map((s) => s.id),
		needsInstanceId: inst.id,
		contacts: {
			total: report.contacts,
			tables,
			referralTotal: report.referrals,
			referralTables: new Map(report.referralTables.map((t) => [t.key, t])),
			statisticsHref: `/staff/statistics?scope=instance:${inst.id}&period=${options.year}`
		}
	};
	return {
		kind: 'instance',
		municipality: mun,
		instance: { id: inst.id, name: inst.name },
		district: null,
		districts: [],
		year: options.year,
		years: await availableYears(db, mun.id, options.year),
		exact: report.exact,
		locale,
		tables: await buildTables(db, ctx),
		sources: sources(locale)
	};
}

type Counts = Map<string, Map<string, number>>;

/** The contact dimensions the city view shows (`fromCounts`); counting only these halves the time for a year. */
const DASHBOARD_DIMENSIONS: ContactCountDimension[] = ['total', 'theme_field', 'sub_topic', 'unmet_topic', 'social_space'];

/** Suppressed tables of the city view from raw casework counts. */
function fromCounts(contacts: Counts, referrals: Counts, spaceNames: Map<string, string>, exact: boolean): Omit<Context['contacts'], 'statisticsHref'> {
	const make = (counts: Counts, key: string, labels?: Map<string, string>): ReportTable => {
		const rows = [...(counts.get(key) ?? new Map<string, number>())].map(([k, c]) => ({ key: k, count: c, ...(labels ? { label: labels.get(k) ?? k } : {}) }));
		const table = { key, rows, total: rows.reduce((a, r) => a + (r.count ?? 0), 0) };
		const done = exact ? table : suppressTable(table);
		return { ...done, rows: [...done.rows].sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || a.key.localeCompare(b.key)) };
	};
	const small = (v: number) => (!exact && v > 0 && v < SMALL_COUNT_THRESHOLD ? null : v);
	return {
		total: small(contacts.get('total')?.get('all') ?? 0),
		tables: new Map(['theme_field', 'sub_topic', 'unmet_topic'].map((k) => [k, make(contacts, k)] as const).concat([['social_space', make(contacts, 'social_space', spaceNames)]])),
		referralTotal: small(referrals.get('total')?.get('all') ?? 0),
		referralTables: new Map(['topic', 'status', 'failure_reason'].map((k) => [k, make(referrals, k)] as const))
	};
}

/** Years offered by the selector: from the oldest data (max. 10 years back) to this year, newest first. */
async function availableYears(db: DbOrTx, municipalityId: string, chosen: number): Promise<number[]> {
	const result = await db.execute<{ y: number | null }>(sql`
		select min(y)::int as y from (
			select min(extract(year from created_at at time zone 'Europe/Berlin')) as y from needs_report where municipality_id = ${municipalityId}
			union all select min(extract(year from starts_on)) from programme where municipality_id = ${municipalityId}
			union all select min(extract(year from created_at at time zone 'Europe/Berlin')) from service where municipality_id = ${municipalityId}
		) x`);
	const now = berlinYear(new Date());
	const first = Math.max(now - 9, Math.min(result.rows[0]?.y ?? now, chosen));
	const last = Math.max(now, chosen);
	return Array.from({ length: last - first + 1 }, (_, i) => last - i);
}

function sources(locale: Locale): string[] {
	return ['statistics', 'directory', 'contacts', 'needs', 'programmes'].map((k) => indicatorText(locale, `in_source_${k}`));
}

const fieldLabel = (locale: Locale, key: string) => (key === NO_FIELD ? indicatorText(locale, 'in_no_field') : indicatorText(locale, `opt_theme_fields_${key}`, {}, key));
const topicLabel = (locale: Locale, key: string) => indicatorText(locale, `opt_theme_fields_${key}`, {}, indicatorText(locale, `subtopic_${key}`, {}, key));

/** Builds every table of a dashboard (shared by both dashboards). */
async function buildTables(db: DbOrTx, ctx: Context): Promise<IndicatorTable[]> {
	const { locale } = ctx;
	const col = (key: string) => ({ key, label: indicatorText(locale, `in_col_${key}`) });
	const title = (key: string) => indicatorText(locale, `in_table_${key}`);
	const [stats, offers, needs, programmes] = await Promise.all([readStatistics(db, ctx), readOffers(db, ctx), readNeeds(db, ctx), readProgrammes(db, ctx)]);
	const year = ctx.year;
	const spaceParam = (a: Area) => (a.level === 'space' ? `&space=${a.id}` : `&district=${a.id}`);
	const publicPage = (a: Area) => `/m/${ctx.municipality.slug}/d/${a.districtSlug}`;

	// Areas: population, offers, needs and programmes side by side.
	const areaRows: IndicatorRow[] = ctx.areas.map((a) => {
		const pop = stats.population.get(a.id);
		return {
			key: a.id,
			label: a.name,
			href: publicPage(a),
			cells: [
				pop ? n(pop.value, 'value', publicPage(a)) : none,
				pop ? { t: 'text', s: indicatorText(locale, `in_population_basis_${pop.basis}`) } : none,
				n(offers.perArea.get(a.id) ?? 0, 'count', `/staff/coverage${a.level === 'space' ? `/cell?space=${a.id}` : ''}`),
				n(offers.addedPerArea.get(a.id) ?? 0, 'count', '/staff/coverage'),
				n(needs.openPerArea.get(a.id) ?? 0, 'count', `/staff/needs?status=open${spaceParam(a)}`),
				n(programmes.perArea.get(a.id) ?? 0, 'count', `/staff/programmes?year=${year}${spaceParam(a)}`)
			]
		};
	});

	const statRows: IndicatorRow[] = stats.latest.map((s) => ({
		key: `${s.areaId}:${s.metric}`,
		label: `${s.areaName} · ${indicatorText(locale, `metric_${s.metric}`, {}, s.metric)}`,
		href: s.href,
		cells: [n(s.value, 'value', s.href), { t: 'text', s: indicatorText(locale, `unit_${s.unit}`, {}, s.unit) }, { t: 'text', s: s.asOf }, { t: 'text', s: s.source }]
	}));
	const seriesRows: IndicatorRow[] = stats.series.map((s) => ({
		key: `${s.areaId}:${s.metric}:${s.asOf}`,
		label: `${s.areaName} · ${indicatorText(locale, `metric_${s.metric}`, {}, s.metric)} · ${s.asOf}`,
		href: s.href,
		cells: [n(s.value, 'value', s.href)]
	}));

	const offerFieldRows: IndicatorRow[] = FIELD_KEYS.map((f) => ({
		key: f,
		label: fieldLabel(locale, f),
		href: `/staff/coverage/map?field=${f}`,
		cells: [n(offers.current.get(f) ?? 0, 'count', `/staff/coverage/map?field=${f}`), n(offers.added.get(`${year}:${f}`) ?? 0, 'count', `/staff/coverage/map?field=${f}`)]
	}));
	const addedRows: IndicatorRow[] = offers.years.map((y) => ({
		key: String(y),
		label: String(y),
		cells: [...FIELD_KEYS.map((f) => n(offers.added.get(`${y}:${f}`) ?? 0)), n(offers.addedTotal.get(y) ?? 0)]
	}));

	const statisticsHref = ctx.contacts.statisticsHref;
	const countCell = (c: number | null): IndicatorValue => (c === null ? { t: 'suppressed', href: statisticsHref } : n(c, 'count', statisticsHref));
	const reportRows = (t: ReportTable | undefined, label: (key: string, stored?: string) => string): IndicatorRow[] =>
		(t?.rows ?? []).map((r) => ({ key: r.key, label: label(r.key, r.label), href: statisticsHref, cells: [countCell(r.count)] }));
	const contactTables = ctx.contacts.tables;
	const referralTables = ctx.contacts.referralTables;

	const needsHref = (status: string, field?: string) =>
		`/staff/needs?${[status === 'all' ? '' : `status=${status}`, field ? `field=${field}` : '', ctx.needsInstanceId ? `instance=${ctx.needsInstanceId}` : ''].filter(Boolean).join('&')}`;
	const needsFieldKeys = [...FIELD_KEYS, ...[...needs.byField.keys()].filter((k) => !FIELD_KEYS.includes(k))];
	const days = (v: number | null, href: string): IndicatorValue => (v === null ? none : n(Math.round(v * 10) / 10, 'days', href));

	const programmeFields = [...FIELD_KEYS, ...(programmes.byField.has(NO_FIELD) ? [NO_FIELD] : [])];

	const tables: IndicatorTable[] = [
		{
			key: 'summary',
			section: 'summary',
			title: title('summary'),
			columns: [col('value')],
			chart: null,
			rows: [
				{ key: 'contacts', label: indicatorText(locale, 'in_row_contacts'), href: statisticsHref, cells: [countCell(ctx.contacts.total)] },
				{ key: 'referrals', label: indicatorText(locale, 'in_row_referrals'), href: statisticsHref, cells: [countCell(ctx.contacts.referralTotal)] },
				{ key: 'offers_current', label: indicatorText(locale, 'in_row_offers_current'), href: '/staff/coverage', cells: [n(offers.total, 'count', '/staff/coverage')] },
				{ key: 'offers_added', label: indicatorText(locale, 'in_row_offers_added', { year }), href: '/staff/coverage', cells: [n(offers.addedTotal.get(year) ?? 0, 'count', '/staff/coverage')] },
				{ key: 'needs_open', label: indicatorText(locale, 'in_row_needs_open'), href: needsHref('open'), cells: [n(needs.open, 'count', needsHref('open'))] },
				{ key: 'needs_closed', label: indicatorText(locale, 'in_row_needs_closed'), href: needsHref('closed'), cells: [n(needs.closed, 'count', needsHref('closed'))] },
				{ key: 'programmes', label: indicatorText(locale, 'in_row_programmes'), href: `/staff/programmes?year=${year}`, cells: [n(programmes.count, 'count', `/staff/programmes?year=${year}`)] },
				{
					key: 'budget',
					label: indicatorText(locale, 'in_row_budget'),
					href: `/staff/programmes?year=${year}`,
					cells: [programmes.withBudget ? n(programmes.budgetCents / 100, 'eur', `/staff/programmes?year=${year}`) : none]
				}
			]
		},
		{
			key: 'areas',
			section: 'population',
			title: title(ctx.areas[0]?.level === 'district' ? 'areas_districts' : 'areas_spaces'),
			columns: [col('population'), col('population_basis'), col('offers_current'), col('offers_added'), col('needs_open'), col('programmes')],
			chart: 2,
			rows: areaRows,
			note: indicatorText(locale, 'in_note_areas')
		},
		{ key: 'statistics', section: 'population', title: title('statistics'), columns: [col('value'), col('unit'), col('as_of'), col('source')], chart: null, rows: statRows },
		{ key: 'statistics_series', section: 'population', title: title('statistics_series'), columns: [col('value')], chart: null, rows: seriesRows },
		{ key: 'offers_field', section: 'offers', title: title('offers_field'), columns: [col('offers_current'), col('offers_added')], chart: 0, rows: offerFieldRows, note: indicatorText(locale, 'in_note_offers') },
		{
			key: 'offers_added_years',
			section: 'offers',
			title: title('offers_added_years'),
			columns: [...FIELD_KEYS.map((f) => ({ key: f, label: fieldLabel(locale, f) })), col('total')],
			chart: FIELD_KEYS.length,
			rows: addedRows
		},
		{ key: 'contacts_field', section: 'contacts', title: title('contacts_field'), columns: [col('contacts')], chart: 0, rows: reportRows(contactTables.get('theme_field'), (k) => topicLabel(locale, k)) },
		{ key: 'contacts_subtopic', section: 'contacts', title: title('contacts_subtopic'), columns: [col('contacts')], chart: 0, rows: reportRows(contactTables.get('sub_topic'), (k) => topicLabel(locale, k)) },
		{ key: 'contacts_unmet', section: 'contacts', title: title('contacts_unmet'), columns: [col('contacts')], chart: 0, rows: reportRows(contactTables.get('unmet_topic'), (k) => topicLabel(locale, k)) },
		{ key: 'contacts_space', section: 'contacts', title: title('contacts_space'), columns: [col('contacts')], chart: 0, rows: reportRows(contactTables.get('social_space'), (k, stored) => stored ?? k) },
		{ key: 'referrals_topic', section: 'referrals', title: title('referrals_topic'), columns: [col('referrals')], chart: 0, rows: reportRows(referralTables.get('topic'), (k) => topicLabel(locale, k)) },
		{
			key: 'referrals_status',
			section: 'referrals',
			title: title('referrals_status'),
			columns: [col('referrals')],
			chart: 0,
			rows: reportRows(referralTables.get('status'), (k) => indicatorText(locale, `cc_status_${k}`, {}, k))
		},
		{
			key: 'referrals_reason',
			section: 'referrals',
			title: title('referrals_reason'),
			columns: [col('referrals')],
			chart: 0,
			rows: reportRows(referralTables.get('failure_reason'), (k) => indicatorText(locale, `cc_reason_${k}`, {}, k))
		},
		{
			key: 'needs_status',
			section: 'needs',
			title: title('needs_status'),
			columns: [col('reports')],
			chart: 0,
			rows: NEEDS_STATUSES.map((s) => ({ key: s, label: indicatorText(locale, `in_needs_status_${s}`), href: needsHref(s), cells: [n(needs.byStatus.get(s) ?? 0, 'count', needsHref(s))] }))
		},
		{
			key: 'needs_field',
			section: 'needs',
			title: title('needs_field'),
			columns: [col('needs_open'), col('needs_unanswered'), col('needs_closed'), col('responded'), col('median_days'), col('mean_days')],
			chart: 0,
			rows: [
				...needsFieldKeys.map((f) => {
					const v = needs.byField.get(f) ?? { open: 0, unanswered: 0, closed: 0, durations: [] };
					const r = responseStats(v.durations);
					return {
						key: f,
						label: fieldLabel(locale, f),
						href: needsHref('all', f),
						cells: [n(v.open, 'count', needsHref('open', f)), n(v.unanswered, 'count', needsHref('open', f)), n(v.closed, 'count', needsHref('closed', f)), n(v.durations.length, 'count', needsHref('all', f)), days(r.median, needsHref('all', f)), days(r.mean, needsHref('all', f))]
					};
				}),
				(() => {
					const r = responseStats(needs.durations);
					return {
						key: 'total',
						label: indicatorText(locale, 'in_col_total'),
						href: needsHref('all'),
						cells: [n(needs.open, 'count', needsHref('open')), n(needs.unanswered, 'count', needsHref('open')), n(needs.closed, 'count', needsHref('closed')), n(needs.durations.length, 'count', needsHref('all')), days(r.median, needsHref('all')), days(r.mean, needsHref('all'))]
					};
				})()
			],
			note: indicatorText(locale, 'in_note_needs')
		},
		{
			key: 'programmes_field',
			section: 'programmes',
			title: title('programmes_field'),
			columns: [col('programmes'), col('budget'), col('without_budget')],
			chart: 0,
			rows: programmeFields.map((f) => {
				const v = programmes.byField.get(f) ?? { count: 0, budgetCents: 0, withBudget: 0, withoutBudget: 0 };
				const href = f === NO_FIELD ? `/staff/programmes?year=${year}` : `/staff/programmes?field=${f}&year=${year}`;
				return { key: f, label: fieldLabel(locale, f), href, cells: [n(v.count, 'count', href), v.withBudget ? n(Math.round(v.budgetCents) / 100, 'eur', href) : none, n(v.withoutBudget, 'count', href)] };
			}),
			note: indicatorText(locale, 'in_note_programmes')
		}
	];
	return tables;
}

/** Median and mean of durations in days; null when there are none ("no data"). */
export function responseStats(durations: number[]): { median: number | null; mean: number | null } {
	if (!durations.length) return { median: null, mean: null };
	const s = [...durations].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Statistics of the areas: newest value per metric, population (or proxy), the series. */
async function readStatistics(db: DbOrTx, ctx: Context) {
	const spaceIds = ctx.areas.flatMap((a) => a.spaceIds);
	const districtIds = ctx.areas.filter((a) => a.level === 'district').map((a) => a.id);
	const ids = [...spaceIds, ...districtIds];
	const rows = ids.length
		? (
				await db.execute<{ district_id: string | null; social_space_id: string | null; metric: string; value: number; unit: string; as_of: string; source: string }>(sql`
					select district_id, social_space_id, metric, value, unit, as_of, source from statistic
					where municipality_id = ${ctx.municipality.id}
					  and (social_space_id in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)}) or district_id in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)}))
					order by as_of`)
			).rows
		: [];
	const byArea = new Map<string, typeof rows>();
	for (const r of rows) {
		const id = (r.social_space_id ?? r.district_id)!;
		byArea.set(id, [...(byArea.get(id) ?? []), r]);
	}
	const newest = (id: string, metric: string) => (byArea.get(id) ?? []).filter((r) => r.metric === metric).at(-1);
	const ownPopulation = (id: string): { value: number; basis: 'population' | 'proxy' | 'sum' | 'sum_proxy' } | undefined => {
		const p = newest(id, 'population');
		if (p) return { value: Number(p.value), basis: 'population' };
		const e = newest(id, 'eligible_voters');
		return e ? { value: Number(e.value), basis: 'proxy' } : undefined;
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
	const latest: { areaId: string; areaName: string; metric: string; value: number; unit: string; asOf: string; source: string; href: string }[] = [];
	const series: { areaId: string; areaName: string; metric: string; value: number; asOf: string; href: string }[] = [];
	for (const a of ctx.areas) {
		const href = `/m/${ctx.municipality.slug}/d/${a.districtSlug}`;
		const own = byArea.get(a.id) ?? [];
		const metrics = [...new Set(own.map((r) => r.metric))].sort();
		for (const metric of metrics) {
			const list = own.filter((r) => r.metric === metric);
			const last = list.at(-1)!;
			latest.push({ areaId: a.id, areaName: a.name, metric, value: Number(last.value), unit: last.unit, asOf: last.as_of, source: last.source, href });
			for (const r of list) series.push({ areaId: a.id, areaName: a.name, metric, value: Number(r.value), asOf: r.as_of, href });
		}
	}
	return { population, latest, series };
}

/** Spatial filter on search entries: the dashboard's social spaces (or the whole municipality). */
function entryFilter(ctx: Context) {
	if (ctx.spaceIds === null) return sql`true`;
	if (!ctx.spaceIds.length) return sql`false`;
	return sql`se.social_space_ids && array[${sql.join(ctx.spaceIds.map((i) => sql`${i}::uuid`), sql`, `)}]::uuid[]`;
}

/** Current offers by field and area, and offers added per year and field. */
async function readOffers(db: DbOrTx, ctx: Context) {
	const filter = entryFilter(ctx);
	const areaLevel = ctx.areas[0]?.level === 'district' ? sql.raw('district_ids') : sql.raw('social_space_ids');
	const [byField, total, perArea, added, addedPerArea] = await Promise.all([
		db.execute<{ k: string; c: number }>(sql`
			select f as k, count(*)::int as c from search_entry se, unnest(se.theme_fields) f
			where se.kind = 'service' and se.municipality_id = ${ctx.municipality.id} and se.status = 'active' and ${filter} group by f`),
		db.execute<{ c: number }>(sql`
			select count(*)::int as c from search_entry se
			where se.kind = 'service' and se.municipality_id = ${ctx.municipality.id} and se.status = 'active' and ${filter}`),
		db.execute<{ k: string; c: number }>(sql`
			select a::text as k, count(*)::int as c from search_entry se, unnest(se.${areaLevel}) a
			where se.kind = 'service' and se.municipality_id = ${ctx.municipality.id} and se.status = 'active' and ${filter} group by a`),
		db.execute<{ y: number; k: string | null; c: number }>(sql`
			with s as (
				select extract(year from sv.created_at at time zone 'Europe/Berlin')::int as y, sv.theme_fields
				from service sv join search_entry se on se.kind = 'service' and se.entity_id = sv.id
				where sv.municipality_id = ${ctx.municipality.id} and ${filter}
			)
			select y, f as k, count(*)::int as c from s, unnest(s.theme_fields) f group by y, f
			union all select y, null, count(*)::int from s group by y`),
		db.execute<{ k: string; c: number }>(sql`
			select a::text as k, count(*)::int as c
			from service sv join search_entry se on se.kind = 'service' and se.entity_id = sv.id, unnest(se.${areaLevel}) a
			where sv.municipality_id = ${ctx.municipality.id} and ${filter}
			  and sv.created_at >= ${`${ctx.year}-01-01`}::timestamp at time zone 'Europe/Berlin'
			  and sv.created_at < ${`${ctx.year + 1}-01-01`}::timestamp at time zone 'Europe/Berlin'
			group by a`)
	]);
	const addedMap = new Map<string, number>();
	const addedTotal = new Map<number, number>();
	for (const r of added.rows) {
		if (r.k === null) addedTotal.set(Number(r.y), Number(r.c));
		else addedMap.set(`${r.y}:${r.k}`, Number(r.c));
	}
	return {
		current: new Map(byField.rows.map((r) => [r.k, Number(r.c)])),
		total: Number(total.rows[0]?.c ?? 0),
		perArea: new Map(perArea.rows.map((r) => [r.k, Number(r.c)])),
		added: addedMap,
		addedTotal,
		addedPerArea: new Map(addedPerArea.rows.map((r) => [r.k, Number(r.c)])),
		years: [...addedTotal.keys()].sort((a, b) => b - a)
	};
}

/** Needs reports made in the year: by status, by field (open, unanswered, closed, response times), per area. */
async function readNeeds(db: DbOrTx, ctx: Context) {
	// An instance's dashboard shows all its own reports, wherever they are.
	const spaceFilter =
		ctx.spaceIds === null || ctx.needsInstanceId
			? sql`true`
			: ctx.spaceIds.length
				? sql`exists (select 1 from needs_report_space s where s.report_id = nr.id and s.social_space_id in (${sql.join(ctx.spaceIds.map((i) => sql`${i}::uuid`), sql`, `)}))`
				: sql`false`;
	const instanceFilter = ctx.needsInstanceId ? sql`nr.instance_id = ${ctx.needsInstanceId}` : sql`true`;
	const result = await db.execute<{ id: string; status: string; theme_field: string; created_at: string | Date; first_response_at: string | Date | null; linked: boolean; spaces: string[] | null; districts: string[] | null }>(sql`
		select nr.id, nr.status, nr.theme_field, nr.created_at, nr.first_response_at,
			exists (select 1 from needs_report_link l where l.report_id = nr.id) as linked,
			(select array_agg(s.social_space_id::text) from needs_report_space s where s.report_id = nr.id) as spaces,
			(select array_agg(distinct sp.district_id::text) from needs_report_space s join social_space sp on sp.id = s.social_space_id where s.report_id = nr.id) as districts
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
		const isOpen = (OPEN_STATUSES as readonly string[]).includes(r.status);
		if (isOpen) {
			f.open++;
			open++;
			if (!r.linked) {
				f.unanswered++;
				unanswered++;
			}
			for (const a of (districtLevel ? r.districts : r.spaces) ?? []) openPerArea.set(a, (openPerArea.get(a) ?? 0) + 1);
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
async function readProgrammes(db: DbOrTx, ctx: Context) {
	const spaceFilter =
		ctx.spaceIds === null
			? sql`true`
			: sql`(not exists (select 1 from programme_space ps where ps.programme_id = p.id)${
					ctx.spaceIds.length ? sql` or exists (select 1 from programme_space ps where ps.programme_id = p.id and ps.social_space_id in (${sql.join(ctx.spaceIds.map((i) => sql`${i}::uuid`), sql`, `)}))` : sql``
				})`;
	const result = await db.execute<{ id: string; theme_fields: string[]; budget_cents: string | number | null; spaces: string[] | null; districts: string[] | null }>(sql`
		select p.id, p.theme_fields, p.budget_cents,
			(select array_agg(ps.social_space_id::text) from programme_space ps where ps.programme_id = p.id) as spaces,
			(select array_agg(distinct sp.district_id::text) from programme_space ps join social_space sp on sp.id = ps.social_space_id where ps.programme_id = p.id) as districts
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
		const areaIds = r.spaces === null ? ctx.areas.map((a) => a.id) : ((districtLevel ? r.districts : r.spaces) ?? []);
		for (const a of areaIds) perArea.set(a, (perArea.get(a) ?? 0) + 1);
	}
	return { byField, perArea, count: result.rows.length, budgetCents, withBudget };
}
