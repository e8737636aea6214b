/**
 * Statistik der Lotsenarbeit (issue 4 §7): monthly and yearly reports per instance, per
 * Stadtbezirk and for the whole municipality — contacts by channel, language, interpreter, theme
 * field, sub-topic, each switched-on target-group attribute and Sozialraum; referrals by target
 * (offer/actor label), actor, topic, status and failure reason; top unmet topics ("kein
 * passendes Angebot"); the method (counselling contacts and group work, issue 15) and the
 * group-work sessions of own events (`group_work_session`, counts only) by kind and theme.
 *
 * Sources: the monthly roll-ups — `contact_rollup` (kept current by a trigger on
 * `counselling_contact`) for months still in their detail period, and `contact_aggregate` rows
 * for months the retention job has folded (a month of one instance is in exactly one of them).
 * Both hold the same dimensions, so a report gives the same figures before and after folding.
 *
 * Small-count suppression (Statistikgeheimnis practice; issue 4: "counts under 5 are suppressed
 * in anything that leaves the instance"): see `suppressTable`. Only the instance's own staff see
 * exact counts, and only on screen (`statistics:exact`); downloads and district or city reports
 * are always suppressed.
 */
import { sql } from 'drizzle-orm';
import writeXlsxFile from 'write-excel-file/node';
import { can, type Principal, type UserPrincipal } from '../access';
import { spreadsheetCsv } from '../core/csv';
import { AccessDeniedError } from '../core/errors';
import { isUuid, parseInteger } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { organizationNames } from '../directory/casework-reads';
import { districtById, socialSpacePlaces } from '../geography/casework-reads';
import { findMunicipalityById, listDistricts } from '../geography/service';
import { instancesByIds } from '../instances/casework-reads';
import { listInstances } from '../instances/service';
import { SMALL_COUNT_THRESHOLD, type ContactAttribute } from './model';
import { getCaseworkSettings } from './settings';
import { berlinInstant } from './time';

/** What a report covers: one instance, one Stadtbezirk, or a whole municipality. */
export interface ReportScope {
	level: 'instance' | 'district' | 'municipality';
	id: string;
}

/** A calendar year, or one month of it (Europe/Berlin). */
export interface ReportPeriod {
	year: number;
	/** 1–12, or null for the whole year. */
	month: number | null;
}

/** One row of a table; `count` null means suppressed (shown as "<5"). `label` for data-named keys. */
export interface ReportRow {
	key: string;
	label?: string;
	count: number | null;
}

/** One breakdown, e.g. contacts by channel. `total` is the sum of the rows (null: suppressed). */
export interface ReportTable {
	/** `channel`, `language`, `interpreter`, `theme_field`, `sub_topic`, `attr:<attribute>`, `social_space`;
	 * referrals: `target`, `organization`, `topic`, `status`, `failure_reason`. */
	key: string;
	rows: ReportRow[];
	total: number | null;
}

/** A report as shown and downloaded. */
export interface Report {
	scope: ReportScope & { name: string; municipalityId: string };
	period: ReportPeriod;
	/** Exact counts (own staff on screen) or suppressed. */
	exact: boolean;
	/** Number of contacts (null: suppressed). */
	contacts: number | null;
	contactTables: ReportTable[];
	/** Number of referrals issued in the period (null: suppressed). */
	referrals: number | null;
	referralTables: ReportTable[];
	/** The ten most frequent unmet topics. */
	topUnmet: ReportRow[];
	/**
	 * Group work (Gruppenarbeit, issue 15 §3) beside single contacts: `method` (persons reached
	 * by counselling contacts and by group work), `group_work_sessions` and
	 * `group_work_participants` by event kind, `group_work_theme` (participants by theme field).
	 */
	groupWorkTables: ReportTable[];
}

/** Contact dimensions in display order (attributes are inserted before `social_space`). */
const CONTACT_DIMENSIONS = ['channel', 'language', 'interpreter', 'theme_field', 'sub_topic'] as const;
const REFERRAL_DIMENSIONS = ['target', 'organization', 'topic', 'status', 'failure_reason'] as const;
const TOP_UNMET = 10;

