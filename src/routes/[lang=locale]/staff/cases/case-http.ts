/**
 * Maps the case services' errors to HTTP for the case routes (issue 4 §6): NotFoundError → 404,
 * AccessDeniedError → 403, CaseLockedError → 409 (the message is the lock reason, translated by
 * the error page), PurposeRequiredError → back to the case page to choose a purpose. Validation
 * errors are translated field by field. Nothing of the case's content reaches an error.
 */
import { error, isHttpError, isRedirect, redirect } from '@sveltejs/kit';
import { msg } from '$lib/messages';
import { CaseLockedError } from '$lib/server/casework/access';
import { PurposeRequiredError } from '$lib/server/casework/read-audit';
import { AccessDeniedError, NotFoundError, type FieldIssue } from '$lib/server/core/errors';

/**
 * Re-throws `e` as the matching HTTP error; unknown errors pass through (→ 500 with an id).
 * @param purposeUrl where to send the person when the read purpose is missing.
 */
export function caseHttpError(e: unknown, purposeUrl?: string): never {
	if (isHttpError(e) || isRedirect(e)) throw e;
	if (e instanceof NotFoundError) error(404, 'Not found');
	if (e instanceof AccessDeniedError) error(403, 'Forbidden');
	if (e instanceof CaseLockedError) error(409, e.reason);
	if (e instanceof PurposeRequiredError && purposeUrl) redirect(303, purposeUrl);
	throw e;
}

/** Field → translated message (first issue per field): `cs_error_<code>`, else `error_<code>`. */
export function caseFieldErrors(issues: FieldIssue[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const issue of issues) {
		// A missing tick on a confirmation box is not "fill in this field".
		const code = issue.field === 'confirmed' && issue.code === 'required' ? 'confirm_required' : issue.code;
		out[issue.field] ??= msg(`cs_error_${code}`, issue.params ?? {}, msg(`error_${code}`, issue.params ?? {}, msg('error_invalid')));
	}
	return out;
}
