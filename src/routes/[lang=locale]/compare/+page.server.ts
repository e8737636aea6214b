import { getDb } from '$lib/server/db';
import { findMunicipality, listMunicipalities } from '$lib/server/geography/service';
import { dimensionMapping, profileView } from '$lib/server/instances/view';
import { dimensionsServedBy, emptyProfile } from '$lib/server/instances/model';
import { getInstancesForComparison, listInstances } from '$lib/server/instances/service';
import type { PageServerLoad } from './$types';

/** Generalisierbarkeit: any instances side by side, dimension by dimension (seed 002). */
export const load: PageServerLoad = async ({ url }) => {
	const db = await getDb();
	const [municipalities, all] = await Promise.all([listMunicipalities(db), listInstances(db)]);
	let ids = url.searchParams.getAll('i');
	const preset = url.searchParams.get('municipality');
	if (preset) {
		const mu = await findMunicipality(db, preset);
		if (mu) ids = [...ids, ...all.filter((i) => i.municipalityId === mu.id).map((i) => i.id)];
	}
	const selected = await getInstancesForComparison(db, [...new Set(ids)].slice(0, 12));
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
};
