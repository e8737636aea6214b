/**
 * Verortung: places that were saved before their municipality had social-space boundaries (or
 * that lay outside them then) get their Stadtteil once boundaries exist. `saveOrganization` and
 * `saveService` place a location only when it is written, so without this an installation that
 * imports its boundaries later keeps every earlier place unplaced: area filters of the search,
 * the results map and the coverage matrix would not count them (issue 12 §2: Düsseldorf's
 * Welcome Points showed 0 offers in Stadtbezirk 5 and 6).
 */
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { recordAudits, type AuditInput } from '../audit/service';
import type { Db } from '../db/client';
import { hasSocialSpaceBoundaries, locateSocialSpace } from '../geography/service';
import { location, organizationSocialSpace, serviceAtLocation } from './schema';
import { refreshSearchEntries } from './search-index';

/** What `placeUnplacedLocations` did. */
export interface PlacementSummary {
	/** Locations that got a social space. */
	placed: number;
	/** Locations with coordinates that lie outside every boundary (left unplaced). */
	outside: number;
}

/**
 * Places every location of the municipality that has coordinates but no social space into the
 * social space whose boundary contains it (point-in-polygon, as saving does), adds that space
 * to its actor's social spaces, and rebuilds the search entries of the actor and of the offers
 * at the place. Places already placed are left as they are, so a space chosen by hand is never
 * overwritten; places outside every boundary stay unplaced and are counted. All in one
 * transaction, audited: `update` of each `location` (`socialSpaceId`) and of each actor whose
 * spaces grew (`socialSpaceIds`). Without boundaries nothing is written.
 * @throws AccessDeniedError without `directory:configure` on the municipality (its
 *   administrators; the system principal of the command line and the demo loader).
 */
export async function placeUnplacedLocations(db: Db, principal: Principal, municipalityId: string): Promise<PlacementSummary> {
	authorize(principal, 'directory:configure', { municipalityId });
	return db.transaction(async (tx) => {
		const unplaced = await tx
			.select({ id: location.id, organizationId: location.organizationId, latitude: location.latitude, longitude: location.longitude })
			.from(location)
			.where(and(eq(location.municipalityId, municipalityId), isNull(location.socialSpaceId), isNotNull(location.latitude), isNotNull(location.longitude)));
		if (!unplaced.length || !(await hasSocialSpaceBoundaries(tx, municipalityId))) return { placed: 0, outside: unplaced.length };
		const actor = auditActor(principal);
		const audits: AuditInput[] = [];
		const placed: { id: string; organizationId: string | null; spaceId: string }[] = [];
		for (const loc of unplaced) {
			const space = await locateSocialSpace(tx, municipalityId, [loc.longitude!, loc.latitude!]);
			if (!space) continue;
			await tx.update(location).set({ socialSpaceId: space.id, updatedAt: new Date() }).where(eq(location.id, loc.id));
			audits.push({ ...actor, municipalityId, action: 'update', entityType: 'location', entityId: loc.id, changes: { socialSpaceId: [null, space.id] } });
			placed.push({ id: loc.id, organizationId: loc.organizationId, spaceId: space.id });
		}
		const organizationIds = [...new Set(placed.flatMap((p) => (p.organizationId ? [p.organizationId] : [])))];
		if (organizationIds.length) {
			const links = await tx.select().from(organizationSocialSpace).where(inArray(organizationSocialSpace.organizationId, organizationIds));
			for (const organizationId of organizationIds) {
				const before = links.filter((l) => l.organizationId === organizationId).map((l) => l.socialSpaceId);
				const added = [...new Set(placed.filter((p) => p.organizationId === organizationId && !before.includes(p.spaceId)).map((p) => p.spaceId))];
				if (!added.length) continue;
				await tx.insert(organizationSocialSpace).values(added.map((socialSpaceId) => ({ organizationId, socialSpaceId })));
				audits.push({ ...actor, municipalityId, action: 'update', entityType: 'organization', entityId: organizationId, changes: { socialSpaceIds: [[...before].sort(), [...before, ...added].sort()] } });
			}
		}
		await recordAudits(tx, audits);
		if (placed.length) {
			const services = await tx.select({ id: serviceAtLocation.serviceId }).from(serviceAtLocation).where(inArray(serviceAtLocation.locationId, placed.map((p) => p.id)));
			await refreshSearchEntries(tx, { organizationIds, serviceIds: services.map((s) => s.id) });
		}
		return { placed: placed.length, outside: unplaced.length - placed.length };
	});
}
