/**
 * Reading the networks forms, and their field issues as the forms show them: each service field
 * becomes the id of its form element (`nw-<field>`, which the error summary links to), and the
 * codes of steering's needs reports (raised by an escalation) their steering message keys. The
 * shared `formErrors` (http/errors.ts) then translates them: `error_<code>` or the `nw_…` key.
 */
import { msg } from '$lib/messages';
import { ValidationError } from '../../core/errors';

import { formList, formText } from '../../core/form';

export { formList, formText };

/** The form element id of a service field; `prefix` tells apart forms sharing a page. */
export function elementId(field: string, prefix = 'nw'): string {
	return `${prefix}-${field}`;
}

/** A steering needs-report code as its message key (`nr_error_…`) where one exists. */
function code(c: string): string {
	if (!c.startsWith('nr_')) return c;
	const key = `nr_error_${c.slice(3)}`;
	return msg(key, {}, '') ? key : c;
}

/**
 * Runs a service call for a form: a `ValidationError` comes out with its fields as element ids
 * (`<prefix>-<field>`) and its codes as message keys, ready for `handleForm`; everything else
 * passes unchanged.
 */
export async function forForm<T>(work: () => Promise<T>, prefix = 'nw'): Promise<T> {
	try {
		return await work();
	} catch (e) {
		if (e instanceof ValidationError) throw new ValidationError(e.issues.map((i) => ({ ...i, field: elementId(i.field, prefix), code: code(i.code) })));
		throw e;
	}
}

/** The entered values of a form as plain data, for drawing it again (repeated fields as lists). */
export function formValues(form: FormData): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(form.keys())) {
		const all = formList(form, key);
		out[key] = all.length > 1 ? all : (all[0] ?? '');
	}
	return out;
}
