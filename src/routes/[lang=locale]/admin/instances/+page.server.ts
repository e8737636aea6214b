/** The municipality's instances (issue 12 §5): open a new one, retire or reactivate one. */
import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError, invalid } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';
import { openInstance, setInstanceRetired } from '$lib/server/instances/lifecycle';
import { instancesAdminPage, openingValues } from '$lib/server/instances/pages/admin';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const done = ['retired', 'reactivated'].find((k) => event.url.searchParams.has(k)) ?? null;
		return { ...(await instancesAdminPage(await getDb(), p)), done };
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	open: async (event) => {
		const p = requirePrincipal(event);
		const values = openingValues(await event.request.formData());
		const db = await getDb();
		return handleForm(
			async () => {
				const created = await openInstance(db, p, { ...values, municipalityId: p.municipalityId });
				// The rest of the profile (address, hours, Part I) is edited on the staff profile page.
				redirect(303, `/${event.params.lang}/staff/instances/${created.id}`);
			},
			() => instancesAdminPage(db, p, values)
		);
	},
	retire: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		const id = text(form, 'id');
		if (text(form, 'confirm') !== 'yes') return invalid([{ field: `confirm-${id}`, code: 'adm_confirm_retire' }]);
		const db = await getDb();
		return handleForm(async () => {
			await setInstanceRetired(db, p, id, true);
			redirect(303, `/${event.params.lang}/admin/instances?retired=1`);
		});
	},
	reactivate: async (event) => {
		const p = requirePrincipal(event);
		const id = text(await event.request.formData(), 'id');
		const db = await getDb();
		return handleForm(async () => {
			await setInstanceRetired(db, p, id, false);
			redirect(303, `/${event.params.lang}/admin/instances?reactivated=1`);
		});
	}
};
