/**
 * Reading the steering forms, and their field issues as the forms show them: each service field
 * renamed to the id of the form element it belongs to (the error summary links there), and each
 * module code turned into its message key (`nr_…` → `nr_error_…`, coverage codes → `cv_error_…`),
 * which the shared `formErrors` (http/errors.ts) then translates.
 */
import { formList, formText } from '../../core/form';
import { msg } from '$lib/messages';
import { ValidationError, type FieldIssue } from '../../core/errors';

/** Trimmed text value of a form field ('' when absent or a file). */
export { formText };

/** The non-empty text values of a repeated form field (checkboxes, multiple selects). */
export { formList };

/** How one form shows the issues of its service. */
export interface IssueView {
	/** Service field → form element id; unlisted fields keep their name. */
	fields?: Record<string, string>;
	/** Issue code → message key, when the module has a message of its own for it. */
	code?: (code: string) => string;
}

/** A needs-report code as its message key: `nr_error_<code without nr_>` where that message exists. */
export function needsCode(code: string): string {
	const key = `nr_error_${code.replace(/^nr_/, '')}`;
	return msg(key, {}, '') ? key : code;
}

/** A coverage-rule code as its message key `cv_error_<code>` (every coverage code has one). */
export function coverageCode(code: string): string {
	return `cv_error_${code}`;
}

/** The issues renamed and recoded for the form. */
export function viewIssues(issues: FieldIssue[], view: IssueView): FieldIssue[] {
	return issues.map((i) => ({ ...i, field: view.fields?.[i.field] ?? i.field, code: view.code ? view.code(i.code) : i.code }));
}

/**
 * Runs a service call for a form: a `ValidationError` comes out with its issues as the form shows
 * them (`viewIssues`), ready for `handleForm`; everything else passes unchanged.
 */
export async function forForm<T>(work: () => Promise<T>, view: IssueView): Promise<T> {
	try {
		return await work();
	} catch (e) {
		if (e instanceof ValidationError) throw new ValidationError(viewIssues(e.issues, view));
		throw e;
	}
}