/** `instance:<id>`, `district:<id>` or `municipality:<id>` → a scope, or null when malformed. */
export function parseScope(value: string): ReportScope | null {
	const text = value.trim();
	const colon = text.indexOf(':');
	const level = text.slice(0, colon);
	const id = text.slice(colon + 1);
	if (colon < 0 || !['instance', 'district', 'municipality'].includes(level) || !isUuid(id)) return null;
	return { level: level as ReportScope['level'], id: id.toLowerCase() };
}

/** `YYYY` or `YYYY-MM` → a period, or null when malformed or outside 2000–2100. */
export function parsePeriod(value: string): ReportPeriod | null {
	const [y, mo, ...rest] = value.trim().split('-');
	if (rest.length || y.length !== 4 || (mo !== undefined && mo.length !== 2)) return null;
	const year = parseInteger(y, { min: 2000, max: 2100 });
	const month = mo === undefined ? null : parseInteger(mo, { min: 1, max: 12 });
	return year === null || (mo !== undefined && month === null) ? null : { year, month };
}

/** `YYYY` or `YYYY-MM`. */
export function formatPeriod(p: ReportPeriod): string {
	return p.month ? `${p.year}-${String(p.month).padStart(2, '0')}` : String(p.year);
}

/** The period as UTC instants [from, to) and aggregate months [monthFrom, monthTo) (`YYYY-MM-01`). */
export function periodRange(p: ReportPeriod): { from: Date; to: Date; monthFrom: string; monthTo: string } {
	const startMonth = p.month ?? 1;
	const endMonth = p.month ? p.month + 1 : 13;
	const key = (y: number, m: number) => `${y + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, '0')}-01`;
	return {
		from: berlinInstant(p.year, startMonth, 1),
		to: berlinInstant(p.year, endMonth, 1),
		monthFrom: key(p.year, startMonth),
		monthTo: key(p.year, endMonth)
	};
}

/**
 * Suppresses small counts of one table for publication. Rules:
 * 1. Primary: every count from 1 to `SMALL_COUNT_THRESHOLD − 1` (1–4) becomes null ("<5").
 *    Zero counts have no row at all.
 * 2. Secondary: the table's total is published, so if exactly one row is suppressed its count
 *    could be computed as total − the others; then the smallest remaining count (ties: the
 *    first key in alphabetical order) is suppressed too. Two suppressed cells only reveal their
 *    sum, which is the accepted practice.
 * 3. A total from 1 to 4 is suppressed itself (then every row is, by rule 1).
 * Applied to every table, including multi-valued ones (topics), which is stricter than needed.
 * @returns a new table; rows keep their order.
 */
export function suppressTable(table: ReportTable): ReportTable {
	const small = (n: number | null) => n !== null && n > 0 && n < SMALL_COUNT_THRESHOLD;
	const rows = table.rows.map((r) => ({ ...r, count: small(r.count) ? null : r.count }));
	if (rows.filter((r) => r.count === null).length === 1) {
		const next = rows
			.filter((r) => r.count !== null)
			.sort((a, b) => a.count! - b.count! || a.key.localeCompare(b.key))[0];
		if (next) next.count = null;
	}
	return { ...table, rows, total: small(table.total) ? null : table.total };
}

function suppressCount(n: number): number | null {
	return n > 0 && n < SMALL_COUNT_THRESHOLD ? null : n;
}

type Counts = Map<string, Map<string, number>>;

function addCount(counts: Counts, dimension: string, value: string, n: number) {
	const m = counts.get(dimension) ?? new Map<string, number>();
	m.set(value, (m.get(value) ?? 0) + n);
	counts.set(dimension, m);
}

function scopeColumn(level: ReportScope['level']): string {
	return level === 'instance' ? 'instance_id' : level === 'district' ? 'district_id' : 'municipality_id';
}

/**
 * The dimensions `countContacts` can count (`contact_aggregate.dimension`; `attr` stands for
 * every `attr:<attribute>`).
 */
export const CONTACT_COUNT_DIMENSIONS = ['total', 'channel', 'language', 'interpreter', 'theme_field', 'sub_topic', 'unmet_topic', 'social_space', 'attr'] as const;
export type ContactCountDimension = (typeof CONTACT_COUNT_DIMENSIONS)[number];

