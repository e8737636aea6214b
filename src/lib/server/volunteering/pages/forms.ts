/**
 * Form fields → service inputs for Ehrenamt's pages. Repeated rows are numbered
 * (`languages.0.language`, `availability.1.startTime`), so an error names and links the very
 * field; forms without JavaScript send a fixed number of rows.
 */
import { formList as all, formText as text } from '../../core/form';
import type { CheckInput } from '../checks';
import type { HoursInput } from '../hours';
import type { NeedInput } from '../needs';
import type { AvailabilityInput, ProfileInput } from '../profiles';
import type { PlaceInput } from '../settings';

/** Trimmed text value of a form field ('' when absent or a file); page data may not import `http/`. */
export { text };

/** Rows of a profile form: languages and availability windows. */
export const FORM_ROWS = { languages: 3, availability: 3 } as const;

/** Every non-empty value of a repeated field. */
export { all };

/** Numbered rows `<prefix>.<i>.<field>`, `max` of them (empty ones included). */
function rows(form: FormData, prefix: string, fields: string[], max: number): Record<string, string>[] {
	return Array.from({ length: max }, (_, i) => Object.fromEntries(fields.map((f) => [f, text(form, `${prefix}.${i}.${f}`)])));
}

/** The profile as the registration and profile forms send it. */
export function profileFromForm(form: FormData): ProfileInput {
	const languages = rows(form, 'languages', ['language', 'level'], 8).filter((r) => r.language || r.level) as { language: string; level: string }[];
	const availability: AvailabilityInput[] = [];
	for (let i = 0; i < 8; i++) {
		const p = `availability.${i}.`;
		const weekdays = all(form, `${p}weekdays`).map(Number);
		const startTime = text(form, `${p}startTime`);
		const endTime = text(form, `${p}endTime`);
		const startsOn = text(form, `${p}startsOn`);
		const kind = text(form, `${p}kind`) === 'date' ? 'date' : 'weekly';
		if (!weekdays.length && !startTime && !endTime && !(kind === 'date' && startsOn)) continue;
		availability.push({ kind, weekdays, intervalWeeks: Number(text(form, `${p}intervalWeeks`) || 1), startsOn: startsOn || new Date().toISOString().slice(0, 10), endsOn: text(form, `${p}endsOn`), startTime, endTime, rrule: text(form, `${p}rrule`) || undefined });
	}
	return {
		displayName: text(form, 'displayName'),
		languages,
		activities: all(form, 'activities'),
		socialSpaceIds: all(form, 'socialSpaceIds'),
		availability,
		capHoursPerMonth: text(form, 'capHoursPerMonth'),
		messageLocale: text(form, 'messageLocale'),
		pausedFrom: text(form, 'pausedFrom'),
		pausedUntil: text(form, 'pausedUntil'),
		countInStatistics: text(form, 'notCounted') !== 'yes',
		consents: all(form, 'consents')
	};
}

/** A stored profile as the profile form's fields (the inverse of `profileFromForm`). */
export function profileToForm(input: ProfileInput): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {
		displayName: input.displayName,
		activities: input.activities,
		socialSpaceIds: input.socialSpaceIds,
		capHoursPerMonth: input.capHoursPerMonth === null ? '' : String(input.capHoursPerMonth),
		messageLocale: input.messageLocale,
		pausedFrom: input.pausedFrom ?? '',
		pausedUntil: input.pausedUntil ?? '',
		consents: input.consents,
		notCounted: input.countInStatistics ? '' : 'yes'
	};
	input.languages.forEach((l, i) => Object.assign(out, { [`languages.${i}.language`]: l.language, [`languages.${i}.level`]: l.level }));
	input.availability.forEach((a, i) => {
		const p = `availability.${i}.`;
		Object.assign(out, { [`${p}kind`]: a.kind, [`${p}weekdays`]: (a.weekdays ?? []).map(String), [`${p}intervalWeeks`]: String(a.intervalWeeks ?? 1), [`${p}startsOn`]: a.startsOn, [`${p}endsOn`]: a.endsOn ?? '', [`${p}startTime`]: a.startTime, [`${p}endTime`]: a.endTime });
	});
	return out;
}

/** The need form. */
export function needFromForm(form: FormData, municipalityId: string): NeedInput {
	return {
		municipalityId,
		instanceId: text(form, 'instanceId'),
		activity: text(form, 'activity'),
		socialSpaceId: text(form, 'socialSpaceId'),
		placeId: text(form, 'placeId'),
		language: text(form, 'language'),
		title: text(form, 'title'),
		description: text(form, 'description'),
		date: text(form, 'date'),
		startTime: text(form, 'startTime'),
		endTime: text(form, 'endTime'),
		rrule: text(form, 'rrule'),
		untilDate: text(form, 'untilDate'),
		slots: text(form, 'slots'),
		requirements: all(form, 'requirements'),
		selfSignup: text(form, 'selfSignup') === 'yes'
	};
}

/** The check form. */
export function checkFromForm(form: FormData): CheckInput {
	return { kind: text(form, 'kind'), training: text(form, 'training'), inspectedOn: text(form, 'inspectedOn'), issuedOn: text(form, 'issuedOn'), noCatalogueOffence: text(form, 'noCatalogueOffence'), validUntil: text(form, 'validUntil') };
}

/** The hours form (`profileId` only on the coordinators' page). */
export function hoursFromForm(form: FormData, profileId?: string): HoursInput {
	return { profileId, assignmentId: text(form, 'assignmentId') || undefined, workedOn: text(form, 'workedOn'), hours: text(form, 'hours'), activity: text(form, 'activity') || undefined, organisation: text(form, 'organisation') || undefined };
}

/** The place form. */
export function placeFromForm(form: FormData): PlaceInput {
	return { id: text(form, 'id') || undefined, name: text(form, 'name'), address: text(form, 'address'), kind: text(form, 'kind'), socialSpaceId: text(form, 'socialSpaceId'), instanceId: text(form, 'instanceId'), requirements: all(form, 'requirements') };
}

/** A form's text fields as an object, to draw the form again with what was entered. */
export function entered(form: FormData): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(form.keys())) {
		if (key === 'password') continue;
		const values = all(form, key);
		out[key] = values.length > 1 ? values : (values[0] ?? '');
	}
	return out;
}
