/**
 * The coverage pages (issue 5 §3): the matrix with its filters, the drill-down of one cell, the
 * choropleth of one theme field, and the rules form. Reads the query (`target`, `language`,
 * `space`, `field`) and shapes the services' answers for the pages; the rules form names the
 * element of each rule (`cv-<rule>`).
 */
import type { Geometry } from 'geojson';
import { can, type UserPrincipal } from '../../access';
import { AccessDeniedError, ValidationError, type FieldIssue } from '../../core/errors';
import type { Db, DbOrTx } from '../../db/client';
import { getFreshnessDays } from '../../directory/freshness';
import { TARGET_GROUPS, THEME_FIELDS } from '../../directory/model';
import { drawAreas } from '../../geography/map';
import { listSocialSpaces } from '../../geography/service';
import { computeCoverage, getCoverageCell, getCoverageRules, listCoverageLanguages, saveCoverageRules, type CoverageFilters } from '../coverage';
import { COVERAGE_CLASSES, COVERAGE_RULE_KEYS, COVERAGE_RULE_LIMITS, DEFAULT_COVERAGE_RULES } from '../model';
import { coverageCode, forForm, formText, viewIssues } from './forms';

/** The filter elements of the coverage pages. */
const FILTER_FIELDS = { target: 'cv-target', language: 'cv-language' };

/** The element of each rule in the rules form. */
const RULE_FIELDS = Object.fromEntries(COVERAGE_RULE_KEYS.map((k) => [k, `cv-${k}`]));

/** Query parameters `target` and `language` as filters; empty values are no filter. */
function filtersOf(query: URLSearchParams): { targetGroup: string | null; language: string | null } {
	return { targetGroup: query.get('target')?.trim() || null, language: query.get('language')?.trim() || null };
}

/** The query that keeps the filters on the links between the coverage pages. */
function filterQuery(filters: CoverageFilters): string {
	const query = new URLSearchParams();
	if (filters.targetGroup) query.set('target', filters.targetGroup);
	if (filters.language) query.set('language', filters.language);
	return query.toString();
}

/** The title of an offer in `locale`, else German, else the first one there is; '' when there is none. */
function pickTitle(title: Record<string, string>, locale: string): string {
	return title[locale] || title.de || Object.values(title)[0] || '';
}

/**
 * The matrix of the principal's municipality, grouped by district. Filter values that are
 * refused are returned as `filterIssues` (with the filter elements' ids) and the matrix is shown
 * without filters.
 * @throws AccessDeniedError without `steering:view`.
 */
export async function coveragePage(db: DbOrTx, principal: UserPrincipal, query: URLSearchParams) {
	const municipalityId = principal.municipalityId;
	const asked = filtersOf(query);
	const languages = await listCoverageLanguages(db, principal, municipalityId);
	let filterIssues: FieldIssue[] = [];
	let filters: CoverageFilters = asked;
	let matrix;
	try {
		matrix = await computeCoverage(db, principal, municipalityId, asked);
	} catch (e) {
		if (!(e instanceof ValidationError)) throw e;
		filterIssues = viewIssues(e.issues, { fields: FILTER_FIELDS, code: coverageCode });
		filters = { targetGroup: null, language: null };
		matrix = await computeCoverage(db, principal, municipalityId, {});
	}
	const districts: { id: string; name: string; spaces: typeof matrix.spaces }[] = [];
	for (const s of matrix.spaces) {
		const last = districts.at(-1);
		if (last && last.id === s.districtId) last.spaces.push(s);
		else districts.push({ id: s.districtId, name: s.districtName, spaces: [s] });
	}
	return {
		matrix,
		districts,
		classes: COVERAGE_CLASSES,
		filters,
		filterIssues,
		targetGroups: TARGET_GROUPS.map((t) => t.key),
		languages,
		query: filterQuery(filters),
		mayConfigure: can(principal, 'programmes:manage', { municipalityId })
	};
}

/**
 * The drill-down of the cell `?space=&field=`, with the offers' titles in `locale`.
 * @throws AccessDeniedError; NotFoundError (a space not of the municipality); ValidationError
 *   (an unknown field or filter), answered 400.
 */
