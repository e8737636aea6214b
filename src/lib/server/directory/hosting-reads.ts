/**
 * What hosting (issue 15) reads of the directory, and the one write it needs: an approved room
 * booking for an external offer publishes itself as that offer's schedule at the room's place
 * (HSDS `service_at_location` + `schedule`). The directory does the write here, so its tables
 * stay its own; hosting keeps the ids of the schedule rows it caused and hands them back on
 * every change, and only those rows (of that offer) are replaced.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { auditActor, can, type Principal } from '../access';
import { recordAudit, type ChangeSet } from '../audit/service';
import { isUuid } from '../core/validation';
import type { DbOrTx } from '../db/client';
import { TARGET_GROUPS, THEME_FIELDS } from './model';
import { location, organization, schedule, service, serviceAtLocation } from './schema';
import { refreshSearchEntries } from './search-index';
import { originalText, pickText } from './texts';

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
 * Rewrites an offer's schedule rows `previousIds` in place with `slots` at `locationId`: rows
 * still there are updated and keep their ids, extra slots are inserted, leftover rows deleted;
 * the offer is linked to the place when it has slots. @returns the ids now holding the slots.
 */
async function rewriteSlots(tx: DbOrTx, input: { serviceId: string; locationId: string; previousIds: readonly string[]; slots: readonly HostedSlot[] }): Promise<string[]> {
	const kept = input.previousIds.length
		? (await tx.select({ id: schedule.id }).from(schedule).where(and(eq(schedule.serviceId, input.serviceId), inArray(schedule.id, [...input.previousIds])))).map((r) => r.id).sort()
		: [];
	const values = input.slots.map((s) => ({ serviceId: input.serviceId, locationId: input.locationId, weekday: s.weekday, opensAt: s.opensAt, closesAt: s.closesAt, validFrom: s.validFrom, validTo: s.validTo }));
	const ids: string[] = [];
	for (const [i, v] of values.entries()) {
		if (i >= kept.length) break;
		await tx.update(schedule).set(v).where(eq(schedule.id, kept[i]));
		ids.push(kept[i]);
	}
	if (kept.length > values.length) await tx.delete(schedule).where(inArray(schedule.id, kept.slice(values.length)));
	if (values.length > kept.length) ids.push(...(await tx.insert(schedule).values(values.slice(kept.length)).returning({ id: schedule.id })).map((r) => r.id));
	if (values.length) await tx.insert(serviceAtLocation).values({ serviceId: input.serviceId, locationId: input.locationId }).onConflictDoNothing();
	return ids;
}

/**
 * Rewrites the schedule rows a booking caused for an offer in place with `slots` at
 * `locationId` (a previous row still there is updated and keeps its id; extra slots are
 * inserted, leftover rows deleted, so republishing never duplicates a slot), links
 * the offer to the place (service_at_location) when it is not yet, refreshes the offer's search
 * entry and audits the change as the principal. No slots removes the booking's rows only (the
 * place link stays: the offer may be held there otherwise too). Call inside the booking's
 * transaction.
 * @returns the ids of the schedule rows now published, for the next rewrite.
 */