/**
 * Contact counts per dimension and value for a scope and period, read from the monthly
 * roll-ups: `contact_rollup` (single contacts still kept, kept current by its trigger) plus
 * `contact_aggregate` (months the retention job has folded; a month's counts are in exactly one
 * of them). Dimensions as documented on `contact_aggregate`; a contact counts once per distinct
 * element of a topic array and once per attribute. A city year is a few thousand roll-up rows,
 * whether or not its months are folded (bench/nrw.ts).
 * @param dimensions only these (default all): the steering dashboard asks for five of the nine.
 * @returns dimension → value → count; zero counts are absent.
 */
export async function countContacts(db: DbOrTx, scope: ReportScope, period: ReportPeriod, dimensions: readonly ContactCountDimension[] = CONTACT_COUNT_DIMENSIONS): Promise<Counts> {
	const { monthFrom, monthTo } = periodRange(period);
	const column = sql.raw(scopeColumn(scope.level));
	const wanted = CONTACT_COUNT_DIMENSIONS.filter((d) => dimensions.includes(d));
	const which = (table: string) => sql`
		select dimension, value, count from ${sql.raw(table)}
		where ${column} = ${scope.id} and month >= ${monthFrom}::date and month < ${monthTo}::date
			and (dimension = any(${`{${wanted.join(',')}}`}::text[]) or (${wanted.includes('attr')} and dimension like 'attr:%'))`;
	const result = await db.execute<{ dimension: string; value: string; n: string | number }>(sql`
		select dimension, value, sum(count) as n from (${which('contact_rollup')} union all ${which('contact_aggregate')}) x
		group by dimension, value`);
	const counts: Counts = new Map();
	for (const r of result.rows) if (Number(r.n) > 0) addCount(counts, r.dimension, r.value, Number(r.n));
	return counts;
}

/** Referral counts per dimension (`total`, `target`, `organization`, `topic`, `status`, `failure_reason`), by issue date. */
export async function countReferrals(db: DbOrTx, scope: ReportScope, period: ReportPeriod): Promise<Counts> {
	const { from, to } = periodRange(period);
	const column = sql.raw(scopeColumn(scope.level));
	const result = await db.execute<{ dimension: string; value: string; n: string | number }>(sql`
		with r as materialized (
			select target_label, organization_id, topic, status, failure_reason from referral
			where ${column} = ${scope.id} and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz
		)
		select 'total' as dimension, 'all' as value, count(*) as n from r
		union all select 'target', target_label, count(*) from r group by target_label
		union all select 'organization', organization_id::text, count(*) from r where organization_id is not null group by organization_id
		union all select 'topic', topic, count(*) from r group by topic
		union all select 'status', status, count(*) from r group by status
		union all select 'failure_reason', failure_reason, count(*) from r where failure_reason is not null group by failure_reason`);
	const counts: Counts = new Map();
	for (const r of result.rows) if (Number(r.n) > 0) addCount(counts, r.dimension, r.value, Number(r.n));
	return counts;
}

/**
 * Group-work counts (`group_work_session`) of a scope and period, by session day: `sessions`
 * and `participants` by event kind, participants by theme field (once per field of a session),
 * and the totals (`total` → `sessions` | `participants`).
 */
export async function countGroupWork(db: DbOrTx, scope: ReportScope, period: ReportPeriod): Promise<Counts> {
	const { monthFrom, monthTo } = periodRange(period);
	const column = sql.raw(scopeColumn(scope.level));
	const result = await db.execute<{ dimension: string; value: string; n: string | number }>(sql`
		with g as materialized (
			select event_kind, theme_fields, participants from group_work_session
			where ${column} = ${scope.id} and session_day >= ${monthFrom}::date and session_day < ${monthTo}::date
		)
		select 'total' as dimension, 'sessions' as value, count(*) as n from g
		union all select 'total', 'participants', coalesce(sum(participants), 0) from g
		union all select 'sessions', event_kind, count(*) from g group by event_kind
		union all select 'participants', event_kind, sum(participants) from g group by event_kind
		union all select 'theme', t, sum(participants) from g cross join lateral unnest(theme_fields) t group by t`);
	const counts: Counts = new Map();
	for (const r of result.rows) if (Number(r.n) > 0) addCount(counts, r.dimension, r.value, Number(r.n));
	return counts;
}

function table(counts: Counts, key: string, labels?: Map<string, string>): ReportTable {
	const rows = [...(counts.get(key) ?? new Map<string, number>())].map(([k, n]) => ({ key: k, count: n, ...(labels ? { label: labels.get(k) ?? k } : {}) }));
	return { key, rows, total: rows.reduce((a, r) => a + r.count, 0) };
}

