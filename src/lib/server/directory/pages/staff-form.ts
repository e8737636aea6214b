/**
 * The staff forms of the directory (issue 3 §1–§3): reading actor and offer inputs from a posted
 * form, and the view model the forms are drawn from. Works without JavaScript: lists of places
 * and opening hours have a fixed number of rows (the existing ones plus empty ones).
 *
 * Form field names follow the input's field paths, so a `ValidationError` issue's `field`
 * (e.g. `locations.0.postalCode`) names the input it belongs to:
 * - translated texts: `<field>.<lang>` with `<field>.<lang>.status` (original, human, machine,
 *   outdated — choosing `outdated` keeps a translation marked as not matching the original;
 *   choosing human/machine for an outdated one confirms it for the current original);
 * - places `locations.<i>.<field>`, opening hours `schedules.<i>.<field>`, with the number of
 *   rows drawn in `locationsRows` / `schedulesRows` and `.remove` checkboxes; a schedule's place
 *   is the row number of a place (empty: all places);
 * - cost as euros (`costAmount`, `12,50` or `12.50`) stored in cents.
 * Numbers that cannot be read give issues (`invalid_age`, `invalid_amount`,
 * `invalid_coordinates`) in the same shape as the service's validation.
 */
import { formList as all, formText } from '../../core/form';
import type { FieldIssue } from '../../core/errors';
import { CONTENT_LANGUAGES, type Visibility } from '../model';
import type { TranslatedText } from '../schema';
import type { LocationInput, OrganizationInput, ScheduleInput, ServiceInput } from '../service';
import { effectiveStatus, originalLanguage, textHash, withVersion } from '../texts';

/** Marks a translation as outdated when staff say so (never equal to a text hash). */
const OUTDATED_BASIS = 'outdated';
/** Empty rows offered for new places and opening hours (the form posts `<list>Rows`). */
export const EMPTY_PLACE_ROWS = 1;
export const EMPTY_SCHEDULE_ROWS = 3;

/** A posted field's text, trimmed ('' when absent or a file). */
export { formText };

/** Languages a text field offers: the content languages plus any other the text already has. */
export function textLanguages(t: TranslatedText): string[] {
	return [...CONTENT_LANGUAGES, ...Object.keys(t).filter((l) => !(CONTENT_LANGUAGES as readonly string[]).includes(l))];
}

/**
 * A translated text from `<field>.<lang>` and `<field>.<lang>.status` inputs. Unchanged
 * translations keep their basis, so they turn outdated when the original changed.
 */
function textFromForm(form: FormData, field: string, previous: TranslatedText): TranslatedText {
	const versions = textLanguages(previous)
		.map((lang) => ({ lang, text: formText(form, `${field}.${lang}`), status: formText(form, `${field}.${lang}.status`) || 'human' }))
		.filter((v) => v.text);
	const originals = versions.filter((v) => v.status === 'original');
	if (originals.length !== 1) {
		// Leave the choice visible as made: validation reports `one_original`.
		return Object.fromEntries(versions.map((v) => [v.lang, { text: v.text, status: v.status === 'original' ? 'original' : 'human' }]));
	}
	const basis = textHash(originals[0].text);
	const out: TranslatedText = {};
	for (const v of versions) {
		const prev = previous[v.lang];
		if (v.status === 'original') out[v.lang] = { text: v.text, status: 'original' };
		else if (v.status === 'outdated') {
			const stale = prev?.basis && prev.basis !== basis ? prev.basis : OUTDATED_BASIS;
			out[v.lang] = { text: v.text, status: prev?.status === 'machine' ? 'machine' : 'human', basis: stale };
		} else {
			const status = v.status === 'machine' ? 'machine' : 'human';
			const keep = prev && prev.status === status && prev.text === v.text && effectiveStatus(previous, v.lang) !== 'outdated';
			out[v.lang] = keep ? prev : { text: v.text, status, basis };
		}
	}
	return out;
}

/** The original language's text of `<field>` as one input (`<field>`), keeping translations. */
function noteFromForm(form: FormData, name: string, previous: TranslatedText): TranslatedText {
	return withVersion(previous, originalLanguage(previous) ?? 'de', formText(form, name));
}

