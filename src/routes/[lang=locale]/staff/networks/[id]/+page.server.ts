import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { formValues } from '$lib/server/networks/pages/forms';
import { createMeetingFromForm } from '$lib/server/networks/pages/meeting';
import { addMemberFromForm, endMemberFromForm, networkPage } from '$lib/server/networks/pages/staff';
import type { Actions, PageServerLoad } from './$types';

/** One network (issue 14 §1, §3, §4): its members, meetings and what it passed upward with the answers. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await networkPage(await getDb(), p, event.params.id, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	/** Adds an actor, an account or a consenting external person as a member. */
	member: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await addMemberFromForm(await getDb(), p, event.params.id, form);
				redirect(303, `/${event.params.lang}/staff/networks/${event.params.id}?member=1#nw-members`);
			},
			() => ({ values: formValues(form), formName: 'member' })
		);
	},
	/** Ends a membership on the given day. */
	end: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await endMemberFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/staff/networks/${event.params.id}#nw-members`);
			},
			() => ({ values: formValues(form), formName: 'end' })
		);
	},
	/** Plans a meeting (single, in an existing series or a new one) and opens its page. */
	meeting: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				const made = await createMeetingFromForm(await getDb(), p, event.params.id, form);
				redirect(303, `/${event.params.lang}/staff/networks/meetings/${made.id}?created=1`);
			},
			() => ({ values: formValues(form), formName: 'meeting' })
		);
	}
};
