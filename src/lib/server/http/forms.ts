/**
 * Form helpers for routes: field errors in the request's language, and redirects that keep
 * people inside their language.
 */
import { msg } from '$lib/messages';
import type { FieldIssue } from '../core/errors';

/** Field → translated message (first issue per field), from `error_<code>` messages. */
export function fieldErrors(issues: FieldIssue[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const issue of issues) {
		const field = issue.field.split('.')[0];
		out[field] ??= msg(`error_${issue.code}`, issue.params ?? {}, msg('error_invalid'));
	}
	return out;
}

/** Trimmed text value of a form field ('' when absent or a file). */
export function text(form: FormData, name: string): string {
	const v = form.get(name);
	return typeof v === 'string' ? v.trim() : '';
}

/** Client IP as seen by the adapter (behind a proxy set `ADDRESS_HEADER`). */
export function clientIp(getClientAddress: () => string): string {
	try {
		return getClientAddress();
	} catch {
		return 'unknown';
	}
}
