/**
 * Casework's refusals in the words of its pages (issue 4): field issues of the services get the
 * casework message of their code where there is one (`cs_error_…` for cases, `cc_error_…` for
 * contacts, `cr_error_…` for referrals and accompaniments, `rt_error_…` for the settings) and
 * the field of the form that caused them, then go the one error path (`handleForm`, `invalid`).
 */
import { msg } from '$lib/messages';
import { ValidationError, type FieldIssue } from '../../core/errors';
import { CaseLockedError } from '../access';

/** Whether a message with this key exists. */
export function hasMessage(key: string): boolean {
	return msg(key, {}, '\u0000') !== '\u0000';
}

/**
 * The issues with codes turned into message keys `<prefix><code>` where such a message exists
 * (the shared `error_<code>` applies otherwise) and fields renamed by `fields`.
 * @param fields service field → form field (the element id the error summary links to).
 */
export function withMessages(issues: FieldIssue[], prefix: string, fields: Record<string, string> = {}): FieldIssue[] {
	return issues.map((issue) => ({
		...issue,
		field: fields[issue.field] ?? issue.field,
		code: hasMessage(`${prefix}${issue.code}`) ? `${prefix}${issue.code}` : issue.code
	}));
}

/**
 * Runs a service call, rethrowing its ValidationError with `withMessages` applied. With
 * `lockedInPlace`, a locked case becomes an issue of the field `case` too (message
 * `cr_case_locked_<reason>`), for forms that say it in place rather than on the error page.
 * @throws what `work` throws.
 */
export async function inWords<T>(work: () => Promise<T>, prefix: string, fields: Record<string, string> = {}, lockedInPlace = false): Promise<T> {
	try {
		return await work();
	} catch (e) {
		if (e instanceof ValidationError) throw new ValidationError(withMessages(e.issues, prefix, fields));
		if (lockedInPlace && e instanceof CaseLockedError) throw new ValidationError([{ field: 'case', code: `cr_case_locked_${e.reason}` }]);
		throw e;
	}
}
