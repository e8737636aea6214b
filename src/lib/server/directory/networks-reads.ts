/**
 * What Vernetzung (networks, issue 14) reads of the directory (Wegweiser): the actors of a
 * municipality with their type and social spaces (members, the network map and its missing actor
 * types per social space), the places meetings can be held at with their accessibility, and the
 * offers one actor holds at another actor's place (the derived relation "hosts offers of").
 * Every visibility: the networks services decide what a reader sees.
 */
import { and, asc, eq, inArray, isNotNull, ne, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { location, organization, organizationSocialSpace, service, serviceAtLocation } from './schema';

/** An actor as networks use it. `socialSpaceIds`: where it is active or has a place. */
export interface NetworkActor {
	id: string;
	municipalityId: string;
	name: string;
	actorType: string;
	visibility: string;
	/** The actor's contact address (invitations to an actor's membership go there). */
	email: string;
	socialSpaceIds: string[];
}

/**
 * Actors by id (any municipality: callers check `municipalityId`), or every actor of a
 * municipality when `ids` is omitted, by name. Ids that are not UUIDs are ignored.
 */
export async function networkActors(db: DbOrTx, scope: { municipalityId: string } | { ids: readonly string[] }): Promise<NetworkActor[]> {
	let where;
	if ('ids' in scope) {
		const ids = [...new Set(scope.ids.filter(isUuid))];
		if (!ids.length) return [];
		where = inArray(organization.id, ids);
	} else where = eq(organization.municipalityId, scope.municipalityId);
	const rows = await db
		.select({ id: organization.id, municipalityId: organization.municipalityId, name: organization.name, actorType: organization.actorType, visibility: organization.visibility, email: organization.email })
		.from(organization)
		.where(where)
		.orderBy(asc(organization.name), asc(organization.id));
	if (!rows.length) return [];
	const ids = rows.map((r) => r.id);
	const inScope = 'ids' in scope ? inArray(organizationSocialSpace.organizationId, ids) : sql`${organizationSocialSpace.organizationId} in (select id from organization where municipality_id = ${scope.municipalityId})`;
	const [linked, placed] = await Promise.all([
		db.select({ id: organizationSocialSpace.organizationId, space: organizationSocialSpace.socialSpaceId }).from(organizationSocialSpace).where(inScope),
		db
			.select({ id: location.organizationId, space: location.socialSpaceId })
			.from(location)
			.where(and(isNotNull(location.socialSpaceId), 'ids' in scope ? inArray(location.organizationId, ids) : eq(location.municipalityId, scope.municipalityId)))
	]);
	const spaces = new Map<string, Set<string>>();
	for (const r of [...linked, ...placed]) if (r.id && r.space) (spaces.get(r.id) ?? spaces.set(r.id, new Set()).get(r.id)!).add(r.space);
	return rows.map((r) => ({ ...r, socialSpaceIds: [...(spaces.get(r.id) ?? [])] }));
}

/** A place a meeting can be held at, with its accessibility features (keys of ACCESSIBILITY_FEATURES). */
export interface MeetingPlace {
	id: string;
	municipalityId: string;
	name: string;
	organizationName: string | null;
	street: string;
	postalCode: string;
	city: string;
	latitude: number | null;
	longitude: number | null;
	accessibility: string[];
}

const placeColumns = {
	id: location.id,
	municipalityId: location.municipalityId,
	name: location.name,
	organizationName: organization.name,
	street: location.street,
	postalCode: location.postalCode,
	city: location.city,
	latitude: location.latitude,
	longitude: location.longitude,
	accessibility: location.accessibility
};

/** Places of a municipality's actors (the meeting form's choice), by actor and place name. */
export function meetingPlaces(db: DbOrTx, municipalityId: string): Promise<MeetingPlace[]> {
	return db
		.select(placeColumns)
		.from(location)
		.leftJoin(organization, eq(organization.id, location.organizationId))
		.where(eq(location.municipalityId, municipalityId))
		.orderBy(asc(organization.name), asc(location.name), asc(location.id));
}

/** Places by id (any municipality: callers check it). Ids that are not UUIDs are ignored. */
export async function meetingPlacesById(db: DbOrTx, ids: readonly string[]): Promise<MeetingPlace[]> {
	const valid = [...new Set(ids.filter(isUuid))];
	if (!valid.length) return [];
	return db.select(placeColumns).from(location).leftJoin(organization, eq(organization.id, location.organizationId)).where(inArray(location.id, valid));
}

/**
 * "Beherbergt Angebote von": per pair of actors, how many offers of `offeringId` are held at a
 * place of `hostId` (another actor), in a municipality.
 */
export async function hostedOfferPairs(db: DbOrTx, municipalityId: string): Promise<{ hostId: string; offeringId: string; offers: number }[]> {
	const rows = await db
		.select({ hostId: location.organizationId, offeringId: service.organizationId, offers: sql<number>`count(distinct ${service.id})::int` })
		.from(serviceAtLocation)
		.innerJoin(service, eq(service.id, serviceAtLocation.serviceId))
		.innerJoin(location, eq(location.id, serviceAtLocation.locationId))
		.where(and(eq(service.municipalityId, municipalityId), isNotNull(location.organizationId), ne(location.organizationId, service.organizationId)))
		.groupBy(location.organizationId, service.organizationId);
	return rows.map((r) => ({ hostId: r.hostId!, offeringId: r.offeringId, offers: Number(r.offers) }));
}

/** The networks demo's actors of a municipality: `source_id → id` of demo entries whose source id starts with `prefix`. */
export async function demoActorIds(db: DbOrTx, municipalityId: string, prefix: string): Promise<Map<string, string>> {
	const rows = await db
		.select({ id: organization.id, sourceId: organization.sourceId })
		.from(organization)
		.where(and(eq(organization.municipalityId, municipalityId), eq(organization.source, 'demo'), sql`${organization.sourceId} like ${prefix + '%'}`));
	return new Map(rows.map((r) => [r.sourceId!, r.id]));
}

/**
 * SQL condition: the actor whose id is in `column` is public (the OParl export publishes only
 * public actors and their memberships). For list pages that filter and count in SQL.
 */
export function isPublicActor(column: SQL | AnyColumn): SQL {
	return sql`exists (select 1 from ${organization} where ${organization.id} = ${column} and ${organization.visibility} = 'public')`;
}
