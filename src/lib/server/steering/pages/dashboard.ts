/**
 * The steering dashboards as pages and reports show them (issue 5 §4): the numbers of
 * `indicators.ts` as labelled tables in the reader's language, every number with the link to
 * where it comes from, and the sources of the data. The municipality dashboard (per Stadtbezirk,
 * or per Sozialraum of one district) and the dashboard of one instance are built by the same
 * function, so the page, its charts and the district and annual reports (`report.ts`) show the
 * same numbers.
 */
import { can, type Principal, type UserPrincipal } from '../../access';
import { berlinDate } from '../../casework/time';
import { parseInteger } from '../../core/validation';
import { formatAsOf } from '../../../format';
import type { DbOrTx } from '../../db/client';
import { THEME_FIELDS } from '../../directory/model';
import { listInstances } from '../../instances/service';
import { m } from '../../../paraglide/messages.js';
import { isLocale, type Locale } from '../../../paraglide/runtime.js';
import { instanceIndicators, municipalityIndicators, NO_FIELD, responseStats, type IndicatorArea, type Indicators, type IndicatorOptions } from '../indicators';
import type { ReportTable } from '../../casework/statistics';
import { NEEDS_STATUSES } from '../model';

/** One cell: a number (`unit` says how to show it), a suppressed count ("<5"), no data, text, or an ISO date of source precision (`2018-12-31`, `2019-02`, `2018`; shown in the reader's language, exported as it is). */
export type IndicatorValue =
	| { t: 'n'; n: number; unit: 'count' | 'days' | 'eur' | 'value'; href?: string }
	| { t: 'suppressed'; href?: string }
	| { t: 'none' }
	| { t: 'text'; s: string; href?: string }
	| { t: 'date'; iso: string };

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
	/** `participation`: tables Partizipation adds to the report downloads (issue 16 §4). */
	section: 'summary' | 'population' | 'offers' | 'contacts' | 'referrals' | 'needs' | 'programmes' | 'participation';
	title: string;
	columns: { key: string; label: string }[];
	rows: IndicatorRow[];
	/** Index of the column drawn as a bar chart, or null (no chart). */
	chart: number | null;
	/** A note shown under the table (definitions, proxies). */
	note?: string;
}

/** A dashboard: scope, year, choices for the selector (as `Indicators`), and its tables. */
export type Dashboard = Pick<Indicators, 'kind' | 'municipality' | 'instance' | 'district' | 'districts' | 'year' | 'years' | 'exact'> & {
	locale: Locale;
	tables: IndicatorTable[];
	/** The sources of the data, in the requested language. */
	sources: string[];
};

/** Options of both dashboards: the year, the district (municipality), the language, and whether it is a download. */
export interface DashboardOptions extends IndicatorOptions {
	locale?: string;
}

type MessageFn = (params?: Record<string, unknown>, options?: { locale?: Locale }) => string;

/** A message in `locale`, or `fallback` (default: the key) when it does not exist. */
export function indicatorText(locale: Locale, key: string, params: Record<string, unknown> = {}, fallback?: string): string {
	const fn = (m as unknown as Record<string, MessageFn | undefined>)[key];
	return fn ? fn(params, { locale }) : (fallback ?? key);
}

const FIELD_KEYS = THEME_FIELDS.map((f) => f.key);

const n = (value: number, unit: 'count' | 'days' | 'eur' | 'value' = 'count', href?: string): IndicatorValue => ({ t: 'n', n: value, unit, ...(href ? { href } : {}) });
const none: IndicatorValue = { t: 'none' };

/** The requested language, German when it is not one of the platform's. */
function localeOf(options: DashboardOptions): Locale {
	return isLocale(options.locale ?? '') ? (options.locale as Locale) : 'de';
}

/**
 * The municipality dashboard: per Stadtbezirk of the municipality, or per Sozialraum of
 * `districtId`, for `year`, in `locale`. Contact counts are always suppressed (it is a city view);
 * they link to the city-wide statistics only for those who may open them.
 * @throws AccessDeniedError without `steering:view`; ValidationError naming `year` or `district`.
 */
export async function municipalityDashboard(db: DbOrTx, principal: Principal, municipalityId: string, options: DashboardOptions): Promise<Dashboard> {
	const data = await municipalityIndicators(db, principal, municipalityId, options);
	// Instance staff see the city view but may not open city-wide statistics: no link that ends in 403.
	const statisticsHref = can(principal, 'statistics:municipality', { municipalityId: data.municipality.id })
		? `/staff/statistics?scope=${data.contactScope.level}:${data.contactScope.id}&period=${data.year}`
		: undefined;
	return dashboardOf(data, localeOf(options), statisticsHref);
}

/**
 * The dashboard of one instance: its social spaces, the offers placed in them, its own needs
 * reports, the programmes covering its spaces (or the whole municipality) and its contact
 * statistics — exact on screen for its own staff, suppressed for administrators and in every
 * download.
 * @throws AccessDeniedError without `statistics:instance` on it (also for an unknown id);
 *   ValidationError naming `year`.
 */
