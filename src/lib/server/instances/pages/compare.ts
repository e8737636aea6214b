/**
 * The comparison page (`/{lang}/compare`): any instances side by side, dimension by dimension,
 * with the model's mapping of integration dimensions to theme fields. Generalisierbarkeit of
 * the model across instances and municipalities: seed 002, MODEL.md §2 Part I.
 */
import { ValidationError } from '../../core/errors';
import { isUuid } from '../../core/validation';
import type { DbOrTx } from '../../db/client';
import { listMunicipalities } from '../../geography/service';
import { dimensionsServedBy, emptyProfile } from '../model';
import { getInstancesForComparison, listInstances } from '../service';
import { dimensionMapping, profileView } from './view';

/** At most this many instances side by side; a wider table cannot be read. */
const MAX_COLUMNS = 12;

/**
 * What the comparison page draws. Query: `i` (repeated instance ids) and `municipality` (a slug:
 * adds all of its working instances). Retired instances are not offered; ids of instances that
 * no longer exist are left out, as a saved link may name one.
 * @throws ValidationError `i` invalid_id (not a UUID); `municipality` not_found (no such slug).
 */
export async function comparePage(db: DbOrTx, query: URLSearchParams) {
	let ids = query.getAll('i');
	if (ids.some((id) => !isUuid(id))) throw new ValidationError([{ field: 'i', code: 'invalid_id' }]);
	const [municipalities, instances] = await Promise.all([listMunicipalities(db), listInstances(db)]);
	const all = instances.filter((i) => !i.retiredAt);
	const preset = query.get('municipality');
	if (preset) {
		const mu = municipalities.find((m) => m.slug === preset);
		if (!mu) throw new ValidationError([{ field: 'municipality', code: 'not_found' }]);
		ids = [...ids, ...all.filter((i) => i.municipalityId === mu.id).map((i) => i.id)];
	}
	const selected = await getInstancesForComparison(db, [...new Set(ids)].slice(0, MAX_COLUMNS));
	return {
		choices: municipalities.map((mu) => ({
			name: mu.name,
			instances: all
				.filter((i) => i.municipalityId === mu.id)
				.map((i) => ({ id: i.id, name: i.name, checked: selected.some((s) => s.id === i.id) }))
		})),
		columns: selected.map((s) => ({
			id: s.id,
			name: s.name,
			href: `${municipalities.find((mu) => mu.id === s.municipalityId)?.slug}/i/${s.slug}`,
			served: dimensionsServedBy(s.profile.theme_fields)
		})),
		rows: profileView(emptyProfile()).map((dim) => ({
			...dim,
			options: dim.options.map((o) => ({
				key: o.key,
				wording: o.wording,
				chosenBy: selected.map((s) => s.profile[dim.key as keyof typeof s.profile].includes(o.key))
			}))
		})),
		mapping: dimensionMapping()
	};
}
