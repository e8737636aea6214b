/**
 * Looks up the error of a form field from the list the server sends (`FormError[]`), for the
 * directory's staff forms: the message, whether the input is invalid, and `aria-describedby`.
 */
export interface FormError {
	field: string;
	id: string;
	message: string;
}

/** Helpers over one form's errors. */
export function errorsOf(errors: FormError[] | undefined) {
	const list = errors ?? [];
	const find = (field: string) => list.find((e) => e.field === field);
	return {
		list,
		/** The message of `field`, if any. */
		message: (field: string) => find(field)?.message,
		/** `'true'` when `field` has an error (for `aria-invalid`). */
		invalid: (field: string) => (find(field) ? ('true' as const) : undefined),
		/** `aria-describedby` for `field`: its error's element and any hint ids. */
		described: (field: string, ...hints: string[]) => [...hints, find(field) ? `${find(field)!.id}-error` : ''].filter(Boolean).join(' ') || undefined
	};
}
