/**
 * Form errors as pages receive them from the server (`formErrors` in `$lib/server/http/errors`):
 * one entry per field with the message in the reader's language and the id of the element the
 * error summary links to. Shared by every form, so an error looks and reads the same everywhere
 * (WCAG 2.2 SC 3.3.1 Error Identification, 3.3.3 Error Suggestion).
 */

/** One problem of one field. `id` is the element id of the field (`locations-0-street`). */
export interface FormError {
	field: string;
	id: string;
	message: string;
}

/** A form field's element id: the field path with dots as dashes (`locations.0.street` → `locations-0-street`). */
export function fieldId(field: string): string {
	return field.replaceAll('.', '-');
}

/** Helpers over one form's errors: the message of a field, `aria-invalid`, `aria-describedby`. */
export function errorsOf(errors: FormError[] | undefined) {
	const list = errors ?? [];
	const find = (field: string) => list.find((e) => e.field === field);
	return {
		list,
		/** The message of `field`, if any. */
		message: (field: string) => find(field)?.message,
		/** `'true'` when `field` has an error (for `aria-invalid`). */
		invalid: (field: string) => (find(field) ? ('true' as const) : undefined),
		/** `aria-describedby` for `field`: hint ids and its error's element. */
		described: (field: string, ...hints: string[]) => [...hints, find(field) ? `${find(field)!.id}-error` : ''].filter(Boolean).join(' ') || undefined
	};
}
