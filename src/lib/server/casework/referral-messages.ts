/**
 * Translated refusals for the referral and accompaniment pages (issue 4 §3, §4): field issues
 * become form errors through `cr_error_<code>` messages (falling back to the shared
 * `error_<code>`), and locked cases get a sentence saying why.
 */
import { msg } from '$lib/messages';
import type { FieldIssue } from '../core/errors';
import type { CaseLockedError } from './access';

/** One form error: the field, the id of its input, the message in the request's language. */
export interface IssueError {
	field: string;
	id: string;
	message: string;
}

/** The first issue per field as form errors (`id` = the field name with dots as dashes). */
export function issueErrors(issues: FieldIssue[]): IssueError[] {
	const seen = new Set<string>();
	const out: IssueError[] = [];
	for (const issue of issues) {
		if (seen.has(issue.field)) continue;
		seen.add(issue.field);
		const params = issue.params ?? {};
		out.push({
			field: issue.field,
			id: issue.field.replace(/\./g, '-'),
			message: msg(`cr_error_${issue.code}`, params, msg(`error_${issue.code}`, params, msg('error_invalid')))
		});
	}
	return out;
}

/** Why a case takes no more writes, in the request's language. */
export function caseLockedMessage(error: CaseLockedError): string {
	return msg(`cr_case_locked_${error.reason}`);
}
