/**
 * Importer for OpenStreetMap points of local actors (a GeoJSON FeatureCollection, RFC 7946, of
 * `Point` features with the properties `name`, `amenity` and `osm_id`, as in
 * `data/demo/koeln/osm-amenities.geojson`). Each point becomes a public actor (HSDS
 * organization) typed by its amenity (`OSM_AMENITY_TYPES`), with one place at the point, placed
 * in its social space by point-in-polygon. Points outside the municipality are reported, not
 * imported. Idempotent by OSM id: a re-run updates what changed and writes nothing otherwise.
 * The import acts as the principal it is given (the command line `systemPrincipal('cli')`, the
 * demo loader its own), which needs `directory:edit` in the municipality.
 * Source: issue 3 §8; data © OpenStreetMap contributors, ODbL 1.0 (attribution kept per actor).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { diffRecords, recordAudits } from '../audit/service';
import type { Db, Tx } from '../db/client';
import { ImportError, ValidationError } from '../core/errors';
import { hasSocialSpaceBoundaries, locateSocialSpace, requireMunicipality } from '../geography/service';
import { OSM_AMENITY_TYPES, type Visibility } from './model';
import { location, organization, organizationSocialSpace } from './schema';
import { refreshSearchEntries } from './search-index';
import { locationToInput, saveOrganization, type LocationInput, type OrganizationInput } from './service';
import { emptySummary, type DirectoryImportSummary, type ImportProgress, type SkippedRecord } from './imports';

/** The attribution the ODbL requires, stored on every imported actor and shown with it. */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors, ODbL 1.0';

/** Options of an OSM import. */
export interface OsmImportOptions {
	/** Slug of the municipality. */
	municipality: string;
	/** File name used in messages. */
	file: string;
	/** The file's text. */
	text: string;
	/** Import the good features of a file with bad ones, listing the bad ones as skipped. */
	skipInvalid?: boolean;
	onProgress?: ImportProgress;
}

interface OsmPoint {
	index: number;
	record: string;
	name: string;
	amenity: string;
	osmId: string;
	longitude: number;
	latitude: number;
}

const OSM_ID = /^(node|way|relation)\/\d+$/;

function propertyText(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

/** The problems of one feature (empty when it is a usable point). */
function featureProblems(feature: unknown, seen: Map<string, number>, index: number): { point?: OsmPoint; problems: SkippedRecord[] } {
	const f = feature as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: { type?: unknown; coordinates?: unknown } | null };
	if (!f || typeof f !== 'object' || f.type !== 'Feature') return { problems: [{ record: `feature ${index}`, reason: 'not a GeoJSON Feature' }] };
	const props = f.properties && typeof f.properties === 'object' ? f.properties : {};
	const osmId = propertyText(props.osm_id);
	const name = propertyText(props.name);
	const amenity = propertyText(props.amenity);
	const label = `feature ${index}${osmId ? ` (${osmId})` : ''}`;
	const problems: SkippedRecord[] = [];
	const problem = (reason: string) => problems.push({ record: label, reason });
	if (!osmId) problem(`property "osm_id": missing or empty`);
	else if (!OSM_ID.test(osmId)) problem(`property "osm_id": "${osmId}" is not of the form node/123, way/123 or relation/123`);
	else if (seen.has(osmId)) problem(`property "osm_id": "${osmId}" repeats feature ${seen.get(osmId)}`);
	else seen.set(osmId, index);
	if (!name) problem(`property "name": missing or empty`);
	else if (name.length > 300) problem(`property "name": longer than 300 characters`);
	if (!amenity) problem(`property "amenity": missing or empty`);
	else if (!Object.hasOwn(OSM_AMENITY_TYPES, amenity)) {
		problem(`property "amenity": "${amenity}" is not one of ${Object.keys(OSM_AMENITY_TYPES).join(', ')}`);
	}
	const geometry = f.geometry;
	const coordinates = geometry?.coordinates;
	if (!geometry || geometry.type !== 'Point') {
		problem(`geometry: must be a Point, got ${geometry ? String(geometry.type) : 'none'}`);
	} else if (
		!Array.isArray(coordinates) ||
		coordinates.length < 2 ||
		typeof coordinates[0] !== 'number' ||
		typeof coordinates[1] !== 'number' ||
		!Number.isFinite(coordinates[0]) ||
		!Number.isFinite(coordinates[1]) ||
		Math.abs(coordinates[0]) > 180 ||
		Math.abs(coordinates[1]) > 90
	) {
		problem(`geometry: coordinates must be [longitude, latitude] in WGS84 degrees, got ${JSON.stringify(coordinates ?? null)}`);
	}
	if (problems.length) return { problems };
	const [longitude, latitude] = coordinates as number[];
	return { problems, point: { index, record: `feature ${index} ("${name}", ${osmId})`, name, amenity, osmId, longitude, latitude } };
}

