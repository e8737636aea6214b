/**
 * Importers for boundaries (GeoJSON FeatureCollection, RFC 7946) and statistics (CSV, RFC 4180).
 * Each import needs `geography:manage` on the municipality, validates the whole file first and
 * writes in one transaction: a file with any error changes nothing and throws an ImportError
 * that names the file, the feature index or line, and the reason. Every write is audited under
 * the principal (the command line imports as `cli`, the demo loader as `demo-loader`).
 *
 * The administration pages (issue 12 §5) use the same importers: a dry run (`dryRun`) runs the
 * very same transaction and rolls it back, reporting what would change record by record; the
 * problems of a rejected file are also given as data (`AreaImportError.details`: feature or
 * line, field, code), so the page can say them in the reader's language.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { and, eq, isNull, TransactionRollbackError } from 'drizzle-orm';
import type { Geometry } from 'geojson';
import { auditActor, authorize, type Principal } from '../access';
import { diffRecords, recordAudit, type ChangeSet } from '../audit/service';
import type { Db, DbOrTx, Tx } from '../db/client';
import { ImportError, ValidationError, type FieldIssue } from '../core/errors';
import { slugify } from '../core/text';
import { boundaryIssue } from './geojson';
import { isAsOf, isMetricName, parseDecimal } from './model';
import { district, socialSpace, statistic } from './schema';
import { getDistricts, getSocialSpaces, listDistricts, listSocialSpaces, requireMunicipality } from './service';

/** One record an import creates or changes, with its field-level changes (boundaries as `['…', '…']`). */
export interface ImportChange {
	record: string;
	/** The area's name (boundaries), or the area a statistic is about (`null`: the municipality). */
	name: string | null;
	action: 'create' | 'update';
	changes: ChangeSet;
}

/** What an import did. `skipped` lists records left as they were, each with its reason. */
export interface ImportSummary {
	created: number;
	updated: number;
	skipped: { record: string; reason: string }[];
}

/** What a boundary or statistics import did (or, in a dry run, would do), with the created and updated records. */
export interface AreaImportSummary extends ImportSummary {
	changes: ImportChange[];
}

/**
 * One problem of an import file as data: where (a feature's index, 0-based as in the file, with
 * its name when known; or a CSV line, 1 = the header), which property or column, and why (a code
 * with parameters).
 */
export interface ImportProblem {
	feature?: number;
	name?: string;
	line?: number;
	field?: string;
	code: string;
	params?: Record<string, string | number>;
}

/** The English text of a problem, as the command line prints it. */
function problemText(p: ImportProblem): string {
	const q = p.params ?? {};
	const reason: Record<string, () => string> = {
		not_json: () => `not valid JSON: ${q.reason}`,
		not_feature_collection: () => 'top level must be a GeoJSON FeatureCollection with a "features" array',
		not_feature: () => 'not a GeoJSON Feature',
		name_missing: () => `property "${p.field}" (the name) is missing or empty`,
		district_missing: () => `property "${p.field}" (its district) is missing or empty`,
		name_repeats: () => `the name repeats feature ${q.other}`,
		code_repeats: () => `the code "${q.code}" repeats feature ${q.other}`,
		no_features: () => 'the FeatureCollection has no features',
		unknown_district: () => `no district with ${q.match} "${q.value}" in this municipality (import the districts first)`,
		geometry_missing: () => 'geometry is missing',
		geometry_type: () => `geometry type must be Polygon or MultiPolygon, got ${q.type}`,
		no_coordinates: () => 'geometry has no coordinates',
		no_rings: () => 'polygon has no rings',
		ring_too_short: () => 'a ring has fewer than 4 positions',
		position_not_numbers: () => 'a position is not a pair of numbers',
		position_outside_wgs84: () => `position [${q.lon}, ${q.lat}] is outside WGS84 longitude/latitude ranges`,
		ring_not_closed: () => 'a ring is not closed',
		not_csv: () => `not valid CSV: ${q.reason}`,
		no_rows: () => 'the file has no data rows',
		columns_missing: () => `column(s) ${q.columns} not in header (${q.header})`,
		key_column_required: () => 'a key column naming the area is required',
		as_of_required: () => 'an as-of date or column is required',
		source_required: () => 'a source or source column is required',
		invalid_metric: () => `metric "${q.metric}" must be lower-case letters, digits and _`,
		unknown_area: () => `no ${q.level === 'district' ? 'district' : 'social space'} with ${q.match} "${q.value}" in ${q.municipality}`,
		not_a_number: () => `column "${p.field}": "${q.value}" is not a number`,
		invalid_as_of: () => `as-of date "${q.value}" is not YYYY, YYYY-MM or YYYY-MM-DD`,
		source_empty: () => 'the source is empty'
	};
	const where = p.feature !== undefined ? `feature ${p.feature}${p.name ? ` ("${p.name}")` : ''}` : p.line !== undefined ? `line ${p.line}` : null;
	const text = reason[p.code]?.() ?? p.code;
	return where ? `${where}: ${text}` : text;
}

