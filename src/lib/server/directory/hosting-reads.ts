/**
 * What hosting (issue 15) reads of the directory, and the one write it needs: an approved room
 * booking for an external offer publishes itself as that offer's schedule at the room's place
 * (HSDS `service_at_location` + `schedule`). The directory does the write here, so its tables
 * stay its own; hosting keeps the ids of the schedule rows it caused and hands them back on
 * every change, and only those rows (of that offer) are replaced.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { auditActor, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { location, organization, schedule, service, serviceAtLocation } from './schema';
import { refreshSearchEntries } from './search-index';
import { pickText } from './texts';

/** An offer as hosting checks it: where it belongs, whose it is, its name in German. */
export interface HostedOffer {
	id: string;
	municipalityId: string;
	organizationId: string;
	name: string;
}

/** The offer with this id at any visibility, or null (also for a malformed id). */
export async function hostedOffer(db: DbOrTx, id: string): Promise<HostedOffer | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select({ id: service.id, municipalityId: service.municipalityId, organizationId: service.organizationId, name: service.name }).from(service).where(eq(service.id, id));
	return row ? { ...row, name: pickText(row.name, 'de')?.text ?? '' } : null;
}

/** An actor's municipality and name, or null (also for a malformed id). */
export async function hostedProvider(db: DbOrTx, id: string): Promise<{ id: string; municipalityId: string; name: string } | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select({ id: organization.id, municipalityId: organization.municipalityId, name: organization.name }).from(organization).where(eq(organization.id, id));
	return row ?? null;
}

/** A place's municipality, or null (also for a malformed id). */
export async function hostingPlace(db: DbOrTx, id: string): Promise<{ id: string; municipalityId: string; name: string } | null> {
	if (!isUuid(id)) return null;
	const [row] = await db.select({ id: location.id, municipalityId: location.municipalityId, name: location.name }).from(location).where(eq(location.id, id));
	return row ?? null;
}

/** A weekly slot to publish: ISO weekday, Berlin wall-clock times, the days it is valid. */
export interface HostedSlot {
	weekday: number;
	opensAt: string;
	closesAt: string;
	validFrom: string;
	validTo: string;
}

/**
 * Replaces the schedule rows a booking caused for an offer with `slots` at `locationId`, links
 * the offer to the place (service_at_location) when it is not yet, refreshes the offer's search
 * entry and audits the change as the principal. No slots removes the booking's rows only (the
 * place link stays: the offer may be held there otherwise too). Call inside the booking's
 * transaction.
 * @returns the ids of the new schedule rows, for the next replacement.
 */
export async function publishHostedSlots(
	tx: DbOrTx,
	principal: Principal,
	input: { serviceId: string; locationId: string; previousIds: readonly string[]; slots: readonly HostedSlot[]; bookingId: string }
): Promise<string[]> {
	const [offer] = await tx.select({ municipalityId: service.municipalityId, organizationId: service.organizationId }).from(service).where(eq(service.id, input.serviceId));
	if (!offer) return [];
	if (input.previousIds.length) await tx.delete(schedule).where(and(eq(schedule.serviceId, input.serviceId), inArray(schedule.id, [...input.previousIds])));
	let ids: string[] = [];
	if (input.slots.length) {
		await tx.insert(serviceAtLocation).values({ serviceId: input.serviceId, locationId: input.locationId }).onConflictDoNothing();
		const rows = await tx
			.insert(schedule)
			.values(input.slots.map((s) => ({ serviceId: input.serviceId, locationId: input.locationId, weekday: s.weekday, opensAt: s.opensAt, closesAt: s.closesAt, validFrom: s.validFrom, validTo: s.validTo })))
			.returning({ id: schedule.id });
		ids = rows.map((r) => r.id);
	}
	await recordAudit(tx, {
		...auditActor(principal),
		municipalityId: offer.municipalityId,
		action: 'update',
		entityType: 'service',
		entityId: input.serviceId,
		changes: { hostedSchedules: [input.previousIds.length, ids.length], hostingBooking: [null, input.bookingId] }
	});
	await refreshSearchEntries(tx, { serviceIds: [input.serviceId], organizationIds: [offer.organizationId] });
	return ids;
}

/**
 * The offers of a municipality a booking request can be for, by actor and German name (the first `limit` actors' offers):
 * `value` is the offer's id, `label` its name and its actor's.
 */
export async function hostableOffers(db: DbOrTx, municipalityId: string, limit = 500): Promise<{ value: string; label: string; organizationId: string }[]> {
	const rows = await db
		.select({ id: service.id, name: service.name, organizationId: service.organizationId, actor: organization.name })
		.from(service)
		.innerJoin(organization, eq(organization.id, service.organizationId))
		.where(and(eq(service.municipalityId, municipalityId), eq(service.status, 'active')))
		.orderBy(organization.name, service.id)
		.limit(limit);
	return rows
		.map((r) => ({ value: r.id, label: `${pickText(r.name, 'de')?.text ?? ''} (${r.actor})`, organizationId: r.organizationId }))
		.sort((a, b) => a.label.localeCompare(b.label, 'de'));
}

/** The place of an instance in the directory: the first place of an actor the instance keeps, or null. */
export async function instancePlace(db: DbOrTx, instanceId: string): Promise<string | null> {
	if (!isUuid(instanceId)) return null;
	const [row] = await db
		.select({ id: location.id })
		.from(location)
		.innerJoin(organization, eq(organization.id, location.organizationId))
		.where(eq(organization.instanceId, instanceId))
		.orderBy(location.name, location.id)
		.limit(1);
	return row?.id ?? null;
}

/** What the public calendar filters a hosted offer by (its HSDS facets). */
export interface HostedOfferFacets {
	/** Spoken languages, BCP 47 tags. */
	languages: string[];
	targetGroups: string[];
	themeFields: string[];
	/** `cost_kind` is `free`. */
	free: boolean;
}

/**
 * The facets of the hosted offers among `ids` that the public may see (visibility `public`,
 * status `active` or `temporarily closed`); offers missing from the map are not public.
 * One query for a whole calendar week.
 */
export async function publicOfferFacets(db: DbOrTx, ids: readonly string[]): Promise<Map<string, HostedOfferFacets>> {
	const valid = [...new Set(ids)].filter(isUuid);
	if (!valid.length) return new Map();
	const rows = await db
		.select({ id: service.id, languages: service.languages, targetGroups: service.targetGroups, themeFields: service.themeFields, costKind: service.costKind })
		.from(service)
		.where(and(inArray(service.id, valid), eq(service.visibility, 'public'), inArray(service.status, ['active', 'temporarily closed'])));
	return new Map(rows.map((r) => [r.id, { languages: r.languages, targetGroups: r.targetGroups, themeFields: r.themeFields, free: r.costKind === 'free' }]));
}
