import { redirect } from '@sveltejs/kit';
import { CASE_FORMS, casePage, runCaseForm } from '$lib/server/casework/pages/case';
import { getDb } from '$lib/server/db';
import { handleForm } from '$lib/server/http/errors';
import { requirePrincipal } from '$lib/server/http/principal';
import { caseError, choosePurposeFirst } from '../case-http';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** One case (issue 4 §2–§6): the read purpose first, then everything, as an audited read. */
export const load: PageServerLoad = async (event) => {
	const p = requirePrincipal(event);
	try {
		return await casePage(await getDb(), p, event.params.id, event.locals.sessionToken, event.url.searchParams.get('q') ?? '', event.locals.locale);
	} catch (e) {
		caseError(e, event.url.pathname);
	}
};

/**
 * Runs the form `name` of the page: `{ form, saved, result }`, or 400 with the errors of that
 * form; `then` is where to go afterwards, if anywhere.
 */
async function submit(event: RequestEvent, name: keyof typeof CASE_FORMS, then?: string) {
	const p = requirePrincipal(event);
	const form = await event.request.formData();
	const caseUrl = `/${event.params.lang}/staff/cases/${event.params.id}`;
	const formName = CASE_FORMS[name].form;
	const context = { db: await getDb(), principal: p, caseId: event.params.id, sessionToken: event.locals.sessionToken, lang: event.params.lang, origin: event.url.origin };
	return handleForm(
		async () => {
			let result;
			try {
				result = await runCaseForm(name, context, form);
			} catch (e) {
				choosePurposeFirst(e, caseUrl);
				throw e;
			}
			if (then) redirect(303, then);
			return { form: formName, saved: true, result };
		},
		() => ({ form: formName })
	);
}

export const actions: Actions = {
	purpose: (event) => submit(event, 'purpose', `/${event.params.lang}/staff/cases/${event.params.id}`),
	step: (event) => submit(event, 'step'),
	done: (event) => submit(event, 'done'),
	note: (event) => submit(event, 'note'),
	refer: (event) => submit(event, 'refer'),
	share: (event) => submit(event, 'share'),
	unshare: (event) => submit(event, 'unshare'),
	close: (event) => submit(event, 'close'),
	reopen: (event) => submit(event, 'reopen'),
	withdraw: (event) => submit(event, 'withdraw'),
	erase: (event) => submit(event, 'erase', `/${event.params.lang}/staff/cases?erased=1`)
};
