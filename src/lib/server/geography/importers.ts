/**
 * Importers for boundaries (GeoJSON FeatureCollection, RFC 7946) and statistics (CSV, RFC 4180).
 * Each import needs `geography:manage` on the municipality, validates the whole file first and
 * writes in one transaction: a file with any error changes nothing and throws an ImportError
 * that names the file, the feature index or line, and the reason. Every write is audited under
 * the principal (the command line imports as `cli`, the demo loader as `demo-loader`).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { and, eq, isNull } from 'drizzle-orm';
import type { Geometry } from 'geojson';
import { auditActor, authorize, type Principal } from '../access';
import { diffRecords, recordAudit } from '../audit/service';
import type { Db, DbOrTx, Tx } from '../db/client';
import { ImportError, ValidationError, type FieldIssue } from '../core/errors';
import { slugify } from '../core/text';
import { boundaryProblem } from './geojson';
import { isAsOf, isMetricName, parseDecimal } from './model';
import { district, socialSpace, statistic } from './schema';
import { getDistricts, getSocialSpaces, listDistricts, listSocialSpaces, requireMunicipality } from './service';

/** What an import did. `skipped` lists records left as they were, each with its reason. */
export interface ImportSummary {
	created: number;
	updated: number;
	skipped: { record: string; reason: string }[];
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
}

interface ParsedArea {
	record: string;
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
	const problems: string[] = [];
	let data: unknown;
	try {
		data = JSON.parse(options.text);
	} catch (e) {
		throw new ImportError(options.file, [`not valid JSON: ${(e as Error).message}`]);
	}
	const fc = data as { type?: unknown; features?: unknown };
	if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
		throw new ImportError(options.file, ['top level must be a GeoJSON FeatureCollection with a "features" array']);
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
		const label = `feature ${i}`;
		if (!feature || feature.type !== 'Feature') {
			problems.push(`${label}: not a GeoJSON Feature`);
			return;
		}
		const props = feature.properties ?? {};
		const name = propertyText(props[nameProp]);
		const where = name ? `${label} ("${name}")` : label;
		if (!name) problems.push(`${label}: property "${nameProp}" (the name) is missing or empty`);
		const code = propertyText(props[codeProp]);
		const geometryProblem = boundaryProblem(feature.geometry);
		if (geometryProblem) problems.push(`${where}: ${geometryProblem}`);
		let districtKey: string | undefined;
		if (districtProp) {
			districtKey = propertyText(props[districtProp]) ?? undefined;
			if (!districtKey) problems.push(`${where}: property "${districtProp}" (its district) is missing or empty`);
		}
		if (name) {
			const key = name.toLowerCase();
			if (seenNames.has(key)) problems.push(`${where}: the name repeats feature ${seenNames.get(key)}`);
			else seenNames.set(key, i);
		}
		if (code) {
			if (seenCodes.has(code)) problems.push(`${where}: the code "${code}" repeats feature ${seenCodes.get(code)}`);
			else seenCodes.set(code, i);
		}
		if (name && !geometryProblem) {
			out.push({ record: where, name, code, boundary: feature.geometry as Geometry, districtKey });
		}
	});
	if (fc.features.length === 0) problems.push('the FeatureCollection has no features');
	if (problems.length) throw new ImportError(options.file, problems);
	return out;
}

/**
 * Imports district or social-space boundaries of a municipality. Existing areas are matched by
 * code, else by name, and updated; unchanged ones are reported as skipped. Each created or
 * changed area is audited (`import` of `district` | `social_space`).
 * @throws NotFoundError for an unknown municipality.
 * @throws AccessDeniedError without `geography:manage` on it.
 * @throws ImportError for any bad feature.
 */
export async function importBoundaries(db: Db, principal: Principal, options: BoundaryImportOptions): Promise<ImportSummary> {
	const m = await requireMunicipality(db, options.municipality);
	authorize(principal, 'geography:manage', { municipalityId: m.id });
	const areas = parseFeatureCollection(options);
	return db.transaction((tx) => upsertAreas(tx, principal, m.id, areas, options));
}