/** An import file was rejected: `ImportError` with its problems also as data. */
export class AreaImportError extends ImportError {
	constructor(
		file: string,
		public readonly details: ImportProblem[]
	) {
		super(file, details.map(problemText));
		this.name = 'AreaImportError';
	}
}

/**
 * Runs an import's writes in one transaction. A dry run rolls the transaction back after the
 * writes, so it checks and counts with exactly the statements and constraints of the import and
 * leaves the database as it was.
 */
async function inTransaction(db: Db, dryRun: boolean | undefined, work: (tx: Tx) => Promise<AreaImportSummary>): Promise<AreaImportSummary> {
	if (!dryRun) return db.transaction(work);
	let summary: AreaImportSummary | undefined;
	try {
		await db.transaction(async (tx) => {
			summary = await work(tx);
			tx.rollback();
		});
	} catch (e) {
		if (!(e instanceof TransactionRollbackError)) throw e;
	}
	return summary!;
}

/** Options of a boundary import. Property names default to `name`, `code`, `district_code`. */
export interface BoundaryImportOptions {
	municipality: string;
	level: 'district' | 'social_space';
	/** File name used in messages. */
	file: string;
	/** The file's text. */
	text: string;
	nameProperty?: string;
	codeProperty?: string;
	/** Social spaces: the property holding the code of their district. */
	districtCodeProperty?: string;
	/** Social spaces: the property holding the name of their district (instead of a code). */
	districtNameProperty?: string;
	/** Check and count only: nothing is written (the transaction is rolled back). */
	dryRun?: boolean;
}

interface ParsedArea {
	record: string;
	index: number;
	name: string;
	code: string | null;
	boundary: Geometry;
	districtKey?: string;
}

function propertyText(value: unknown): string | null {
	if (typeof value === 'string' && value.trim()) return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function parseFeatureCollection(options: BoundaryImportOptions): ParsedArea[] {
	const problems: ImportProblem[] = [];
	let data: unknown;
	try {
		data = JSON.parse(options.text);
	} catch (e) {
		throw new AreaImportError(options.file, [{ code: 'not_json', params: { reason: (e as Error).message } }]);
	}
	const fc = data as { type?: unknown; features?: unknown };
	if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
		throw new AreaImportError(options.file, [{ code: 'not_feature_collection' }]);
	}
	const nameProp = options.nameProperty ?? 'name';
	const codeProp = options.codeProperty ?? 'code';
	const districtProp =
		options.level === 'social_space'
			? (options.districtNameProperty ?? options.districtCodeProperty ?? 'district_code')
			: undefined;
	const out: ParsedArea[] = [];
	const seenNames = new Map<string, number>();
	const seenCodes = new Map<string, number>();
	fc.features.forEach((f: unknown, i: number) => {
		const feature = f as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: unknown };
		if (!feature || feature.type !== 'Feature') {
			problems.push({ feature: i, code: 'not_feature' });
			return;
		}
		const props = feature.properties ?? {};
		const name = propertyText(props[nameProp]);
		const at = { feature: i, ...(name ? { name } : {}) };
		if (!name) problems.push({ feature: i, field: nameProp, code: 'name_missing' });
		const code = propertyText(props[codeProp]);
		const geometryIssue = boundaryIssue(feature.geometry);
		if (geometryIssue) problems.push({ ...at, field: 'geometry', ...geometryIssue });
		let districtKey: string | undefined;
		if (districtProp) {
			districtKey = propertyText(props[districtProp]) ?? undefined;
			if (!districtKey) problems.push({ ...at, field: districtProp, code: 'district_missing' });
		}
		if (name) {
			const key = name.toLowerCase();
			if (seenNames.has(key)) problems.push({ ...at, field: nameProp, code: 'name_repeats', params: { other: seenNames.get(key)! } });
			else seenNames.set(key, i);
		}
		if (code) {
			if (seenCodes.has(code)) problems.push({ ...at, field: codeProp, code: 'code_repeats', params: { code, other: seenCodes.get(code)! } });
			else seenCodes.set(code, i);
		}
		if (name && !geometryIssue) {
			out.push({ record: `feature ${i} ("${name}")`, index: i, name, code, boundary: feature.geometry as Geometry, districtKey });
		}
	});
	if (fc.features.length === 0) problems.push({ code: 'no_features' });
	if (problems.length) throw new AreaImportError(options.file, problems);
	return out;
}

