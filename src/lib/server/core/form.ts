/**
 * Reading posted form fields, for the routes (`http/forms.ts`) and the modules' page data alike:
 * page data may not import `http/`, so the one reading of a field lives here.
 */

/** Trimmed text value of a form field ('' when absent or a file). */
export function formText(form: FormData, name: string): string {
	const v = form.get(name);
	return typeof v === 'string' ? v.trim() : '';
}

/** The non-empty text values of a repeated field (checkboxes, multiple selects), trimmed. */
export function formList(form: FormData, name: string): string[] {
	return form
		.getAll(name)
		.filter((v): v is string => typeof v === 'string' && v.trim() !== '')
		.map((v) => v.trim());
}
