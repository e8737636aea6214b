/**
 * Maps the needs-report services' errors to HTTP for the needs routes (issue 5 §1):
 * NotFoundError → 404, AccessDeniedError → 403; validation issues are translated field by field
 * (`nr_error_<code>`, else the shared `error_<code>`).
 */
import { error, isHttpError, isRedirect } from '@sveltejs/kit';
import { msg } from '$lib/messages';
import { AccessDeniedError, NotFoundError, type FieldIssue } from '$lib/server/core/errors';

/** Re-throws `e` as the matching HTTP error; unknown errors pass through (→ 500 with an id). */
export function needsHttpError(e: unknown): never {
	if (isHttpError(e) || isRedirect(e)) throw e;
	if (e instanceof NotFoundError) error(404, 'Not found');
	if (e instanceof AccessDeniedError) error(403, 'Forbidden');
	throw e;
}

/** Field → translated message (first issue per field). Codes already prefixed `nr_` map to `nr_error_…`. */
export function needsFieldErrors(issues: FieldIssue[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const issue of issues) {
		const code = issue.code.replace(/^nr_/, '');
		const params = issue.params ?? {};
		out[issue.field] ??= msg(`nr_error_${code}`, params, msg(`error_${code}`, params, msg('error_invalid')));
	}
	return out;
}