/** Rows by count (suppressed last), then key: the same order raw or folded. */
function ordered(t: ReportTable): ReportTable {
	return { ...t, rows: [...t.rows].sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || a.key.localeCompare(b.key)) };
}

/** The scope's name and municipality, or null when it does not exist. */
async function resolveScope(db: DbOrTx, scope: ReportScope): Promise<{ name: string; municipalityId: string } | null> {
	if (!isUuid(scope.id)) return null;
	if (scope.level === 'instance') {
		const [row] = await instancesByIds(db, [scope.id]);
		return row ? { name: row.name, municipalityId: row.municipalityId } : null;
	}
	if (scope.level === 'district') return districtById(db, scope.id);
	const row = await findMunicipalityById(db, scope.id);
	return row ? { name: row.name, municipalityId: row.id } : null;
}

/**
 * Whether the principal may see the scope's report, and with exact counts. Instance reports:
 * `statistics:instance` (own staff exact on screen, administrators suppressed); district and
 * municipality reports: `statistics:municipality` (administrators, always suppressed).
 */
function access(principal: Principal, scope: ReportScope, municipalityId: string, download: boolean): { allowed: boolean; exact: boolean } {
	if (scope.level === 'instance') {
		const allowed = can(principal, 'statistics:instance', { municipalityId, instanceId: scope.id });
		return { allowed, exact: allowed && !download && can(principal, 'statistics:exact', { municipalityId, instanceId: scope.id }) };
	}
	return { allowed: can(principal, 'statistics:municipality', { municipalityId }), exact: false };
}

/**
 * Builds a report. Counts are exact only for the instance's own staff on screen; with
 * `download` (everything that leaves the instance) always suppressed (`suppressTable`).
 * @throws AccessDeniedError (also for an unknown scope id, so existence is not revealed).
 */
export async function buildReport(
	db: DbOrTx,
	principal: Principal,
	scope: ReportScope,
	period: ReportPeriod,
	options: { download?: boolean } = {}
): Promise<Report> {
	const resolved = await resolveScope(db, scope);
	if (!resolved) throw new AccessDeniedError();
	const { allowed, exact } = access(principal, scope, resolved.municipalityId, !!options.download);
	if (!allowed) throw new AccessDeniedError();
	const [contacts, referrals, groupWork, settings] = await Promise.all([
		countContacts(db, scope, period),
		countReferrals(db, scope, period),
		countGroupWork(db, scope, period),
		getCaseworkSettings(db, resolved.municipalityId)
	]);
	const spaceIds = [...(contacts.get('social_space')?.keys() ?? [])];
	const orgIds = [...(referrals.get('organization')?.keys() ?? [])];
	const [spaces, orgs] = await Promise.all([socialSpacePlaces(db, spaceIds), organizationNames(db, resolved.municipalityId, { ids: orgIds })]);
	const attributeDims = settings.contactAttributes.map((a: ContactAttribute) => `attr:${a}`);
	const targetLabels = new Map([...(referrals.get('target')?.keys() ?? [])].map((k) => [k, k]));
	const contactTables = [
		...CONTACT_DIMENSIONS.map((d) => table(contacts, d)),
		...attributeDims.map((d) => table(contacts, d)),
		table(contacts, 'social_space', new Map(spaces.map((s) => [s.id, s.name])))
	];
	const referralTables = REFERRAL_DIMENSIONS.map((d) =>
		d === 'organization' ? table(referrals, d, new Map(orgs.map((o) => [o.id, o.name]))) : d === 'target' ? table(referrals, d, targetLabels) : table(referrals, d)
	);
	const unmet = table(contacts, 'unmet_topic');
	const finish = (t: ReportTable) => ordered(exact ? t : suppressTable(t));
	const contactTotal = contacts.get('total')?.get('all') ?? 0;
	const referralTotal = referrals.get('total')?.get('all') ?? 0;
	const method = new Map<string, number>();
	if (contactTotal) method.set('counselling', contactTotal);
	const groupParticipants = groupWork.get('total')?.get('participants') ?? 0;
	if (groupParticipants) method.set('group_work', groupParticipants);
	const groupWorkTables = [table(new Map([['method', method]]), 'method'), ...(['sessions', 'participants', 'theme'] as const).map((d) => ({ ...table(groupWork, d), key: `group_work_${d}` }))];
	return {
		scope: { ...scope, ...resolved },
		period,
		exact,
		contacts: exact ? contactTotal : suppressCount(contactTotal),
		contactTables: contactTables.map(finish),
		referrals: exact ? referralTotal : suppressCount(referralTotal),
		referralTables: referralTables.map(finish),
		topUnmet: finish(unmet).rows.slice(0, TOP_UNMET),
		groupWorkTables: groupWorkTables.map(finish)
	};
}

