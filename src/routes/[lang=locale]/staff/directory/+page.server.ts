import { error } from '@sveltejs/kit';
import { can } from '$lib/server/access';
import { getDb } from '$lib/server/db';
import { VISIBILITIES } from '$lib/server/directory/model';
import { visibleLevels } from '$lib/server/directory/service';
import { listInstances } from '$lib/server/instances/service';
import { listDirectory, mayUseDirectory, openProposalCount, type DirectoryFilter } from '$lib/server/directory/staff-view';
import { formatDateTime } from '$lib/format';
import { msg } from '$lib/messages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const p = locals.principal!;
	if (!mayUseDirectory(p)) error(403, 'Forbidden');
	const db = await getDb();
	const kind = url.searchParams.get('kind');
	const filter: DirectoryFilter = {
		q: (url.searchParams.get('q') ?? '').trim().slice(0, 200),
		kind: kind === 'service' || kind === 'organization' ? kind : '',
		visibility: (VISIBILITIES as readonly string[]).includes(url.searchParams.get('visibility') ?? '') ? url.searchParams.get('visibility')! : '',
		instance: url.searchParams.get('instance') ?? ''
	};
	const instances = (await listInstances(db, p.municipalityId)).map((i) => ({ value: i.id, label: i.name }));
	if (filter.instance && !instances.some((i) => i.value === filter.instance)) filter.instance = '';
	const { rows, more } = await listDirectory(db, p, filter, locals.locale);
	const instanceName = new Map(instances.map((i) => [i.value, i.label]));
	const municipalityId = p.municipalityId;
	return {
		filter,
		more,
		rows: rows.map((r) => ({
			...r,
			visibilityLabel: msg(`visibility_${r.visibility}`),
			statusLabel: r.kind === 'service' ? msg(`status_${r.status.replaceAll(' ', '_')}`) : '',
			instanceName: r.instanceId ? (instanceName.get(r.instanceId) ?? '') : '',
			lastVerified: r.lastVerifiedAt ? formatDateTime(r.lastVerifiedAt, locals.locale) : null
		})),
		instances,
		visibilities: visibleLevels(p, municipalityId).map((v) => ({ value: v, label: msg(`visibility_${v}`) })),
		canReview: can(p, 'directory:review', { municipalityId }),
		openProposals: can(p, 'directory:review', { municipalityId }) ? await openProposalCount(db, municipalityId) : 0
	};
};