/** Parses the file into points and the problems of its bad features. @throws ImportError for a file that is not a FeatureCollection. */
function parseOsm(file: string, text: string): { points: OsmPoint[]; problems: SkippedRecord[]; bad: number; total: number } {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		throw new ImportError(file, [`not valid JSON: ${(e as Error).message}`]);
	}
	const fc = data as { type?: unknown; features?: unknown };
	if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
		throw new ImportError(file, ['top level must be a GeoJSON FeatureCollection with a "features" array']);
	}
	const seen = new Map<string, number>();
	const points: OsmPoint[] = [];
	const problems: SkippedRecord[] = [];
	fc.features.forEach((feature: unknown, index: number) => {
		const result = featureProblems(feature, seen, index);
		if (result.point) points.push(result.point);
		problems.push(...result.problems);
	});
	return { points, problems, bad: fc.features.length - points.length, total: fc.features.length };
}

/** Actors created per batch (one insert per table, then their search entries). */
const BATCH = 200;

function newPlace(point: OsmPoint, city: string): LocationInput {
	return {
		name: '',
		street: '',
		postalCode: '',
		city,
		latitude: point.latitude,
		longitude: point.longitude,
		accessibility: [],
		accessibilityNote: {},
		directions: {}
	};
}

/**
 * Creates new OSM actors in bulk, with the same rows and audit entries `saveOrganization`
 * writes for a new actor (created actor, created place, social space link), then their search
 * entries. Per-record saves take about 20 ms each on PGlite; this keeps a city's import at
 * a few seconds.
 * @returns how many were created.
 */
async function createActors(
	tx: Tx,
	municipalityId: string,
	city: string,
	rows: { point: OsmPoint; spaceId: string }[],
	principal: Principal
): Promise<number> {
	const orgColumns = rows.map(({ point }) => ({
		name: point.name,
		alternateNames: [],
		description: {},
		actorType: OSM_AMENITY_TYPES[point.amenity],
		email: '',
		phone: '',
		website: '',
		visibility: 'public',
		instanceId: null,
		amenity: point.amenity,
		hsdsExtra: {}
	}));
	const created = await tx
		.insert(organization)
		.values(rows.map((r, i) => ({ municipalityId, ...orgColumns[i], source: 'osm', sourceId: r.point.osmId, attribution: OSM_ATTRIBUTION })))
		.returning({ id: organization.id });
	const placeColumns = rows.map(({ point, spaceId }) => ({ ...newPlace(point, city), hsdsExtra: {}, socialSpaceId: spaceId }));
	const placed = await tx
		.insert(location)
		.values(placeColumns.map((c, i) => ({ municipalityId, organizationId: created[i].id, ...c })))
		.returning({ id: location.id });
	await tx.insert(organizationSocialSpace).values(rows.map((r, i) => ({ organizationId: created[i].id, socialSpaceId: r.spaceId })));
	const entry = { ...auditActor(principal), municipalityId, action: 'create' };
	await recordAudits(
		tx,
		created.flatMap(({ id }, i) => [
			{ ...entry, entityType: 'organization', entityId: id, changes: diffRecords(null, orgColumns[i]) },
			{ ...entry, entityType: 'location', entityId: placed[i].id, changes: diffRecords(null, placeColumns[i]) }
		])
	);
	await refreshSearchEntries(tx, { organizationIds: created.map((c) => c.id) });
	return created.length;
}