function number(form: FormData, name: string, issues: FieldIssue[], issue: FieldIssue, integer = false): number | null {
	const raw = formText(form, name).replace(',', '.');
	if (!raw) return null;
	const n = Number(raw);
	if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
		if (!issues.some((i) => i.field === issue.field && i.code === issue.code)) issues.push(issue);
		return null;
	}
	return n;
}

/** Number of rows a list was drawn with (hidden input `<list>Rows`), at most 50. */
function rowCount(form: FormData, list: string): number {
	const n = Number(formText(form, `${list}Rows`));
	return Number.isInteger(n) && n > 0 ? Math.min(n, 50) : 0;
}

/**
 * Places from rows `locations.<row>.*`; empty new rows and rows marked `remove` are left out.
 * @returns the places and, per drawn row, its index among them (for the schedules' place choice).
 */
function locationsFromForm(form: FormData, previous: LocationInput[], issues: FieldIssue[]): { locations: LocationInput[]; indexOfRow: Map<number, number> } {
	const locations: LocationInput[] = [];
	const indexOfRow = new Map<number, number>();
	for (let row = 0; row < rowCount(form, 'locations'); row++) {
		const p = `locations.${row}`;
		if (form.get(`${p}.remove`)) continue;
		const id = formText(form, `${p}.id`);
		const prev = previous.find((l) => l.id && l.id === id);
		const coordIssue = { field: `locations.${locations.length}.coordinates`, code: 'invalid_coordinates' };
		const loc: LocationInput = {
			...(prev ? { id: prev.id } : {}),
			name: formText(form, `${p}.name`),
			street: formText(form, `${p}.street`),
			postalCode: formText(form, `${p}.postalCode`),
			city: formText(form, `${p}.city`),
			latitude: number(form, `${p}.latitude`, issues, coordIssue),
			longitude: number(form, `${p}.longitude`, issues, coordIssue),
			accessibility: all(form, `${p}.accessibility`),
			accessibilityNote: noteFromForm(form, `${p}.accessibilityNote`, prev?.accessibilityNote ?? {}),
			directions: noteFromForm(form, `${p}.directions`, prev?.directions ?? {}),
			...(prev?.hsdsExtra ? { hsdsExtra: prev.hsdsExtra } : {})
		};
		const empty = !prev && !loc.name && !loc.street && !loc.postalCode && !loc.city && !formText(form, `${p}.latitude`) && !formText(form, `${p}.longitude`);
		if (empty) continue;
		indexOfRow.set(row, locations.length);
		locations.push(loc);
	}
	return { locations, indexOfRow };
}

/** Opening hours from rows `schedules.<row>.*`; rows without day and times are left out. */
function schedulesFromForm(form: FormData, previous: ScheduleInput[], indexOfRow: Map<number, number>): ScheduleInput[] {
	const out: ScheduleInput[] = [];
	for (let row = 0; row < rowCount(form, 'schedules'); row++) {
		const p = `schedules.${row}`;
		const weekday = formText(form, `${p}.weekday`);
		const opensAt = formText(form, `${p}.opensAt`);
		const closesAt = formText(form, `${p}.closesAt`);
		if (form.get(`${p}.remove`) || (!weekday && !opensAt && !closesAt)) continue;
		const id = formText(form, `${p}.id`);
		const prev = previous.find((s) => s.id && s.id === id);
		const place = formText(form, `${p}.location`);
		out.push({
			...(prev?.id ? { id: prev.id } : {}),
			weekday: weekday ? Number(weekday) : 0,
			opensAt,
			closesAt,
			validFrom: formText(form, `${p}.validFrom`) || null,
			validTo: formText(form, `${p}.validTo`) || null,
			appointmentOnly: form.get(`${p}.appointmentOnly`) === 'on',
			note: noteFromForm(form, `${p}.note`, prev?.note ?? {}),
			// A place that was removed in the same submit becomes an unknown place (-1).
			location: place === '' ? null : (indexOfRow.get(Number(place)) ?? -1),
			...(prev?.hsdsExtra ? { hsdsExtra: prev.hsdsExtra } : {})
		});
	}
	return out;
}

