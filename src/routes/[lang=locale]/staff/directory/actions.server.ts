/**
 * Form actions shared by the directory's staff pages: save an actor or offer (directly, or as a
 * proposal), mark an entry verified and send the provider a confirmation link (issue 3 §6). The
 * services check `directory:edit` on the entry; link errors are drawn beside the link form
 * (`linkErrors`, fields `link.<field>`).
 */
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { UserPrincipal } from '$lib/server/access';
import { ValidationError } from '$lib/server/core/errors';
import { getDb } from '$lib/server/db';
import { draftForm, entryDraft, saveDraft, sendEntryLink, verifyEntry } from '$lib/server/directory/pages/staff';
import type { EntryKind } from '$lib/server/directory/service';
import { formErrors, handleForm, httpError } from '$lib/server/http/errors';
import { text } from '$lib/server/http/forms';
import { requirePrincipal } from '$lib/server/http/principal';

/**
 * Saves the posted actor or offer form of `/staff/directory/{actors|offers}/{id}` and redirects
 * to it (`?saved=1`), or to the proposals when it became a proposal; invalid input redraws the
 * form with the values as entered.
 */
async function saveAction<K extends EntryKind>(event: Pick<RequestEvent, 'locals' | 'request'> & { params: { lang: string; id: string } }, kind: K) {
	const p = requirePrincipal(event);
	const form = await event.request.formData();
	const db = await getDb();
	const draft = await entryDraft(db, p, kind, event.params.id, form).catch(httpError);
	const base = `/${event.params.lang}/staff/directory`;
	return handleForm(
		async () => {
			const saved = await saveDraft(db, p, draft);
			redirect(303, 'proposed' in saved ? `${base}/proposals?proposed=1` : `${base}/${kind === 'service' ? 'offers' : 'actors'}/${saved.id}?saved=1`);
		},
		() => draftForm<K>(db, p, event.locals.locale, draft)
	);
}

/** "Mark verified": now, by the signed-in person's name. */
async function verifyAction(p: UserPrincipal, kind: EntryKind, id: string) {
	try {
		await verifyEntry(await getDb(), p, kind, id);
	} catch (e) {
		httpError(e);
	}
	return { verified: true };
}

/**
 * Emails a confirmation link to the posted `email` or the entry's address.
 * @param fieldId the element id of the address field the error summary links to.
 */
export async function sendLinkAction(p: UserPrincipal, kind: EntryKind, id: string, form: FormData, origin: string, lang: string, fieldId = 'link-email') {
	try {
		return { linkSent: await sendEntryLink(await getDb(), p, kind, id, text(form, 'email'), origin, lang) };
	} catch (e) {
		if (!(e instanceof ValidationError)) httpError(e);
		const linkErrors = formErrors(e.issues.map((i) => ({ ...i, field: `link.${i.field}` }))).map((x) => ({ ...x, id: fieldId }));
		return fail(400, { linkErrors, linkEntryId: id });
	}
}

/** The entry page's request, as the shared actions read it. */
type EntryEvent = Pick<RequestEvent, 'locals' | 'request' | 'url'> & { params: { lang: string; id: string } };

/** The form actions of an actor or offer page: save, mark verified, send a confirmation link. */
export function entryActions<K extends EntryKind>(kind: K) {
	return {
		save: (event: EntryEvent) => saveAction(event, kind),
		verify: async (event: EntryEvent) => {
			const p = requirePrincipal(event);
			await event.request.arrayBuffer();
			return verifyAction(p, kind, event.params.id);
		},
		sendLink: async (event: EntryEvent) => {
			const p = requirePrincipal(event);
			return sendLinkAction(p, kind, event.params.id, await event.request.formData(), event.url.origin, event.params.lang);
		}
	};
}
