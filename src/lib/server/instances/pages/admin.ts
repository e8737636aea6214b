/**
 * The administrator's instances page (issue 12 §5): the municipality's instances, working and
 * retired, the form to open a new one, and retiring or reactivating one.
 */
import { authorize, type UserPrincipal } from '../../access';
import type { DbOrTx } from '../../db/client';
import type { InstanceOpening } from '../lifecycle';
import { listInstances } from '../service';

/** The values of the opening form as entered. */
export type OpeningValues = Omit<InstanceOpening, 'municipalityId'>;

/** The opening form's values from the posted form. */
export function openingValues(form: FormData): OpeningValues {
	const text = (k: string) => String(form.get(k) ?? '');
	return { name: text('name'), slug: text('slug'), hostOrganization: text('hostOrganization'), city: text('city') };
}

/**
 * The page's data: every instance of the municipality by name, with since when it is retired.
 * @param values the opening form as entered (redrawn after a refusal).
 * @throws AccessDeniedError without `instance:edit` on the municipality alone (administrators).
 */
export async function instancesAdminPage(db: DbOrTx, principal: UserPrincipal, values?: OpeningValues) {
	authorize(principal, 'instance:edit', { municipalityId: principal.municipalityId });
	const instances = await listInstances(db, principal.municipalityId);
	return {
		instances: instances.map((i) => ({ id: i.id, name: i.name, slug: i.slug, isDemo: i.isDemo, retiredAt: i.retiredAt?.toISOString() ?? null })),
		municipalitySlug: principal.municipalitySlug,
		values: values ?? { name: '', slug: '', hostOrganization: '', city: '' }
	};
}