export async function instanceDashboard(db: DbOrTx, principal: UserPrincipal, instanceId: string, options: DashboardOptions): Promise<Dashboard> {
	const data = await instanceIndicators(db, principal, instanceId, options);
	return dashboardOf(data, localeOf(options), `/staff/statistics?scope=instance:${data.contactScope.id}&period=${data.year}`);
}

function dashboardOf(data: Indicators, locale: Locale, statisticsHref: string | undefined): Dashboard {
	return {
		kind: data.kind,
		municipality: data.municipality,
		instance: data.instance,
		district: data.district,
		districts: data.districts,
		year: data.year,
		years: data.years,
		exact: data.exact,
		locale,
		tables: buildTables(data, locale, statisticsHref),
		sources: sources(locale)
	};
}

function sources(locale: Locale): string[] {
	return ['statistics', 'directory', 'contacts', 'needs', 'programmes'].map((k) => indicatorText(locale, `in_source_${k}`));
}

const fieldLabel = (locale: Locale, key: string) => (key === NO_FIELD ? indicatorText(locale, 'in_no_field') : indicatorText(locale, `opt_theme_fields_${key}`, {}, key));
const topicLabel = (locale: Locale, key: string) => indicatorText(locale, `opt_theme_fields_${key}`, {}, indicatorText(locale, `subtopic_${key}`, {}, key));

/**
 * Every table of a dashboard (shared by both dashboards and the reports), labelled in `locale`,
 * each number with the link to where it comes from.
 * @param statisticsHref the contact statistics page, or undefined where the reader may not open it.
 */
function buildTables(ctx: Indicators, locale: Locale, statisticsHref: string | undefined): IndicatorTable[] {
	const col = (key: string) => ({ key, label: indicatorText(locale, `in_col_${key}`) });
	const title = (key: string) => indicatorText(locale, `in_table_${key}`);
	const { statistics: stats, offers, needs, programmes } = ctx;
	const year = ctx.year;
	const spaceParam = (a: IndicatorArea) => (a.level === 'space' ? `&space=${a.id}` : `&district=${a.id}`);
	const publicPage = (districtSlug: string) => `/m/${ctx.municipality.slug}/d/${districtSlug}`;

	// Areas: population, offers, needs and programmes side by side.
	const areaRows: IndicatorRow[] = ctx.areas.map((a) => {
		const pop = stats.population.get(a.id);
		return {
			key: a.id,
			label: a.name,
			href: publicPage(a.districtSlug),
			cells: [
				pop ? n(pop.value, 'value', publicPage(a.districtSlug)) : none,
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
		href: publicPage(s.districtSlug),
		cells: [n(s.value, 'value', publicPage(s.districtSlug)), { t: 'text', s: indicatorText(locale, `unit_${s.unit}`, {}, s.unit) }, { t: 'date', iso: s.asOf }, { t: 'text', s: s.source }]
	}));
	const seriesRows: IndicatorRow[] = stats.series.map((s) => ({
		key: `${s.areaId}:${s.metric}:${s.asOf}`,
		label: `${s.areaName} · ${indicatorText(locale, `metric_${s.metric}`, {}, s.metric)} · ${formatAsOf(s.asOf, locale)}`,
		href: publicPage(s.districtSlug),
		cells: [n(s.value, 'value', publicPage(s.districtSlug))]
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
			// A district counts only the programmes that name its spaces; say so beside the definition.
			note: [indicatorText(locale, 'in_note_programmes'), ctx.district ? indicatorText(locale, 'out_note_programmes_district') : ''].filter(Boolean).join(' ')
		}
	];
	return tables;
}

/** The year asked for in the query (`?year=YYYY`), the current Berlin year without one; NaN when malformed (refused by the dashboards). */
function yearOf(query: URLSearchParams): number {
	const text = query.get('year');
	if (text === null) return Number(berlinDate(new Date()).slice(0, 4));
	return parseInteger(text, { min: 0, max: 9999 }) ?? NaN;
}

/**
 * The municipality dashboard page of the principal's municipality (`?year`, `?district`) with
 * the instances whose dashboards the principal may open.
 * @throws AccessDeniedError; ValidationError naming `year` or `district` (answered 400).
 */
export async function municipalityDashboardPage(db: DbOrTx, principal: UserPrincipal, query: URLSearchParams, locale: string) {
	const municipalityId = principal.municipalityId;
	const dashboard = await municipalityDashboard(db, principal, municipalityId, { year: yearOf(query), districtId: query.get('district') || null, locale });
	const instances = (await listInstances(db, municipalityId)).filter((i) => can(principal, 'statistics:instance', { municipalityId, instanceId: i.id })).map((i) => ({ id: i.id, name: i.name }));
	return { dashboard, instances };
}

/**
 * The dashboard page of one instance (`?year`).
 * @throws AccessDeniedError; ValidationError naming `year` (answered 400).
 */
export async function instanceDashboardPage(db: DbOrTx, principal: UserPrincipal, instanceId: string, query: URLSearchParams, locale: string) {
	return { dashboard: await instanceDashboard(db, principal, instanceId, { year: yearOf(query), locale }) };
}