/**
 * Imports district or social-space boundaries of a municipality. Existing areas are matched by
 * code, else by name, and updated; unchanged ones are reported as skipped. Each created or
 * changed area is audited (`import` of `district` | `social_space`). With `dryRun` the same
 * transaction is rolled back: the summary says what the import would do.
 * @throws NotFoundError for an unknown municipality.
 * @throws AccessDeniedError without `geography:manage` on it.
 * @throws AreaImportError (an ImportError) for any bad feature.
 */
export async function importBoundaries(db: Db, principal: Principal, options: BoundaryImportOptions): Promise<AreaImportSummary> {
	const m = await requireMunicipality(db, options.municipality);
	authorize(principal, 'geography:manage', { municipalityId: m.id });
	const areas = parseFeatureCollection(options);
	return inTransaction(db, options.dryRun, (tx) => upsertAreas(tx, principal, m.id, areas, options));
}

/** The district id of each social space, by its district code or name. @throws AreaImportError. */
async function districtsOf(
	tx: Tx,
	municipalityId: string,
	areas: ParsedArea[],
	options: BoundaryImportOptions
): Promise<Map<ParsedArea, string>> {
	const districts = await listDistricts(tx, municipalityId);
	const byName = !!options.districtNameProperty;
	const field = options.districtNameProperty ?? options.districtCodeProperty ?? 'district_code';
	const problems: ImportProblem[] = [];
	const districtOf = new Map<ParsedArea, string>();
	for (const a of areas) {
		const d = districts.find((x) =>
			byName ? x.name.toLowerCase() === a.districtKey!.toLowerCase() : x.code === a.districtKey
		);
		if (!d) {
			problems.push({ feature: a.index, name: a.name, field, code: 'unknown_district', params: { match: byName ? 'name' : 'code', value: a.districtKey! } });
		} else districtOf.set(a, d.id);
	}
	if (problems.length) throw new AreaImportError(options.file, problems);
	return districtOf;
}

/**
 * Creates or updates districts or social spaces, matched by code, else by name; records each
 * write in the audit log (boundaries as changed, not their coordinates) and reports unchanged
 * areas as skipped.
 */