/** BCP 47 tags from the checkboxes `languages` and the comma-separated `languagesOther`. */
function languagesFromForm(form: FormData): string[] {
	const other = formText(form, 'languagesOther')
		.split(/[,\s]+/)
		.filter(Boolean);
	return [...new Set([...all(form, 'languages'), ...other])];
}

/**
 * An offer from the posted form. `previous` is the offer as stored (for translation bases,
 * row ids and imported extras), or null for a new one.
 * @returns the input and issues found while reading numbers.
 */
export function serviceInputFromForm(form: FormData, previous: ServiceInput | null): { input: ServiceInput; issues: FieldIssue[] } {
	const issues: FieldIssue[] = [];
	const { locations, indexOfRow } = locationsFromForm(form, previous?.locations ?? [], issues);
	const euros = number(form, 'costAmount', issues, { field: 'costAmount', code: 'invalid_amount' });
	const input: ServiceInput = {
		organizationId: formText(form, 'organizationId'),
		instanceId: formText(form, 'instanceId') || null,
		name: textFromForm(form, 'name', previous?.name ?? {}),
		description: textFromForm(form, 'description', previous?.description ?? {}),
		status: formText(form, 'status') || 'active',
		visibility: (formText(form, 'visibility') || 'public') as Visibility,
		themeFields: all(form, 'themeFields'),
		subtopics: all(form, 'subtopics'),
		dimensionsOverride: form.get('dimensionsOverride') === 'on' ? all(form, 'dimensions') : null,
		targetGroups: all(form, 'targetGroups'),
		minimumAge: number(form, 'minimumAge', issues, { field: 'minimumAge', code: 'invalid_age' }, true),
		maximumAge: number(form, 'maximumAge', issues, { field: 'maximumAge', code: 'invalid_age' }, true),
		languages: languagesFromForm(form),
		costKind: formText(form, 'costKind') || 'free',
		costAmountCents: euros === null ? null : Math.round(euros * 100),
		costNote: textFromForm(form, 'costNote', previous?.costNote ?? {}),
		lowThreshold: form.get('lowThreshold') === 'on',
		accessRequirements: textFromForm(form, 'accessRequirements', previous?.accessRequirements ?? {}),
		requiredDocuments: textFromForm(form, 'requiredDocuments', previous?.requiredDocuments ?? {}),
		eligibility: textFromForm(form, 'eligibility', previous?.eligibility ?? {}),
		url: formText(form, 'url'),
		email: formText(form, 'email'),
		phone: formText(form, 'phone'),
		contactName: formText(form, 'contactName'),
		locations,
		schedules: schedulesFromForm(form, previous?.schedules ?? [], indexOfRow),
		...(previous?.hsdsExtra ? { hsdsExtra: previous.hsdsExtra } : {})
	};
	return { input, issues };
}

/** An actor from the posted form; see `serviceInputFromForm`. */
export function organizationInputFromForm(form: FormData, previous: OrganizationInput | null): { input: OrganizationInput; issues: FieldIssue[] } {
	const issues: FieldIssue[] = [];
	const input: OrganizationInput = {
		name: formText(form, 'name'),
		alternateNames: formText(form, 'alternateNames')
			.split('\n')
			.map((n) => n.trim())
			.filter(Boolean),
		description: textFromForm(form, 'description', previous?.description ?? {}),
		actorType: formText(form, 'actorType') || 'other',
		email: formText(form, 'email'),
		phone: formText(form, 'phone'),
		website: formText(form, 'website'),
		visibility: (formText(form, 'visibility') || 'public') as Visibility,
		instanceId: formText(form, 'instanceId') || null,
		socialSpaceIds: all(form, 'socialSpaceIds'),
		locations: locationsFromForm(form, previous?.locations ?? [], issues).locations,
		amenity: previous?.amenity ?? null,
		...(previous?.hsdsExtra ? { hsdsExtra: previous.hsdsExtra } : {})
	};
	return { input, issues };
}