/**
 * Imports OSM actors into a municipality in one transaction. An actor is matched by its OSM id
 * (`source` `osm`, `sourceId` the `osm_id`); the import owns its name, amenity, type and the
 * place at the point, and leaves what staff added (description, contacts, visibility, other
 * places and social spaces) as it is. Unchanged actors are not written (no audit entries).
 * @returns counts; `outside` lists points outside every social space, `skipped` the bad
 *   features left out with `skipInvalid`.
 * @throws NotFoundError for an unknown municipality; AccessDeniedError without `directory:edit`
 *   there; ImportError naming each bad feature (index, OSM id, property, reason) unless
 *   `skipInvalid`, and when the municipality has no social-space boundaries (points could not
 *   be placed or checked).
 */
export async function importOsmActors(db: Db, principal: Principal, options: OsmImportOptions): Promise<DirectoryImportSummary> {
	const { points, problems, bad, total } = parseOsm(options.file, options.text);
	if (problems.length && !options.skipInvalid) throw new ImportError(options.file, problems.map((p) => `${p.record}: ${p.reason}`));
	const summary = emptySummary(total);
	summary.skipped.push(...problems);
	let done = bad;
	options.onProgress?.(done, total);
	return db.transaction(async (tx) => {
		const m = await requireMunicipality(tx, options.municipality);
		authorize(principal, 'directory:edit', { municipalityId: m.id, instanceId: null });
		if (!(await hasSocialSpaceBoundaries(tx, m.id))) {
			throw new ImportError(options.file, [`${m.name} has no social-space boundaries: import them first, OSM points are placed by them`]);
		}
		const existing = await tx
			.select()
			.from(organization)
			.where(and(eq(organization.municipalityId, m.id), eq(organization.source, 'osm')));
		const bySourceId = new Map(existing.map((o) => [o.sourceId, o]));
		const ids = existing.map((o) => o.id);
		const places = ids.length
			? await tx.select().from(location).where(inArray(location.organizationId, ids)).orderBy(asc(location.createdAt), asc(location.id))
			: [];
		const links = ids.length ? await tx.select().from(organizationSocialSpace).where(inArray(organizationSocialSpace.organizationId, ids)) : [];
		const fresh: { point: OsmPoint; spaceId: string }[] = [];
		for (const point of points) {
			const space = await locateSocialSpace(tx, m.id, [point.longitude, point.latitude]);
			const current = bySourceId.get(point.osmId);
			const place = current && places.find((l) => l.organizationId === current.id);
			const actorType = OSM_AMENITY_TYPES[point.amenity];
			if (!space) {
				summary.outside.push({ record: point.record, reason: `outside ${m.name} (longitude ${point.longitude}, latitude ${point.latitude})` });
			} else if (!current) {
				// Counted as done when its batch is written below.
				fresh.push({ point, spaceId: space.id });
				continue;
			} else if (
				place &&
				current.name === point.name &&
				current.amenity === point.amenity &&
				current.actorType === actorType &&
				place.latitude === point.latitude &&
				place.longitude === point.longitude &&
				place.socialSpaceId === space.id
			) {
				summary.unchanged++;
			} else {
				const input: OrganizationInput = {
					name: point.name,
					alternateNames: current.alternateNames,
					description: current.description,
					actorType,
					email: current.email,
					phone: current.phone,
					website: current.website,
					visibility: current.visibility as Visibility,
					instanceId: current.instanceId,
					// The place's former social space was added by placement; the new one replaces it.
					socialSpaceIds: links
						.filter((l) => l.organizationId === current.id && l.socialSpaceId !== place?.socialSpaceId)
						.map((l) => l.socialSpaceId),
					locations: [place ? { ...locationToInput(place), latitude: point.latitude, longitude: point.longitude } : newPlace(point, m.name)],
					amenity: point.amenity,
					hsdsExtra: current.hsdsExtra
				};
				try {
					await saveOrganization(tx, principal, m.id, input, { id: current.id });
					summary.updated++;
				} catch (e) {
					if (!(e instanceof ValidationError)) throw e;
					if (!options.skipInvalid) throw new ImportError(options.file, [`${point.record}: ${e.message}`]);
					summary.skipped.push({ record: point.record, reason: e.message });
				}
			}
			options.onProgress?.(++done, total);
		}
		for (let i = 0; i < fresh.length; i += BATCH) {
			summary.created += await createActors(tx, m.id, m.name, fresh.slice(i, i + BATCH), principal);
			done += Math.min(BATCH, fresh.length - i);
			options.onProgress?.(done, total);
		}
		return summary;
	});
}
