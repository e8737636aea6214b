/**
 * Aktualität: which directory entries have not been confirmed for a configurable time, grouped
 * per instance and per district, so the people who know them can ask the providers
 * (issue 3 §6, "A freshness view lists entries not verified for a configurable time, per
 * instance and district"). The time is `directory_setting.freshness_days` (default 365), set by
 * the municipality's administrators (`directory:configure`); the list is for reviewers.
 */
import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import type { Db, DbOrTx } from '../db/client';
import { ValidationError } from '../core/errors';
import { listSocialSpaces } from '../geography/service';
import { directorySetting, location, organization, organizationSocialSpace, service, serviceAtLocation, type TranslatedText } from './schema';
import type { EntryKind } from './service';

/** Days after which an entry counts as stale when the municipality has not set its own. */
const DEFAULT_FRESHNESS_DAYS = 365;
/** The longest period that can be set: ten years. */
const MAX_FRESHNESS_DAYS = 3650;

/** The municipality's freshness period in days. */
export async function getFreshnessDays(db: DbOrTx, municipalityId: string): Promise<number> {
	const [row] = await db.select().from(directorySetting).where(eq(directorySetting.municipalityId, municipalityId));
	return row?.freshnessDays ?? DEFAULT_FRESHNESS_DAYS;
}

/**
 * Sets the municipality's freshness period, audited as the principal.
 * @throws AccessDeniedError without `directory:configure` on the municipality.
 * @throws ValidationError `freshnessDays: out_of_range` (an integer 1–3650 is required).
 */
export async function setFreshnessDays(db: Db, principal: Principal, municipalityId: string, days: number): Promise<void> {
	authorize(principal, 'directory:configure', { municipalityId });
	if (!Number.isInteger(days) || days < 1 || days > MAX_FRESHNESS_DAYS) {
		throw new ValidationError([{ field: 'freshnessDays', code: 'out_of_range', params: { min: 1, max: MAX_FRESHNESS_DAYS } }]);
	}
	await db.transaction(async (tx) => {
		const before = await getFreshnessDays(tx, municipalityId);
		await tx
			.insert(directorySetting)
			.values({ municipalityId, freshnessDays: days })
			.onConflictDoUpdate({ target: directorySetting.municipalityId, set: { freshnessDays: days } });
		if (before !== days) {
			await recordAudit(tx, { ...auditActor(principal), municipalityId, action: 'update', entityType: 'directory_setting', entityId: municipalityId, changes: { freshnessDays: [before, days] } });
		}
	});
}

/** An entry not verified within the period, with where it belongs. */
export interface StaleEntry {
	kind: EntryKind;
	id: string;
	/** Actor name, or the offer's name in its original language with the actor's name. */
	name: string | TranslatedText;
	organizationName: string;
	instanceId: string | null;
	/** Districts of its places (offers) or of its places and social spaces (actors). */
	districtIds: string[];
	lastVerifiedAt: Date | null;
	lastVerifiedBy: string | null;
	/** Whether an address to send a confirmation link to is known. */
	hasEmail: boolean;
}

/**
 * Offers and actors of the municipality whose last verification is older than `days` before
 * `now` (or that were never verified), oldest first, never-verified first.
 * @throws AccessDeniedError without `directory:review` on the municipality.
 */
export async function listStaleEntries(db: DbOrTx, principal: Principal, municipalityId: string, days: number, now: Date = new Date()): Promise<StaleEntry[]> {
	authorize(principal, 'directory:review', { municipalityId });
	const cutoff = new Date(now.getTime() - days * 86_400_000);
	const services = await db
		.select({ s: service, orgName: organization.name, orgEmail: organization.email })
		.from(service)
		.innerJoin(organization, eq(organization.id, service.organizationId))
		.where(and(eq(service.municipalityId, municipalityId), or(isNull(service.lastVerifiedAt), lt(service.lastVerifiedAt, cutoff))));
	const orgs = await db
		.select()
		.from(organization)
		.where(and(eq(organization.municipalityId, municipalityId), or(isNull(organization.lastVerifiedAt), lt(organization.lastVerifiedAt, cutoff))));
	const spaces = await listSocialSpaces(db, { municipalityId });
	const districtOf = new Map(spaces.map((s) => [s.id, s.districtId]));
	const serviceIds = services.map((r) => r.s.id);
	const orgIds = orgs.map((o) => o.id);
	const serviceSpaces = serviceIds.length
		? await db
				.select({ id: serviceAtLocation.serviceId, space: location.socialSpaceId })
				.from(serviceAtLocation)
				.innerJoin(location, eq(location.id, serviceAtLocation.locationId))
				.where(inArray(serviceAtLocation.serviceId, serviceIds))
		: [];
	const orgSpaces = orgIds.length
		? [
				...(await db
					.select({ id: organizationSocialSpace.organizationId, space: organizationSocialSpace.socialSpaceId })
					.from(organizationSocialSpace)
					.where(inArray(organizationSocialSpace.organizationId, orgIds))),
				...(await db.select({ id: location.organizationId, space: location.socialSpaceId }).from(location).where(inArray(location.organizationId, orgIds)))
			]
		: [];
	const districts = (rows: { id: string | null; space: string | null }[], id: string) => [
		...new Set(rows.filter((r) => r.id === id && r.space && districtOf.has(r.space)).map((r) => districtOf.get(r.space!)!))
	];
	const entries: StaleEntry[] = [
		...services.map(({ s, orgName, orgEmail }) => ({
			kind: 'service' as const,
			id: s.id,
			name: s.name,
			organizationName: orgName,
			instanceId: s.instanceId,
			districtIds: districts(serviceSpaces, s.id),
			lastVerifiedAt: s.lastVerifiedAt,
			lastVerifiedBy: s.lastVerifiedBy,
			hasEmail: !!(s.email || orgEmail)
		})),
		...orgs.map((o) => ({
			kind: 'organization' as const,
			id: o.id,
			name: o.name,
			organizationName: o.name,
			instanceId: o.instanceId,
			districtIds: districts(orgSpaces, o.id),
			lastVerifiedAt: o.lastVerifiedAt,
			lastVerifiedBy: o.lastVerifiedBy,
			hasEmail: !!o.email
		}))
	];
	return entries.sort(
		(a, b) => (a.lastVerifiedAt?.getTime() ?? -Infinity) - (b.lastVerifiedAt?.getTime() ?? -Infinity) || a.organizationName.localeCompare(b.organizationName, 'de')
	);
}
