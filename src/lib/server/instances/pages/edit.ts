/**
 * The staff edit page of an instance (`/{lang}/staff/instances/{id}`): its data, the social
 * spaces of its municipality grouped by district, and every Part I dimension to choose from.
 */
import { authorize, type Principal } from '../../access';
import { NotFoundError } from '../../core/errors';
import { isUuid } from '../../core/validation';
import type { DbOrTx } from '../../db/client';
import { listDistricts, listSocialSpaces } from '../../geography/service';
import { normaliseProfile } from '../model';
import { findInstanceById, type InstanceInput } from '../service';
import { toInput } from './form';
import { profileView } from './view';
import { COMMON_LANGUAGES } from '$lib/i18n';

/**
 * What the edit form draws: the instance's data, or `input` as entered when a save was refused.
 * @param descriptionLocales the UI languages a description can be written in.
 * @throws NotFoundError when `id` is not a UUID (no instance can have it).
 * @throws AccessDeniedError without `instance:edit` on the instance, also when no instance has
 *   this id: the refusal says nothing about which instances exist.
 */
export async function instanceEditPage(db: DbOrTx, principal: Principal, id: string, descriptionLocales: readonly string[], input?: InstanceInput) {
	if (!isUuid(id)) throw new NotFoundError('instance');
	const inst = await findInstanceById(db, id);
	authorize(principal, 'instance:edit', { municipalityId: inst?.municipalityId, instanceId: inst?.id });
	if (!inst) throw new NotFoundError('instance');
	const values = input ?? toInput(inst);
	const [districts, spaces] = await Promise.all([
		listDistricts(db, inst.municipalityId),
		listSocialSpaces(db, { municipalityId: inst.municipalityId })
	]);
	return {
		instance: { id: inst.id, name: inst.name, slug: inst.slug },
		input: values,
		profile: profileView(normaliseProfile(values.profile).profile),
		districts: districts.map((d) => ({
			name: d.name,
			spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ id: s.id, name: s.name }))
		})),
		commonLanguages: COMMON_LANGUAGES,
		descriptionLocales
	};
}
