/**
 * The staff edit form of an instance: prefilled from the instance, and read back into an
 * `InstanceInput`. Field names:
 * `name`, `hostOrganization`, `street`, `postalCode`, `city`, `latitude`, `longitude`, `phone`,
 * `email`, `website`, `description_<locale>`, `languages` (repeated) + `languagesOther`
 * (comma-separated BCP 47 tags), `socialSpace` (repeated ids), `profile.<dimension>` (repeated
 * option keys), `open_<day>_<slot>` / `close_<day>_<slot>` for ISO weekdays 1–7 and slots 1–2.
 */
import { formText as str } from '../../core/form';
import { PROFILE_DIMENSIONS } from '../model';
import type { OpeningSlot } from '../schema';
import type { InstanceDetail, InstanceInput } from '../service';


function coordinate(value: string): number | null {
	return value === '' ? null : Number(value.replace(',', '.'));
}

/** Parses the form; does not validate (see `validateInstanceInput`). */
export function instanceInputFromForm(form: FormData, descriptionLocales: readonly string[]): InstanceInput {
	const openingHours: OpeningSlot[] = [];
	for (let day = 1; day <= 7; day++) {
		for (const slot of [1, 2]) {
			const opens = str(form, `open_${day}_${slot}`);
			const closes = str(form, `close_${day}_${slot}`);
			if (opens || closes) openingHours.push({ day, opens, closes });
		}
	}
	const languages = [
		...form.getAll('languages').filter((v): v is string => typeof v === 'string'),
		...str(form, 'languagesOther')
			.split(/[,;\s]+/)
			.filter(Boolean)
	];
	return {
		name: str(form, 'name'),
		hostOrganization: str(form, 'hostOrganization'),
		description: Object.fromEntries(descriptionLocales.map((l) => [l, str(form, `description_${l}`)]).filter(([, v]) => v)),
		street: str(form, 'street'),
		postalCode: str(form, 'postalCode'),
		city: str(form, 'city'),
		latitude: coordinate(str(form, 'latitude')),
		longitude: coordinate(str(form, 'longitude')),
		phone: str(form, 'phone'),
		email: str(form, 'email'),
		website: str(form, 'website'),
		openingHours,
		languages,
		socialSpaceIds: form.getAll('socialSpace').filter((v): v is string => typeof v === 'string'),
		profile: Object.fromEntries(
			PROFILE_DIMENSIONS.map((d) => [d.key, form.getAll(`profile.${d.key}`).filter((v): v is string => typeof v === 'string')])
		)
	};
}

/** The instance as an `InstanceInput`, for prefilling an edit form. */
export function toInput(d: InstanceDetail): InstanceInput {
	return {
		name: d.name,
		hostOrganization: d.hostOrganization,
		description: d.description,
		street: d.street,
		postalCode: d.postalCode,
		city: d.city,
		latitude: d.latitude,
		longitude: d.longitude,
		phone: d.phone,
		email: d.email,
		website: d.website,
		openingHours: d.openingHours,
		languages: d.languages,
		socialSpaceIds: d.socialSpaces.map((s) => s.id),
		profile: d.profile
	};
}