async function upsertAreas(
	tx: Tx,
	principal: Principal,
	municipalityId: string,
	areas: ParsedArea[],
	options: BoundaryImportOptions
): Promise<AreaImportSummary> {
	const isDistrict = options.level === 'district';
	const districtOf = isDistrict ? null : await districtsOf(tx, municipalityId, areas, options);
	const existing: { id: string; name: string; code: string | null; boundary: unknown; districtId?: string }[] = isDistrict
		? await listDistricts(tx, municipalityId, { withBoundaries: true })
		: await listSocialSpaces(tx, { municipalityId, withBoundaries: true });
	const table = isDistrict ? district : socialSpace;
	const summary: AreaImportSummary = { created: 0, updated: 0, skipped: [], changes: [] };
	for (const a of areas) {
		const columns = {
			name: a.name,
			code: a.code,
			boundary: a.boundary,
			...(districtOf ? { districtId: districtOf.get(a)! } : {})
		};
		const match =
			(a.code && existing.find((x) => x.code === a.code)) ||
			existing.find((x) => x.name.toLowerCase() === a.name.toLowerCase());
		const changes = diffRecords(match ?? null, columns, ['boundary']);
		if (match && Object.keys(changes).length === 0) {
			summary.skipped.push({ record: a.record, reason: 'unchanged' });
			continue;
		}
		let id: string;
		if (match) {
			id = match.id;
			await tx.update(table).set({ ...columns, updatedAt: new Date() }).where(eq(table.id, id));
			summary.updated++;
		} else {
			const values = { municipalityId, slug: slugify(a.name), ...columns };
			const [row] = districtOf
				? await tx.insert(socialSpace).values(values as typeof socialSpace.$inferInsert).returning({ id: socialSpace.id })
				: await tx.insert(district).values(values).returning({ id: district.id });
			id = row.id;
			summary.created++;
		}
		summary.changes.push({ record: a.record, name: a.name, action: match ? 'update' : 'create', changes });
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId,
			action: 'import',
			entityType: isDistrict ? 'district' : 'social_space',
			entityId: id,
			changes
		});
	}
	return summary;
}

/** Options of a statistics import from CSV with a header row. */
export interface StatisticsImportOptions {
	municipality: string;
	level: 'municipality' | 'district' | 'social_space';
	file: string;
	text: string;
	/** How rows name their area: by `code` or by `name` (case-insensitive). Not used for `municipality`. */
	match: 'code' | 'name';
	/** Column naming the area (required unless level is `municipality`). */
	keyColumn?: string;
	valueColumn: string;
	metric: string;
	unit: string;
	/** Fixed as-of date, or the column holding it. */
	asOf?: string;
	asOfColumn?: string;
	/** Fixed source text, or the column holding it. */
	source?: string;
	sourceColumn?: string;
	/** Check and count only: nothing is written (the transaction is rolled back). */
	dryRun?: boolean;
}

/** A statistic row ready to write (used by the importer and the demo loader). */
export interface StatisticInput {
	districtId: string | null;
	socialSpaceId: string | null;
	metric: string;
	value: number;
	unit: string;
	asOf: string;
	source: string;
}

/**
 * Writes statistics, replacing a value with the same area, metric and as-of date; no checks, no
 * audit. `areaName` names the area of a row in the summary's changes.
 */
async function writeStatistics(
	tx: DbOrTx,
	municipalityId: string,
	rows: (StatisticInput & { record: string })[],
	areaName: (r: StatisticInput) => string | null = () => null
): Promise<AreaImportSummary> {
	const summary: AreaImportSummary = { created: 0, updated: 0, skipped: [], changes: [] };
	for (const r of rows) {
		const { record, ...values } = r;
		const inserted = await tx
			.insert(statistic)
			.values({ municipalityId, ...values })
			.onConflictDoNothing()
			.returning({ id: statistic.id });
		if (inserted.length) {
			summary.created++;
			summary.changes.push({ record, name: areaName(r), action: 'create', changes: diffRecords(null, { metric: r.metric, asOf: r.asOf, value: r.value, unit: r.unit, source: r.source }) });
			continue;
		}
		const [current] = await tx
			.select()
			.from(statistic)
			.where(
				and(
					eq(statistic.municipalityId, municipalityId),
					// The area level must match too: a municipality-wide value is not a district's.
					r.districtId ? eq(statistic.districtId, r.districtId) : isNull(statistic.districtId),
					r.socialSpaceId ? eq(statistic.socialSpaceId, r.socialSpaceId) : isNull(statistic.socialSpaceId),
					eq(statistic.metric, r.metric),
					eq(statistic.asOf, r.asOf)
				)
			);
		if (current.value === r.value && current.unit === r.unit && current.source === r.source) {
			summary.skipped.push({ record, reason: 'unchanged' });
		} else {
			await tx
				.update(statistic)
				.set({ value: r.value, unit: r.unit, source: r.source })
				.where(eq(statistic.id, current.id));
			summary.updated++;
			summary.changes.push({ record, name: areaName(r), action: 'update', changes: { metric: [r.metric, r.metric], asOf: [r.asOf, r.asOf], ...diffRecords(current, { value: r.value, unit: r.unit, source: r.source }) } });
		}
	}
	return summary;
}