/** What a principal may pick in the report form: instances, districts, and the municipality. */
export interface ReportChoices {
	instances: { id: string; name: string }[];
	districts: { id: string; name: string }[];
	municipality: { id: string; name: string } | null;
}

/** The scopes the principal may open reports for in their municipality (empty lists: none). */
export async function reportChoices(db: DbOrTx, principal: UserPrincipal): Promise<ReportChoices> {
	const mId = principal.municipalityId;
	const instances = (await listInstances(db, mId))
		.filter((i) => can(principal, 'statistics:instance', { municipalityId: mId, instanceId: i.id }))
		.map((i) => ({ id: i.id, name: i.name }));
	if (!can(principal, 'statistics:municipality', { municipalityId: mId })) return { instances, districts: [], municipality: null };
	const [districts, m] = await Promise.all([listDistricts(db, mId), findMunicipalityById(db, mId)]);
	return { instances, districts: districts.map((d) => ({ id: d.id, name: d.name })), municipality: m ? { id: m.id, name: m.name } : null };
}

/**
 * A flat table of a report for downloads: the header, then one line per row — section, key,
 * label, count ("<5" when suppressed). Referral tables are named `referral_<key>` and the top
 * unmet topics `unmet_topic`, for both `section` and `label`; the group-work tables follow
 * under their keys (`method`, `group_work_sessions`, `group_work_participants`,
 * `group_work_theme`).
 */
export function reportLines(report: Report, label: (table: string, row: ReportRow) => string, headings: { section: (table: string) => string; total: string; header: [string, string, string, string] }): string[][] {
	const show = (n: number | null) => (n === null ? `<${SMALL_COUNT_THRESHOLD}` : String(n));
	const lines: string[][] = [headings.header];
	lines.push([headings.section('contacts'), 'total', headings.total, show(report.contacts)]);
	for (const t of report.contactTables) {
		for (const r of t.rows) lines.push([headings.section(t.key), r.key, label(t.key, r), show(r.count)]);
	}
	lines.push([headings.section('referrals'), 'total', headings.total, show(report.referrals)]);
	for (const t of report.referralTables) {
		const key = `referral_${t.key}`;
		for (const r of t.rows) lines.push([headings.section(key), r.key, label(key, r), show(r.count)]);
	}
	for (const r of report.topUnmet) lines.push([headings.section('unmet_topic'), r.key, label('unmet_topic', r), show(r.count)]);
	for (const t of report.groupWorkTables) {
		for (const r of t.rows) lines.push([headings.section(t.key), r.key, label(t.key, r), show(r.count)]);
	}
	return lines;
}

/**
 * The lines as CSV (`spreadsheetCsv`): comma-separated as RFC 4180 defines, which spreadsheets
 * recognise in every locale (a `;` file has no marker that says so: Excel's `sep=;` line makes
 * Excel drop the UTF-8 byte order mark and Gnumeric misread the file), UTF-8 with BOM, CRLF.
 * German Excel users, whose Excel splits a double-clicked CSV at `;`, have the XLSX download.
 */
export function reportCsv(lines: string[][]): string {
	return spreadsheetCsv(lines, ',');
}

/** XLSX workbook of the lines (one sheet, header row bold; counts as numbers, "<5" as text). */
export async function reportXlsx(lines: string[][], sheet: string): Promise<Buffer> {
	const data = lines.map((line, i) =>
		line.map((value, j) =>
			i > 0 && j === line.length - 1 && /^\d+$/.test(value)
				? { value: Number(value), type: Number }
				: { value, type: String, ...(i === 0 ? { fontWeight: 'bold' as const } : {}) }
		)
	);
	return writeXlsxFile(data, { sheet: sheet.slice(0, 31).replace(/[\\/?*[\]:]/g, ' ') }).toBuffer();
}
