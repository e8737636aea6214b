import { error, fail, redirect } from '@sveltejs/kit';
import { locales } from '$lib/i18n';
import { authorize } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { AccessDeniedError, ValidationError } from '$lib/server/core/errors';
import { fieldErrors } from '$lib/server/http/forms';
import { listDistricts, listSocialSpaces } from '$lib/server/geography/service';
import { instanceInputFromForm } from '$lib/server/instances/form';
import { findInstanceById, toInput, updateInstance, type InstanceInput } from '$lib/server/instances/service';
import { profileView } from '$lib/server/instances/view';
import { normaliseProfile } from '$lib/server/instances/model';
import type { UserPrincipal } from '$lib/server/access';
import type { Actions, PageServerLoad } from './$types';

/** Languages offered as checkboxes; others can be typed as BCP 47 tags. */
const COMMON_LANGUAGES = ['de', 'en', 'ar', 'fa', 'prs', 'uk', 'tr', 'ru', 'fr', 'ku', 'ti', 'so', 'ro', 'bg', 'pl', 'sq'];

/** The instance if the principal may edit it; otherwise 403, whether or not it exists. */
async function editable(principal: UserPrincipal | null, id: string) {
	const inst = await findInstanceById(await getDb(), id);
	try {
		authorize(principal, 'instance:edit', { municipalityId: inst?.municipalityId, instanceId: inst?.id });
	} catch (e) {
		if (e instanceof AccessDeniedError) error(403, 'Forbidden');
		throw e;
	}
	return inst!;
}

async function formData(inst: Awaited<ReturnType<typeof editable>>, input: InstanceInput) {
	const db = await getDb();
	const [districts, spaces] = await Promise.all([
		listDistricts(db, inst.municipalityId),
		listSocialSpaces(db, { municipalityId: inst.municipalityId })
	]);
	return {
		instance: { id: inst.id, name: inst.name, slug: inst.slug },
		input,
		profile: profileView(normaliseProfile(input.profile).profile),
		districts: districts.map((d) => ({
			name: d.name,
			spaces: spaces.filter((s) => s.districtId === d.id).map((s) => ({ id: s.id, name: s.name }))
		})),
		commonLanguages: COMMON_LANGUAGES,
		descriptionLocales: locales
	};
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const inst = await editable(locals.principal, params.id);
	return { ...(await formData(inst, toInput(inst))), saved: url.searchParams.has('saved') };
};

export const actions: Actions = {
	default: async ({ locals, params, request }) => {
		const inst = await editable(locals.principal, params.id);
		const input = instanceInputFromForm(await request.formData(), locales);
		try {
			await updateInstance(await getDb(), inst.id, input, { userId: locals.principal!.userId });
		} catch (e) {
			if (e instanceof ValidationError) {
				return fail(400, { errors: fieldErrors(e.issues), ...(await formData(inst, input)) });
			}
			throw e;
		}
		redirect(303, `/${params.lang}/staff/instances/${inst.id}?saved=1`);
	}
};