/** Issues of statistic rows (fields `rows.<index>.<column>`), the areas checked against the municipality. */
async function statisticIssues(db: DbOrTx, municipalityId: string, rows: StatisticInput[]): Promise<FieldIssue[]> {
	const [districts, spaces] = await Promise.all([
		getDistricts(db, rows.flatMap((r) => (r.districtId ? [r.districtId] : []))),
		getSocialSpaces(db, rows.flatMap((r) => (r.socialSpaceId ? [r.socialSpaceId] : [])))
	]);
	const inMunicipality = new Set([...districts, ...spaces].filter((a) => a.municipalityId === municipalityId).map((a) => a.id));
	const issues: FieldIssue[] = [];
	rows.forEach((r, i) => {
		const field = (column: string) => `rows.${i}.${column}`;
		if (r.districtId && r.socialSpaceId) issues.push({ field: field('area'), code: 'invalid' });
		const area = r.districtId ?? r.socialSpaceId;
		if (area && !inMunicipality.has(area)) issues.push({ field: field('area'), code: 'not_found' });
		if (!isMetricName(r.metric)) issues.push({ field: field('metric'), code: 'invalid' });
		if (!Number.isFinite(r.value)) issues.push({ field: field('value'), code: 'invalid' });
		if (!r.unit.trim()) issues.push({ field: field('unit'), code: 'required' });
		if (!isAsOf(r.asOf)) issues.push({ field: field('asOf'), code: 'invalid_date' });
		if (!r.source.trim()) issues.push({ field: field('source'), code: 'required' });
	});
	return issues;
}

/**
 * Writes statistics of a municipality (MODEL.md §4: dated values per area level), replacing a
 * value with the same area, metric and as-of date; audited as one `import` of `statistic`
 * naming the metrics and the counts.
 * @returns counts of created, updated and unchanged rows (unchanged ones by their `record`).
 * @throws AccessDeniedError without `geography:manage` on the municipality.
 * @throws ValidationError naming `rows.<index>.<column>`: `area` invalid (both levels given) |
 *   not_found (not an area of the municipality); `metric` invalid; `value` invalid (not
 *   finite); `unit`, `source` required; `asOf` invalid_date (not `YYYY`, `YYYY-MM` or
 *   `YYYY-MM-DD`). Nothing is written then.
 */
export async function upsertStatistics(
	db: DbOrTx,
	principal: Principal,
	input: { municipalityId: string; rows: (StatisticInput & { record: string })[] }
): Promise<AreaImportSummary> {
	authorize(principal, 'geography:manage', { municipalityId: input.municipalityId });
	return db.transaction(async (tx) => {
		const issues = await statisticIssues(tx, input.municipalityId, input.rows);
		if (issues.length) throw new ValidationError(issues);
		const summary = await writeStatistics(tx, input.municipalityId, input.rows);
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: input.municipalityId,
			action: 'import',
			entityType: 'statistic',
			entityId: [...new Set(input.rows.map((r) => r.metric))].join(','),
			changes: { rows: [null, { created: summary.created, updated: summary.updated }] }
		});
		return summary;
	});
}

/**
 * Imports one metric from a CSV file, one row per area; audited as one `import` of `statistic`
 * naming the metric, the counts and the file. With `dryRun` the same transaction is rolled
 * back: the summary says what the import would do.
 * @throws NotFoundError for an unknown municipality.
 * @throws AccessDeniedError without `geography:manage` on it.
 * @throws AreaImportError (an ImportError) naming each bad line (unknown area, non-numeric
 *   value, bad or missing date, missing source, missing column).
 */
