import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { getOrganization, getService, visibleLevels } from '$lib/server/directory/service';
import { entryHistory, entryScope, mayUseDirectory } from '$lib/server/directory/staff-view';
import { pickText } from '$lib/server/directory/texts';
import { formatDateTime } from '$lib/format';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const p = locals.principal!;
	if (!mayUseDirectory(p)) error(403, 'Forbidden');
	const kind = params.kind;
	if (kind !== 'service' && kind !== 'organization') error(404, 'Not found');
	const db = await getDb();
	if (!(await entryScope(db, p, kind, params.id))) error(404, 'Not found');
	const levels = visibleLevels(p, p.municipalityId);
	const name =
		kind === 'service'
			? (pickText((await getService(db, params.id, levels))!.name, locals.locale)?.text ?? '')
			: (await getOrganization(db, params.id, levels))!.name;
	const rows = await entryHistory(db, kind, params.id);
	return {
		kind,
		id: params.id,
		name,
		rows: rows.map((r) => ({ ...r, at: formatDateTime(r.at, locals.locale) }))
	};
};
