/** `formErrors` (http/errors.ts): what a form's error summary says for each issue, in German (no request: the default locale). */
import { describe, expect, it } from 'vitest';
import { formErrors } from '../../src/lib/server/http/errors';

describe('form error messages', () => {
	it('words an issue that names no value without quoting "undefined": choose an offered option, give a valid language code', () => {
		const [missing, empty, named] = formErrors([
			{ field: 'messageLocale', code: 'unknown_option' },
			{ field: 'kind', code: 'unknown_option', params: { value: '' } },
			{ field: 'field', code: 'unknown_option', params: { value: 'wohnen' } }
		]);
		expect(missing).toEqual({ field: 'messageLocale', id: 'messageLocale', message: 'Bitte wählen Sie eine der angebotenen Möglichkeiten.' });
		expect(empty.message).toBe('Bitte wählen Sie eine der angebotenen Möglichkeiten.');
		expect(named.message).toBe('„wohnen“ ist keine Option des Modells.');
		const [language, typed] = formErrors([
			{ field: 'language', code: 'invalid_language' },
			{ field: 'explainedIn', code: 'invalid_language', params: { value: 'xx-' } }
		]);
		expect(language.message).toBe('Bitte geben Sie ein gültiges Sprachkürzel an, z. B. ar, fa, de.');
		expect(typed.message).toBe('„xx-“ ist kein gültiges Sprachkürzel (BCP 47).');
	});

	it('keeps the first issue of a field and links it to the field’s element', () => {
		const errors = formErrors([
			{ field: 'languages.0.language', code: 'required' },
			{ field: 'languages.0.language', code: 'invalid_language', params: { value: 'xx' } }
		]);
		expect(errors).toEqual([{ field: 'languages.0.language', id: 'languages-0-language', message: 'Bitte füllen Sie dieses Feld aus.' }]);
	});
});