export async function importStatistics(db: Db, principal: Principal, options: StatisticsImportOptions): Promise<AreaImportSummary> {
	const m = await requireMunicipality(db, options.municipality);
	authorize(principal, 'geography:manage', { municipalityId: m.id });
	const fail = (problem: ImportProblem): never => {
		throw new AreaImportError(options.file, [problem]);
	};
	let records: Record<string, string>[] = [];
	try {
		records = parseCsv(options.text, { columns: true, skip_empty_lines: true, bom: true, trim: true });
	} catch (e) {
		fail({ code: 'not_csv', params: { reason: (e as Error).message } });
	}
	const header = records.length ? Object.keys(records[0]) : [];
	const needed = [
		options.level === 'municipality' ? undefined : options.keyColumn,
		options.valueColumn,
		options.asOf ? undefined : options.asOfColumn,
		options.source ? undefined : options.sourceColumn
	].filter((c): c is string => !!c);
	const missing = needed.filter((c) => !header.includes(c));
	if (records.length === 0) fail({ code: 'no_rows' });
	if (missing.length) {
		fail({ line: 1, field: missing.join(', '), code: 'columns_missing', params: { columns: missing.map((c) => `"${c}"`).join(', '), header: header.join(', ') } });
	}
	if (options.level !== 'municipality' && !options.keyColumn) fail({ code: 'key_column_required' });
	if (!options.asOf && !options.asOfColumn) fail({ code: 'as_of_required' });
	if (!options.source && !options.sourceColumn) fail({ code: 'source_required' });
	if (!isMetricName(options.metric)) fail({ field: 'metric', code: 'invalid_metric', params: { metric: options.metric } });

	return inTransaction(db, options.dryRun, async (tx) => {
		const areas: { id: string; name: string; code: string | null }[] =
			options.level === 'district'
				? await listDistricts(tx, m.id)
				: options.level === 'social_space'
					? await listSocialSpaces(tx, { municipalityId: m.id })
					: [];
		const problems: ImportProblem[] = [];
		const rows: (StatisticInput & { record: string })[] = [];
		records.forEach((rec, i) => {
			const line = i + 2;
			let areaId: string | null = null;
			if (options.level !== 'municipality') {
				const key = rec[options.keyColumn!];
				const area = areas.find((a) =>
					options.match === 'code' ? a.code === key : a.name.toLowerCase() === key.toLowerCase()
				);
				if (!area) {
					problems.push({ line, field: options.keyColumn, code: 'unknown_area', params: { level: options.level, match: options.match, value: key, municipality: m.name } });
					return;
				}
				areaId = area.id;
			}
			const raw = rec[options.valueColumn];
			const value = parseDecimal(raw);
			if (value === null) {
				problems.push({ line, field: options.valueColumn, code: 'not_a_number', params: { value: raw } });
				return;
			}
			const asOf = options.asOf ?? rec[options.asOfColumn!];
			if (!isAsOf(asOf)) {
				problems.push({ line, field: options.asOf ? 'asOf' : options.asOfColumn, code: 'invalid_as_of', params: { value: asOf } });
				return;
			}
			const source = options.source ?? rec[options.sourceColumn!];
			if (!source) {
				problems.push({ line, field: options.sourceColumn, code: 'source_empty' });
				return;
			}
			rows.push({
				record: `line ${line}`,
				districtId: options.level === 'district' ? areaId : null,
				socialSpaceId: options.level === 'social_space' ? areaId : null,
				metric: options.metric,
				value,
				unit: options.unit,
				asOf,
				source
			});
		});
		if (problems.length) throw new AreaImportError(options.file, problems);
		const names = new Map(areas.map((a) => [a.id, a.name]));
		const summary = await writeStatistics(tx, m.id, rows, (r) => names.get(r.districtId ?? r.socialSpaceId ?? '') ?? null);
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: m.id,
			action: 'import',
			entityType: 'statistic',
			entityId: options.metric,
			changes: { rows: [null, { created: summary.created, updated: summary.updated, file: options.file }] }
		});
		return summary;
	});
}