export async function coverageCellPage(db: DbOrTx, principal: UserPrincipal, query: URLSearchParams, locale: string) {
	const filters = filtersOf(query);
	const detail = await getCoverageCell(db, principal, principal.municipalityId, query.get('space') ?? '', query.get('field') ?? '', filters);
	return {
		detail: { ...detail, offers: detail.offers.map((o) => ({ ...o, name: pickTitle(o.title, locale) })) },
		query: filterQuery(filters)
	};
}

/**
 * The choropleth of one theme field (`?field`, default the first) with a text version: each
 * social space in the class of its cell, linked to the drill-down.
 * @throws AccessDeniedError; ValidationError for an unknown field or filter, answered 400.
 */
export async function coverageMapPage(db: DbOrTx, principal: UserPrincipal, query: URLSearchParams, locale: string) {
	const municipalityId = principal.municipalityId;
	const fields = THEME_FIELDS.map((f) => f.key);
	const field = query.get('field') || fields[0];
	if (!fields.includes(field)) throw new ValidationError([{ field: 'field', code: 'unknown_option', params: { value: field } }]);
	const filters = filtersOf(query);
	const [matrix, spaces] = await Promise.all([computeCoverage(db, principal, municipalityId, filters), listSocialSpaces(db, { municipalityId, withBoundaries: true })]);
	const filterParams = filterQuery(filters);
	const col = matrix.fields.indexOf(field);
	const cellHref = (spaceId: string) => {
		const q = new URLSearchParams(filterParams);
		q.set('space', spaceId);
		q.set('field', field);
		return `/${locale}/staff/coverage/cell?${q}`;
	};
	const rows = matrix.spaces.map((s) => ({ id: s.id, name: s.name, districtName: s.districtName, cell: s.cells[col], href: cellHref(s.id) }));
	const classOf = new Map(rows.map((r) => [r.id, r.cell.class]));
	const boundaries = new Map(spaces.map((s) => [s.id, s.boundary as Geometry | null]));
	const map = drawAreas(rows.map((r) => ({ id: r.id, label: r.name, href: r.href, boundary: boundaries.get(r.id) ?? null })));
	return {
		field,
		fields,
		rows,
		map: map && { ...map, areas: map.areas.map((a) => ({ ...a, cls: classOf.get(a.id)! })) },
		classes: COVERAGE_CLASSES,
		totals: Object.fromEntries(COVERAGE_CLASSES.map((c) => [c, rows.filter((r) => r.cell.class === c).length])),
		query: filterParams
	};
}

/**
 * The rules of the principal's municipality with their defaults and limits, the freshness
 * period, and whether the principal may change them (`programmes:manage`; others read them).
 * @throws AccessDeniedError without `steering:view`.
 */
export async function coverageRulesPage(db: DbOrTx, principal: UserPrincipal) {
	const municipalityId = principal.municipalityId;
	if (!can(principal, 'steering:view', { municipalityId })) throw new AccessDeniedError();
	const [rules, freshnessDays] = await Promise.all([getCoverageRules(db, municipalityId), getFreshnessDays(db, municipalityId)]);
	return {
		rules,
		defaults: DEFAULT_COVERAGE_RULES,
		limits: COVERAGE_RULE_LIMITS,
		keys: COVERAGE_RULE_KEYS,
		freshnessDays,
		mayConfigure: can(principal, 'programmes:manage', { municipalityId })
	};
}

/** The rules form as entered (one field per rule). */
export function rulesFromForm(form: FormData): Record<string, string> {
	return Object.fromEntries(COVERAGE_RULE_KEYS.map((k) => [k, formText(form, k)]));
}

/**
 * Saves the rules of the form for the principal's municipality.
 * @throws AccessDeniedError without `programmes:manage`; ValidationError naming each bad rule by
 *   its element (`cv-<rule>`).
 */
export async function saveRulesFromForm(db: Db, principal: UserPrincipal, values: Record<string, string>): Promise<void> {
	await forForm(() => saveCoverageRules(db, principal, principal.municipalityId, values), { fields: RULE_FIELDS, code: coverageCode });
}
