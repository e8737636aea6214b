/**
 * The public search page's server side: reads a shareable search URL (districts, social spaces
 * and the distance point by slug or id, a point as `lat,lon`), reports every value it cannot use
 * as a field-level issue instead of failing, runs `searchDirectory`, and prepares the filter
 * choices and the results map. Source: issue 3 §4–§5.
 */
import { currentDataVersion } from '../../audit/versions';
import type { DbOrTx } from '../../db/client';
import { versionedMemo } from '../../core/memo';
import type { FieldIssue } from '../../core/errors';
import { canonicalLanguageTag, isUuid } from '../../core/validation';
import { listDistricts, listSocialSpaces } from '../../geography/service';
import { pickLanguage } from '../../instances/model';
import type { Visibility } from '../model';
import { parseSearchParams, resolveNear, searchDirectory, spokenLanguages, type SearchHit, type SearchQuery } from '../search';
import { projectPoint, resultsBaseMap, type CompactMap } from './results-map';

/** An area choice of the filter form. */
export interface AreaChoice {
	id: string;
	slug: string;
	name: string;
}

/** A result as the page shows it. */
export interface PublicHit extends SearchHit {
	/** 1-based position over all pages (the number of its dot on the map). */
	n: number;
	/** The title in the reader's language or the best other one, with its language. */
	shownTitle: { text: string; lang: string };
	/** Actors only: type, OSM amenity, licence attribution and the OSM object's URL. */
	actorType: string | null;
	amenity: string | null;
	attribution: string | null;
	osmUrl: string | null;
}

/** A dot of the results map. */
export interface MapDot {
	n: number;
	x: number;
	y: number;
}

/** Everything the search page renders. */
export interface PublicSearch {
	/** The form's values as given (slugs, not ids), for re-filling it and building links. */
	values: Record<string, string>;
	issues: FieldIssue[];
	hits: PublicHit[];
	total: number;
	page: number;
	pages: number;
	expansions: { word: string; similar: string[] }[];
	/** Sub-topics the query was read as (vocabulary), shown as links to that filter; none when a sub-topic is chosen. */
	topics: string[];
	/** No entry matches every query word; entries matching some are listed. */
	relaxed: boolean;
	/** Where distances are measured from, when a place was chosen. */
	near: { label: string; kind: 'space' | 'point' } | null;
	districts: AreaChoice[];
	/** `hasBoundary`: places can be put into it (the distance choice needs it too). */
	spaces: (AreaChoice & { districtId: string; hasBoundary: boolean })[];
	/**
	 * Chosen area filters whose area lacks Stadtteil boundaries, so places cannot be put into it
	 * and the filter finds only entries assigned to it by hand (said on the page, issue 12 §2).
	 */
	areaNotices: { field: 'district' | 'space'; name: string }[];
	/** Languages spoken at some visible entry, BCP 47. */
	languages: string[];
	/** `near`: where distances are measured from, in map pixels, when it lies on the map. */
	map: (CompactMap & { dots: MapDot[]; near: [number, number] | null; param: 'district' | 'space'; current: string | null }) | null;
}

const TEXT_PARAMS = ['q', 'kind', 'field', 'topic', 'group', 'lang', 'district', 'space', 'cost', 'low', 'stepfree', 'open', 'near', 'sort'] as const;

/** An OSM object's page for a source id like `node/123` (way, relation too); null otherwise. */
export function osmObjectUrl(sourceId: string | null): string | null {
	return sourceId && /^(node|way|relation)\/\d+$/.test(sourceId) ? `https://www.openstreetmap.org/${sourceId}` : null;
}

/** A title in `lang`, else German, else any language it has. */
function titleIn(title: Record<string, string>, lang: string): { text: string; lang: string } {
	const shown = pickLanguage(title, lang);
	return shown ? { text: shown.text, lang: shown.lang } : { text: '', lang };
}

function byRef<T extends AreaChoice>(list: T[], ref: string): T | undefined {
	return list.find((a) => a.slug === ref || (isUuid(ref) && a.id === ref.toLowerCase()));
}

type FormChoices = {
	districtRows: Awaited<ReturnType<typeof listDistricts>>;
	spaceRows: Awaited<ReturnType<typeof listSocialSpaces>>;
	languages: string[];
	/** The municipality's data version they were read at. */
	version: string;
};

/** The filter form's choices per municipality and visibility levels, with the data version read at. */
const choices = versionedMemo<FormChoices>(4000);

/**
 * The filter form's choices — districts, social spaces, languages spoken (a scan of the search
 * entries) — read once per data version of the municipality (`audit/versions.ts`, raised by
 * every audited write) instead of on every search (issue 17 §2): at most one primary-key read per
 * search, none on the embedded database (`currentDataVersion`).
 */
async function formChoices(db: DbOrTx, municipalityId: string, levels: Visibility[]): Promise<FormChoices> {
	const version = await currentDataVersion(db, municipalityId);
	return choices.get(`${municipalityId} ${levels.join(',')}`, version, () =>
		Promise.all([listDistricts(db, municipalityId), listSocialSpaces(db, { municipalityId }), spokenLanguages(db, municipalityId, levels)]).then(
			([districtRows, spaceRows, languages]) => ({ districtRows, spaceRows, languages, version })
		)
	);
}

