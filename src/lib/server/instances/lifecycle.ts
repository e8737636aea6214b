/**
 * An instance's life in the browser (issue 12 §5): the municipality's administrator opens a new
 * intermediary instance with its name (the rest of the profile is then edited on the staff
 * profile page), retires one that stopped working, and reactivates one retired by mistake.
 *
 * Retiring takes the instance off the public pages (the municipality's and districts' lists, the
 * comparison's choices; its own page says since when it no longer works) and keeps new accounts
 * from being assigned to it. Its records stay: its staff keep access, so open cases can be
 * closed, handed over and exported (Art. 15, 20 GDPR) until the deletion schedule erases them.
 * Both ask `instance:edit` with the municipality alone, which only administrators hold.
 */
import { eq } from 'drizzle-orm';
import { auditActor, authorize, type Principal } from '../access';
import { recordAudit } from '../audit/service';
import { ConflictError, NotFoundError } from '../core/errors';
import { slugify } from '../core/text';
import type { Db } from '../db/client';
import { instance } from './schema';
import { createInstance, findInstanceById, type InstanceDetail } from './service';

/** What an administrator gives to open an instance; the slug defaults to the name's. */
export interface InstanceOpening {
	municipalityId: string;
	name: string;
	slug: string;
	hostOrganization: string;
	city: string;
}

/**
 * Opens a new instance with an empty profile, audited as `create` of `instance`.
 * @throws AccessDeniedError without `instance:edit` on the municipality (administrators).
 * @throws NotFoundError for an unknown municipality.
 * @throws ValidationError `name` required | too_long; `slug` invalid_slug | taken;
 *   `hostOrganization`, `city` too_long.
 */
export function openInstance(db: Db, principal: Principal, input: InstanceOpening): Promise<InstanceDetail> {
	return createInstance(db, principal, {
		municipalityId: input.municipalityId,
		slug: input.slug.trim() || slugify(input.name),
		name: input.name,
		hostOrganization: input.hostOrganization,
		city: input.city,
		description: {},
		street: '',
		postalCode: '',
		latitude: null,
		longitude: null,
		phone: '',
		email: '',
		website: '',
		openingHours: [],
		languages: [],
		socialSpaceIds: [],
		profile: {}
	});
}

/**
 * Retires (`retired: true`) or reactivates an instance, audited as `retire` or `reactivate` of
 * `instance` with the old and new `retiredAt`.
 * @throws NotFoundError when no instance has this id.
 * @throws AccessDeniedError without `instance:edit` on its municipality alone (administrators;
 *   also for an instance of another municipality).
 * @throws ConflictError `adm_already_retired` | `adm_not_retired` when it is already so (a stale form).
 */
export async function setInstanceRetired(db: Db, principal: Principal, id: string, retired: boolean): Promise<void> {
	const current = await findInstanceById(db, id);
	authorize(principal, 'instance:edit', { municipalityId: current?.municipalityId });
	if (!current) throw new NotFoundError('instance');
	if (!!current.retiredAt === retired) throw new ConflictError(retired ? 'adm_already_retired' : 'adm_not_retired');
	const at = retired ? new Date() : null;
	await db.transaction(async (tx) => {
		await tx.update(instance).set({ retiredAt: at, updatedAt: new Date() }).where(eq(instance.id, id));
		await recordAudit(tx, {
			...auditActor(principal),
			municipalityId: current.municipalityId,
			action: retired ? 'retire' : 'reactivate',
			entityType: 'instance',
			entityId: id,
			changes: { retiredAt: [current.retiredAt?.toISOString() ?? null, at?.toISOString() ?? null] }
		});
	});
}
