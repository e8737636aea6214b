/**
 * Form actions shared by the directory's staff pages: mark an entry verified and send the
 * provider a confirmation link (issue 3 §6). Both need `directory:edit` on the entry.
 */
import { error, fail } from '@sveltejs/kit';
import { formatDateTime } from '$lib/format';
import { m } from '$lib/paraglide/messages.js';
import type { UserPrincipal } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { markVerified } from '$lib/server/directory/service';
import type { EntryKind } from '$lib/server/directory/proposals';
import { entryScope, mayEditDirectly } from '$lib/server/directory/staff-view';
import { formErrors } from '$lib/server/directory/staff-form';
import { sendVerificationLink } from '$lib/server/directory/verification';
import { ValidationError } from '$lib/server/core/errors';
import { text } from '$lib/server/http/forms';

async function editableScope(p: UserPrincipal, kind: EntryKind, id: string) {
	const scope = await entryScope(await getDb(), p, kind, id);
	if (!scope) error(404, 'Not found');
	if (!mayEditDirectly(p, scope.municipalityId, scope.instanceId, scope.instanceId)) error(403, 'Forbidden');
	return scope;
}

/** "Mark verified": now, by the signed-in person's name. */
export async function verifyAction(p: UserPrincipal, kind: EntryKind, id: string) {
	await editableScope(p, kind, id);
	await markVerified(await getDb(), kind, id, p.displayName, { userId: p.userId });
	return { verified: true };
}

/** Emails a confirmation link to the posted `email` or the entry's address. */
export async function sendLinkAction(p: UserPrincipal, kind: EntryKind, id: string, form: FormData, origin: string, lang: string) {
	await editableScope(p, kind, id);
	try {
		const sent = await sendVerificationLink(await getDb(), kind, id, {
			email: text(form, 'email'),
			createdBy: p.userId,
			linkFor: (token) => `${origin}/${lang}/verify/${token}`,
			texts: {
				subject: m.ds_link_mail_subject(),
				body: (link, name, expires) => m.ds_link_mail_body({ link, name, expires: formatDateTime(expires, lang) })
			}
		});
		return { linkSent: { entryId: id, email: sent.email, expires: formatDateTime(sent.expiresAt, lang) } };
	} catch (e) {
		if (e instanceof ValidationError) return fail(400, { linkErrors: formErrors(e.issues.map((i) => ({ ...i, field: `link.${i.field}` }))), linkEntryId: id });
		throw e;
	}
}