/** The district id of each social space, by its district code or name. @throws ImportError. */
async function districtsOf(
	tx: Tx,
	municipalityId: string,
	areas: ParsedArea[],
	options: BoundaryImportOptions
): Promise<Map<ParsedArea, string>> {
	const districts = await listDistricts(tx, municipalityId);
	const byName = !!options.districtNameProperty;
	const problems: string[] = [];
	const districtOf = new Map<ParsedArea, string>();
	for (const a of areas) {
		const d = districts.find((x) =>
			byName ? x.name.toLowerCase() === a.districtKey!.toLowerCase() : x.code === a.districtKey
		);
		if (!d) {
			problems.push(
				`${a.record}: no district with ${byName ? 'name' : 'code'} "${a.districtKey}" in this municipality (import the districts first)`
			);
		} else districtOf.set(a, d.id);
	}
	if (problems.length) throw new ImportError(options.file, problems);
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
): Promise<ImportSummary> {
	const isDistrict = options.level === 'district';
	const districtOf = isDistrict ? null : await districtsOf(tx, municipalityId, areas, options);
	const existing: { id: string; name: string; code: string | null; boundary: unknown; districtId?: string }[] = isDistrict
		? await listDistricts(tx, municipalityId, { withBoundaries: true })
		: await listSocialSpaces(tx, { municipalityId, withBoundaries: true });
	const table = isDistrict ? district : socialSpace;
	const summary: ImportSummary = { created: 0, updated: 0, skipped: [] };
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

/** Writes statistics, replacing a value with the same area, metric and as-of date; no checks, no audit. */
async function writeStatistics(tx: DbOrTx, municipalityId: string, rows: (StatisticInput & { record: string })[]): Promise<ImportSummary> {
	const summary: ImportSummary = { created: 0, updated: 0, skipped: [] };
	for (const r of rows) {
		const inserted = await tx
			.insert(statistic)
			.values({ municipalityId, ...r })
			.onConflictDoNothing()
			.returning({ id: statistic.id });
		if (inserted.length) {
			summary.created++;
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
			summary.skipped.push({ record: r.record, reason: 'unchanged' });
		} else {
			await tx
				.update(statistic)
				.set({ value: r.value, unit: r.unit, source: r.source })
				.where(eq(statistic.id, current.id));
			summary.updated++;
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
): Promise<ImportSummary> {
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
 * naming the metric, the counts and the file.
 * @throws NotFoundError for an unknown municipality.
 * @throws AccessDeniedError without `geography:manage` on it.
 * @throws ImportError naming each bad line (unknown area, non-numeric value, bad or missing
 *   date, missing source, missing column).
 */
export async function importStatistics(db: Db, principal: Principal, options: StatisticsImportOptions): Promise<ImportSummary> {
	const m = await requireMunicipality(db, options.municipality);
	authorize(principal, 'geography:manage', { municipalityId: m.id });
	let records: Record<string, string>[];
	try {
		records = parseCsv(options.text, { columns: true, skip_empty_lines: true, bom: true, trim: true });
	} catch (e) {
		throw new ImportError(options.file, [`not valid CSV: ${(e as Error).message}`]);
	}
	const header = records.length ? Object.keys(records[0]) : [];
	const needed = [
		options.level === 'municipality' ? undefined : options.keyColumn,
		options.valueColumn,
		options.asOf ? undefined : options.asOfColumn,
		options.source ? undefined : options.sourceColumn
	].filter((c): c is string => !!c);
	const missing = needed.filter((c) => !header.includes(c));
	if (records.length === 0) throw new ImportError(options.file, ['the file has no data rows']);
	if (missing.length) {
		throw new ImportError(options.file, [`line 1: column(s) ${missing.map((c) => `"${c}"`).join(', ')} not in header (${header.join(', ')})`]);
	}
	if (options.level !== 'municipality' && !options.keyColumn) {
		throw new ImportError(options.file, ['a key column naming the area is required']);
	}
	if (!options.asOf && !options.asOfColumn) throw new ImportError(options.file, ['an as-of date or column is required']);
	if (!options.source && !options.sourceColumn) throw new ImportError(options.file, ['a source or source column is required']);
	if (!isMetricName(options.metric)) {
		throw new ImportError(options.file, [`metric "${options.metric}" must be lower-case letters, digits and _`]);
	}

	return db.transaction(async (tx) => {
		const areas: { id: string; name: string; code: string | null }[] =
			options.level === 'district'
				? await listDistricts(tx, m.id)
				: options.level === 'social_space'
					? await listSocialSpaces(tx, { municipalityId: m.id })
					: [];
		const problems: string[] = [];
		const rows: (StatisticInput & { record: string })[] = [];
		records.forEach((rec, i) => {
			const line = `line ${i + 2}`;
			let areaId: string | null = null;
			if (options.level !== 'municipality') {
				const key = rec[options.keyColumn!];
				const area = areas.find((a) =>
					options.match === 'code' ? a.code === key : a.name.toLowerCase() === key.toLowerCase()
				);
				if (!area) {
					problems.push(`${line}: no ${options.level === 'district' ? 'district' : 'social space'} with ${options.match} "${key}" in ${m.name}`);
					return;
				}
				areaId = area.id;
			}
			const raw = rec[options.valueColumn];
			const value = parseDecimal(raw);
			if (value === null) {
				problems.push(`${line}: column "${options.valueColumn}": "${raw}" is not a number`);
				return;
			}
			const asOf = options.asOf ?? rec[options.asOfColumn!];
			if (!isAsOf(asOf)) {
				problems.push(`${line}: as-of date "${asOf}" is not YYYY, YYYY-MM or YYYY-MM-DD`);
				return;
			}
			const source = options.source ?? rec[options.sourceColumn!];
			if (!source) {
				problems.push(`${line}: the source is empty`);
				return;
			}
			rows.push({
				record: line,
				districtId: options.level === 'district' ? areaId : null,
				socialSpaceId: options.level === 'social_space' ? areaId : null,
				metric: options.metric,
				value,
				unit: options.unit,
				asOf,
				source
			});
		});
		if (problems.length) throw new ImportError(options.file, problems);
		const summary = await writeStatistics(tx, m.id, rows);
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
