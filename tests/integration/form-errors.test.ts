/**
 * What a form's error summary says: `formErrors` (http/errors.ts) for each issue, in German (no
 * request: the default locale), and the field names the server writes into it (http/error-summary.ts).
 */
import { describe, expect, it } from 'vitest';
import { nameErrorSummaryFields } from '../../src/lib/server/http/error-summary';
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

	it('writes the dates an issue names as the reader\'s language does, not as the domain checked them', () => {
		const [past, deadline] = formErrors([
			{ field: 'firstDay', code: 'ho_in_past', params: { date: '2026-03-10' } },
			{ field: 'proposalDeadline', code: 'nw_deadline_passed', params: { deadline: '2026-03-07 17:00' } }
		]);
		expect(past.message).toBe('Der 10.03.2026 liegt in der Vergangenheit.');
		expect(deadline.message).toContain('07.03.2026, 17:00');
		expect(deadline.message).not.toContain('2026-03-07');
		// A day that does not exist is quoted as it came, not turned into another day (2026-02-30 is no 2 March).
		const [typo] = formErrors([{ field: 'firstDay', code: 'ho_in_past', params: { date: '2026-02-30' } }]);
		expect(typo.message).toBe('Der 2026-02-30 liegt in der Vergangenheit.');
	});

	it('keeps the first issue of a field and links it to the field’s element', () => {
		const errors = formErrors([
			{ field: 'languages.0.language', code: 'required' },
			{ field: 'languages.0.language', code: 'invalid_language', params: { value: 'xx' } }
		]);
		expect(errors).toEqual([{ field: 'languages.0.language', id: 'languages-0-language', message: 'Bitte füllen Sie dieses Feld aus.' }]);
	});
});

describe('error summary field names', () => {
	const join = (label: string, message: string) => `${label}: ${message}`;
	const summary = (...links: string[]) => `<div class="error-summary"><h2>Bitte korrigieren</h2> <ul data-name-fields=""><!--[-->${links.map((l) => `<li>${l}</li>`).join('')}<!--]--></ul></div>`;
	const itemsOf = (html: string) => [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);

	it('names each field by its label, legend, group name or the legend around its boxes, in the order of the form', () => {
		const form = [
			'<form><div class="field"><label for="name">Name <span class="hint">(Pflicht)</span></label><input id="name"></div>',
			'<fieldset id="consents"><legend>Einwilligungen</legend><label class="check"><input type="checkbox" name="c"> Ja</label></fieldset>',
			'<div class="pair" id="locations-0-coordinates" role="group" aria-label="Breitengrad, Längengrad"><input id="lat"></div>',
			'<fieldset><legend>Dringlichkeit</legend><label class="check"><input type="radio" id="urgency-medium"> mittel</label></fieldset></form>'
		].join('');
		const html = summary(
			'<a href="#urgency-medium">Bitte wählen.</a>',
			'<a href="#locations-0-coordinates">Liegt außerhalb der Stadt.</a>',
			'<a href="#name">Bitte füllen Sie dieses Feld aus.</a>',
			'<a href="#consents">Ohne Einwilligung geht es nicht.</a>'
		) + form;
		expect(itemsOf(nameErrorSummaryFields(html, join))).toEqual([
			'<a href="#name">Name (Pflicht): Bitte füllen Sie dieses Feld aus.</a>',
			'<a href="#consents">Einwilligungen: Ohne Einwilligung geht es nicht.</a>',
			'<a href="#locations-0-coordinates">Breitengrad, Längengrad: Liegt außerhalb der Stadt.</a>',
			'<a href="#urgency-medium">Dringlichkeit: Bitte wählen.</a>'
		]);
	});

	it('writes a problem of the whole form first and without a link when no element carries its id, and leaves an unnamed element’s message alone', () => {
		const html = summary('<a href="#point">Bitte einen Ort wählen.</a>', '<a href="#proposal">Keine Änderungen.</a>') + '<input type="image" id="point" alt="Karte">';
		expect(itemsOf(nameErrorSummaryFields(html, join))).toEqual(['Keine Änderungen.', '<a href="#point">Bitte einen Ort wählen.</a>']);
	});

	it('leaves pages without a marked summary as they are, and a search page’s own summary too', () => {
		const own = '<div class="error-summary"><ul><li><a href="#f-q">Suche: zu lang</a></li></ul></div><label for="f-q">Suche</label><input id="f-q">';
		expect(nameErrorSummaryFields(own, join)).toBe(own);
	});
});
