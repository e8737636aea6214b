/**
 * One account, as its municipality's administrator manages it (issue 12 §5): role and
 * instances, disabling and enabling, resetting the second factor, sending the invitation again.
 */
import { redirect } from '@sveltejs/kit';
import { resendInvitation } from '$lib/server/accounts/invitations';
import { accessValues, invitationMail, userPage } from '$lib/server/accounts/pages/users';
import { resetSecondFactor } from '$lib/server/accounts/totp';
import { getUser, setUserDisabled, updateUserAccess } from '$lib/server/accounts/users';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		const done = ['invited', 'saved', 'disabled', 'enabled', 'reset', 'resent'].find((k) => event.url.searchParams.has(k)) ?? null;
		return { ...(await userPage(await getDb(), p, event.params.id)), done };
	} catch (e) {
		httpError(e);
	}
};

/** Back to the account's page, saying what was done. */
function done(event: { params: { lang: string; id: string } }, what: string): never {
	redirect(303, `/${event.params.lang}/admin/users/${event.params.id}?${what}=1`);
}

export const actions: Actions = {
	access: async (event) => {
		const p = requirePrincipal(event);
		const values = accessValues(await event.request.formData());
		const db = await getDb();
		return handleForm(
			async () => {
				await updateUserAccess(db, p, event.params.id, values);
				done(event, 'saved');
			},
			() => userPage(db, p, event.params.id, values)
		);
	},
	disable: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		const db = await getDb();
		return handleForm(async () => {
			await setUserDisabled(db, p, event.params.id, true);
			done(event, 'disabled');
		});
	},
	enable: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		const db = await getDb();
		return handleForm(async () => {
			await setUserDisabled(db, p, event.params.id, false);
			done(event, 'enabled');
		});
	},
	reset: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		const db = await getDb();
		return handleForm(async () => {
			await resetSecondFactor(db, p, event.params.id);
			done(event, 'reset');
		});
	},
	resend: async (event) => {
		const p = requirePrincipal(event);
		await event.request.arrayBuffer();
		const db = await getDb();
		return handleForm(async () => {
			const user = await getUser(db, p, event.params.id);
			await resendInvitation(db, p, user.id, invitationMail(event.url.origin, user.preferredLocale ?? 'de', { displayName: user.displayName, role: user.role, inviter: p.displayName }));
			done(event, 'resent');
		});
	}
};
