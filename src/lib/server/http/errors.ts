/**
 * The one error path of routes (issue 11 §5): domain errors become HTTP answers (`httpError`)
 * and field issues become the `FormError` list every form shows (`formErrors`, `invalid`).
 * Messages come from `error_<code>` in the request's language; module-specific codes with a
 * prefix of their own (`pg_…`, `sa_…`) are message keys themselves.
 */
import { error, fail, isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import { fieldId, type FormError } from '$lib/forms';
import { withLocalDates } from '$lib/format';
import { msg } from '$lib/messages';
import { getLocale } from '$lib/paraglide/runtime.js';
import { AccessDeniedError, ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../core/errors';

/**
 * The message of one issue in the request's language: `error_<code>` with the issue's params
 * (dates in them written as the language does, `withLocalDates`);
 * an issue that names no value takes `error_<code>_unnamed` where the plain message would quote
 * the value (`unknown_option`: choose one of the options offered; `invalid_language`).
 */
export function issueMessage(issue: FieldIssue): string {
	const params = withLocalDates(issue.params ?? {}, getLocale());
	// Many checks refuse a value without naming it; their message must not quote „undefined“.
	if (params.value === undefined || params.value === '') {
		const unnamed = msg(`error_${issue.code}_unnamed`, params, '');
		if (unnamed) return unnamed;
	}
	const fallback = msg('error_invalid');
	return msg(`error_${issue.code}`, params, msg(issue.code, params, fallback));
}

/** Issues → the page's errors: the first issue per field, with the element id to link to. */
export function formErrors(issues: FieldIssue[]): FormError[] {
	const out: FormError[] = [];
	for (const issue of issues) {
		if (out.some((e) => e.field === issue.field)) continue;
		out.push({ field: issue.field, id: fieldId(issue.field), message: issueMessage(issue) });
	}
	return out;
}

/** A form answer for invalid input: 400 with `errors` and whatever else the page redraws with. */
export function invalid<T extends Record<string, unknown>>(issues: FieldIssue[], data?: T): ActionFailure<T & { errors: FormError[] }> {
	return fail(400, { ...(data ?? ({} as T)), errors: formErrors(issues) });
}

/**
 * Rethrows an error as the HTTP answer it stands for: 403 access denied, 404 not found, 409
 * conflict, 400 invalid input (the first message); SvelteKit's own errors and redirects pass
 * through; anything else is rethrown unchanged (500, logged without its message).
 */
export function httpError(e: unknown): never {
	if (isHttpError(e) || isRedirect(e)) throw e;
	if (e instanceof AccessDeniedError) error(403, 'Forbidden');
	if (e instanceof NotFoundError) error(404, 'Not Found');
	if (e instanceof ConflictError) error(409, issueMessage({ field: '', code: e.code }));
	if (e instanceof ValidationError) error(400, e.issues.length ? issueMessage(e.issues[0]) : 'Bad Request');
	throw e;
}

/**
 * Runs a form action's work, answering invalid input with `invalid(issues, await redraw())` and
 * other domain errors through `httpError`.
 * @param redraw what the page needs to draw the form again (the entered values, choices).
 */
export async function handleForm<R, D extends Record<string, unknown> = Record<string, never>>(
	work: () => Promise<R>,
	redraw?: () => D | Promise<D>
): Promise<R | ActionFailure<D & { errors: FormError[] }>> {
	try {
		return await work();
	} catch (e) {
		if (!(e instanceof ValidationError)) httpError(e);
		// Redrawing reads again (e.g. the instance named by the form) and may be refused itself.
		const drawn = redraw ? await Promise.resolve().then(redraw).catch((r: unknown) => httpError(r)) : undefined;
		return invalid(e.issues, drawn) as ActionFailure<D & { errors: FormError[] }>;
	}
}