/**
 * Runs a public search from URL parameters.
 * @param lang the reader's language (titles, stemming).
 * @param levels visibilities the reader may see (`visibleLevels`).
 * @param now the instant "open now" refers to.
 */
export async function publicSearch(
	db: DbOrTx,
	municipalityId: string,
	params: URLSearchParams,
	lang: string,
	levels: Visibility[],
	now = new Date()
): Promise<PublicSearch> {
	const { districtRows, spaceRows, languages, version } = await formChoices(db, municipalityId, levels);
	const districts = districtRows.map((d) => ({ id: d.id, slug: d.slug, name: d.name }));
	const spaces = spaceRows.map((s) => ({ id: s.id, slug: s.slug, name: s.name, districtId: s.districtId, hasBoundary: s.hasBoundary }));
	const values: Record<string, string> = {};
	for (const name of TEXT_PARAMS) {
		const v = params.get(name)?.trim();
		if (v) values[name] = v.slice(0, 200);
	}
	const issues: FieldIssue[] = [];
	// Areas by slug (readable shared links) or id (the API's form) → ids for the search.
	const resolved = new URLSearchParams(params);
	const chosenDistrict = values.district ? byRef(districts, values.district) : undefined;
	const chosenSpace = values.space ? byRef(spaces, values.space) : undefined;
	for (const [name, found] of [['district', chosenDistrict], ['space', chosenSpace]] as const) {
		resolved.delete(name);
		if (found) resolved.set(name, found.id);
		else if (values[name]) issues.push({ field: name, code: 'unknown_option', params: { value: values[name] } });
	}
	resolved.delete('lang');
	if (values.lang) {
		const tag = canonicalLanguageTag(values.lang);
		if (tag) resolved.set('lang', tag);
		else issues.push({ field: 'lang', code: 'invalid_language', params: { value: values.lang } });
	}
	// The distance point is resolved here (by Stadtteil slug too), so the parser does not see it.
	resolved.delete('near');
	const parsed = parseSearchParams(resolved);
	issues.push(...parsed.issues.filter((i) => !['district', 'space', 'near'].includes(i.field)));
	const rest = parsed.query;
	const nearRef = values.near;
	let near: SearchQuery['near'];
	let nearView: PublicSearch['near'] = null;
	if (nearRef) {
		const space = byRef(spaces, nearRef);
		const found = await resolveNear(db, municipalityId, space?.id ?? nearRef);
		if ('point' in found) {
			near = found.point;
			nearView = space ? { label: space.name, kind: 'space' } : { label: `${near.latitude}, ${near.longitude}`, kind: 'point' };
		} else {
			issues.push(space ? { field: 'near', code: 'no_boundary', params: { value: space.name } } : { field: 'near', code: 'unknown_place', params: { value: nearRef } });
		}
	}
	// Places are put into Stadtteile by their boundaries: a district is fully searchable only when it has Stadtteile and all of them have one.
	const areaNotices: PublicSearch['areaNotices'] = [];
	const inDistrict = chosenDistrict ? spaces.filter((x) => x.districtId === chosenDistrict.id) : [];
	if (chosenDistrict && (!inDistrict.length || inDistrict.some((x) => !x.hasBoundary))) areaNotices.push({ field: 'district', name: chosenDistrict.name });
	if (chosenSpace && !chosenSpace.hasBoundary) areaNotices.push({ field: 'space', name: chosenSpace.name });
	if (rest.sort === 'distance' && !near && !issues.some((i) => i.field === 'near')) {
		issues.push({ field: 'near', code: 'distance_needs_place' });
	}
	const result = await searchDirectory(db, {
		...rest,
		sort: near ? rest.sort : 'relevance',
		near,
		municipalityId,
		lang,
		levels,
		now
	});
	const offset = (result.page - 1) * result.perPage;
	const hits: PublicHit[] = result.hits.map((h, i) => {
		const o = h.actor;
		return {
			...h,
			n: offset + i + 1,
			shownTitle: titleIn(h.title, lang),
			actorType: o?.actorType ?? null,
			amenity: o?.amenity ?? null,
			attribution: o?.attribution ?? null,
			osmUrl: o?.attribution ? osmObjectUrl(o.sourceId) : null
		};
	});
	const scope = chosenDistrict ?? (chosenSpace && districts.find((d) => d.id === chosenSpace.districtId));
	const base = await resultsBaseMap(db, scope ? { districtId: scope.id } : { municipalityId }, version);
	const map = base && {
		...base,
		param: scope ? ('space' as const) : ('district' as const),
		current: (scope ? chosenSpace?.id : null) ?? null,
		near: near ? projectPoint(base, near.latitude, near.longitude) : null,
		dots: hits.flatMap((h) => {
			const p = h.latitude !== null && h.longitude !== null ? projectPoint(base, h.latitude, h.longitude) : null;
			return p ? [{ n: h.n, x: p[0], y: p[1] }] : [];
		})
	};
	return {
		values,
		issues,
		hits,
		total: result.total,
		page: result.page,
		pages: Math.max(1, Math.ceil(result.total / result.perPage)),
		expansions: Object.entries(result.expansions)
			.filter(([, similar]) => similar.length)
			.map(([word, similar]) => ({ word, similar })),
		topics: rest.subtopic ? [] : result.topics.slice(0, 4),
		relaxed: result.relaxed,
		near: nearView,
		districts,
		spaces,
		areaNotices,
		languages,
		map
	};
}
