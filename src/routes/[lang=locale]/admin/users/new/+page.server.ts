/** Inviting a person (issue 12 §5): the account is made, the link mailed in their language. */
import { redirect } from '@sveltejs/kit';
import { inviteUser } from '$lib/server/accounts/invitations';
import { invitationMail, invitePage, inviteValues } from '$lib/server/accounts/pages/users';
import type { Role } from '$lib/server/accounts/model';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await invitePage(await getDb(), p, event.params.lang);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	default: async (event) => {
		const p = requirePrincipal(event);
		const values = inviteValues(await event.request.formData());
		const db = await getDb();
		return handleForm(
			async () => {
				const mail = invitationMail(event.url.origin, values.locale, { displayName: values.displayName, role: values.role, inviter: p.displayName });
				const { id } = await inviteUser(db, p, { ...values, role: values.role as Role, municipalityId: p.municipalityId }, mail);
				redirect(303, `/${event.params.lang}/admin/users/${id}?invited=1`);
			},
			() => invitePage(db, p, event.params.lang, values)
		);
	}
};
