import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { handleForm, httpError } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { formValues } from '$lib/server/networks/pages/forms';
import { postFromForm, postsPage, subscriptionFromForm } from '$lib/server/networks/pages/posts';
import type { Actions, PageServerLoad } from './$types';

/** Information flows (issue 14 §5): the posts that reach the person, writing one, and the newsletter digest. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await postsPage(await getDb(), p, event.locals.locale);
	} catch (e) {
		httpError(e);
	}
};

export const actions: Actions = {
	/** Writes a post down, up or sideways to its audience. */
	post: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await postFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/staff/networks/posts?posted=1`);
			},
			() => ({ values: formValues(form), formName: 'post' })
		);
	},
	/** Sets the digest's interval and language, or ends it. */
	digest: async (event) => {
		const p = requirePrincipal(event);
		const form = await event.request.formData();
		return handleForm(
			async () => {
				await subscriptionFromForm(await getDb(), p, form);
				redirect(303, `/${event.params.lang}/staff/networks/posts?digest=1#nw-digest`);
			},
			() => ({ values: formValues(form), formName: 'digest' })
		);
	}
};