export async function publishHostedSlots(
	tx: DbOrTx,
	principal: Principal,
	input: { serviceId: string; locationId: string; previousIds: readonly string[]; slots: readonly HostedSlot[]; bookingId: string }
): Promise<string[]> {
	const [offer] = await tx.select({ municipalityId: service.municipalityId, organizationId: service.organizationId }).from(service).where(eq(service.id, input.serviceId));
	if (!offer) return [];
	const ids = await rewriteSlots(tx, input);
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

/** An offer with what decides whether a requester may book a room for it. */
interface OfferOwnership {
	id: string;
	municipalityId: string;
	instanceId: string | null;
	offerEmail: string;
	actorEmail: string;
}

/**
 * Whether a booking may be requested for the offer by `principal`: the system may; a user may
 * for an offer they may edit in the directory (`directory:edit` on its instance) or whose
 * contact email — the offer's or its actor's — is their sign-in email (case-insensitive), so a
 * partner editor books only their own offers.
 */
function ownsOffer(principal: Principal, o: OfferOwnership): boolean {
	if (principal.kind !== 'user') return true;
	if (can(principal, 'directory:edit', { municipalityId: o.municipalityId, instanceId: o.instanceId })) return true;
	const email = principal.email.trim().toLowerCase();
	return !!email && (o.offerEmail.trim().toLowerCase() === email || o.actorEmail.trim().toLowerCase() === email);
}

const ownershipColumns = { id: service.id, municipalityId: service.municipalityId, instanceId: service.instanceId, offerEmail: service.email, actorEmail: organization.email };

/**
 * Whether `principal` may request a room for the offer with this id (see `ownsOffer`: offers
 * they may edit, or whose contact email is their sign-in email); false for an unknown offer.
 */
export async function mayBookForOffer(db: DbOrTx, principal: Principal, serviceId: string): Promise<boolean> {
	if (!isUuid(serviceId)) return false;
	const [row] = await db.select(ownershipColumns).from(service).innerJoin(organization, eq(organization.id, service.organizationId)).where(eq(service.id, serviceId));
	return !!row && ownsOffer(principal, row);
}

/**
 * The active offers of a municipality `principal` may request a room for (see
 * `mayBookForOffer`), by German name with their actor, at most `limit`: `value` is the offer's
 * id, `label` its name and its actor's. A partner editor sees only their own offers.
 */
export async function hostableOffers(db: DbOrTx, principal: Principal, municipalityId: string, limit = 500): Promise<{ value: string; label: string; organizationId: string }[]> {
	const candidates = await db
		.select({ ...ownershipColumns, name: service.name, organizationId: service.organizationId, actor: organization.name })
		.from(service)
		.innerJoin(organization, eq(organization.id, service.organizationId))
		.where(and(eq(service.municipalityId, municipalityId), eq(service.status, 'active')))
		.orderBy(organization.name, service.id);
	return candidates
		.filter((c) => ownsOffer(principal, c))
		.slice(0, limit)
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

/** The source an own event's offer is kept under (`service.source`; `sourceId` is the event's id). */
const OWN_EVENT_SOURCE = 'hosting-event';

/** An own event of an instance as the directory lists it (issue 15 §3). */
export interface OwnEventOffer {
	eventId: string;
	instanceId: string;
	municipalityId: string;
	/** German title and description (the language staff wrote them in). */
	title: string;
	description: string;
	/** BCP 47 tags. */
	languages: readonly string[];
	targetGroups: readonly string[];
	themeFields: readonly string[];
	free: boolean;
	/** An open group is low-threshold: no registration. */
	lowThreshold: boolean;
	/** The room's place, else the instance's own (`instancePlace`). */
	locationId: string | null;
	slots: readonly HostedSlot[];
	isDemo: boolean;
}

/** The offer an own event was published as, or null. */
async function ownEventService(db: DbOrTx, eventId: string): Promise<{ id: string; organizationId: string; municipalityId: string } | null> {
	const [row] = await db
		.select({ id: service.id, organizationId: service.organizationId, municipalityId: service.municipalityId })
		.from(service)
		.where(and(eq(service.source, OWN_EVENT_SOURCE), eq(service.sourceId, eventId)));
	return row ?? null;
}

/**
 * Publishes an own event as an offer of its instance: an HSDS service of the instance's actor
 * (public, active, kept under `OWN_EVENT_SOURCE` and the event's id; target groups and theme
 * fields outside the directory's vocabulary are left out), linked to its place
 * (service_at_location) with one schedule row per run of weekly sessions, rewritten in place on
 * a second call. Audited as the principal, the search entry refreshed. Call inside the
 * event's transaction. Nothing is published when the instance has no actor in the directory.
 * @returns the offer's id, or null when nothing was published.
 */
export async function publishOwnEvent(tx: DbOrTx, principal: Principal, input: OwnEventOffer): Promise<string | null> {
	const [actor] = await tx.select({ id: organization.id }).from(organization).where(eq(organization.instanceId, input.instanceId)).orderBy(organization.name, organization.id).limit(1);
	if (!actor) return null;
	const locationId = input.locationId ?? (await instancePlace(tx, input.instanceId));
	const columns = {
		organizationId: actor.id,
		instanceId: input.instanceId,
		name: originalText('de', input.title),
		description: originalText('de', input.description),
		status: 'active',
		visibility: 'public',
		languages: [...input.languages],
		targetGroups: input.targetGroups.filter((g) => TARGET_GROUPS.some((t) => t.key === g)),
		themeFields: input.themeFields.filter((f) => THEME_FIELDS.some((t) => t.key === f)),
		costKind: input.free ? 'free' : 'paid',
		lowThreshold: input.lowThreshold
	};
	const existing = await ownEventService(tx, input.eventId);
	let id: string;
	if (existing) {
		await tx.update(service).set({ ...columns, updatedAt: new Date() }).where(eq(service.id, existing.id));
		id = existing.id;
	} else {
		[{ id }] = await tx.insert(service).values({ ...columns, municipalityId: input.municipalityId, source: OWN_EVENT_SOURCE, sourceId: input.eventId, isDemo: input.isDemo }).returning({ id: service.id });
	}
	const previous = (await tx.select({ id: schedule.id }).from(schedule).where(eq(schedule.serviceId, id))).map((r) => r.id);
	let scheduleIds: string[] = [];
	if (locationId) scheduleIds = await rewriteSlots(tx, { serviceId: id, locationId, previousIds: previous, slots: input.slots });
	const changes: ChangeSet = { hostingEvent: [null, input.eventId], schedules: [previous.length, scheduleIds.length] };
	await recordAudit(tx, { ...auditActor(principal), municipalityId: input.municipalityId, action: existing ? 'update' : 'create', entityType: 'service', entityId: id, changes });
	await refreshSearchEntries(tx, { serviceIds: [id], organizationIds: [actor.id] });
	return id;
}

/**
 * Withdraws an own event's offer from the directory (a cancelled event): its schedules are
 * deleted and the offer becomes internal and inactive, so the HSDS API and the public pages no
 * longer list it (its history stays). Audited as the principal. Call inside the cancellation's
 * transaction.
 * @returns whether there was an offer to withdraw.
 */
export async function withdrawOwnEvent(tx: DbOrTx, principal: Principal, eventId: string): Promise<boolean> {
	const offer = await ownEventService(tx, eventId);
	if (!offer) return false;
	await tx.delete(schedule).where(eq(schedule.serviceId, offer.id));
	await tx.update(service).set({ status: 'inactive', visibility: 'internal', updatedAt: new Date() }).where(eq(service.id, offer.id));
	await recordAudit(tx, { ...auditActor(principal), municipalityId: offer.municipalityId, action: 'update', entityType: 'service', entityId: offer.id, changes: { status: ['active', 'inactive'], visibility: ['public', 'internal'], hostingEvent: [eventId, null] } });
	await refreshSearchEntries(tx, { serviceIds: [offer.id], organizationIds: [offer.organizationId] });
	return true;
}

/** The id of the offer an own event is published as (any visibility), or null. */
export async function ownEventOfferId(db: DbOrTx, eventId: string): Promise<string | null> {
	return (await ownEventService(db, eventId))?.id ?? null;
}

/** The target groups and theme fields offers are tagged with; own events use the same keys. */
export { TARGET_GROUPS, THEME_FIELDS } from './model';
